/**
 * No import cycles in the project, type-only imports included (issue 12 item 5): a cycle ties two
 * modules together so that neither can move to another room, or be understood, alone. When this
 * fails, move what both sides need into a leaf module that imports neither.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTangle, findCycles, importGraph, sourceFiles, specifiers } from './import-graph';

const root = new URL('../../..', import.meta.url).pathname;
/** The rooms whose TypeScript is checked (design.md §1). */
const ROOMS = ['protocol', 'simulator', 'app-main/src', 'app-renderer/src'];

describe('the project', () => {
  it('has no import cycles across protocol/, simulator/, app-main/src and app-renderer/src', () => {
    const files = sourceFiles(ROOMS.map((r) => join(root, r)));
    // Guard against a walk that silently finds nothing (a moved folder): every room has modules.
    for (const room of ROOMS) expect([room, files.some((f) => f.startsWith(join(root, room, '/')))]).toEqual([room, true]);
    const cycles = findCycles(importGraph(files)).map((c) => describeTangle(root, c));
    expect(cycles).toEqual([]);
  });
});

describe('the cycle finder', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function tree(files: Record<string, string>): string[] {
    dir = mkdtempSync(join(tmpdir(), 'tikscope-cycles-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return sourceFiles([dir]);
  }

  it('sees every form of import, type-only and inline types included', () => {
    const text = [
      "import a from './a';",
      "import type { B } from './b';",
      "import { type C } from './c';",
      "export * from './d';",
      "export type { E } from './e';",
      "import f = require('./f');",
      "type G = import('./g').G;",
      "const h = await import('./h');",
      "import 'node:fs';",
    ].join('\n');
    expect(specifiers('x.ts', text)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', 'node:fs']);
  });

  it('finds a cycle made only of type imports, through an index and a .tsx file', () => {
    const files = tree({
      'store/types.ts': "import type { Slice } from './slice';\nexport type State = { s: Slice };\n",
      'store/slice.tsx': "import type { State } from '.';\nexport type Slice = (s: State) => void;\n",
      'store/index.ts': "export type * from './types';\n",
      'leaf.ts': "import type { State } from './store/types';\nexport const x = 1 as unknown as State;\n",
    });
    const cycles = findCycles(importGraph(files)).map((c) => describeTangle(dir!, c));
    expect(cycles).toEqual(['store/index.ts → store/types.ts → store/slice.tsx → store/index.ts']);
  });

  it('finds a module that imports itself, and reports one cycle per tangle', () => {
    const files = tree({
      'self.ts': "import { x } from './self';\nexport const y = x;\n",
      'a.ts': "import './b';\nimport './c';\n",
      'b.ts': "import './a';\n",
      'c.ts': "import './b';\n",
      'd.ts': "import './a';\n",
    });
    const cycles = findCycles(importGraph(files)).map((c) => describeTangle(dir!, c));
    expect(cycles).toEqual(['a.ts → b.ts → a.ts (also tangled: c.ts)', 'self.ts → self.ts']);
  });

  it('finds nothing in a tree without cycles', () => {
    const files = tree({ 'a.ts': "import './b';\nimport type { C } from './c';\n", 'b.ts': "import './c';\n", 'c.ts': '' });
    expect(findCycles(importGraph(files))).toEqual([]);
  });
});
