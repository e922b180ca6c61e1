#!/usr/bin/env node
// Derives the shipped RouterOS command trees (resources/routeros-tree/) from `/console/inspect`
// crawls of real routers (tikoci/restraml, public domain; see resources/routeros-tree/README.md).
//
//   node scripts/make-command-tree.mjs [--from DIR] [--to DIR]
//
// DIR holds `<version>-inspect.json` files (and one `<version>-deep-inspect.json` with value
// completions). Run it again when new crawls arrive; the output is deterministic, so a re-run over
// the same input leaves `git status` clean. Only this script reads the crawls: the project builds,
// runs and tests from the committed output alone (issue 13).
//
// The compact form (read by protocol/src/tree/encoding.ts, the one reader):
// - a menu (`dir`, or `path` for the few top-level groupings) or a command is an object whose ""
//   key is its type ("d", "p", "c") and whose other keys are its children by name;
// - an argument is `0` (nothing known), or `[syntax]`, `[syntax|0, values]`,
//   `[syntax|0, values, reference]`, where a value is its text alone when its style is `none` with
//   preference 96 and no description (most of them), else `[text, style, preference, desc?]`.
// Versions share most nodes, so one version (the deep crawl, the only one with completions) is the
// base and every other version is stored as its differences from the base.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Names that were objects of the crawled router, not of RouterOS: the CHR the crawl ran on had the
 * interfaces `ether1` and `lo`, and RouterOS completes an interface argument with the router's own
 * interface names. Shipping them as static values would offer `ether1` on every router, so they are
 * removed and the argument is marked as referring to interfaces (the simulator and the app fill in
 * the router's own names).
 */
export const CRAWLED_INTERFACE_NAMES = ['ether1', 'lo'];

const TYPE_CODE = { dir: 'd', path: 'p', cmd: 'c' };
const DEFAULT_PREFERENCE = 96;

function encodeValue(text, meta) {
  const style = meta.style ?? 'none';
  const preference = meta.preference ?? DEFAULT_PREFERENCE;
  if (style === 'none' && preference === DEFAULT_PREFERENCE && meta.desc === undefined) return text;
  return meta.desc === undefined ? [text, style, preference] : [text, style, preference, meta.desc];
}

function encodeArg(node) {
  const syntax = typeof node.desc === 'string' && node.desc !== '' ? node.desc : 0;
  const completion = node._completion && typeof node._completion === 'object' ? node._completion : undefined;
  const values = [];
  let reference;
  if (completion) {
    for (const [text, meta] of Object.entries(completion)) {
      if (CRAWLED_INTERFACE_NAMES.includes(text) && (meta.style ?? 'none') === 'none') {
        reference = 'interface';
        continue;
      }
      values.push(encodeValue(text, meta ?? {}));
    }
  }
  if (reference) return [syntax, values, reference];
  if (values.length > 0) return [syntax, values];
  return syntax === 0 ? 0 : [syntax];
}

/** One crawl node (`{ _type, desc?, _completion?, ...children }`) in the compact form. */
export function encodeNode(node, where = '') {
  const type = node?._type;
  if (type === 'arg') return encodeArg(node);
  const code = TYPE_CODE[type];
  if (!code) throw new Error(`${where || '/'}: unknown node type ${JSON.stringify(type)}`);
  const out = { '': code };
  for (const name of Object.keys(node).sort()) {
    if (name.startsWith('_')) continue;
    const child = node[name];
    if (!child || typeof child !== 'object') continue;
    out[name] = encodeNode(child, `${where}/${name}`);
  }
  return out;
}

/** The root of a crawl (top-level names plus `_meta`) as a `path` node. */
export function encodeRoot(crawl) {
  return encodeNode({ ...crawl, _type: 'path' }, '');
}

function isMenuOrCommand(encoded) {
  return encoded !== null && typeof encoded === 'object' && !Array.isArray(encoded);
}

function argSyntax(encoded) {
  return Array.isArray(encoded) ? encoded[0] : 0;
}

/**
 * What `version` has that `base` lacks, what it lacks, and arguments whose syntax text differs.
 * Added subtrees are stored whole; a node whose type differs is removed and added. Completions are
 * only in the base (the other crawls have none), so they are never part of a difference.
 */
export function diffEncoded(base, version) {
  const removed = [];
  const added = [];
  const syntax = [];
  const walk = (a, b, path) => {
    for (const name of Object.keys(a)) {
      if (name === '') continue;
      const childPath = `${path}/${name}`;
      if (!(name in b)) {
        removed.push(childPath);
        continue;
      }
      const x = a[name];
      const y = b[name];
      const xMenu = isMenuOrCommand(x);
      const yMenu = isMenuOrCommand(y);
      if (xMenu !== yMenu || (xMenu && x[''] !== y[''])) {
        removed.push(childPath);
        added.push([path || '/', name, stripCompletions(y)]);
      } else if (xMenu) {
        walk(x, y, childPath);
      } else if (argSyntax(x) !== argSyntax(y)) {
        syntax.push([childPath, argSyntax(y)]);
      }
    }
    for (const name of Object.keys(b)) {
      if (name === '' || name in a) continue;
      added.push([path || '/', name, stripCompletions(b[name])]);
    }
  };
  walk(base, version, '');
  return { removed, added, syntax };
}

function stripCompletions(encoded) {
  if (!isMenuOrCommand(encoded)) {
    const s = argSyntax(encoded);
    return s === 0 ? 0 : [s];
  }
  const out = {};
  for (const [k, v] of Object.entries(encoded)) out[k] = k === '' ? v : stripCompletions(v);
  return out;
}

const VERSION_IN_NAME = /^(\d+(?:\.\d+){1,2})-(deep-)?inspect\.json$/;

function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The files to write for a set of crawls: `{ name: text }`. `crawls` is `[{ version, deep, data }]`;
 * the deep crawl (with completions) is the base, else the newest.
 */
export function deriveTreeFiles(crawls, source) {
  if (crawls.length === 0) throw new Error('no crawls to derive a command tree from');
  const sorted = [...crawls].sort((a, b) => compareVersions(a.version, b.version));
  const baseCrawl = sorted.find((c) => c.deep) ?? sorted[sorted.length - 1];
  const base = encodeRoot(baseCrawl.data);
  const files = {};
  const index = {
    format: 1,
    source,
    base: baseCrawl.version,
    versions: sorted.map((c) => c.version),
    files: {},
  };
  files[`base-${baseCrawl.version}.json`] = `${JSON.stringify(base)}\n`;
  index.files[baseCrawl.version] = `base-${baseCrawl.version}.json`;
  for (const crawl of sorted) {
    if (crawl === baseCrawl) continue;
    const diff = diffEncoded(base, encodeRoot(crawl.data));
    const name = `diff-${crawl.version}.json`;
    files[name] = `${JSON.stringify({ version: crawl.version, ...diff })}\n`;
    index.files[crawl.version] = name;
  }
  files['index.json'] = `${JSON.stringify(index, null, 2)}\n`;
  return files;
}

/** Reads `<version>-inspect.json` / `<version>-deep-inspect.json` files from a folder. */
export function readCrawls(dir) {
  const crawls = [];
  for (const file of readdirSync(dir).sort()) {
    const m = VERSION_IN_NAME.exec(file);
    if (!m) continue;
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (!data || typeof data !== 'object') throw new Error(`${file}: not a JSON object`);
    crawls.push({ version: m[1], deep: Boolean(m[2]), data });
  }
  if (crawls.length === 0) throw new Error(`${dir}: no <version>-inspect.json files`);
  return crawls;
}

function main(argv) {
  let from = resolve(here, '../../shared/data/routeros-inspect');
  let to = resolve(here, '../resources/routeros-tree');
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--from') from = resolve(argv[++i] ?? '');
    else if (argv[i] === '--to') to = resolve(argv[++i] ?? '');
    else throw new Error(`unknown option ${argv[i]} (use --from DIR --to DIR)`);
  }
  if (!existsSync(from)) throw new Error(`${from}: no such folder (give the crawls with --from DIR)`);
  const source =
    'tikoci/restraml commit 676c4bdfe211d51e8d48785b2ae2b72f838d20c8 (docs/<version>/inspect.json, docs/7.22.3/deep-inspect.json), the Unlicense';
  const files = deriveTreeFiles(readCrawls(from), source);
  mkdirSync(to, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(to, name), text);
  process.stdout.write(`wrote ${Object.keys(files).length} files to ${to}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`make-command-tree: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
