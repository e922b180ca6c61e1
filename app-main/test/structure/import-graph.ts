/**
 * The import graph of the project's TypeScript, for the no-cycles check (issue 12 item 5). Every
 * way one module names another counts as an edge: `import`, `import type`, `export … from`,
 * `import x = require()`, inline `import('…').T` types and dynamic `import()`. Type-only edges
 * count because a cycle of types still ties the two modules together: neither can move to another
 * room, or be read, without the other.
 *
 * Only relative specifiers are followed (the project uses no path aliases); they are resolved the
 * way `moduleResolution: Bundler` does for our files: the path itself, then `.ts`, `.tsx`,
 * `/index.ts`, `/index.tsx`, and `.js` written for `.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Module (absolute path) → the project modules it imports (absolute paths). */
export type ImportGraph = Map<string, Set<string>>;

const SOURCE = /\.(ts|tsx|mts|cts)$/;

/** Every .ts/.tsx file under the given directories, skipping node_modules and declaration files. */
export function sourceFiles(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name)) out.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return out.sort();
}

/** The module specifiers a file names, in source order. */
export function specifiers(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    false,
    fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      literal(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) literal(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The file a relative specifier names, or undefined when it is not one of ours. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base.replace(/\.mjs$/, '.mts'),
  ];
  return candidates.find((c) => SOURCE.test(c) && existsSync(c) && statSync(c).isFile());
}

/** The graph of the given files; edges to files outside the set (scripts, packages) are dropped. */
export function importGraph(files: readonly string[]): ImportGraph {
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const edges = new Set<string>();
    for (const spec of specifiers(file, readFileSync(file, 'utf8'))) {
      const target = resolveRelative(file, spec);
      if (target && known.has(target)) edges.add(target);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** A tangle of modules that import each other, directly or through others. */
export interface Tangle {
  /** One shortest cycle through the tangle's first module, that module repeated at the end. */
  cycle: string[];
  /** Every module of the tangle (a strongly connected component), sorted. */
  members: string[];
}

/**
 * One tangle per strongly connected component of more than one module (or a module importing
 * itself). Tarjan's algorithm, iterative so that a deep chain cannot overflow the stack.
 */
export function findCycles(graph: ImportGraph): Tangle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; edges: string[]; at: number }[] = [];
    const enter = (node: string): void => {
      index.set(node, next);
      low.set(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: [...(graph.get(node) ?? [])].sort(), at: 0 });
    };
    enter(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.edges.length) {
        const to = frame.edges[frame.at++]!;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || graph.get(frame.node)?.has(frame.node)) components.push(component);
      }
    }
  }
  return components.map((c) => ({ cycle: cycleWithin(graph, new Set(c)), members: [...c].sort() }));
}

/** A shortest cycle through the alphabetically first module of a component (breadth-first). */
function cycleWithin(graph: ImportGraph, members: Set<string>): string[] {
  const first = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const to of [...(graph.get(node) ?? [])].sort()) {
      if (!members.has(to)) continue;
      if (to === first) {
        const path = [node];
        while (path[0] !== first) path.unshift(previous.get(path[0]!)!);
        return [...path, first];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [first, first];
}

/**
 * A tangle as `a.ts → b.ts → a.ts`, paths relative to `root`, followed by the other modules caught
 * in it when the cycle shown does not pass through them all.
 */
export function describeTangle(root: string, { cycle, members }: Tangle): string {
  const shown = cycle.map((p) => relative(root, p)).join(' → ');
  const others = members.filter((m) => !cycle.includes(m)).map((p) => relative(root, p));
  return others.length ? `${shown} (also tangled: ${others.join(', ')})` : shown;
}
