/**
 * Editing from the tables through the real services against the simulator over loopback: which
 * actions a menu has (router inspect, else the shipped tree), the write policy of the user's
 * group, forms with the router's own names, sends that are console commands (history, trace, own
 * tags), a trap beside the field it names, multi-row sentences, and the tree-less generic form.
 */
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { Services } from '../index';
import { servicesRig } from '../test-support/helpers';

const rig = servicesRig({
  services: { timings: { heartbeatIntervalMs: 0, backoffStartMs: 20, backoffCapMs: 200, quitTimeoutMs: 500 }, random: () => 0.5 },
  sim: (n) => ({ password: 'pw', identity: `sim-${n}` }),
});
const { sim, start } = rig;

async function connect(s: Services, router: Simulator, user = 'admin', password = 'pw'): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name: `R-${user}`, host: '127.0.0.1', port: router.port!, transport: 'plain', user, password },
  });
  const state = await s.handlers['link:connect']({ id: c.id });
  expect(state.status).toBe('online');
  return c.id;
}

describe('form:menu', () => {
  it('lists the menu’s commands from the router’s inspect and allows writes for a full user', async () => {
    const s = await start();
    const id = await connect(s, await sim());
    const menu = await s.handlers['form:menu']({ connectionId: id, path: '/ip/address' });
    expect(menu).toMatchObject({ path: '/ip/address', source: 'router', write: { allowed: true } });
    // As a real 7.20 router lists them: no unset on /ip/address.
    expect([...menu.commands].sort()).toEqual(['add', 'comment', 'disable', 'enable', 'remove', 'set']);
    // /interface has no add or remove on the router.
    const ifs = await s.handlers['form:menu']({ connectionId: id, path: '/interface' });
    expect(ifs.commands).not.toContain('add');
    expect(ifs.commands).toEqual(expect.arrayContaining(['set', 'enable', 'disable', 'comment']));
  });

  it('falls back to the shipped tree when the router has no /console/inspect', async () => {
    const s = await start();
    const id = await connect(s, await sim({ inspect: 'disabled' }));
    const menu = await s.handlers['form:menu']({ connectionId: id, path: '/ip/address' });
    expect(menu.source).toBe('tree');
    expect(menu.treeVersion).toBe('7.20.8');
    // The real 7.20.8 /ip/address has comment but no unset.
    expect(menu.commands).toEqual(expect.arrayContaining(['add', 'set', 'remove', 'enable', 'disable', 'comment']));
    expect(menu.commands).not.toContain('unset');
  });

  it('says why a user in a group without the write policy cannot edit', async () => {
    const s = await start();
    const router = await sim({ users: [{ name: 'viewer', password: 'pw', group: 'read' }] });
    const id = await connect(s, router, 'viewer');
    const menu = await s.handlers['form:menu']({ connectionId: id, path: '/ip/address' });
    expect(menu.write).toEqual({ allowed: false, reason: 'the user "viewer" is in group "read", which lacks the write policy' });
  });
});

describe('form:describe', () => {
  it('builds the add form from the tree with the router’s interfaces as options', async () => {
    const s = await start();
    const id = await connect(s, await sim());
    const form = await s.handlers['form:describe']({ connectionId: id, path: '/ip/address', action: 'add' });
    expect(form).toMatchObject({ command: 'add', generic: false, source: 'router' });
    const byName = Object.fromEntries(form.fields.map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual(['address', 'broadcast', 'comment', 'disabled', 'interface', 'netmask', 'network']);
    expect(byName['address']!.kind).toBe('ip');
    expect(byName['disabled']!.kind).toBe('switch');
    expect(byName['interface']!.kind).toBe('combobox');
    expect(byName['interface']!.options).toEqual(expect.arrayContaining(['ether1', 'ether5', 'bridge1', 'vlan10']));
  });

  it('a firewall rule: negatable matches with the router’s interfaces, enumerations and time ranges', async () => {
    const s = await start();
    const id = await connect(s, await sim());
    const form = await s.handlers['form:describe']({ connectionId: id, path: '/ip/firewall/filter', action: 'add' });
    const byName = Object.fromEntries(form.fields.map((f) => [f.name, f]));
    expect(byName['in-interface']).toMatchObject({ kind: 'combobox', negatable: true });
    expect(byName['in-interface']!.options).toEqual(expect.arrayContaining(['ether1', 'ether5', 'bridge1']));
    expect(byName['action']!.options).toEqual(expect.arrayContaining(['accept', 'drop', 'jump']));
    expect(byName['address-list-timeout']).toMatchObject({ kind: 'time' });
    const plan = await s.handlers['form:build']({
      connectionId: id,
      path: '/ip/firewall/filter',
      action: 'add',
      values: { chain: 'forward', action: 'drop', 'in-interface': '!ether1', 'address-list-timeout': 'soon' },
    });
    expect(Object.keys(plan.fieldErrors)).toEqual(['address-list-timeout']);
  });

  it('pre-fills an edit from the row (booleans as yes/no)', async () => {
    const s = await start();
    const id = await connect(s, await sim());
    const form = await s.handlers['form:describe']({
      connectionId: id,
      path: '/interface',
      action: 'edit',
      row: { name: 'ether5', mtu: '1500', disabled: 'false', running: 'false' },
    });
    const values = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
    expect(values).toMatchObject({ name: 'ether5', mtu: '1500', disabled: 'no' });
    expect(form.fields.map((f) => f.name)).not.toContain('running');
    expect(form.skipped).toContain('numbers');
  });

  it('is a generic name/value form on RouterOS 6 without inspect (no shipped tree)', async () => {
    const s = await start();
    const id = await connect(s, await sim({ rosVersion: '6.49.10', inspect: 'disabled' }));
    const menu = await s.handlers['form:menu']({ connectionId: id, path: '/ip/address' });
    expect(menu.source).toBe('none');
    const form = await s.handlers['form:describe']({
      connectionId: id,
      path: '/ip/address',
      action: 'edit',
      row: { address: '10.0.0.23/24', interface: 'ether2' },
    });
    expect(form.generic).toBe(true);
    expect(form.fields).toEqual([
      { name: 'address', kind: 'text', value: '10.0.0.23/24' },
      { name: 'interface', kind: 'text', value: 'ether2' },
    ]);
    const r = await s.handlers['form:send']({
      connectionId: id,
      path: '/ip/address',
      action: 'add',
      values: {},
      extra: [
        { name: 'address', value: '10.77.0.1/24' },
        { name: 'interface', value: 'ether5' },
      ],
    });
    expect(r.outcome).toBe('done');
  });
});

describe('form:send', () => {
  it('sends nothing while a field is invalid; a good add is a console command with its own tag', async () => {
    const s = await start();
    const router = await sim();
    const id = await connect(s, router);
    const req = { connectionId: id, path: '/ip/address', action: 'add' as const };
    const bad = await s.handlers['form:send']({ ...req, values: { address: '10.9.9.300/24', interface: 'ether5' } });
    expect(bad.outcome).toBe('invalid');
    expect(bad.fieldErrors['address']).toMatch(/IPv4/);
    expect(await s.handlers['console:history']({ connectionId: id })).toEqual([]);

    const plan = await s.handlers['form:build']({ ...req, values: { address: '10.9.9.1/24', interface: 'ether5' } });
    expect(plan.sentences).toEqual([['/ip/address/add', '=address=10.9.9.1/24', '=interface=ether5']]);
    const ok = await s.handlers['form:send']({ ...req, values: { address: '10.9.9.1/24', interface: 'ether5' } });
    expect(ok.outcome).toBe('done');
    expect(ok.sentences[0]!.ret).toMatch(/^\*[0-9A-F]+$/);
    expect(router.model.menu('ip/address').find(ok.sentences[0]!.ret!)?.get('address')).toBe('10.9.9.1/24');
    const history = await s.handlers['console:history']({ connectionId: id });
    expect(history.map((h) => h.words)).toEqual([['/ip/address/add', '=address=10.9.9.1/24', '=interface=ether5']]);
    expect(history[0]!.outcome).toBe('done');
    const trace = await s.handlers['trace:get']({ connectionId: id });
    const sent = trace.entries.find((e) => e.direction === 'out' && e.words[0] === '/ip/address/add');
    expect(sent?.tag).toBeTruthy();
  });

  it('keeps a trap beside the field RouterOS names', async () => {
    const s = await start();
    const id = await connect(s, await sim());
    const r = await s.handlers['form:send']({
      connectionId: id,
      path: '/ip/address',
      action: 'add',
      values: { address: '10.9.9.1/24', interface: 'ether9' },
    });
    expect(r.outcome).toBe('trap');
    expect(r.fieldErrors).toEqual({ interface: 'input does not match any value of interface' });
  });

  it('disables and enables several rows with one =numbers= sentence', async () => {
    const s = await start();
    const router = await sim();
    const id = await connect(s, router);
    const ifs = router.model.menu('interface');
    const ids = ['ether4', 'ether5'].map((n) => ifs.findByName(n)!.id);
    const plan = await s.handlers['form:build']({ connectionId: id, path: '/interface', action: 'disable', ids });
    expect(plan.sentences).toEqual([['/interface/disable', `=numbers=${ids.join(',')}`]]);
    expect((await s.handlers['form:send']({ connectionId: id, path: '/interface', action: 'disable', ids })).outcome).toBe(
      'done',
    );
    expect(ids.map((i) => ifs.find(i)?.get('disabled'))).toEqual(['true', 'true']);
    expect((await s.handlers['form:send']({ connectionId: id, path: '/interface', action: 'enable', ids })).outcome).toBe('done');
    expect(ids.map((i) => ifs.find(i)?.get('disabled'))).toEqual(['false', 'false']);
  });

  it('an edit sends only the changed field; a comment action sets the comment', async () => {
    const s = await start();
    const router = await sim();
    const id = await connect(s, router);
    const item = router.model.menu('interface').findByName('ether3')!;
    const original = { name: 'ether3', mtu: '1500', disabled: 'false' };
    const req = { connectionId: id, path: '/interface', action: 'edit' as const, ids: [item.id], original };
    const plan = await s.handlers['form:build']({ ...req, values: { name: 'ether3', mtu: '1400', disabled: 'no' } });
    expect(plan.sentences).toEqual([['/interface/set', `=numbers=${item.id}`, '=mtu=1400']]);
    const r = await s.handlers['form:send']({ ...req, values: { name: 'ether3', mtu: '1400', disabled: 'no' } });
    expect(r.outcome).toBe('done');
    expect(item.get('mtu')).toBe('1400');
    const range = await s.handlers['form:send']({ ...req, values: { name: 'ether3', mtu: '70000', disabled: 'no' } });
    // The tree says nothing of mtu's range (`auto` or a number): the router's trap names the field.
    expect(range).toMatchObject({ outcome: 'trap', fieldErrors: { mtu: 'value of mtu out of range (68..65535)' } });
    const c = await s.handlers['form:send']({
      connectionId: id,
      path: '/interface',
      action: 'comment',
      ids: [item.id],
      comment: 'spare',
    });
    expect(c.outcome).toBe('done');
    expect(item.get('comment')).toBe('spare');
  });

  it('a write the router refuses for lack of policy shows its message', async () => {
    const s = await start();
    const router = await sim({ users: [{ name: 'viewer', password: 'pw', group: 'read' }] });
    const id = await connect(s, router, 'viewer');
    const r = await s.handlers['form:send']({ connectionId: id, path: '/interface', action: 'disable', ids: ['*1'] });
    expect(r.outcome).toBe('trap');
    expect(r.fieldErrors['form']).toMatch(/not enough permissions/);
  });
});
