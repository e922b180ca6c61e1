/**
 * Interop with librouteros (Python; Debian's python3-librouteros), a client written elsewhere,
 * used unchanged: plain and MD5 login, print, add/set/remove, queries with ?# (Or, In, !=),
 * .proplist, count-only, traps and multiple traps, listen + change + /cancel, API-SSL.
 *
 * If librouteros is missing the test fails, naming the package: CI installs it (.ci/run).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Resources, sim, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

function runPython(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(__dirname, 'interop_librouteros.py'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    res.add(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
  });
}

it('works with librouteros, unchanged', async () => {
  const modern = await sim(res, { password: 'pw', tlsPort: 0 }); // 7.20: librouteros ignores !empty
  const old = await sim(res, { rosVersion: '6.40', password: 'pw' });
  const run = await within(
    runPython([String(modern.port), String(old.port), String(modern.tlsPort), 'pw']),
    25_000,
    'the Python client',
  );
  let out: Record<string, unknown>;
  try {
    out = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`the librouteros script printed no result (exit ${run.code}): ${run.stdout}${run.stderr}`);
  }
  if (out['error']) throw new Error(`librouteros interop failed: ${String(out['error'])}`);
  expect(run.code).toBe(0);
  expect(out['identity']).toEqual([{ name: 'MikroTik' }]);
  expect(out['names']).toEqual(['ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'bridge1', 'vlan10']);
  expect(out['after_set']).toEqual([
    expect.objectContaining({ address: '10.7.7.1/24', comment: 'py-changed', interface: 'ether5', disabled: false }),
  ]);
  expect(out['after_remove']).toEqual(['*1', '*2', '*3']);
  expect(out['or']).toEqual(['bridge1', 'vlan10']);
  expect(out['in']).toEqual(['ether1', 'ether3', 'vlan10']);
  expect(out['ne_and']).toEqual(['bridge1', 'vlan10']);
  expect(out['proplist']).toEqual([{ name: 'ether2', mtu: 1500 }]);
  expect(out['count']).toEqual([{ ret: 5 }]);
  expect(out['trap']).toEqual(['input does not match any value of address', 1]);
  expect(out['multitrap']).toEqual([
    ['no such command or directory (adress)', 0],
    ['no such command prefix', null],
  ]);
  expect(out['before_change']).toEqual(['!re', '!done']);
  expect(out['listen']).toEqual(['!re', 'ether3', 'from-python']);
  expect(out['cancel']).toEqual([
    ['!trap', 'interrupted', 2],
    ['!done', null, null],
    ['!done', null, null],
  ]);
  expect(out['after_cancel']).toEqual([{ name: 'MikroTik' }]);
  expect(out['md5']).toEqual(['6.40 (stable)']);
  expect(out['tls']).toEqual([[{ name: 'MikroTik' }], expect.stringMatching(/^ADH-/)]);
}, 30_000);
