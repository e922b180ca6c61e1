/**
 * The pure cross-router diff: matching by key, duplicates paired in order and reported, missing
 * rows, field differences, ignored columns, key choices, CSV/JSON export — with seeded property
 * tests (fast-check) for the invariants that must hold for any data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../app-main/src/common/contract';
import {
  computeDiff,
  diffToCsv,
  diffToJson,
  displayColumns,
  isVolatileColumn,
  keyCandidates,
  type DiffSource,
} from '../src/lib/diff';

const A: DiffSource = {
  id: 'a',
  name: 'core-a',
  rows: [
    { '.id': '*1', name: 'ether1', mtu: '1500', comment: 'uplink', 'rx-byte': '100' },
    { '.id': '*2', name: 'ether2', mtu: '1500', 'rx-byte': '5' },
    { '.id': '*3', name: 'ether3', mtu: '1500', 'rx-byte': '0' },
  ],
};
const B: DiffSource = {
  id: 'b',
  name: 'core-b',
  rows: [
    // Same items, other ids (RouterOS numbers per router), one comment changed, ether3 missing, one extra.
    { '.id': '*A', name: 'ether1', mtu: '1500', comment: 'WAN', 'rx-byte': '999' },
    { '.id': '*B', name: 'ether2', mtu: '1500', 'rx-byte': '7' },
    { '.id': '*C', name: 'vlan10', mtu: '1500', 'rx-byte': '0' },
  ],
};

describe('computeDiff', () => {
  it('matches rows by the chosen key, never by .id, and marks the differing field and the missing rows', () => {
    const d = computeDiff([A, B], { key: ['name'], ignore: ['rx-byte'] });
    expect(d.columns).toEqual(['name', 'mtu', 'comment']);
    expect(d.ignored).toEqual(['rx-byte']);
    expect(d.rows.map((r) => [r.keyText, r.status, r.differing, r.missingOn])).toEqual([
      ['ether1', 'differs', ['comment'], []],
      ['ether2', 'same', [], []],
      ['ether3', 'missing', [], ['b']],
      ['vlan10', 'missing', [], ['a']],
    ]);
    expect(d.counts).toEqual({ total: 4, same: 1, differs: 1, missing: 2 });
    expect(d.rows[0]!.rows.map((r) => r?.['.id'])).toEqual(['*1', '*A']);
  });

  it('shows differing columns first and leaves out key columns that never differ', () => {
    const d = computeDiff([A, B], { key: ['name'], ignore: ['rx-byte'] });
    expect(d.differingColumns).toEqual(['comment']);
    expect(displayColumns(d)).toEqual(['comment', 'mtu']);
  });

  it('compares counters unless they are ignored', () => {
    const d = computeDiff([A, B], { key: ['name'] });
    expect(d.rows.find((r) => r.keyText === 'ether2')!.differing).toEqual(['rx-byte']);
  });

  it('an absent property differs from a present one (newer versions add properties)', () => {
    const d = computeDiff(
      [
        { id: 'a', name: 'A', rows: [{ name: 'x', mtu: '1500' }] },
        { id: 'b', name: 'B', rows: [{ name: 'x', mtu: '1500', l2mtu: '1592' }] },
      ],
      { key: ['name'] },
    );
    expect(d.rows[0]!.differing).toEqual(['l2mtu']);
  });

  it('refuses .id and an empty key with a reason', () => {
    expect(() => computeDiff([A, B], { key: ['.id'] })).toThrow(/different ids on different routers/);
    expect(() => computeDiff([A, B], { key: [] })).toThrow(/choose a property/);
  });

  it('duplicate keys are paired in print order, marked, and counted — nothing is dropped', () => {
    const a: DiffSource = {
      id: 'a',
      name: 'A',
      rows: [{ address: '10.0.0.1/24', comment: 'lan' }, { address: '10.0.1.1/24', comment: 'lan' }, { address: '10.9.9.9/32' }],
    };
    const b: DiffSource = { id: 'b', name: 'B', rows: [{ address: '10.0.0.1/24', comment: 'lan' }, { address: '10.0.2.1/24' }] };
    const d = computeDiff([a, b], { key: ['comment'] });
    expect(d.duplicates).toEqual([{ sourceId: 'a', sourceName: 'A', keyText: 'lan', count: 2 }]);
    expect(d.rows.map((r) => [r.keyText, r.occurrence, r.duplicate, r.status])).toEqual([
      ['lan', 1, true, 'same'],
      ['lan', 2, true, 'missing'],
      ['(empty)', 1, false, 'differs'],
    ]);
    expect(d.rows.reduce((n, r) => n + r.rows.filter(Boolean).length, 0)).toBe(5);
    expect(new Set(d.rows.map((r) => r.id)).size).toBe(d.rows.length);
  });

  it('composite keys join their values and stay unambiguous', () => {
    const a: DiffSource = {
      id: 'a',
      name: 'A',
      rows: [
        { address: '1.1.1.1/32', interface: 'e1 · x' },
        { address: '1.1.1.1/32 · e1', interface: 'x' },
      ],
    };
    const d = computeDiff([a, { ...a, id: 'b', name: 'B' }], { key: ['address', 'interface'] });
    expect(d.rows).toHaveLength(2);
    expect(d.duplicates).toEqual([]);
    expect(d.rows.every((r) => r.status === 'same')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const value = fc.constantFrom('', 'a', 'b', '1500', 'x y', 'é');
const prop = fc.constantFrom('name', 'comment', 'mtu', 'disabled', 'rx-byte');
const rowArb: fc.Arbitrary<Row> = fc.dictionary(prop, value, { maxKeys: 5 });
const sourcesArb = fc.array(fc.array(rowArb, { maxLength: 12 }), { minLength: 2, maxLength: 4 }).map((lists) =>
  lists.map((rows, i): DiffSource => ({
    id: `r${i}`,
    name: `R${i}`,
    rows: rows.map((r, j) => ({ '.id': `*${i}-${j}`, ...r })),
  })),
);

describe('computeDiff properties (seeded)', () => {
  const params = { seed: 0x5eed, numRuns: 300 };

  it('every input row appears exactly once in the result, in the right router column', () => {
    fc.assert(
      fc.property(sourcesArb, fc.subarray(['name', 'comment', 'mtu'], { minLength: 1 }), (sources, key) => {
        const d = computeDiff(sources, { key });
        sources.forEach((s, i) => {
          const out = d.rows.map((r) => r.rows[i]).filter((r): r is Row => r !== undefined);
          expect(out).toHaveLength(s.rows.length);
          expect(new Set(out)).toEqual(new Set(s.rows));
        });
      }),
      params,
    );
  });

  it('a router compared with itself has no differences and nothing missing', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 15 }), prop, (rows, key) => {
        const d = computeDiff(
          [
            { id: 'a', name: 'A', rows },
            { id: 'b', name: 'B', rows: rows.map((r) => ({ ...r, '.id': 'other' })) },
          ],
          { key: [key] },
        );
        expect(d.rows.every((r) => r.status === 'same')).toBe(true);
        expect(d.counts.same).toBe(d.counts.total);
      }),
      params,
    );
  });

  it('status agrees with missingOn and differing; counts add up; ignored columns never differ', () => {
    fc.assert(
      fc.property(sourcesArb, prop, fc.subarray(['mtu', 'rx-byte', 'disabled']), (sources, key, ignore) => {
        const d = computeDiff(sources, { key: [key], ignore });
        for (const r of d.rows) {
          expect(r.status).toBe(r.missingOn.length ? 'missing' : r.differing.length ? 'differs' : 'same');
          for (const c of ignore) expect(r.differing).not.toContain(c);
          expect(r.differing).not.toContain('.id');
          expect(r.keyValues.length).toBe(1);
        }
        expect(d.counts.same + d.counts.differs + d.counts.missing).toBe(d.counts.total);
        expect(d.counts.total).toBe(d.rows.length);
        expect(d.columns).not.toContain('.id');
        expect(new Set(d.differingColumns)).toEqual(new Set(d.rows.flatMap((r) => r.differing)));
      }),
      params,
    );
  });

  it('the order of the routers does not change which keys differ', () => {
    fc.assert(
      fc.property(sourcesArb, prop, (sources, key) => {
        const sig = (ss: DiffSource[]) =>
          computeDiff(ss, { key: [key] })
            .rows.map((r) => `${r.id}:${r.status}:${[...r.differing].sort().join(',')}`)
            .sort();
        expect(sig([...sources].reverse())).toEqual(sig(sources));
      }),
      params,
    );
  });

  it('the CSV has one line per row and router plus the header, and the JSON round-trips its counts', () => {
    fc.assert(
      fc.property(sourcesArb, prop, (sources, key) => {
        const d = computeDiff(sources, { key: [key] });
        const csv = diffToCsv(d);
        const records = csv.split('\r\n').filter(Boolean);
        // Values in this generator hold no newlines, so one record is one line.
        expect(records).toHaveLength(1 + d.rows.length * sources.length);
        const json = JSON.parse(diffToJson(d, { path: '/x', query: [], proplist: [], fetchedAt: 0 })) as {
          counts: unknown;
          rows: unknown[];
        };
        expect(json.counts).toEqual(d.counts);
        expect(json.rows).toHaveLength(d.rows.length);
      }),
      params,
    );
  });
});

describe('keyCandidates', () => {
  it('offers every property but .id, unique-everywhere ones first', () => {
    const c = keyCandidates([A, B]);
    expect(c.map((x) => x.name)).not.toContain('.id');
    expect(c[0]).toEqual({ name: 'name', presentIn: 2, uniqueIn: 2 });
    expect(c.find((x) => x.name === 'comment')).toEqual({ name: 'comment', presentIn: 0, uniqueIn: 0 });
    expect(c.find((x) => x.name === 'mtu')!.uniqueIn).toBe(0);
  });
  it('prefers address for address lists', () => {
    const rows = [
      { '.id': '*1', address: '10.0.0.1/24', network: '10.0.0.0', interface: 'e1' },
      { '.id': '*2', address: '10.0.1.1/24', network: '10.0.1.0', interface: 'e2' },
    ];
    expect(
      keyCandidates([
        { id: 'a', name: 'A', rows },
        { id: 'b', name: 'B', rows },
      ])[0]!.name,
    ).toBe('address');
  });
});

describe('volatile columns and export', () => {
  it('recognises counters and uptimes, not configuration', () => {
    for (const c of [
      'rx-byte',
      'tx-packet',
      'fp-rx-byte',
      'tx-queue-drop',
      'bytes',
      'packets',
      'uptime',
      'last-link-up-time',
      'link-downs',
      'cpu-load',
    ])
      expect(isVolatileColumn(c), c).toBe(true);
    for (const c of ['name', 'mtu', 'comment', 'address', 'disabled', 'rx-flow-control', 'tx-power'])
      expect(isVolatileColumn(c), c).toBe(false);
  });

  it('CSV: quotes fields, names the router per line and what is missing', () => {
    const d = computeDiff([A, { ...B, rows: [...B.rows, { name: 'q"x', comment: 'a,b' }] }], {
      key: ['name'],
      ignore: ['rx-byte'],
    });
    const lines = diffToCsv(d).split('\r\n');
    expect(lines[0]).toBe('key,occurrence,status,missing on,differing columns,router,present,name,mtu,comment');
    expect(lines[1]).toBe('ether1,1,differs,,comment,core-a,yes,ether1,1500,uplink');
    expect(lines[2]).toBe('ether1,1,differs,,comment,core-b,yes,ether1,1500,WAN');
    expect(lines).toContain('ether3,1,missing,core-b,,core-b,no,,,');
    expect(lines).toContain('"q""x",1,missing,core-a,,core-b,yes,"q""x",,"a,b"');
  });

  it('JSON: names what was compared and lists values per router', () => {
    const d = computeDiff([A, B], { key: ['name'], ignore: ['rx-byte'] });
    const doc = JSON.parse(
      diffToJson(d, {
        path: '/interface',
        query: ['?type=ether'],
        proplist: [],
        fetchedAt: Date.UTC(2026, 0, 2),
        versions: { a: '7.20', b: '7.16' },
      }),
    );
    expect(doc).toMatchObject({
      format: 'tikscope-diff',
      version: 1,
      path: '/interface',
      key: ['name'],
      ignoredColumns: ['rx-byte'],
      fetchedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(doc.routers).toEqual([
      { id: 'a', name: 'core-a', version: '7.20' },
      { id: 'b', name: 'core-b', version: '7.16' },
    ]);
    expect(doc.rows[2]).toMatchObject({
      key: ['ether3'],
      status: 'missing',
      missingOn: ['core-b'],
      values: [
        { router: 'core-a', row: { name: 'ether3' } },
        { router: 'core-b', row: null },
      ],
    });
  });
});
