/**
 * The command library: one JSON file per command (atomic writes, safe names, bad files reported
 * and left alone), import and export, the per-router preview, and runs through the broadcast
 * against simulated routers — through the bridge's gate (`dispatch`) where arguments matter.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { BroadcastAnswer, BroadcastResult, LibraryCommandInput } from '../../common/contract';
import { dispatch } from '../../bridge/dispatch';
import type { Services } from '../index';
import { argsFailure, callFailure, FAST_TIMINGS, servicesRig } from '../test-support/helpers';
import { slugOf } from './library';

const rig = servicesRig({ services: { timings: FAST_TIMINGS, random: () => 0.5 }, sim: () => ({ password: 'pw' }) });

const ADD: LibraryCommandInput = {
  name: 'Add a loopback address',
  description: 'Adds {{address}} to ether2 with a comment',
  sentences: [['/ip/address/add', '=address={{address}}', '=interface={{interface}}', '=comment=lib {{identity}} {{site}}']],
  variables: [
    { name: 'interface', default: 'ether2' },
    { name: 'site', default: 'hq' },
  ],
};

async function call<K extends Parameters<typeof dispatch>[1]>(s: Services, channel: K, args: unknown) {
  const r = await dispatch(s.handlers, channel, args);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.value as never;
}

async function connect(s: Services, router: Simulator, name: string, vars?: Record<string, string>): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: {
      name,
      host: '127.0.0.1',
      port: router.port!,
      transport: 'plain',
      user: 'admin',
      password: 'pw',
      ...(vars ? { vars } : {}),
    },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

const sent = (a: BroadcastAnswer): BroadcastResult => {
  if (a.status !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(a)}`);
  return a.result;
};

describe('library files', () => {
  it('saves one file per command, named from the name, pretty-printed with a stable key order', async () => {
    const s = await rig.start();
    const c = await s.handlers['library:save']({ input: ADD });
    expect(c).toMatchObject({
      id: 'add-a-loopback-address',
      fileName: 'add-a-loopback-address.json',
      writes: true,
      writesReason: expect.stringContaining('"add"'),
      variables: [{ name: 'interface', default: 'ether2' }, { name: 'site', default: 'hq' }, { name: 'address' }],
    });
    const text = readFileSync(join(rig.dir, 'library', 'add-a-loopback-address.json'), 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'format',
      'version',
      'name',
      'description',
      'sentences',
      'variables',
    ]);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ format: 'tikscope-command', version: 1 });
    // A second command of the same name gets its own file; the first is not overwritten.
    const again = await s.handlers['library:save']({ input: { ...ADD, description: 'copy' } });
    expect(again.id).toBe('add-a-loopback-address-2');
    // Saving with the id replaces that file.
    const edited = await s.handlers['library:save']({ id: c.id, input: { ...ADD, name: 'Renamed' } });
    expect(edited).toMatchObject({ id: c.id, name: 'Renamed' });
    const list = await s.handlers['library:list']({});
    expect(list.commands.map((x) => [x.id, x.name])).toEqual([
      ['add-a-loopback-address-2', 'Add a loopback address'],
      ['add-a-loopback-address', 'Renamed'],
    ]);
    expect(list.directory).toBe(join(rig.dir, 'library'));
    // No temp files left behind by the atomic writes.
    expect(readdirSync(join(rig.dir, 'library')).sort()).toEqual([
      'add-a-loopback-address-2.json',
      'add-a-loopback-address.json',
    ]);
    await s.handlers['library:delete']({ id: again.id });
    expect((await s.handlers['library:list']({})).commands).toHaveLength(1);
    expect((await callFailure(s, 'library:delete', { id: again.id })).code).toBe('NOT_FOUND');
  });

  it('a read-only command does not write', async () => {
    const s = await rig.start();
    const c = await s.handlers['library:save']({ input: { name: 'Who', sentences: [['/system/identity/print']] } });
    expect(c).toMatchObject({ writes: false, writesReason: 'only reads', variables: [], description: '' });
  });

  it('a bad file is reported with its name and reason, and left where it is; the others load', async () => {
    const s = await rig.start();
    await s.handlers['library:save']({ input: ADD });
    const dir = join(rig.dir, 'library');
    writeFileSync(join(dir, 'broken.json'), '{ "format": "tikscope-command", ');
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ format: 'tikscope-command', version: 1, name: 'x', sentences: [] }));
    writeFileSync(
      join(dir, 'Bad Name.json'),
      JSON.stringify({ format: 'tikscope-command', version: 1, name: 'x', sentences: [['/x/print']] }),
    );
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ format: 'something-else' }));
    writeFileSync(join(dir, 'README.md'), '# our commands\n');
    const list = await s.handlers['library:list']({});
    expect(list.commands.map((c) => c.id)).toEqual(['add-a-loopback-address']);
    expect(list.problems).toEqual([
      { fileName: 'Bad Name.json', reason: expect.stringMatching(/^the file name is not a command id/) },
      { fileName: 'broken.json', reason: expect.stringMatching(/^not valid JSON/) },
      { fileName: 'other.json', reason: 'format: must be "tikscope-command" (is "something-else")' },
      { fileName: 'wrong.json', reason: 'sentences: is empty' },
    ]);
    for (const f of ['broken.json', 'wrong.json', 'Bad Name.json', 'other.json', 'README.md'])
      expect(existsSync(join(dir, f))).toBe(true);
    // Running a broken one says which file and why.
    const e = await callFailure(s, 'library:preview', { id: 'wrong', connectionIds: ['x'] });
    expect(e.message).toBe('the command file wrong.json cannot be used: sentences: is empty');
  });

  it('refuses bad input naming the field', async () => {
    expect(argsFailure('library:save', { input: { name: 'x', sentences: [['print']] } }).message).toMatch(
      /must start with a command such as \/ip\/address\/add/,
    );
    expect(
      argsFailure('library:save', { input: { name: 'x', sentences: [['/x/print']], variables: [{ name: 'identity' }] } }).message,
    ).toMatch(/is filled in per router/);
    expect(
      argsFailure('library:save', { input: { name: 'x', sentences: [['/x/print']], variables: [{ name: 'a' }, { name: 'a' }] } })
        .message,
    ).toBe('The variables names the same variable twice.');
    expect(argsFailure('library:delete', { id: '../etc/passwd' }).message).toMatch(/is not a library command id/);
    expect(argsFailure('library:run', { id: 'x', connectionIds: ['a'], values: { 'bad name': 'v' } }).detail).toMatchObject({
      field: expect.stringContaining('values'),
    });
  });

  it('slugs are safe file names', () => {
    expect(slugOf('Add VLAN 10 — Ämsterdam!')).toBe('add-vlan-10-amsterdam');
    expect(slugOf('../../etc')).toBe('etc');
    expect(slugOf('日本')).toBe('command');
  });
});

describe('import and export', () => {
  it('exports one command as its file and several as a bundle; both import again', async () => {
    const s = await rig.start();
    const a = await s.handlers['library:save']({ input: ADD });
    const b = await s.handlers['library:save']({ input: { name: 'Who am I', sentences: [['/system/identity/print']] } });
    const one = await s.handlers['library:export']({ ids: [a.id] });
    expect(one.fileName).toBe(`${a.id}.json`);
    expect(one.content).toBe(readFileSync(join(rig.dir, 'library', `${a.id}.json`), 'utf8'));
    const all = await s.handlers['library:export']({});
    expect(all.fileName).toBe('tikscope-commands.json');
    const bundle = JSON.parse(all.content) as { format: string; commands: { id: string }[] };
    expect(bundle.format).toBe('tikscope-commands');
    expect(bundle.commands.map((c) => c.id)).toEqual([a.id, b.id]);

    await s.handlers['library:delete']({ id: a.id });
    await s.handlers['library:delete']({ id: b.id });
    const r = await s.handlers['library:import']({ files: [all] });
    expect(r).toEqual({ imported: [a.id, b.id], replaced: [] });
    const again = await s.handlers['library:import']({ files: [{ ...one, fileName: `commands/${a.id}.json` }] });
    expect(again).toEqual({ imported: [a.id], replaced: [a.id] });
    expect((await s.handlers['library:list']({})).commands.map((c) => c.id)).toEqual([a.id, b.id]);
  });

  it('all or nothing: one bad file refuses the import, naming the file and the field', async () => {
    const s = await rig.start();
    const good = { fileName: 'good.json', content: JSON.stringify({ format: 'tikscope-command', version: 1, ...ADD }) };
    const bad = {
      fileName: 'bad.json',
      content: JSON.stringify({ format: 'tikscope-command', version: 1, name: 'x', sentences: [['/x/print', '', '=a=b']] }),
    };
    const e = await callFailure(s, 'library:import', { files: [good, bad] });
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toBe(
      'bad.json is not a command file: sentences[0][1]: is empty; an empty word would end the sentence. Nothing was imported.',
    );
    expect(e.detail).toMatchObject({ fileName: 'bad.json' });
    expect((await s.handlers['library:list']({})).commands).toEqual([]);
    const twice = await callFailure(s, 'library:import', { files: [good, { ...good, fileName: 'x/good.json' }] });
    expect(twice.message).toMatch(/holds the command "good" more than once/);
    const bundle = (commands: unknown) => ({
      fileName: 'team.json',
      content: JSON.stringify({ format: 'tikscope-commands', version: 1, commands }),
    });
    expect((await callFailure(s, 'library:import', { files: [bundle({})] })).message).toBe(
      'team.json is not a command file: commands: must be a list. Nothing was imported.',
    );
    expect((await callFailure(s, 'library:import', { files: [bundle([{ ...ADD, id: '../x' }])] })).message).toMatch(
      /^team\.json is not a command file: commands\[0\]\.id: is not a command id/,
    );
    expect((await callFailure(s, 'library:import', { files: [bundle([ADD, { name: 'y' }])] })).message).toMatch(
      /^team\.json is not a command file: commands\[1\]: sentences: /,
    );
    expect((await s.handlers['library:list']({})).commands).toEqual([]);
    // A file name that is not an id: the id comes from the command's name.
    const r = await s.handlers['library:import']({ files: [{ ...good, fileName: 'My Command.JSON' }] });
    expect(r.imported).toEqual(['add-a-loopback-address']);
  });
});

describe('connection values (vars)', () => {
  it('are saved, kept when the form leaves them out, cleared with {}; files without them load', async () => {
    const s = await rig.start();
    const base = { name: 'R', host: '127.0.0.1', port: 8728, transport: 'plain' as const, user: 'admin' };
    const c = await s.handlers['connections:save']({ input: { ...base, vars: { site: 'ams' } } });
    expect(c.vars).toEqual({ site: 'ams' });
    const kept = await s.handlers['connections:save']({ id: c.id, input: { ...base, notes: 'n' } });
    expect(kept.vars).toEqual({ site: 'ams' });
    const cleared = await s.handlers['connections:save']({ id: c.id, input: { ...base, vars: {} } });
    expect(cleared.vars).toBeUndefined();
    const file = JSON.parse(readFileSync(join(rig.dir, 'connections.json'), 'utf8')) as { connections: object[] };
    expect(file.connections.every((x) => !('vars' in x))).toBe(true);
    expect(argsFailure('connections:save', { input: { ...base, vars: { 'no spaces': 'x' } } }).detail).toMatchObject({
      field: expect.stringContaining('vars'),
    });
  });
});

describe('running library commands on simulated routers', () => {
  it('previews per router exactly what the run sends, then runs it (a write, confirmed) on both', async () => {
    const a = await rig.sim({ identity: 'core-a', rosVersion: '7.20' });
    const b = await rig.sim({ identity: 'edge-b', rosVersion: '7.12' });
    const s = await rig.start();
    const ida = await connect(s, a, 'A', { site: 'ams' });
    const idb = await connect(s, b, 'B');
    const cmd = await s.handlers['library:save']({ input: ADD });

    const missing = await call(s, 'library:preview', { id: cmd.id, connectionIds: [ida, idb] });
    expect(missing).toMatchObject({
      writes: true,
      routers: [
        {
          connectionId: ida,
          name: 'A',
          error: '{{address}} has no value for router "A": none given in the form, none set on the connection, and no default',
        },
        { connectionId: idb, name: 'B', error: expect.stringContaining('{{address}}') },
      ],
    });
    // A run with a missing value sends nothing anywhere, naming the variable.
    const e = await callFailure(s, 'library:run', { id: cmd.id, connectionIds: [ida, idb], confirmed: true });
    expect(e).toMatchObject({ code: 'VALIDATION', detail: { field: 'values' } });
    expect(e.message).toMatch(/^\{\{address\}\} has no value for router "A"/);

    const values = { address: '10.55.0.1/32' };
    const preview = await s.handlers['library:preview']({ id: cmd.id, connectionIds: [ida, idb], values });
    expect(preview.routers.map((r) => r.sentences)).toEqual([
      [['/ip/address/add', '=address=10.55.0.1/32', '=interface=ether2', '=comment=lib core-a ams']],
      [['/ip/address/add', '=address=10.55.0.1/32', '=interface=ether2', '=comment=lib edge-b hq']],
    ]);
    const ask = await s.handlers['library:run']({ id: cmd.id, connectionIds: [ida, idb], values });
    expect(ask).toEqual({
      status: 'needs-confirmation',
      command: '/ip/address/add',
      reason: expect.any(String),
      routers: ['A', 'B'],
      commandName: 'Add a loopback address',
    });
    expect([...a.menu('/ip/address').items()].some((x) => x.get('address') === '10.55.0.1/32')).toBe(false);

    const r = sent(await s.handlers['library:run']({ id: cmd.id, connectionIds: [ida, idb], values, confirmed: true }));
    expect(r.commandName).toBe('Add a loopback address');
    expect(r.results.map((x) => [x.name, x.outcome])).toEqual([
      ['A', 'done'],
      ['B', 'done'],
    ]);
    expect(r.results.map((x) => x.sentences)).toEqual(preview.routers.map((p) => p.sentences));
    expect([...a.menu('/ip/address').items()].find((x) => x.get('address') === '10.55.0.1/32')?.get('comment')).toBe(
      'lib core-a ams',
    );
    expect([...b.menu('/ip/address').items()].find((x) => x.get('address') === '10.55.0.1/32')?.get('comment')).toBe(
      'lib edge-b hq',
    );
    // Each router's trace has exactly its own filled sentence.
    const trace = await s.handlers['trace:get']({ connectionId: idb });
    expect(trace.entries.find((x) => x.words[0] === '/ip/address/add')?.words).toContain('=comment=lib edge-b hq');
  });

  it('{{identity}} of a router that is not connected is named in the preview', async () => {
    const a = await rig.sim({ identity: 'core-a' });
    const s = await rig.start();
    const id = await connect(s, a, 'A');
    await s.handlers['link:disconnect']({ id });
    const cmd = await s.handlers['library:save']({
      input: { name: 'Id', sentences: [['/system/identity/print', '?name={{identity}}']] },
    });
    const p = await s.handlers['library:preview']({ id: cmd.id, connectionIds: [id] });
    expect(p.routers[0]!.error).toMatch(/^\{\{identity\}\} is not known for router "A"/);
  });
});
