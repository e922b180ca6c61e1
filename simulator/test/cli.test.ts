/**
 * `npm run sim` as other test suites use it (design.md §4): the exact `api listening on` lines on
 * standard output, a working router behind them, a clean exit on SIGTERM, and clear errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../protocol/node/connect';
import { decodeMndp } from '../../protocol/src/index';
import { Resources, within } from './helpers';

const root = join(__dirname, '..', '..');
const res = new Resources();
afterEach(() => res.run());

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function sim(args: string[]): Run {
  // What `npm run sim` runs (package.json): the compiled simulator, rebuilt first if stale.
  const child = spawn(process.execPath, [join(root, 'scripts', 'sim.mjs'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  res.add(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Polls the child's output (an external process) until `re` matches or the deadline passes. */
async function waitFor(run: Run, re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = run.stdout().match(re);
    if (m) return m;
    if (run.child.exitCode !== null) throw new Error(`sim exited (${run.child.exitCode}): ${run.stderr()}`);
    if (Date.now() > end) throw new Error(`no match for ${re} within ${ms} ms; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('npm run sim', () => {
  it('is the launcher of the compiled simulator, not a TypeScript loader', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['sim']).toBe('node scripts/sim.mjs');
  });

  it('prints exactly one listening line per service, serves both, and exits 0 on SIGTERM', async () => {
    const run = sim(['--port', '0', '--tls-port', '0', '--no-activity', '--password', 'pw', '--ros-version', '7.17']);
    await waitFor(run, /api-ssl listening on .*\n/);
    const lines = run
      .stdout()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    const api = /^api listening on 127\.0\.0\.1:(\d+)$/.exec(lines[0]!);
    const ssl = /^api-ssl listening on 127\.0\.0\.1:(\d+)$/.exec(lines[1]!);
    expect(api).not.toBeNull();
    expect(ssl).not.toBeNull();
    const plain = await connect({ host: '127.0.0.1', port: Number(api![1]), user: 'admin', password: 'pw' });
    res.add(() => plain.session.close());
    expect((await plain.session.command(['/system/resource/get', '=value-name=version'])).ret).toBe('7.17 (stable)');
    const tls = await connect({
      host: '127.0.0.1',
      port: Number(ssl![1]),
      user: 'admin',
      password: 'pw',
      tls: { mode: 'anonymous' },
    });
    res.add(() => tls.session.close());
    expect((await tls.session.command(['/system/identity/print'])).rows).toEqual([{ name: 'MikroTik' }]);
    run.child.kill('SIGTERM');
    expect(await within(run.exit, 10_000, 'the simulator to exit')).toBe(0);
    expect(run.stderr()).toContain('RouterOS 7.17 simulator');
  });

  it('reports the certificate fingerprint on standard error in certificate mode', async () => {
    const run = sim(['--tls-port', '0', '--tls-mode', 'certificate', '--no-activity']);
    const m = await waitFor(run, /api-ssl listening on 127\.0\.0\.1:(\d+)\n/);
    const deadline = Date.now() + 5000;
    while (!/fingerprint/.test(run.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const fp = /SHA-256 fingerprint ([0-9A-F:]{95})/.exec(run.stderr());
    expect(fp).not.toBeNull();
    const c = await connect({
      host: '127.0.0.1',
      port: Number(m[1]),
      user: 'admin',
      password: '',
      tls: { mode: 'pinned', fingerprint256: fp![1]! },
    });
    res.add(() => c.session.close());
    expect((await c.session.command(['/system/identity/print'])).rows).toHaveLength(1);
    run.child.kill('SIGINT');
    expect(await within(run.exit, 10_000, 'the simulator to exit')).toBe(0);
  });

  it('--mndp announces the router to HOST:PORT over UDP, and says so on standard error only', async () => {
    const socket = dgram.createSocket('udp4');
    const packet = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    res.add(() => socket.close());
    const port = socket.address().port;
    const run = sim([
      '--port',
      '0',
      '--no-activity',
      '--identity',
      'cli-mndp',
      '--mndp',
      `127.0.0.1:${port}`,
      '--mndp-interval-ms',
      '100',
    ]);
    const r = decodeMndp(await within(packet, 20_000, 'an MNDP announcement'));
    expect(r.ok && r.packet).toMatchObject({ identity: 'cli-mndp', ipv4: '127.0.0.1', platform: 'MikroTik' });
    await waitFor(run, /api listening on .*\n/);
    expect(run.stdout()).toMatch(/^api listening on 127\.0\.0\.1:\d+\n$/);
    const deadline = Date.now() + 5000;
    while (!/announcing over MNDP/.test(run.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(run.stderr()).toMatch(
      new RegExp(`announcing over MNDP to 127\\.0\\.0\\.1:${port} every 0\\.1 s; discovery requests to 127\\.0\\.0\\.1:\\d+`),
    );
    run.child.kill('SIGTERM');
    expect(await within(run.exit, 10_000, 'the simulator to exit')).toBe(0);
  });

  it('exits 2 with one clear line for a bad option', async () => {
    const run = sim(['--port', 'eighty']);
    expect(await within(run.exit, 20_000, 'the simulator to exit')).toBe(2);
    expect(run.stderr().trim()).toBe('sim: --port needs a whole number, got "eighty"');
    expect(run.stdout()).toBe('');
  });
});
