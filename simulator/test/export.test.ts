/**
 * `/export` and the file commands (docs/simulator.md, "Export and files"): the export text from the
 * model, `/export file=` over the API (only `!done` comes back), `/file/print`, `/file/read` in
 * chunks (RouterOS ≥ 7.13 only), `/file/remove`, and the fault that breaks a read half-way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrapError } from '../../protocol/src/index';
import { renderExport, quoteValue } from '../src/export';
import { Resources, login, sim } from './helpers';

const res = new Resources();
afterEach(() => res.run());

const NOW = Date.UTC(2026, 11, 3, 11, 0, 0);

describe('export text', () => {
  it('renders menus in RouterOS export syntax: header, /ip address, add lines, set lines', async () => {
    const s = await sim(res, { now: () => NOW });
    const text = renderExport(s.model, { showSensitive: false, terse: false, verbose: false, now: NOW });
    const lines = text.split('\n');
    expect(lines[0]).toBe('# 2026-12-03 11:00:00 by RouterOS 7.20');
    expect(lines[1]).toMatch(/^# software id = /);
    const at = lines.indexOf('/ip address');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('add address=192.168.88.1/24 interface=bridge1 comment=defconf');
    expect(lines).toContain('set [ find default-name=ether1 ] comment=uplink');
    expect(lines).toContain('/system identity');
    expect(lines).toContain('set name=MikroTik');
    // Dynamic items (the connected routes, the dummy fasttrack rule) are not configuration.
    expect(text).not.toContain('special dummy rule');
    expect(text).not.toMatch(/dst-address=192\.168\.88\.0\/24/);
    // Read-only properties never appear; quoted where RouterOS quotes, non-ASCII as \XX.
    expect(text).not.toContain('network=');
    expect(text).toContain('comment="B\\C3\\BCro LAN"');
    expect(text.endsWith('\n')).toBe(true);
    // Long lines continue with " \" and four spaces.
    expect(lines.some((l) => l.startsWith('    ') && lines[lines.indexOf(l) - 1]!.endsWith(' \\'))).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(82);
  });

  it('hides sensitive values on 7.x unless show-sensitive; 6.x shows them unless hide-sensitive', async () => {
    const s = await sim(res);
    const hidden = renderExport(s.model, { showSensitive: false, terse: false, verbose: false, now: NOW });
    expect(hidden).toContain('add name=vpn-anna');
    expect(hidden).not.toContain('Ppp-Secret-42');
    expect(hidden).not.toContain('password=');
    const shown = renderExport(s.model, { showSensitive: true, terse: false, verbose: false, now: NOW });
    expect(shown).toContain('password=Ppp-Secret-42');
    const old = await sim(res, { rosVersion: '6.49' });
    const opt = { showSensitive: false, terse: false, verbose: false, now: NOW };
    expect(renderExport(old.model, opt)).toContain('password=Ppp-Secret-42');
    expect(renderExport(old.model, { ...opt, hideSensitive: true })).not.toContain('Ppp-Secret-42');
  });

  it('terse puts the path on every line and never wraps; verbose adds default values', async () => {
    const s = await sim(res);
    const terse = renderExport(s.model, { showSensitive: false, terse: true, verbose: false, now: NOW }).split('\n');
    expect(terse).toContain('/ip address add address=192.168.88.1/24 interface=bridge1 comment=defconf');
    expect(terse.some((l) => l.endsWith('\\'))).toBe(false);
    expect(terse).not.toContain('/ip address');
    const verbose = renderExport(s.model, { showSensitive: false, terse: false, verbose: true, now: NOW });
    expect(verbose).toContain('add address=192.168.88.1/24 interface=bridge1 disabled=no comment=defconf');
  });

  it('quotes values as RouterOS does', () => {
    expect(quoteValue('established,related')).toBe('established,related');
    expect(quoteValue('!LAN')).toBe('!LAN');
    expect(quoteValue('')).toBe('""');
    expect(quoteValue('a b')).toBe('"a b"');
    expect(quoteValue('say "hi" $x?')).toBe('"say \\"hi\\" \\$x\\?"');
    expect(quoteValue('tab\there')).toBe('"tab\\09here"');
  });
});

describe('/export and /file over the API', () => {
  it('/export without file= answers !done only; with file= it writes NAME.rsc that /file/read returns in chunks', async () => {
    const s = await sim(res, { now: () => NOW });
    const { session } = await login(res, s);
    const bare = await session.command(['/export']);
    expect(bare.replies).toEqual([]);
    expect(bare.done.type).toBe('!done');
    expect(bare.done.attributes).toEqual({});

    await session.command(['/export', '=file=snap1', '=terse=']);
    const files = (await session.command(['/file/print', '?name=snap1.rsc'])).rows;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: 'snap1.rsc', type: 'script', 'creation-time': '2026-12-03 11:00:00' });
    const size = Number(files[0]!['size']);
    expect(size).toBeGreaterThan(1000);

    let text = '';
    for (let offset = 0; offset < size; offset += 700) {
      const r = await session.command(['/file/read', '=file=snap1.rsc', `=offset=${offset}`, '=chunk-size=700']);
      expect(r.rows).toHaveLength(1);
      text += r.rows[0]!['data'];
    }
    expect(text.length).toBe(size);
    expect(text).toContain('/ip address add address=192.168.88.1/24 interface=bridge1 comment=defconf');
    // Past the end: empty data.
    expect((await session.command(['/file/read', '=file=snap1.rsc', `=offset=${size}`])).rows[0]!['data']).toBe('');

    await session.command(['/file/remove', '=numbers=snap1.rsc']);
    expect((await session.command(['/file/print', '?name=snap1.rsc'])).rows).toEqual([]);
    await expect(session.command(['/file/read', '=file=snap1.rsc'])).rejects.toThrow('no such item');
  });

  it('a change made over the API shows in the next export', async () => {
    const s = await sim(res);
    const { session } = await login(res, s);
    await session.command(['/ip/address/set', '=.id=*1', '=address=192.168.88.2/24']);
    await session.command(['/export', '=file=after', '=terse=']);
    await session.command(['/ip/address/export', '=file=only-ip']);
    const read = async (f: string) =>
      (await session.command(['/file/read', `=file=${f}`, '=chunk-size=32768'])).rows[0]!['data']!;
    expect(await read('after.rsc')).toContain('/ip address add address=192.168.88.2/24 interface=bridge1');
    const onlyIp = await read('only-ip.rsc');
    expect(onlyIp).toContain('/ip address\nadd address=192.168.88.2/24');
    expect(onlyIp).not.toContain('/ip firewall');
  });

  it('refuses a chunk-size over the limit and a missing file argument', async () => {
    const s = await sim(res);
    const { session } = await login(res, s);
    await expect(session.command(['/file/read', '=file=x', '=chunk-size=40000'])).rejects.toThrow(/out of range/);
    await expect(session.command(['/file/read'])).rejects.toThrow(/missing value\(s\) of argument\(s\) file/);
  });

  it('RouterOS before 7.13 has /file but no /file/read', async () => {
    const s = await sim(res, { rosVersion: '7.12' });
    const { session } = await login(res, s);
    await session.command(['/export', '=file=old']);
    expect((await session.command(['/file/print'])).rows.map((r) => r['name'])).toEqual(['old.rsc']);
    const e = await session.command(['/file/read', '=file=old.rsc']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TrapError);
    expect((e as TrapError).message).toMatch(/no such command/);
  });

  it('fault: /file/read fails after N chunks of a file', async () => {
    const s = await sim(res, { faults: { fileReadFailAfterChunks: 2 } });
    const { session } = await login(res, s);
    await session.command(['/export', '=file=f']);
    const read = (offset: number) => session.command(['/file/read', '=file=f.rsc', `=offset=${offset}`, '=chunk-size=100']);
    await read(0);
    await read(100);
    await expect(read(200)).rejects.toThrow('failure: could not read file');
    // Cleared live, the same connection reads on.
    s.faults.fileReadFailAfterChunks = undefined;
    await expect(read(200)).resolves.toBeDefined();
  });
});
