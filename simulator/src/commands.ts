/**
 * Commands: the generic menu commands (print, getall, listen, add, set, remove, enable, disable,
 * get, unset) and the row encoders they share. The contract between the dispatcher
 * (connection.ts) and what a command does (CommandSpec, CommandContext) lives in model.ts with
 * the command tree that holds the commands.
 */
import { attributeKey, encodeAttributes, encodeFields } from './encode';
import {
  CommandError,
  Errors,
  valueOf,
  type ArgSpec,
  type CommandContext,
  type CommandSpec,
  type Item,
  type Menu,
  type RouterModel,
  type Stream,
} from './model';
import { compileQuery, QueryError, type CompiledQuery, type Normalize } from './query';
import { normalizeValue, parseBool, parseDuration, ValueError, T } from './types';

// ---------------------------------------------------------------- argument preparation

/**
 * Checks a command's words against its argument list, in the order RouterOS reports problems:
 * bare words, unknown parameters, then values (protocol.md §4.5).
 * @throws CommandError
 */
export function prepareArgs(
  spec: CommandSpec,
  attrs: ReadonlyMap<string, string>,
  bare: readonly string[],
  queries: readonly string[],
  model: RouterModel,
): Map<string, string> {
  const out = new Map(attrs);
  if (bare.length > 0) {
    if (spec.unnamed !== undefined && bare.length === 1 && !out.has(spec.unnamed)) out.set(spec.unnamed, bare[0]!);
    else throw Errors.unknownParameter(bare[0]);
  }
  if (queries.length > 0 && !spec.queries) throw Errors.unknownParameter();
  const known = new Map(spec.args.map((a) => [a.name, a]));
  for (const [name, value] of out) {
    const arg = known.get(name);
    if (!arg) throw Errors.unknownParameter(name);
    if (arg.flag) {
      if (value !== '' && parseBool(value) === undefined) throw new CommandError(`input does not match any value of ${name}`, 1);
      continue;
    }
    if (arg.type && !spec.selfValidating) {
      try {
        out.set(name, normalizeValue(name, arg.type, value, model.values));
      } catch (e) {
        if (e instanceof ValueError) throw new CommandError(e.message, e.category);
        throw e;
      }
    }
  }
  return out;
}

export function flagValue(args: ReadonlyMap<string, string>, name: string): boolean {
  const v = args.get(name);
  if (v === undefined) return false;
  return v === '' || parseBool(v) === true;
}

// ---------------------------------------------------------------- row encoding

/** Attribute pairs of an item as printed: `.id` first (not on singletons), write-only props left out. */
export function rowPairs(menu: Menu, item: Item): [string, string][] {
  const pairs: [string, string][] = menu.spec.singleton ? [] : [['.id', item.id]];
  for (const p of menu.spec.props) {
    if (p.writeOnly) continue;
    const v = item.values[p.name];
    if (v !== undefined) pairs.push([p.name, v]);
  }
  for (const name of menu.learned.keys()) {
    if (menu.props.has(name)) continue;
    const v = valueOf(item.values, name);
    if (v !== undefined) pairs.push([name, v]);
  }
  return pairs;
}

/** Learned names come from the tree, not clients, but `constructor` must still not read inherited. */
function valueOrUndefined(row: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = row[name];
  return typeof v === 'string' ? v : undefined;
}

/** Printed properties of a menu and their `=name=` keys, computed once per menu. */
interface RowLayout {
  readonly names: readonly string[];
  readonly keys: readonly Uint8Array[];
}
const layouts = new WeakMap<Menu, RowLayout>();
function layoutOf(menu: Menu): RowLayout {
  let l = layouts.get(menu);
  if (!l) {
    // Real arguments the model learned from the command tree print after the modelled ones.
    const names = [
      ...menu.spec.props.filter((p) => !p.writeOnly).map((p) => p.name),
      ...[...menu.learned.keys()].filter((n) => !menu.props.has(n)),
    ];
    l = { names, keys: [...(menu.spec.singleton ? [] : [attributeKey('.id')]), ...names.map(attributeKey)] };
    layouts.set(menu, l);
  }
  return l;
}

/**
 * The whole row, framed once and cached on the item until it changes: a 100k-row print is then
 * three copies per row (encode.ts SentenceBatch), and a change fanned out to many listeners is
 * encoded once.
 */
export function rowBody(menu: Menu, item: Item): Buffer {
  if (item.body) return item.body;
  const { names, keys } = layoutOf(menu);
  const values: (string | undefined)[] = menu.spec.singleton ? [] : [item.id];
  const v = item.values;
  // Schema names only, so a plain read is safe here (no inherited members among them).
  for (let i = 0; i < names.length; i++) values.push(valueOrUndefined(v, names[i]!));
  return (item.body = encodeFields(keys, values));
}

/** Only the properties a `.proplist` names, in its order; missing ones are left out (§4.3). */
export function selectedBody(menu: Menu, item: Item, names: readonly string[]): Buffer {
  const pairs: [string, string][] = [];
  for (const n of names) {
    if (n === '.id') {
      if (!menu.spec.singleton) pairs.push(['.id', item.id]);
      continue;
    }
    if (menu.props.get(n)?.writeOnly) continue;
    const v = valueOf(item.values, n);
    if (v !== undefined) pairs.push([n, v]);
  }
  return encodeAttributes(pairs);
}

/** `=.id=*X =.dead=yes` for a removed item (protocol.md §7.3). */
export function deadBody(model: RouterModel, item: Item): Buffer {
  return encodeAttributes([
    ['.id', item.id],
    ['.dead', model.bool(true)],
  ]);
}

function parseProplist(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').filter((n) => n !== '');
}

function encoderFor(menu: Menu, proplist: string[] | undefined): (item: Item) => Buffer {
  return proplist ? (item) => selectedBody(menu, item, proplist) : (item) => rowBody(menu, item);
}

/** Query values of boolean properties compare in the router's own spelling. */
function normalizerFor(menu: Menu): Normalize {
  return (name, value) => {
    if (menu.props.get(name)?.type.kind !== 'bool') return value;
    const b = parseBool(value);
    return b === undefined ? value : menu.model.bool(b);
  };
}

function compile(menu: Menu, queries: readonly string[]): CompiledQuery {
  try {
    return compileQuery(queries, normalizerFor(menu));
  } catch (e) {
    if (e instanceof QueryError) throw new CommandError(e.message, 1);
    throw e;
  }
}

/** The values a query sees: write-only properties (passwords) are invisible to it. */
function queryView(menu: Menu): (item: Item) => Readonly<Record<string, string>> {
  const hidden = menu.spec.props.filter((p) => p.writeOnly).map((p) => p.name);
  if (hidden.length === 0) return (item) => item.values;
  return (item) => {
    const v = Object.assign(Object.create(null) as Record<string, string>, item.values);
    for (const h of hidden) delete v[h];
    return v;
  };
}

function* matching(menu: Menu, query: CompiledQuery): Generator<Item> {
  if (query.size === 0) {
    yield* menu.items();
    return;
  }
  const view = queryView(menu);
  for (const item of menu.items()) if (query.matches(view(item), item.id)) yield item;
}

/** Items named by `=.id=` (or `=numbers=`): ids or names, comma-separated; all must exist. */
export function targets(ctx: CommandContext, menu: Menu): Item[] {
  const raw = ctx.args.get('.id') ?? ctx.args.get('numbers') ?? ctx.args.get('number');
  if (raw === undefined) {
    if (menu.spec.singleton) {
      const only = menu.first();
      return only ? [only] : [];
    }
    throw Errors.missingArgument('.id');
  }
  const out: Item[] = [];
  for (const ref of raw.split(',')) {
    const item = menu.find(ref);
    if (!item) throw Errors.noSuchItem();
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

// ---------------------------------------------------------------- generic menu commands

const PRINT_ARGS: readonly ArgSpec[] = [
  { name: '.proplist', description: 'properties to return, comma-separated', type: T.string },
  { name: 'count-only', description: 'return only the number of matching items (=ret=)', flag: true },
  { name: 'follow', description: 'print the items, then keep sending changes until cancelled', flag: true },
  { name: 'follow-only', description: 'send only changes, until cancelled', flag: true },
  { name: 'interval', description: 'repeat the print every interval, each round marked with .section', type: T.duration },
  { name: 'detail', description: 'print all properties', flag: true },
  { name: 'without-paging', description: 'no paging (no effect over the API)', flag: true },
  { name: 'as-value', description: 'return values (no effect over the API)', flag: true },
  { name: 'terse', description: 'terse output (no effect over the API)', flag: true },
  { name: 'brief', description: 'brief output (no effect over the API)', flag: true },
  { name: 'stats', description: 'include statistics', flag: true },
];

const ID_ARGS: readonly ArgSpec[] = [
  { name: '.id', description: 'item id (*1A) or name; several comma-separated', type: T.string },
  { name: 'numbers', description: 'same as .id', type: T.string },
];

/** Shortest interval accepted by print/monitors, so a typo cannot busy-loop the simulator. */
export const MIN_INTERVAL_MS = 10;

export function intervalMs(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new CommandError('input does not match any value of interval', 1);
  return Math.max(MIN_INTERVAL_MS, ms);
}

async function print(ctx: CommandContext, menu: Menu): Promise<void> {
  const query = compile(menu, ctx.queries);
  const encode = encoderFor(menu, parseProplist(ctx.args.get('.proplist')));
  const view = queryView(menu);

  if (ctx.flag('count-only')) {
    let n = 0;
    for (const item of menu.items()) if (query.size === 0 || query.matches(view(item), item.id)) n++;
    ctx.out.done([['ret', String(n)]]);
    return;
  }

  const interval = ctx.args.get('interval');
  if (interval !== undefined) {
    const ms = intervalMs(interval, 1000);
    let timer: NodeJS.Timeout | undefined;
    let section = 0;
    let busy = false;
    const stream = ctx.out.stream(() => clearInterval(timer));
    const round = async (): Promise<void> => {
      if (busy || !stream.active) return;
      busy = true;
      const n = await stream.rows(snapshot(matching(menu, query)), encode, [['.section', String(section)]]);
      // An empty first round answers !empty at once on ≥ 7.18 (ferrohd/mikrotik-rs#29).
      if (n === 0 && section === 0) stream.empty();
      section++;
      busy = false;
    };
    await round();
    if (stream.active) {
      timer = setInterval(() => round().catch((e: unknown) => ctx.model.onError(e)), ms);
      timer.unref();
    }
    return;
  }

  const follow = ctx.flag('follow');
  const followOnly = ctx.flag('follow-only');
  if (follow || followOnly) {
    // Subscribe before the dump so that no change made meanwhile is lost.
    const stream = changeStream(ctx, menu, query, encode);
    if (follow) {
      // An empty dump answers !empty (≥ 7.18), as an empty print does (protocol.md §5.3): the
      // client's only sign that the initial rows are complete. `follow-only` has no dump.
      const n = await stream.rows(snapshot(matching(menu, query)), encode);
      if (n === 0 && stream.active) stream.empty();
    }
    return;
  }

  const n = await ctx.out.rows(snapshot(matching(menu, query)), encode);
  if (n === 0) ctx.out.empty();
  ctx.out.done();
}

/**
 * The items of a print as they are when it begins. Rows are written as the link drains, and a
 * churning table (connection tracking) changes meanwhile: walking the live table printed entries
 * added after the print began, more rows than the table ever had, and with steady churn over a
 * slow link the print never reached `!done` (issue 11 H). An entry removed meanwhile is left out
 * (a `listen` reports it `.dead`).
 */
function* snapshot(items: Iterable<Item>): Generator<Item> {
  for (const item of [...items]) if (!item.removed) yield item;
}

/** listen / follow: a `!re` per change of a matching item; `.dead` for removals (§7.3). */
function changeStream(ctx: CommandContext, menu: Menu, query: CompiledQuery, encode: (item: Item) => Buffer): Stream {
  const subscription: { off?: () => void } = {};
  const stream = ctx.out.stream(() => subscription.off?.());
  const view = queryView(menu);
  subscription.off = menu.subscribe((change) => {
    if (!stream.active) return;
    if (query.size > 0 && !query.matches(view(change.item), change.item.id)) return;
    stream.reBody(change.kind === 'remove' ? deadBody(menu.model, change.item) : encode(change.item));
  });
  return stream;
}

function listen(ctx: CommandContext, menu: Menu): void {
  changeStream(ctx, menu, compile(menu, ctx.queries), encoderFor(menu, parseProplist(ctx.args.get('.proplist'))));
}

function get(ctx: CommandContext, menu: Menu): void {
  const name = ctx.args.get('value-name');
  if (name === undefined) throw Errors.missingArgument('value-name');
  const [item] = targets(ctx, menu);
  if (!item) throw Errors.noSuchItem();
  if (name === '.id' && !menu.spec.singleton) {
    ctx.out.done([['ret', item.id]]);
    return;
  }
  const p = menu.props.get(name);
  if (!p || p.writeOnly) throw new CommandError('input does not match any value of value-name', 1);
  ctx.out.done([['ret', item.get(name) ?? '']]);
}

function argsRecord(ctx: CommandContext, skip: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of ctx.args) if (!skip.includes(k)) out[k] = v;
  return out;
}

function add(ctx: CommandContext, menu: Menu): void {
  const placeBefore = ctx.args.get('place-before');
  const item = menu.add(argsRecord(ctx, ['place-before']), placeBefore !== undefined ? { placeBefore } : {});
  ctx.model.log('system,info', `${menu.spec.noun ?? 'item'} added by ${ctx.user}`);
  ctx.out.done([['ret', item.id]]);
}

function set(ctx: CommandContext, menu: Menu): void {
  const items = targets(ctx, menu);
  const changes = argsRecord(ctx, ['.id', 'numbers']);
  for (const item of items) menu.set(item, changes);
  if (!menu.spec.singleton) ctx.model.log('system,info', `${menu.spec.noun ?? 'item'} changed by ${ctx.user}`);
  ctx.out.done();
}

function unset(ctx: CommandContext, menu: Menu): void {
  const name = ctx.args.get('value-name');
  if (name === undefined) throw Errors.missingArgument('value-name');
  for (const item of targets(ctx, menu)) menu.set(item, { [name]: undefined });
  ctx.out.done();
}

function remove(ctx: CommandContext, menu: Menu): void {
  const items = targets(ctx, menu);
  for (const item of items) menu.remove(item);
  ctx.model.log('system,info', `${menu.spec.noun ?? 'item'} removed by ${ctx.user}`);
  ctx.out.done();
}

function comment(ctx: CommandContext, menu: Menu): void {
  const text = ctx.args.get('comment') ?? '';
  for (const item of targets(ctx, menu)) menu.set(item, { comment: text });
  ctx.out.done();
}

/** `comment` (`=numbers=` and `=comment=`), as RouterOS menus with items have it. */
export function commentCommand(menu: Menu): CommandSpec {
  return {
    name: 'comment',
    description: 'set the comment of items',
    args: [...(menu.spec.singleton ? [] : ID_ARGS), { name: 'comment', description: 'the comment', type: T.string }],
    policies: menu.spec.writePolicies ?? ['write'],
    run: (ctx) => comment(ctx, menu),
  };
}

function toggle(ctx: CommandContext, menu: Menu, disabled: boolean): void {
  const items = targets(ctx, menu);
  for (const item of items) menu.set(item, { disabled: menu.model.bool(disabled) });
  ctx.out.done();
}

/** The commands a menu gets from its spec. */
export function menuCommands(menu: Menu): CommandSpec[] {
  const spec = menu.spec;
  const write = spec.writePolicies ?? (['write'] as const);
  const read = ['read'] as const;
  const idArgs = spec.singleton ? [] : ID_ARGS;
  const modelled: ArgSpec[] = menu.writableProps().map((p) => ({ name: p.name, description: p.description, type: p.type }));
  // The arguments of add/set include what the menu learns from the command tree after this runs
  // (tree.ts installs the tree last), so they are read when a command arrives. Values are checked
  // by Menu (selfValidating).
  const writable = (): ArgSpec[] => [
    ...modelled,
    ...[...menu.learned].map(([name, type]): ArgSpec => ({ name, description: name, type })),
  ];
  const readable: ArgSpec[] = spec.props.filter((p) => !p.writeOnly);
  const valueName: ArgSpec = {
    name: 'value-name',
    description: 'property to read',
    type: T.enumOf([...(spec.singleton ? [] : ['.id']), ...readable.map((p) => p.name)]),
  };
  const out: CommandSpec[] = [];
  for (const name of ['print', 'getall'] as const) {
    out.push({
      name,
      description: name === 'print' ? 'print the items' : 'print the items (same as print)',
      args: PRINT_ARGS,
      policies: read,
      queries: true,
      run: (ctx) => print(ctx, menu),
    });
  }
  out.push({
    name: 'listen',
    description: 'send every change until cancelled',
    args: [PRINT_ARGS[0]!],
    policies: read,
    queries: true,
    run: (ctx) => listen(ctx, menu),
  });
  out.push({
    name: 'get',
    description: 'read one property (=ret=)',
    args: [...idArgs, { name: 'number', description: 'same as .id', type: T.string }, valueName],
    policies: read,
    selfValidating: true,
    run: (ctx) => get(ctx, menu),
  });
  if (spec.canAdd) {
    const extra: ArgSpec[] = spec.ordered ? [{ name: 'place-before', description: 'add before this item', type: T.string }] : [];
    out.push({
      name: 'add',
      description: 'add a new item (=ret= is its .id)',
      get args() {
        return [...writable(), ...extra];
      },
      policies: write,
      selfValidating: true,
      run: (ctx) => add(ctx, menu),
    });
  }
  if (spec.canSet || (spec.canSet === undefined && spec.canAdd)) {
    out.push({
      name: 'set',
      description: 'change item properties',
      get args() {
        return [...idArgs, ...writable()];
      },
      policies: write,
      selfValidating: true,
      run: (ctx) => set(ctx, menu),
    });
    out.push({
      name: 'unset',
      description: 'clear a property',
      args: [...idArgs, valueName],
      policies: write,
      selfValidating: true,
      run: (ctx) => unset(ctx, menu),
    });
  }
  if (spec.canRemove) {
    out.push({ name: 'remove', description: 'remove items', args: idArgs, policies: write, run: (ctx) => remove(ctx, menu) });
  }
  if (spec.canComment) out.push(commentCommand(menu));
  if (spec.canToggle) {
    out.push({
      name: 'enable',
      description: 'enable items',
      args: idArgs,
      policies: write,
      run: (ctx) => toggle(ctx, menu, false),
    });
    out.push({
      name: 'disable',
      description: 'disable items',
      args: idArgs,
      policies: write,
      run: (ctx) => toggle(ctx, menu, true),
    });
  }
  return out;
}

/** Registers a menu's generic commands in the tree. */
export function registerMenuCommands(model: RouterModel, menu: Menu): void {
  for (const c of menuCommands(menu)) model.addCommand(menu.path, c);
}
