/**
 * Offline packaging smoke test (engineering-notes §4.3): `electron-builder --linux dir` with a stub
 * Electron folder that carries the fuse sentinel, then the packaged app is read back — the ASAR
 * holds the main, preload and renderer bundles and nothing from sources, tests or source maps; the
 * native keychain module sits unpacked; the release fuses are flipped. It checks configuration,
 * globs and fuse flipping, not that Electron honours them (that needs the real binary).
 *
 * One test on purpose: building and packaging take a while.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** A fuse is one ASCII byte on the wire: '0' off, '1' on (@electron/fuses FuseState). */
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);
let work: string;

/** Runs a command to completion; rejects with its output when it fails. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

/**
 * An unpacked "Electron" that is only a shell script carrying the fuse wire as Electron 45 ships
 * it: sentinel, wire version 1, count 9, then one ASCII '0'/'1' per fuse.
 */
function stubElectronDist(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), `#!/bin/sh\nexit 0\n# ${SENTINEL}\x01\x09101100011\n`, 'latin1');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version);
  writeFileSync(join(dir, 'LICENSE'), 'stub');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), 'stub');
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tikscope-packaging-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packaged app (electron-builder --linux dir, offline)', () => {
  it('holds the bundles and nothing else, with the native module unpacked and the release fuses flipped', async () => {
    await run(process.execPath, [join(root, 'scripts/build.mjs')]);
    const dist = join(work, 'electron-dist');
    const output = join(work, 'release');
    stubElectronDist(dist);
    await run(
      process.execPath,
      [
        join(root, 'node_modules/electron-builder/cli.js'),
        '--linux',
        'dir',
        '--x64',
        '--publish',
        'never',
        '--config',
        join(root, 'electron-builder.yml'),
        // CI-only overrides: the stub Electron and a private output directory.
        `-c.electronDist=${dist}`,
        `-c.directories.output=${output}`,
      ],
      { CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    );

    const unpacked = join(output, 'linux-unpacked');
    const asar = join(unpacked, 'resources', 'app.asar');
    const entries = listPackage(asar, { isPack: false }).map((p) => p.replace(/\\/g, '/'));
    const files = entries.filter((p) => !('files' in statFile(asar, p.slice(1))));

    // The bundles, and the same bytes the build produced.
    for (const required of ['/package.json', '/out/main/main.cjs', '/out/preload/preload.cjs', '/out/renderer/index.html']) {
      expect(files, required).toContain(required);
    }
    expect(files.some((p) => /^\/out\/renderer\/.+\.js$/.test(p))).toBe(true);
    expect(extractFile(asar, 'out/preload/preload.cjs').equals(readFileSync(join(root, 'out/preload/preload.cjs')))).toBe(true);
    expect(JSON.parse(extractFile(asar, 'package.json').toString('utf8')).main).toBe('out/main/main.cjs');

    // Nothing from sources, tests, the browser host or source maps.
    const forbidden = files.filter(
      (p) =>
        /\.(map|ts|tsx|mts|cts)$/.test(p) ||
        (/^\/(app-main|app-renderer|protocol|simulator|tests|scripts|resources|docs|bench|\.ci|release)\//.test(p) &&
          // …except the RouterOS command trees the services read at run time (issue 13).
          !/^\/resources\/routeros-tree\/[^/]+\.json$/.test(p)) ||
        /^\/out\/(host\/|cli\.mjs|sim\.mjs)/.test(p) ||
        /\/(test|tests|__tests__)\//.test(p) ||
        /(^|\/)\.env$/.test(p) ||
        /^\/(tsconfig|vitest\.config|eslint\.config|electron-builder)\b/.test(p),
    );
    expect(forbidden).toEqual([]);
    expect(files).toContain('/resources/routeros-tree/index.json');

    // Every package main.cjs requires at run time is packaged; renderer-only packages are not.
    const main = extractFile(asar, 'out/main/main.cjs').toString('utf8');
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const required = new Set(
      [...main.matchAll(/\brequire\(\s*["']([^"'.][^"']*)["']\s*\)/g)]
        .map((m) => m[1]!)
        .filter((s) => !builtins.has(s) && !builtins.has(s.split('/')[0]!) && s !== 'electron'),
    );
    for (const specifier of required) {
      const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      // Optional native accelerators of ws are fine to miss; ws falls back to JS.
      if (['bufferutil', 'utf-8-validate'].includes(pkg)) continue;
      expect(files, `main.cjs requires ${specifier}`).toContain(`/node_modules/${pkg}/package.json`);
    }
    expect(files.some((p) => p.startsWith('/node_modules/react/'))).toBe(false);

    // Native code lives outside the archive (a .node file cannot be loaded from inside it).
    expect(
      files
        .filter((p) => p.endsWith('.node'))
        .every((p) => (statFile(asar, p.slice(1)) as { unpacked?: boolean }).unpacked === true),
    ).toBe(true);
    const keyringDir = join(unpacked, 'resources', 'app.asar.unpacked', 'node_modules', '@napi-rs');
    const nativeFiles = existsSync(keyringDir)
      ? readdirSync(keyringDir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.node'))
      : [];
    expect(nativeFiles.length, 'the @napi-rs/keyring prebuild is unpacked').toBeGreaterThan(0);

    // Fuses read back from the packaged executable (engineering-notes §2.3).
    const exe = join(unpacked, 'tikscope');
    const wire = await getCurrentFuseWire(exe);
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      enableCookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      enableNodeOptionsEnvironmentVariable: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      enableNodeCliInspectArguments: wire[FuseV1Options.EnableNodeCliInspectArguments],
      enableEmbeddedAsarIntegrityValidation: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyLoadAppFromAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      loadBrowserProcessSpecificV8Snapshot: wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot],
      grantFileProtocolExtraPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      runAsNode: OFF,
      enableCookieEncryption: ON,
      enableNodeOptionsEnvironmentVariable: OFF,
      enableNodeCliInspectArguments: OFF,
      enableEmbeddedAsarIntegrityValidation: ON,
      onlyLoadAppFromAsar: ON,
      loadBrowserProcessSpecificV8Snapshot: OFF,
      grantFileProtocolExtraPrivileges: OFF,
    });
  });
});
