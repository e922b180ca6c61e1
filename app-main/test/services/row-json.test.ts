/**
 * The byte-level row writer (row-json.ts) against the general path it stands in for: whenever it
 * answers, its text must be exactly what JSON.stringify of the decoded attributes gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf8, Reply } from '../../../protocol/src/index';
import { RowEncoder, rowJson, ShapeRegistry, shapeOfRow, withShape, MAX_SHAPES } from '../../src/services/row-json';

const SEED = 20261126;

/** What the general path stores: the attributes without `.dead` and `__proto__`. */
function general(words: Uint8Array[]): { row: Record<string, string>; attrs: Record<string, string> } {
  const attrs = new Reply(words).attributes;
  const row: Record<string, string> = {};
  for (const k in attrs) if (k !== '.dead' && k !== '__proto__') row[k] = attrs[k]!;
  return { row, attrs };
}

const words = (...w: (string | Uint8Array)[]) => w.map((x) => (typeof x === 'string' ? encodeUtf8(x) : x));

describe('RowEncoder', () => {
  it('writes a whole row as JSON text behind its shape prefix, with the id', () => {
    const shapes = new ShapeRegistry();
    const e = new RowEncoder(shapes);
    const text = e.encode(words('!re', '=.id=*1A', '=name=ether1', '=comment=say "hi"\\\n\t\x01', '.tag=7', '=mtu=1500'));
    expect(text).toBeDefined();
    expect(e.id).toBe('*1A');
    expect(e.dead).toBe(false);
    expect(rowJson(text!)).toBe(JSON.stringify({ '.id': '*1A', name: 'ether1', comment: 'say "hi"\\\n\t\x01', mtu: '1500' }));
    expect(shapeOfRow(shapes, text!)?.names).toEqual(['.id', 'name', 'comment', 'mtu']);
    // The same names give the same shape, so the second row shares it.
    const again = e.encode(words('!re', '=.id=*2', '=name=ether2', '=comment=', '=mtu=9000'));
    expect(shapeOfRow(shapes, again!)).toBe(shapeOfRow(shapes, text!));
    expect(shapes.size).toBe(1);
  });

  it('recognises .dead=yes and .dead=true; leaves other values, odd names and code pages to the general path', () => {
    const e = new RowEncoder(new ShapeRegistry());
    expect(e.encode(words('!re', '=.id=*5', '=.dead=yes'))).toBe('');
    expect([e.dead, e.id]).toEqual([true, '*5']);
    expect(e.encode(words('!re', '=.dead=true', '=.id=*6'))).toBe('');
    expect([e.dead, e.id]).toEqual([true, '*6']);
    expect(e.encode(words('!re', '=.id=*5', '=.dead=no'))).toBeUndefined();
    expect(e.encode(words('!re', '=.id=*5', '=__proto__=x'))).toBeUndefined();
    expect(e.encode(words('!re', '=.id=*5', '=1st=x'))).toBeUndefined(); // integer-like names sort first in V8
    expect(e.encode(words('!re', '=.id=*5', '=a=1', '=a=2'))).toBeUndefined(); // repeated name
    expect(e.encode(words('!re', '=.id=*5', '=', '=b=1'))).toBeUndefined();
    expect(e.encode(words('!re', '=.id=*5', new Uint8Array([0x3d, 0x6e, 0x3d, 0xe9])))).toBeUndefined(); // windows-1252 é
    // Valid UTF-8 stays on the fast path.
    const t = e.encode(words('!re', '=.id=*7', '=comment=Zürich ✓ 𝄞'));
    expect(JSON.parse(rowJson(t!))).toEqual({ '.id': '*7', comment: 'Zürich ✓ 𝄞' });
  });

  it('registers at most MAX_SHAPES shapes per table, then declines', () => {
    const shapes = new ShapeRegistry();
    for (let i = 0; i < MAX_SHAPES; i++) expect(shapes.intern([`p${i}`])?.index).toBe(i);
    expect(shapes.intern(['one-more'])).toBeUndefined();
    expect(withShape(undefined, '{}')).toBe('~~{}');
    expect(shapeOfRow(shapes, '~~{}')).toBeUndefined();
    const e = new RowEncoder(shapes);
    expect(e.encode(words('!re', '=.id=*1', '=new-name=1'))).toBeUndefined();
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
      fc.property(fc.array(word, { maxLength: 10 }), (ws) => {
        const sentence = [encodeUtf8('!re'), ...ws];
        const text = e.encode(sentence);
        if (text === undefined) return;
        const { row, attrs } = general(sentence);
        expect(e.id).toBe(attrs['.id']);
        const dead = attrs['.dead'] === 'yes' || attrs['.dead'] === 'true';
        expect(e.dead).toBe(dead);
        if (dead) return;
        fast++;
        expect(rowJson(text)).toBe(JSON.stringify(row));
        expect(shapeOfRow(shapes, text)?.names).toEqual(Object.keys(row));
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // The property must have exercised the fast path, not only the declines.
    expect(fast).toBeGreaterThan(300);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
