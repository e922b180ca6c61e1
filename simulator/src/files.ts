/**
 * The router's files and the commands that make and read them: `/file` (print, listen, remove — the
 * generic menu commands), `/file/read` (RouterOS ≥ 7.13: `file`, `offset`, `chunk-size`, answered
 * `!re =data=…` then `!done`), and `/export` (root and per menu), which over the API sends no text
 * back — only `!done` — and with `file=NAME` writes NAME.rsc (docs/simulator.md, "Export and
 * files").
 */
import { registerMenuCommands } from './commands';
import { exportedMenus, renderExport } from './export';
import type { Faults } from './faults';
import { CommandError, formatLogTime, type ArgSpec, type CommandContext, type Item, type Menu, type RouterModel } from './model';
import { T } from './types';
import { atLeast } from './version';

/** The largest `chunk-size` `/file/read` accepts [unverified: the simulator's choice, docs/simulator.md]. */
export const MAX_FILE_CHUNK = 32768;
/** `chunk-size` when none is given [unverified]. */
export const DEFAULT_FILE_CHUNK = 4096;

/** File contents (byte strings), beside the `/file` items that describe them. */
const contents = new WeakMap<Item, string>();
/** Chunks read from each file (for the `fileReadFailAfterChunks` fault). */
const chunksRead = new WeakMap<Item, number>();

function fileMenu(model: RouterModel): Menu {
  return model.menu('file');
}

/** Writes (or replaces) a file; its size and time follow the content. */
export function writeFile(model: RouterModel, name: string, content: string): Item {
  const files = fileMenu(model);
  const old = files.findByName(name);
  const values = {
    name,
    type: name.endsWith('.rsc') ? 'script' : name.endsWith('.backup') ? 'backup' : 'file',
    size: String(content.length),
    'creation-time': formatLogTime(model.now()),
  };
  let item: Item;
  if (old) {
    files.update(old, values);
    item = old;
  } else item = files.insert(values);
  contents.set(item, content);
  chunksRead.delete(item);
  return item;
}

/** A file's content (byte string), or undefined when there is no such file. */
export function readFile(model: RouterModel, name: string): string | undefined {
  const item = fileMenu(model).findByName(name);
  return item ? contents.get(item) : undefined;
}

const EXPORT_ARGS: readonly ArgSpec[] = [
  { name: 'file', description: 'write the script to this file (.rsc is added) instead of the terminal', type: T.string },
  { name: 'hide-sensitive', description: 'leave passwords and keys out (the default on 7.x)', flag: true },
  { name: 'show-sensitive', description: 'include passwords and keys', flag: true },
  { name: 'terse', description: 'one line per item, with the menu path on each', flag: true },
  { name: 'verbose', description: 'every value, defaults included', flag: true },
  { name: 'compact', description: 'only values that differ from the default (the default)', flag: true },
];

function runExport(ctx: CommandContext, model: RouterModel, only: readonly string[] | undefined): void {
  const text = renderExport(
    model,
    {
      showSensitive: ctx.flag('show-sensitive'),
      hideSensitive: ctx.flag('hide-sensitive'),
      terse: ctx.flag('terse'),
      verbose: ctx.flag('verbose'),
      now: model.now(),
    },
    only,
  );
  const file = ctx.args.get('file');
  if (file !== undefined) {
    if (file === '' || file.includes('..') || file.startsWith('/')) throw new CommandError('failure: invalid file name', 1);
    writeFile(model, file.endsWith('.rsc') ? file : `${file}.rsc`, text);
  }
  // Without file= the text goes to the terminal; the API has none, so only `!done` comes back.
  ctx.out.done();
}

/** Registers `/file`, `/file/read` (≥ 7.13) and `/export` (root and per exported menu). */
export function registerFiles(model: RouterModel, faults: () => Faults): void {
  const files = model.addMenu({
    path: 'file',
    description: 'files on the router',
    noun: 'file',
    nameProp: 'name',
    canRemove: true,
    props: [
      { name: 'name', type: T.string, description: 'file name', readOnly: true },
      { name: 'type', type: T.string, description: 'detected type of file', readOnly: true },
      { name: 'size', type: T.int(0), description: 'size in bytes', readOnly: true },
      { name: 'creation-time', type: T.string, description: 'when the file was written', readOnly: true },
    ],
  });
  registerMenuCommands(model, files);

  if (atLeast(model.version, 7, 13)) {
    model.addCommand('file', {
      name: 'read',
      description: 'read part of a file (=data=)',
      args: [
        { name: 'file', description: 'file name', type: T.string },
        { name: 'offset', description: 'first byte to read', type: T.int(0) },
        { name: 'chunk-size', description: `bytes to read (at most ${MAX_FILE_CHUNK})`, type: T.int(1, MAX_FILE_CHUNK) },
        { name: 'as-value', description: 'no effect over the API', flag: true },
      ],
      policies: ['read', 'ftp'],
      run: (ctx) => {
        const name = ctx.args.get('file');
        if (name === undefined) throw new CommandError('missing value(s) of argument(s) file');
        const item = files.findByName(name);
        const content = item ? contents.get(item) : undefined;
        if (!item || content === undefined) throw new CommandError('no such item', 0);
        const limit = faults().fileReadFailAfterChunks;
        const done = chunksRead.get(item) ?? 0;
        if (limit !== undefined && done >= limit) throw new CommandError('failure: could not read file', 4);
        chunksRead.set(item, done + 1);
        const offset = Number(ctx.args.get('offset') ?? '0');
        const size = Number(ctx.args.get('chunk-size') ?? String(DEFAULT_FILE_CHUNK));
        ctx.out.re([['data', content.slice(offset, offset + size)]]);
        ctx.out.done();
      },
    });
  }

  const exportSpec = (only: readonly string[] | undefined) => ({
    name: 'export',
    description: only ? 'print this menu as a script' : 'print the configuration as a script',
    args: EXPORT_ARGS,
    policies: ['read'] as const,
    run: (ctx: CommandContext) => runExport(ctx, model, only),
  });
  model.addCommand('', exportSpec(undefined));
  for (const path of exportedMenus()) if (model.hasMenu(path)) model.addCommand(path, exportSpec([path]));
}
