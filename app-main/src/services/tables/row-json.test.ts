/**
 * The byte-level row writer (row-json.ts) against the general path it stands in for: whenever it
 * answers, its text must be exactly what JSON.stringify of the decoded attributes gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf8, Reply } from '../../../../protocol/src/index';
import { DEAD, GENERAL, MAX_SHAPES, ROW, RowEncoder, ShapeRegistry } from './row-json';
import { RowStore } from './row-store';

const SEED = 20261126;

/** What the general path stores: the attributes without `.dead` and `__proto__`. */
function general(words: Uint8Array[]): { row: Record<string, string>; attrs: Record<string, string> } {
  const attrs = new Reply(words).attributes;
  const row: Record<string, string> = {};
  for (const k in attrs) if (k !== '.dead' && k !== '__proto__') row[k] = attrs[k]!;
  return { row, attrs };
}

/** The row the encoder just wrote, as text. */
const written = (e: RowEncoder) => Buffer.from(e.bytes.subarray(0, e.end)).toString('utf8');

/** A reply of these words, in the ranges form the session makes (one array, offsets). */
const words = (...w: (string | Uint8Array)[]): Reply => rangesReply(w.map((x) => (typeof x === 'string' ? encodeUtf8(x) : x)));

function rangesReply(ws: Uint8Array[]): Reply {
  const bytes = new Uint8Array(ws.reduce((n, x) => n + x.length, 0) + 5);
  const offsets: number[] = [];
  let at = 5;
  for (const x of ws) {
    bytes.set(x, at);
    offsets.push(at, at + x.length);
    at += x.length;
  }
  return Reply.fromRanges(bytes, offsets);
}

describe('RowEncoder', () => {
  it('writes a whole row as JSON text behind its shape prefix, with the id', () => {
    const shapes = new ShapeRegistry();
    const e = new RowEncoder(shapes);
    expect(e.encode(words('!re', '=.id=*1A', '=name=ether1', '=comment=say "hi"\\\n\t\x01', '.tag=7', '=mtu=1500'))).toBe(ROW);
    expect(e.id).toBe('*1A');
    expect(e.dead).toBe(false);
    expect(written(e)).toBe(JSON.stringify({ '.id': '*1A', name: 'ether1', comment: 'say "hi"\\\n\t\x01', mtu: '1500' }));
    const first = e.shape;
    expect(first?.names).toEqual(['.id', 'name', 'comment', 'mtu']);
    // The same names give the same shape, so the second row shares it.
    expect(e.encode(words('!re', '=.id=*2', '=name=ether2', '=comment=', '=mtu=9000'))).toBe(ROW);
    expect(e.shape).toBe(first);
    expect(shapes.size).toBe(1);
  });

  it('recognises .dead=yes and .dead=true; leaves other values, odd names and code pages to the general path', () => {
    const e = new RowEncoder(new ShapeRegistry());
    expect(e.encode(words('!re', '=.id=*5', '=.dead=yes'))).toBe(DEAD);
    expect([e.dead, e.id]).toEqual([true, '*5']);
    expect(e.encode(words('!re', '=.dead=true', '=.id=*6'))).toBe(DEAD);
    expect([e.dead, e.id]).toEqual([true, '*6']);
    expect(e.encode(words('!re', '=.id=*5', '=.dead=no'))).toBe(GENERAL);
    expect(e.encode(words('!re', '=.id=*5', '=__proto__=x'))).toBe(GENERAL);
    expect(e.encode(words('!re', '=.id=*5', '=1st=x'))).toBe(GENERAL); // integer-like names sort first in V8
    expect(e.encode(words('!re', '=.id=*5', '=a=1', '=a=2'))).toBe(GENERAL); // repeated name
    expect(e.encode(words('!re', '=.id=*5', '=', '=b=1'))).toBe(GENERAL);
    expect(e.encode(words('!re', '=.id=*5', new Uint8Array([0x3d, 0x6e, 0x3d, 0xe9])))).toBe(GENERAL); // windows-1252 é
    expect(e.encode(words('!re', '=uptime=1s'))).toBe(GENERAL); // no .id (a singleton menu)
    // Valid UTF-8 stays on the fast path.
    expect(e.encode(words('!re', '=.id=*7', '=comment=Zürich ✓ 𝄞'))).toBe(ROW);
    expect(JSON.parse(written(e))).toEqual({ '.id': '*7', comment: 'Zürich ✓ 𝄞' });
  });

  it('registers at most MAX_SHAPES shapes per table, then declines', () => {
    const shapes = new ShapeRegistry();
    for (let i = 0; i < MAX_SHAPES; i++) expect(shapes.intern([`p${i}`])?.index).toBe(i);
    expect(shapes.intern(['one-more'])).toBeUndefined();
    const e = new RowEncoder(shapes);
    expect(e.encode(words('!re', '=.id=*1', '=new-name=1'))).toBe(GENERAL);
  });

  it('covers(): a shape covers another when it names all of its properties', () => {
    const shapes = new ShapeRegistry();
    const abc = shapes.intern(['a', 'b', 'c'])!;
    const ab = shapes.intern(['a', 'b'])!;
    const bca = shapes.intern(['b', 'c', 'a'])!;
    expect(shapes.covers(abc, ab)).toBe(true);
    expect(shapes.covers(ab, abc)).toBe(false);
    expect(shapes.covers(bca, abc)).toBe(true);
    expect(shapes.covers(ab, ab)).toBe(true);
  });

  it('property: whenever it answers, the text is exactly JSON.stringify of the general path (seeded)', () => {
    const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-.0123456789_"\\é\x01='.split(''));
    const name = fc.oneof(
      fc.constantFrom('.id', '.dead', '__proto__', 'name', 'comment', 'src-address', 'mtu', '1', ''),
      fc.string({ unit: nameChars, minLength: 0, maxLength: 8 }),
    );
    const valueBytes = fc.oneof(
      fc.string({ maxLength: 12 }).map((v) => encodeUtf8(v)),
      fc.constantFrom('yes', 'true', 'no', '*1', '"q"', 'a\\b', '\u2028', '𝄞').map((v) => encodeUtf8(v)),
      fc.uint8Array({ maxLength: 12 }),
      // Control bytes, quotes and backslashes: every JSON escape.
      fc
        .array(fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constantFrom(0x22, 0x5c, 0x7f, 0x41)), { maxLength: 12 })
        .map((b) => Uint8Array.from(b)),
    );
    const word = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(name, valueBytes).map(([n, v]) => concat(encodeUtf8(`=${n}=`), v)) },
      { weight: 1, arbitrary: fc.constantFrom('.tag=3', 'bare', '=', '=novalue').map((w) => encodeUtf8(w)) },
    );
    const shapes = new ShapeRegistry();
    const e = new RowEncoder(shapes);
    let fast = 0;
    fc.assert(
      fc.property(fc.option(fc.nat(99), { freq: 6 }), fc.nat(), fc.array(word, { maxLength: 10 }), (id, at, ws) => {
        // Mostly with an `.id` somewhere in the sentence, as rows come.
        if (id !== null) ws.splice(at % (ws.length + 1), 0, encodeUtf8(`=.id=*${id}`));
        const sentence = [encodeUtf8('!re'), ...ws];
        // Both forms of a reply: ranges of one array, and separate word arrays.
        const code = e.encode(rangesReply(sentence));
        expect(new RowEncoder(shapes).encode(new Reply(sentence))).toBe(code);
        if (code === GENERAL) return;
        const { row, attrs } = general(sentence);
        expect(e.id).toBe(attrs['.id']);
        const dead = attrs['.dead'] === 'yes' || attrs['.dead'] === 'true';
        expect(code === DEAD).toBe(dead);
        if (dead) return;
        fast++;
        expect(written(e)).toBe(JSON.stringify(row));
        expect(e.ascii).toBe(e.bytes.subarray(0, e.end).every((x) => x < 0x80));
        expect(e.shape?.names).toEqual(Object.keys(row));
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // The property must have exercised the fast path, not only the declines.
    expect(fast).toBeGreaterThan(200);
  });
});

describe('RowStore', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('keeps rows as bytes, replaces and removes them, and assembles a patch once', () => {
    const store = new RowStore();
    const a = bytes('{".id":"*1","name":"ether1"}');
    store.set('*1', a, 0, a.length, 3, true);
    store.setText('*2', '{".id":"*2","comment":"Zürich"}', 4);
    expect(store.size).toBe(2);
    expect(store.text('*1')).toBe('{".id":"*1","name":"ether1"}');
    expect(store.shapeOf('*2')).toBe(4);
    expect(store.shapeOf('*9')).toBe(-1);
    store.setText('*1', '{".id":"*1","name":"wan"}', 3);
    const patch = store.json(['*2', '*404', '*1']);
    expect(patch.count).toBe(2);
    expect(JSON.parse(patch.text)).toEqual([
      { '.id': '*2', comment: 'Zürich' },
      { '.id': '*1', name: 'wan' },
    ]);
    // All-ASCII rows and a mix with UTF-8 both decode to the same text.
    expect(JSON.parse(store.json(['*1']).text)).toEqual([{ '.id': '*1', name: 'wan' }]);
    const u = bytes('{".id":"*3","c":"✓"}');
    store.set('*3', u, 0, u.length, 5, false);
    expect(JSON.parse(store.json(['*1', '*3']).text)).toEqual([
      { '.id': '*1', name: 'wan' },
      { '.id': '*3', c: '✓' },
    ]);
    store.delete('*3');
    expect(store.delete('*1')).toBe(true);
    expect(store.delete('*1')).toBe(false);
    expect(store.json(['*1'])).toEqual({ text: '[]', count: 0 });
    expect([...store.ids()]).toEqual(['*2']);
  });

  it('churn: rows stay exact while slabs are recycled and compacted; memory stays bounded (seeded)', () => {
    const store = new RowStore();
    const model = new Map<string, string>();
    const rng = fc.sample(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { seed: SEED, numRuns: 1 })[0]!;
    let x = rng;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let step = 0; step < 200_000; step++) {
      const id = `*${next() % 5000}`;
      if (next() % 4 === 0) {
        expect(store.delete(id)).toBe(model.delete(id));
      } else {
        // Rows of very different sizes, a few larger than a slab's ordinary row.
        const len = next() % 17 === 0 ? 3000 + (next() % 5000) : 20 + (next() % 400);
        const json = JSON.stringify({ '.id': id, v: 'x'.repeat(len), s: String(step) });
        if (step % 2) store.setText(id, json, 1);
        else {
          const b = bytes(json);
          store.set(id, b, 0, b.length, 1, true);
        }
        model.set(id, json);
      }
      if (step % 20_000 === 0) for (const [k, v] of model) expect(store.text(k)).toBe(v);
    }
    expect(store.size).toBe(model.size);
    for (const [k, v] of model) expect(store.text(k)).toBe(v);
    let live = 0;
    for (const v of model.values()) live += Buffer.byteLength(v);
    // Garbage is reclaimed: what the slabs hold stays within a small factor of the live rows.
    expect(store.heldBytes).toBeLessThan(live * 2 + 3 * 256 * 1024);
    expect(JSON.parse(store.json(model.keys()).text)).toHaveLength(model.size);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
