/**
 * The form builder against the whole shipped 7.22.3 command tree: every argument of every `add` and
 * `set` maps to a field kind, every syntax kind occurs and maps as intended; and the sentences a
 * filled form becomes (add, edit with only the changes, clears, negations, raw rows, multi-row).
 */
import { describe, expect, it } from 'vitest';
import { loadCommandTrees } from '../../../../protocol/node/command-tree';
import { SYNTAX_KIND_NAMES, type SyntaxKindName } from '../../../../protocol/src/tree/index';
import type { FieldKind } from '../../common/contract';
import { buildSentences, checkField, fieldFor, FIELD_KINDS, SKIPPED_ARGS, trapField, type ArgInfo } from './form-builder';

const tree = loadCommandTrees().get('7.22.3');

function info(commandPath: string, name: string): ArgInfo {
  const a = tree.arg(commandPath, name);
  if (!a) throw new Error(`no ${commandPath} ${name} in the tree`);
  return {
    name: a.name,
    kind: a.kind,
    completions: a.completions.map((c) => c.value),
    ...(a.syntax ? { syntax: a.syntax } : {}),
    ...(a.references ? { references: a.references } : {}),
  };
}

/** The field kinds each syntax kind may become (a combobox where the router offers values). */
const EXPECTED: Record<SyntaxKindName, readonly FieldKind[]> = {
  'yes-no': ['switch'],
  enum: ['select', 'combobox'],
  integer: ['number'],
  ip: ['ip'],
  ipv6: ['ipv6'],
  'ip-prefix': ['ip-prefix'],
  'ipv6-prefix': ['ipv6-prefix'],
  'ip-range': ['ip-range'],
  mac: ['mac'],
  time: ['time'],
  string: ['text', 'combobox'],
  hex: ['hex'],
  script: ['script'],
  unknown: ['text', 'combobox'],
};

describe('fields from the 7.22.3 command tree', () => {
  it('maps every argument of every command to a field kind, and every syntax kind occurs', () => {
    const seen = new Map<SyntaxKindName, number>();
    const fieldKinds = new Set<FieldKind>();
    let args = 0;
    for (const menu of tree.menus()) {
      // Every command, not only add and set: `ipv6` and `script` arguments occur only elsewhere
      // (e.g. /ping, /system/script/run), and a form may be built for any of them.
      for (const cmd of tree.commands(menu)) {
        for (const a of tree.argsOf(`${menu}/${cmd}`)) {
          if (SKIPPED_ARGS.has(a.name)) continue;
          args++;
          const field = fieldFor({ name: a.name, kind: a.kind, completions: a.completions.map((c) => c.value) });
          expect(FIELD_KINDS).toContain(field.kind);
          expect({
            arg: `${menu}/${cmd} ${a.name}`,
            kind: a.kind.kind,
            field: EXPECTED[a.kind.kind].includes(field.kind),
          }).toEqual({
            arg: `${menu}/${cmd} ${a.name}`,
            kind: a.kind.kind,
            field: true,
          });
          expect(field.name).toBe(a.name);
          seen.set(a.kind.kind, (seen.get(a.kind.kind) ?? 0) + 1);
          fieldKinds.add(field.kind);
        }
      }
    }
    // Thousands of arguments, and every syntax kind of the reader is met but `ipv6`: the crawl keeps
    // the first line of a syntax, and no 7.22.3 argument's first line is a bare IPv6 address.
    expect(args).toBeGreaterThan(20_000);
    expect(SYNTAX_KIND_NAMES.filter((k) => !seen.has(k))).toEqual(['ipv6']);
    // No `select` either: every strict enumeration of 7.22.3 takes several values (`a|b[,Name*]`,
    // a combobox), and values known only from completion may be incomplete (landscape.md §4.1
    // caveat 1), so they are a combobox too. Both kinds are checked directly below.
    expect(FIELD_KINDS.filter((k) => !fieldKinds.has(k))).toEqual(['select', 'ipv6']);
    expect(fieldFor({ name: 'gateway', kind: { kind: 'ipv6' }, completions: [] }).kind).toBe('ipv6');
  });

  it('labels, ranges, options and negation come from the syntax and completions', () => {
    expect(fieldFor(info('/ip/address/add', 'address'))).toMatchObject({ name: 'address', kind: 'ip' });
    expect(fieldFor(info('/ip/address/add', 'disabled'))).toMatchObject({ kind: 'switch' });
    const inIf = fieldFor(info('/ip/firewall/filter/add', 'in-interface'), ['ether1', 'ether2', 'bridge1']);
    expect(inIf).toMatchObject({ kind: 'combobox', negatable: true });
    expect(inIf.options).toEqual(expect.arrayContaining(['ether1', 'ether2', 'bridge1', 'all-ethernet']));
    expect(inIf.options).not.toContain('!');
    const action = fieldFor(info('/ip/firewall/filter/add', 'action'));
    expect(action.options).toEqual(expect.arrayContaining(['accept', 'drop', 'jump']));
    const timeout = fieldFor(info('/ip/firewall/filter/add', 'address-list-timeout'));
    expect(timeout).toMatchObject({ kind: 'time', max: '35w3d13h13m56s' });
    // A strict list of several values is typed comma-separated, not picked from a single select.
    const several = fieldFor({
      name: 'x',
      kind: { kind: 'enum', values: ['a', 'b'], multiple: true, strict: true },
      completions: [],
    });
    expect(several).toMatchObject({ kind: 'combobox', multiple: true, options: ['a', 'b'] });
    expect(
      fieldFor({ name: 'x', kind: { kind: 'enum', values: ['a', 'b'], multiple: false, strict: true }, completions: [] }).kind,
    ).toBe('select');
    const logPrefix = fieldFor(info('/ip/firewall/filter/add', 'log-prefix'));
    expect(logPrefix).toMatchObject({ kind: 'text', maxLength: 31 });
  });

  it('checks values with the reader’s validator, accepting offered words and negation', () => {
    const address = info('/ip/address/add', 'address');
    expect(checkField(address, '10.0.0.1/24')).toBeUndefined();
    expect(checkField(address, '10.0.0.300')).toMatch(/IPv4/);
    expect(checkField(address, '')).toBeUndefined();
    const inIf = info('/ip/firewall/filter/add', 'in-interface');
    expect(checkField(inIf, '!ether1')).toBeUndefined();
    expect(checkField(inIf, '!')).toMatch(/needs a value/);
    const timeout = info('/ip/firewall/filter/add', 'address-list-timeout');
    expect(checkField(timeout, '1h30m')).toBeUndefined();
    expect(checkField(timeout, 'soon')).toMatch(/time interval/);
    expect(checkField(timeout, 'none-dynamic')).toBeUndefined();
    expect(checkField(info('/ip/address/add', 'disabled'), 'maybe')).toMatch(/yes or no/);
  });
});

const ADDRESS: ArgInfo[] = ['address', 'interface', 'comment', 'disabled', 'network'].map((n) => info('/ip/address/set', n));

describe('sentences from a filled form', () => {
  it('add sends the filled fields; a bad value is an error beside its field and nothing is sent', () => {
    const req = { connectionId: 'c', path: '/ip/address', action: 'add' as const };
    expect(
      buildSentences(
        { ...req, values: { address: '10.9.9.1/24', interface: 'ether5', comment: '' } },
        { args: ADDRESS, canUnset: false },
      ),
    ).toEqual({ sentences: [['/ip/address/add', '=address=10.9.9.1/24', '=interface=ether5']], fieldErrors: {} });
    const bad = buildSentences(
      { ...req, values: { address: '10.9.9.999/24', interface: 'ether5' } },
      { args: ADDRESS, canUnset: false },
    );
    expect(bad.sentences).toEqual([]);
    expect(Object.keys(bad.fieldErrors)).toEqual(['address']);
  });

  it('edit sends only what changed, booleans compared across spellings, cleared fields as empty or unset', () => {
    const base = {
      connectionId: 'c',
      path: '/ip/address',
      action: 'edit' as const,
      ids: ['*2'],
      original: { address: '10.0.0.23/24', interface: 'ether2', comment: 'lab', disabled: 'false' },
    };
    const values = { address: '10.0.0.23/24', interface: 'ether2', comment: '', disabled: 'no' };
    expect(buildSentences({ ...base, values }, { args: ADDRESS, canUnset: false })).toEqual({
      sentences: [['/ip/address/set', '=numbers=*2', '=comment=']],
      fieldErrors: {},
    });
    expect(buildSentences({ ...base, values: { ...values, disabled: 'yes' } }, { args: ADDRESS, canUnset: true })).toEqual({
      sentences: [
        ['/ip/address/set', '=numbers=*2', '=disabled=yes'],
        ['/ip/address/unset', '=numbers=*2', '=value-name=comment'],
      ],
      fieldErrors: {},
    });
    expect(buildSentences({ ...base, values: { ...values, comment: 'lab' } }, { args: ADDRESS, canUnset: false })).toEqual({
      sentences: [],
      fieldErrors: { form: 'nothing changed' },
    });
  });

  it('raw name/value rows go along; a bad name or a duplicate of a field is refused', () => {
    const req = { connectionId: 'c', path: '/ip/address', action: 'add' as const, values: { address: '10.1.1.1/24' } };
    expect(
      buildSentences({ ...req, extra: [{ name: 'vrf', value: 'main' }] }, { args: ADDRESS, canUnset: false }).sentences,
    ).toEqual([['/ip/address/add', '=address=10.1.1.1/24', '=vrf=main']]);
    const bad = buildSentences(
      {
        ...req,
        extra: [
          { name: 'a=b', value: 'x' },
          { name: 'address', value: '10.2.2.2/24' },
          { name: '', value: '' },
        ],
      },
      { args: ADDRESS, canUnset: false },
    );
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(['extra:0', 'extra:1']);
  });

  it('with no tree, any name is taken (a generic name/value form)', () => {
    const plan = buildSentences(
      { connectionId: 'c', path: '/ip/address', action: 'add', values: { address: 'x', colour: 'red' } },
      { args: undefined, canUnset: false },
    );
    expect(plan).toEqual({ sentences: [['/ip/address/add', '=address=x', '=colour=red']], fieldErrors: {} });
  });

  it('remove, enable, disable and comment of several rows are one sentence with a =numbers= list', () => {
    const req = { connectionId: 'c', path: '/interface', ids: ['*1', '*5'] };
    const none = { args: undefined, canUnset: false };
    expect(buildSentences({ ...req, action: 'disable' }, none).sentences).toEqual([['/interface/disable', '=numbers=*1,*5']]);
    expect(buildSentences({ ...req, action: 'remove' }, none).sentences).toEqual([['/interface/remove', '=numbers=*1,*5']]);
    expect(buildSentences({ ...req, action: 'comment', comment: 'spare' }, none).sentences).toEqual([
      ['/interface/comment', '=numbers=*1,*5', '=comment=spare'],
    ]);
    expect(buildSentences({ ...req, ids: [], action: 'enable' }, none).fieldErrors).toEqual({
      form: 'select the rows to enable',
    });
  });
});

describe('the field a trap names', () => {
  it('reads the argument from RouterOS messages', () => {
    const names = ['address', 'interface', 'mtu'];
    expect(trapField('input does not match any value of interface', names)).toBe('interface');
    expect(trapField('value of mtu out of range (68..65535)', names)).toBe('mtu');
    expect(trapField('missing value(s) of argument(s) address', names)).toBe('address');
    expect(trapField('failure: already have such address', names)).toBe('address');
    expect(trapField('no such item', names)).toBeUndefined();
  });
});
