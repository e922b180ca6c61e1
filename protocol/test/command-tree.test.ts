import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveTreeFiles, encodeRoot, readCrawls, type Crawl } from '../../scripts/make-command-tree.mjs';
import { CommandTreeSet, compareTrees, nearestTreeVersion, type CommandTree } from '../src/tree/index';
import { findCommandTreeFolder, loadCommandTrees } from '../node/command-tree';

const fixture = join(import.meta.dirname, 'fixtures/routeros-inspect');

function setOf(files: Record<string, string>): CommandTreeSet {
  const read = (f: string): unknown => {
    const text = files[f];
    if (text === undefined) throw new Error(`no file ${f}`);
    return JSON.parse(text) as unknown;
  };
  return new CommandTreeSet(read('index.json'), read);
}

/** Every node of a tree as `path type syntax`, so two trees compare as sets of lines. */
function flatten(tree: CommandTree, withCompletions = false): string[] {
  const out: string[] = [];
  const walk = (segments: string[]): void => {
    for (const c of tree.children(segments)) {
      const s = [...segments, c.name];
      if (c.type === 'arg') {
        const a = tree.arg(segments, c.name)!;
        out.push(
          `/${s.join('/')} arg ${a.syntax ?? '-'}${withCompletions ? ` ${a.completions.map((v) => v.value).join(',')} ${a.references ?? ''}` : ''}`,
        );
      } else {
        out.push(`/${s.join('/')} ${c.type}`);
        walk(s);
      }
    }
  };
  walk([]);
  return out;
}

describe('make-command-tree (derivation on the fixture)', () => {
  const files = deriveTreeFiles(readCrawls(fixture), 'fixture');
  const set = setOf(files);

  it('takes the deep crawl as the base and stores the other versions as differences', () => {
    const index = JSON.parse(files['index.json']!) as { base: string; versions: string[]; files: Record<string, string> };
    expect(index.base).toBe('7.3');
    expect(index.versions).toEqual(['7.1', '7.3']);
    expect(Object.keys(files).sort()).toEqual(['base-7.3.json', 'diff-7.1.json', 'index.json']);
    const diff = JSON.parse(files['diff-7.1.json']!) as { removed: string[]; syntax: [string, string][] };
    expect(diff.removed).toEqual(
      expect.arrayContaining(['/safe-mode', '/ip/address/recursive-print', '/ip/address/disable', '/ip/address/add/disabled']),
    );
    expect(diff.syntax).toContainEqual(['/ip/address/add/address', 'A.B.C.D    (IP address)']);
  });

  it('reads each version back exactly as its crawl says', () => {
    const v1 = set.get('7.1');
    expect(v1.has('/ip/old-menu/print')).toBe(true);
    expect(v1.has('/safe-mode')).toBe(false);
    expect(v1.arg('/ip/address/add', 'address')?.kind).toEqual({ kind: 'ip' });
    const v3 = set.get('7.3');
    expect(v3.has('/ip/old-menu')).toBe(false);
    expect(v3.type('/safe-mode')).toBe('dir');
    expect(v3.type('/ip')).toBe('path');
    expect(v3.arg('/ip/address/add', 'address')?.kind).toEqual({ kind: 'ip-prefix' });
  });

  it('lists children alphabetically with export and recursive-print last, as real routers do', () => {
    expect(
      set
        .get('7.3')
        .children('/ip/address')
        .map((c) => c.name),
    ).toEqual(['add', 'disable', 'print', 'export', 'recursive-print']);
  });

  it('replaces the crawled router’s interface names by a reference, keeps other values', () => {
    const a = set.get('7.3').arg('/ip/address/add', 'interface')!;
    expect(a.references).toBe('interface');
    expect(a.completions).toEqual([{ value: 'all', style: 'obj-wildcard', preference: 80, desc: 'every interface' }]);
    expect(set.get('7.3').arg('/ip/address/add', 'disabled')?.kind).toEqual({ kind: 'yes-no' });
  });

  it('is deterministic: deriving twice gives the same bytes', () => {
    expect(deriveTreeFiles(readCrawls(fixture), 'fixture')).toEqual(files);
  });

  it('runs as a script with --from/--to and refuses an unknown option with its name', () => {
    const out = mkdtempSync(join(tmpdir(), 'tree-'));
    try {
      execFileSync(process.execPath, ['scripts/make-command-tree.mjs', '--from', fixture, '--to', out]);
      expect(readdirSync(out).sort()).toEqual(['base-7.3.json', 'diff-7.1.json', 'index.json']);
      expect(readFileSync(join(out, 'diff-7.1.json'), 'utf8')).toBe(files['diff-7.1.json']);
      let err = '';
      try {
        execFileSync(process.execPath, ['scripts/make-command-tree.mjs', '--bogus'], { stdio: 'pipe' });
      } catch (e) {
        err = String((e as { stderr: Buffer }).stderr);
      }
      expect(err).toContain('unknown option --bogus');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('any version read through base + differences equals that crawl read alone (seeded)', () => {
    // Random crawls over a small name space, so versions share, add, remove and retype nodes.
    const names = ['a', 'b', 'c', 'export', 'print'];
    const syntaxes = [undefined, 'string value', 'A.B.C.D    (IP address)', '0..10'];
    const arg = fc.record({ _type: fc.constant('arg'), desc: fc.constantFrom(...syntaxes) }).map((a) => {
      const out: Record<string, unknown> = { _type: 'arg' };
      if (a.desc !== undefined) out.desc = a.desc;
      return out;
    });
    const cmd = fc.dictionary(fc.constantFrom(...names), arg, { maxKeys: 3 }).map((d) => ({ ...d, _type: 'cmd' }));
    const menu = fc.letrec<{ menu: Record<string, unknown> }>((tie) => ({
      menu: fc
        .dictionary(fc.constantFrom(...names), fc.oneof({ depthSize: 'small' }, cmd, tie('menu')), { maxKeys: 4 })
        .map((d) => ({ ...d, _type: 'dir' })),
    })).menu;
    fc.assert(
      fc.property(menu, menu, (x, y) => {
        const crawls: Crawl[] = [
          { version: '7.5', deep: true, data: x },
          { version: '7.2', deep: false, data: y },
        ];
        const derived = setOf(deriveTreeFiles(crawls, 't'));
        const alone = setOf(deriveTreeFiles([{ version: '7.2', deep: true, data: y }], 't'));
        expect(flatten(derived.get('7.2'))).toEqual(flatten(alone.get('7.2')));
        expect(flatten(derived.get('7.5'))).toEqual(flatten(setOf(deriveTreeFiles([crawls[0]!], 't')).get('7.5')));
      }),
      { seed: 1303, numRuns: 300 },
    );
  });

  it('names what is wrong with a bad crawl', () => {
    expect(() => encodeRoot({ x: { _type: 'thing' } })).toThrow('/x: unknown node type "thing"');
  });
});

describe('the shipped trees (resources/routeros-tree)', () => {
  const set = loadCommandTrees();

  it('holds the six crawled versions in under 1.5 MB gzipped', () => {
    expect(set.versions).toEqual(['7.12.2', '7.16.2', '7.18', '7.20.8', '7.22.3', '7.24']);
    const dir = findCommandTreeFolder();
    const total = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .reduce((n, f) => n + gzipSync(readFileSync(join(dir, f))).length, 0);
    expect(total).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('answers real facts of each version', () => {
    // /safe-mode appeared in 7.18 (routeros-inspect README).
    expect(set.get('7.16.2').has('/safe-mode')).toBe(false);
    expect(set.get('7.18').commands('/safe-mode')).toEqual(expect.arrayContaining(['release', 'take', 'unroll']));
    expect(set.get('7.22.3').type('/interface')).toBe('path');
    expect(set.get('7.22.3').type('/ip/address')).toBe('dir');
    expect(set.get('7.22.3').arg('/ip/address/add', 'address')?.syntax).toBe('A.B.C.D    (IP address)');
    expect(set.get('7.22.3').arg('/ip/address/add', 'interface')?.references).toBe('interface');
    for (const v of set.versions) expect(set.get(v).commands('/ip/firewall/filter')).toContain('add');
  });

  it('picks the nearest shipped version; below the oldest, the oldest', () => {
    const shipped = set.versions;
    expect(nearestTreeVersion(shipped, '6.49.13')).toBe('7.12.2');
    expect(nearestTreeVersion(shipped, '7.9')).toBe('7.12.2');
    expect(nearestTreeVersion(shipped, '7.13')).toBe('7.12.2');
    expect(nearestTreeVersion(shipped, '7.15.3')).toBe('7.16.2');
    expect(nearestTreeVersion(shipped, '7.19')).toBe('7.18');
    expect(nearestTreeVersion(shipped, '7.22.3')).toBe('7.22.3');
    expect(nearestTreeVersion(shipped, '7.22')).toBe('7.22.3');
    expect(nearestTreeVersion(shipped, '7.30')).toBe('7.24');
    expect(nearestTreeVersion(shipped, '8.1')).toBe('7.24');
    expect(() => nearestTreeVersion(shipped, 'seven')).toThrow('not a RouterOS version: "seven"');
    expect(() => set.get('7.13')).toThrow('no shipped command tree for RouterOS 7.13 (shipped: 7.12.2');
  });

  it('compares two versions: /safe-mode added between 7.16.2 and 7.18, one change per menu', () => {
    const changes = compareTrees(set.get('7.16.2'), set.get('7.18'));
    expect(changes).toContainEqual({ change: 'added', path: '/safe-mode', type: 'dir' });
    expect(changes.filter((c) => c.path.startsWith('/safe-mode/'))).toEqual([]);
    const back = compareTrees(set.get('7.18'), set.get('7.16.2'));
    expect(back).toContainEqual({ change: 'removed', path: '/safe-mode', type: 'dir' });
    expect(compareTrees(set.get('7.18'), set.get('7.18'))).toEqual([]);
    const under = compareTrees(set.get('7.12.2'), set.get('7.24'), '/ip/address');
    expect(under.every((c) => c.path.startsWith('/ip/address'))).toBe(true);
  });
});
