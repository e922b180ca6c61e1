#!/usr/bin/env node
// `npm test`: every check the project has — type check, lint, unit/integration, keychain (under a
// private D-Bus session with gnome-keyring when available), renderer and end-to-end — and one
// closing line `N passed, N failed` with the counts of all suites together.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const summary = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
  return r.status ?? 1;
}

function check(name, cmd, args) {
  if (only.length && !only.includes(name)) return;
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const ok = run(cmd, args) === 0;
  if (ok) passed++;
  else failed++;
  summary.push(`${name}: ${ok ? 'passed' : 'FAILED'}`);
}

function vitest(name, project, wrap) {
  if (only.length && !only.includes(name)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tikscope-test-'));
  const report = join(dir, 'report.json');
  const args = [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    '--passWithNoTests',
  ];
  console.log(`\n=== ${name}: npx ${args.join(' ')}`);
  const status = wrap ? wrap(['npx', ...args]) : run('npx', args);
  let p = 0,
    f = 0,
    s = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    p = json.numPassedTests ?? 0;
    f = (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
    s = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    // A crashed file or an unhandled error fails the run even when every counted test passed.
    if (status !== 0 && f === 0) f = 1;
  } else if (status !== 0) f = 1;
  rmSync(dir, { recursive: true, force: true });
  passed += p;
  failed += f;
  skipped += s;
  summary.push(`${name}: ${p} passed, ${f} failed, ${s} skipped`);
}

/** Runs the keychain suite under its own D-Bus session with an unlocked gnome-keyring and a temp HOME. */
function underSecretService(cmd) {
  const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
    console.log('keychain: dbus-run-session or gnome-keyring-daemon missing; running without a Secret Service');
    return run(cmd[0], cmd.slice(1), { env: { TIKSCOPE_SECRET_SERVICE: 'absent' } });
  }
  const home = mkdtempSync(join(tmpdir(), 'tikscope-home-'));
  const script = `echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${cmd.map((a) => `'${a}'`).join(' ')}`;
  const status = run('dbus-run-session', ['--', 'sh', '-c', script], {
    env: { HOME: home, XDG_DATA_HOME: join(home, '.local/share'), TIKSCOPE_SECRET_SERVICE: 'present' },
  });
  rmSync(home, { recursive: true, force: true });
  return status;
}

// Name the system packages a suite needs before it fails on their absence (Debian names; `.ci/run`
// installs them), so a newcomer reads one line instead of a stack trace.
{
  const needs = [
    ['/usr/bin/chromium', 'chromium', 'the end-to-end suite'],
    ['/usr/bin/python3', 'python3-librouteros', 'the librouteros interop tests'],
    ['/usr/bin/dbus-run-session', 'dbus', 'the keychain suite'],
    ['/usr/bin/gnome-keyring-daemon', 'gnome-keyring', 'the keychain suite'],
    ['/usr/bin/tshark', 'tshark', 'the pcapng export and Wireshark dissector tests (skipped without it)'],
  ];
  const missing = needs.filter(([bin]) => !existsSync(bin));
  const lib = spawnSync('/usr/bin/python3', ['-c', 'import librouteros'], { stdio: 'ignore' });
  if (existsSync('/usr/bin/python3') && lib.status !== 0)
    missing.push(['librouteros', 'python3-librouteros', 'the librouteros interop tests']);
  for (const [bin, pkg, who] of missing)
    console.log(`missing: ${bin} (Debian package ${pkg}) — needed by ${who}; those tests will fail`);
}

check('typecheck', 'npx', ['tsc', '-b']);
check('lint', 'npx', ['eslint', '.']);
check('format', 'npx', ['prettier', '--check', '.']);
if (!only.length || only.includes('build')) check('build', 'node', ['scripts/build.mjs']);
vitest('unit', 'unit');
vitest('keychain', 'keychain', underSecretService);
vitest('renderer', 'renderer');
// The e2e suite also runs under the private Secret Service, so the password of a saved connection
// is checked in the real keychain (issue 5), not only on the run-only fallback path.
vitest('e2e', 'e2e', underSecretService);
vitest('packaging', 'packaging');

console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
