#!/usr/bin/env node
// `npm start [-- --data-dir DIR] [--port N]` (design.md §4): builds, then starts the desktop app.
// Where the Electron binary cannot be had — never downloaded (offline install), or it fails before
// showing a window (no display, unsupported system) — it says so in one line and starts the
// browser host instead, which prints its URL.
//
// The Electron binary is located the way node_modules/electron/index.js does it, but without
// requiring that module: its require() starts a download when the binary is missing and throws
// when that fails (engineering-notes §5.1). Electron 45 downloads its binary lazily, so on first
// run `npm start` fetches it once with the package's own install.js (time-limited; on a closed
// network the fetch is refused within a second and the browser host starts instead).
// TIKSCOPE_FETCH_ELECTRON=0 skips the fetch. What the downloader prints (on a closed network, a
// `TypeError: fetch failed` stack trace) goes to out/electron-download.log, named in the one-line
// explanation, not to the terminal: a newcomer sees that line and the browser host's address
// (issue 11 item 17). So does the build's output, shown only when the build fails.
//
// TIKSCOPE_NO_ELECTRON=1 goes straight to the browser host.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Printed by the main process once the window is on screen (app-main/src/electron/app.ts). */
const READY_LINE = 'tikscope: window shown';

function platformExecutable() {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** `{ exe }`, or `{ missing: reason, download? }` (download: fetching the binary may help). */
function findElectron(env) {
  const pkgDir = join(root, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || platformExecutable());
    return existsSync(exe) ? { exe } : { missing: `${exe} (ELECTRON_OVERRIDE_DIST_PATH) does not exist` };
  }
  if (!existsSync(pkgDir)) return { missing: 'the electron package is not installed' };
  if (!relative) {
    return {
      missing:
        'the Electron binary was never downloaded (node_modules/electron/path.txt is missing; `npx install-electron` fetches it)',
      download: true,
    };
  }
  const exe = join(pkgDir, 'dist', relative);
  return existsSync(exe) ? { exe } : { missing: `${exe} is missing`, download: true };
}

function parseArgs(argv) {
  const out = { dataDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') out.dataDir = argv[i + 1];
    else if (arg.startsWith('--data-dir=')) out.dataDir = arg.slice('--data-dir='.length);
  }
  return out;
}

const DOWNLOAD_LIMIT_MS = 5 * 60 * 1000;
/**
 * The "fetching" notice waits this long: a refused or unresolvable fetch (a closed network) fails
 * well within it and then the explanation is the only line; a real download shows the notice.
 */
const DOWNLOAD_NOTICE_DELAY_MS = 1500;
const DOWNLOAD_LOG = join(root, 'out', 'electron-download.log');

/**
 * Runs node_modules/electron/install.js once, its output to DOWNLOAD_LOG. Resolves undefined when
 * it worked, a reason (naming the log) when it failed, null when there is nothing to run.
 */
function downloadElectron(env) {
  const script = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(script)) return Promise.resolve(null);
  let log;
  try {
    mkdirSync(dirname(DOWNLOAD_LOG), { recursive: true });
    log = openSync(DOWNLOAD_LOG, 'w');
  } catch (error) {
    return Promise.resolve(`its download log ${DOWNLOAD_LOG} cannot be written (${error.message})`);
  }
  const notice = setTimeout(
    () => console.error(`tikscope: fetching the Electron binary (Ctrl+C to skip; progress in ${DOWNLOAD_LOG})…`),
    DOWNLOAD_NOTICE_DELAY_MS,
  );
  return new Promise((done) => {
    const child = spawn(process.execPath, [script], { cwd: dirname(script), env, stdio: ['ignore', log, log] });
    const timer = setTimeout(() => child.kill('SIGTERM'), DOWNLOAD_LIMIT_MS);
    const release = forwardSignals(child);
    let settled = false;
    /** `what (detail; details in LOG)`, or undefined when it worked; 'error' and 'exit' may both come. */
    const finish = (what, detail) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(notice);
      release();
      closeSync(log);
      done(what === undefined ? undefined : `${what} (${detail}; details in ${DOWNLOAD_LOG})`);
    };
    child.on('error', (error) => finish('its download could not start', error.message));
    child.on('exit', (code, signal) =>
      code === 0 ? finish() : finish('its download failed', signal ? `stopped by ${signal}` : `exit code ${code}`),
    );
  });
}

/** Forwards SIGINT/SIGTERM to the child so it can shut down cleanly (dispose, /quit). */
function forwardSignals(child) {
  const handlers = ['SIGINT', 'SIGTERM'].map((signal) => {
    const handler = () => child.kill(signal);
    process.on(signal, handler);
    return [signal, handler];
  });
  return () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
}

function startHost(argv) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'out', 'host', 'host.mjs'), ...argv], { cwd: root, stdio: 'inherit' });
    const release = forwardSignals(child);
    child.on('error', (error) => {
      release();
      console.error(`tikscope: could not start the browser host: ${error.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      release();
      done(code ?? (signal ? 1 : 0));
    });
  });
}

/** Resolves `{ code }` when Electron ran, or `{ failed: reason }` when it never showed a window. */
function runElectron(exe, argv, env) {
  return new Promise((done) => {
    const { dataDir } = parseArgs(argv);
    const childEnv = { ...env, TIKSCOPE_REPORT_READY: '1' };
    if (dataDir) childEnv.TIKSCOPE_USER_DATA = resolve(dataDir);
    let shown = false;
    let settled = false;
    const finish = (value) => {
      if (!settled) {
        settled = true;
        done(value);
      }
    };
    const child = spawn(exe, [root], { cwd: root, env: childEnv, stdio: ['inherit', 'pipe', 'inherit'] });
    const release = forwardSignals(child);
    let pending = '';
    child.stdout.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim() === READY_LINE) shown = true;
        else process.stdout.write(`${line}\n`);
      }
    });
    child.on('error', (error) => {
      release();
      finish({ failed: `it could not be launched (${error.message})` });
    });
    child.on('exit', (code, signal) => {
      release();
      if (pending) process.stdout.write(pending);
      if (shown || code === 0) finish({ code: code ?? 0 });
      else finish({ failed: `it exited ${signal ? `on ${signal}` : `with code ${code}`} before showing a window` });
    });
  });
}

export async function launch(argv, env = process.env) {
  if (env.TIKSCOPE_SKIP_BUILD !== '1') {
    // Its progress lines are noise to a newcomer; they are shown when the build fails.
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    if (built.status !== 0) {
      process.stderr.write(Buffer.concat([built.stdout ?? Buffer.alloc(0), built.stderr ?? Buffer.alloc(0)]));
      console.error(`tikscope: the build failed${built.error ? ` (${built.error.message})` : ''}; see above`);
      return 1;
    }
  }
  let electron = env.TIKSCOPE_NO_ELECTRON === '1' ? { missing: 'TIKSCOPE_NO_ELECTRON=1 is set' } : findElectron(env);
  const mayDownload =
    env.TIKSCOPE_FETCH_ELECTRON !== '0' && !env.ELECTRON_SKIP_BINARY_DOWNLOAD && !env.ELECTRON_OVERRIDE_DIST_PATH;
  if (electron.download && mayDownload) {
    const failed = await downloadElectron(env);
    if (failed === undefined) electron = findElectron(env);
    else if (failed !== null) electron = { missing: `the Electron binary is not downloaded and ${failed}` };
  }
  if ('exe' in electron) {
    const result = await runElectron(electron.exe, argv, env);
    if ('code' in result) return result.code;
    console.log(`Electron cannot start here: ${result.failed}; starting the browser host instead.`);
  } else {
    console.log(`Electron is not available: ${electron.missing}; starting the browser host instead.`);
  }
  return startHost(argv);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await launch(process.argv.slice(2)));
}
