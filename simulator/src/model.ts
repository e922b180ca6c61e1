/**
 * The in-memory router: menus (path → items with `.id` and typed properties), the command tree
 * that `/console/inspect` describes and the dispatcher walks, users and the log.
 *
 * Every value is a byte string (bytes.ts). Raw operations (`insert`, `update`, `delete`) are what
 * background activity and tests use; validated operations (`add`, `set`, `remove`) are what API
 * commands use and throw CommandError with RouterOS messages.
 */
import type { Rng } from './rng';
import { normalizeValue, parseBool, ValueError, type PropType, type ValueContext } from './types';
import { quirksOf, type RosVersion, type VersionQuirks } from './version';

/** User group policies (RouterOS `/user group` policy names). */
export const POLICIES = [
  'local',
  'telnet',
  'ssh',
  'ftp',
  'reboot',
  'read',
  'write',
  'policy',
  'test',
  'winbox',
  'password',
  'web',
  'sniff',
  'sensitive',
  'api',
  'romon',
  'rest-api',
] as const;
export type Policy = (typeof POLICIES)[number];

export interface Trap {
  readonly message: string;
  readonly category?: number;
}

/** A refusal, answered as one or more `!trap` followed by `!done` (protocol.md §5.1). */
export class CommandError extends Error {
  readonly traps: readonly Trap[];
  constructor(message: string, category?: number, more: readonly Trap[] = []) {
    super(message);
    this.name = 'CommandError';
    this.traps = [{ message, ...(category !== undefined ? { category } : {}) }, ...more];
  }
}

/** The catalogue of protocol.md §4.5 / §5.1, in one place. */
export const Errors = {
  noSuchItem: () => new CommandError('no such item', 0),
  /** RouterOS names the word it did not take (issue 13: `unknown parameter no-such-arg`). */
  unknownParameter: (name?: string) => new CommandError(name === undefined ? 'unknown parameter' : `unknown parameter ${name}`),
  noSuchCommand: () => new CommandError('no such command'),
  notEnoughPermissions: () => new CommandError('not enough permissions (9)'),
  missingArgument: (name: string) => new CommandError(`missing value(s) of argument(s) ${name}`),
  duplicate: (noun: string) => new CommandError(`failure: already have ${noun} with such name`),
} as const;

export type Row = Record<string, string>;

export interface PropSpec {
  readonly name: string;
  readonly type: PropType;
  readonly description: string;
  /** Kept by the router (counters, flags, computed values): not an argument of add/set. */
  readonly readOnly?: boolean;
  /** add refuses to run without it. */
  readonly required?: boolean;
  /** Never printed (passwords). */
  readonly writeOnly?: boolean;
  /** Value an added item gets when the property is not given. */
  readonly default?: string;
}

export interface MenuHooks {
  /** Before add/set is applied to `values` (the complete new row): derive values or throw. */
  prepare?(menu: Menu, values: Row, old: Item | undefined): void;
  afterAdd?(menu: Menu, item: Item): void;
  afterSet?(menu: Menu, item: Item, before: Readonly<Row>): void;
  /** Throw CommandError to refuse a removal. */
  beforeRemove?(menu: Menu, item: Item): void;
  afterRemove?(menu: Menu, item: Item): void;
}

export interface MenuSpec {
  /** `ip/address` */
  readonly path: string;
  readonly description: string;
  readonly props: readonly PropSpec[];
  /** One item without `.id` (`/system/identity`). */
  readonly singleton?: boolean;
  readonly canAdd?: boolean;
  readonly canSet?: boolean;
  readonly canRemove?: boolean;
  /** enable/disable (needs a `disabled` property). */
  readonly canToggle?: boolean;
  /** `comment` (sets the `comment` property of items). */
  readonly canComment?: boolean;
  /** `.id` may also be given as this property's value (`=.id=ether1`, protocol.md §4.2). */
  readonly nameProp?: string;
  /** Noun for the duplicate-name failure. */
  readonly noun?: string;
  /** Policies a write needs (default `write`). */
  readonly writePolicies?: readonly Policy[];
  /** `add` understands `place-before` (ordered rule lists). */
  readonly ordered?: boolean;
  /** First `.id` number (hex in the id). */
  readonly firstId?: number;
  readonly hooks?: MenuHooks;
}

export class Item {
  /** @internal Cached wire form of the full row (encode.ts); dropped on every change. */
  body: Buffer | undefined;
  /** Set once the item is deleted (listen then reports `.dead`). */
  removed = false;
  constructor(
    readonly id: string,
    /**
     * Property values, in schema order. A plain object (fast property access for 100k-row
     * prints): read arbitrary names through `get()` or `valueOf()`, which ignore inherited members.
     */
    public values: Row,
  ) {}
  get(name: string): string | undefined {
    return valueOf(this.values, name);
  }
}

/** `row[name]` for own string values only (`constructor`, `__proto__` are not properties). */
export function valueOf(row: Readonly<Row>, name: string): string | undefined {
  const v = row[name];
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(row, name) ? v : undefined;
}

/**
 * A configuration change made through a validated operation (an API command), as safe mode
 * records it (safe-mode.ts). Raw operations (background activity) are not configuration.
 */
export type ConfigChange =
  | { readonly kind: 'add'; readonly menu: Menu; readonly item: Item }
  | { readonly kind: 'set'; readonly menu: Menu; readonly item: Item; readonly before: Readonly<Row> }
  | { readonly kind: 'remove'; readonly menu: Menu; readonly item: Item };

/** What the model tells safe mode (safe-mode.ts installs one on ≥ 7.18). */
export interface ConfigJournal {
  record(change: ConfigChange): void;
  /** An API session ended, however it ended (socket closed, `/quit`, `!fatal`). */
  sessionEnded(session: number): void;
}

export type ChangeKind = 'add' | 'set' | 'remove';
export interface Change {
  readonly kind: ChangeKind;
  readonly item: Item;
}
export type ChangeListener = (change: Change) => void;

/** A scratch record for arguments and hooks (null prototype: keys come from clients). */
function scratch(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

export class Menu {
  readonly path: string;
  readonly props: ReadonlyMap<string, PropSpec>;
  private readonly boolProps: readonly string[];
  private readonly map = new Map<string, Item>();
  private readonly byName: Map<string, Item> | undefined;
  private seq: number;
  private readonly listeners = new Set<ChangeListener>();
  /**
   * Real arguments of this menu's add/set that the model does not describe (tree.ts): accepted,
   * checked against their syntax and printed after the modelled properties.
   */
  readonly learned = new Map<string, PropType>();

  constructor(
    readonly spec: MenuSpec,
    readonly model: RouterModel,
  ) {
    this.path = spec.path;
    this.props = new Map(spec.props.map((p) => [p.name, p]));
    this.boolProps = spec.props.filter((p) => p.type.kind === 'bool').map((p) => p.name);
    this.byName = spec.nameProp ? new Map() : undefined;
    this.seq = spec.firstId ?? 1;
  }

  get size(): number {
    return this.map.size;
  }

  /** Items in print order. */
  items(): IterableIterator<Item> {
    return this.map.values();
  }

  /** The only item of a singleton menu. */
  first(): Item | undefined {
    return this.map.values().next().value;
  }

  byId(id: string): Item | undefined {
    return this.map.get(id);
  }

  /** An item by `.id` (`*1A`) or, where the menu allows it, by name (`ether1`). */
  find(ref: string): Item | undefined {
    if (ref.startsWith('*')) return this.map.get(`*${ref.slice(1).toUpperCase()}`);
    return this.byName?.get(ref);
  }

  findByName(name: string): Item | undefined {
    return this.byName?.get(name);
  }

  /** Registers a change listener (listen, follow); changes arrive in a microtask, in order. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  // ---- raw operations: no validation, but changes are reported ----

  /** Inserts a row as given (booleans may be yes/no/true/false). */
  insert(values: Readonly<Row>, options: { before?: Item } = {}): Item {
    const id = `*${(this.seq++).toString(16).toUpperCase()}`;
    const item = new Item(id, this.normalizeBools(this.ordered(values)));
    if (options.before && this.map.has(options.before.id)) {
      const entries = [...this.map.entries()];
      this.map.clear();
      for (const [k, v] of entries) {
        if (k === options.before.id) this.map.set(id, item);
        this.map.set(k, v);
      }
    } else this.map.set(id, item);
    this.indexName(item, undefined);
    this.emit('add', item);
    return item;
  }

  /** Changes properties (undefined removes one); reports a change only if something changed. */
  update(item: Item, patch: Readonly<Record<string, string | undefined>>): boolean {
    if (item.removed) return false;
    const before = item.values;
    let merged: Record<string, string | undefined> | undefined;
    for (const k of Object.keys(patch)) {
      let v = patch[k];
      if (v !== undefined && this.boolProps.includes(k)) v = this.boolText(v);
      if (valueOf(before, k) === v) continue;
      merged ??= Object.assign(Object.create(null) as Record<string, string | undefined>, before);
      merged[k] = v;
    }
    if (!merged) return false;
    const next = this.ordered(merged);
    const oldName = this.spec.nameProp ? before[this.spec.nameProp] : undefined;
    item.values = next;
    item.body = undefined;
    this.indexName(item, oldName);
    this.emit('set', item);
    return true;
  }

  delete(item: Item): void {
    if (item.removed || this.map.get(item.id) !== item) return;
    this.map.delete(item.id);
    if (this.byName && this.spec.nameProp) {
      const name = item.values[this.spec.nameProp];
      if (name !== undefined && this.byName.get(name) === item) this.byName.delete(name);
    }
    item.removed = true;
    this.emit('remove', item);
  }

  // ---- validated operations: what API commands do ----

  /**
   * Adds an item from API arguments (property name → value).
   * @throws CommandError with the RouterOS message for unknown parameters, bad values, missing
   *   required values and duplicate names.
   */
  add(args: Readonly<Record<string, string>>, options: { placeBefore?: string } = {}): Item {
    const values = scratch();
    for (const [name, raw] of Object.entries(args)) values[name] = this.checkArgument(name, raw);
    for (const p of this.spec.props) {
      if (values[p.name] === undefined && p.default !== undefined) values[p.name] = this.normalizeDefault(p);
    }
    for (const p of this.spec.props) {
      if (p.required && values[p.name] === undefined) throw Errors.missingArgument(p.name);
    }
    this.checkUnique(values, undefined);
    let before: Item | undefined;
    if (options.placeBefore !== undefined) {
      before = this.find(options.placeBefore);
      if (!before) throw Errors.noSuchItem();
    }
    this.spec.hooks?.prepare?.(this, values, undefined);
    const item = this.insert(values, before ? { before } : {});
    this.spec.hooks?.afterAdd?.(this, item);
    this.model.journal?.record({ kind: 'add', menu: this, item });
    return item;
  }

  /** Sets properties of an existing item from API arguments. */
  set(item: Item, args: Readonly<Record<string, string | undefined>>): void {
    const values: Row = Object.assign(scratch(), item.values);
    for (const [name, raw] of Object.entries(args)) {
      if (raw === undefined) {
        const p = this.props.get(name);
        if ((!p || p.readOnly) && !this.learned.has(name)) throw Errors.unknownParameter(name);
        if (p?.required) throw new CommandError(`failure: ${name} can not be unset`);
        delete values[name];
      } else values[name] = this.checkArgument(name, raw);
    }
    this.checkUnique(values, item);
    this.spec.hooks?.prepare?.(this, values, item);
    const before = item.values;
    const patch: Record<string, string | undefined> = Object.assign(
      Object.create(null) as Record<string, string | undefined>,
      values,
    );
    for (const k of Object.keys(before)) if (!(k in values)) patch[k] = undefined;
    if (this.update(item, patch)) {
      this.spec.hooks?.afterSet?.(this, item, before);
      this.model.journal?.record({ kind: 'set', menu: this, item, before });
    }
  }

  remove(item: Item): void {
    this.spec.hooks?.beforeRemove?.(this, item);
    this.delete(item);
    this.spec.hooks?.afterRemove?.(this, item);
    this.model.journal?.record({ kind: 'remove', menu: this, item });
  }

  /** Writable properties: the arguments of add and set. */
  writableProps(): PropSpec[] {
    return this.spec.props.filter((p) => !p.readOnly);
  }

  /** Adds real arguments the model lacks (tree.ts). */
  learn(extra: ReadonlyMap<string, PropType>): void {
    // A property the model keeps read-only may still be a real argument (`network` of
    // /ip/address/add, which the model otherwise derives from `address`).
    for (const [name, type] of extra) {
      const p = this.props.get(name);
      if (!p || p.readOnly === true) this.learned.set(name, type);
    }
  }

  private checkArgument(name: string, raw: string): string {
    const p = this.props.get(name);
    const type = p && !p.readOnly ? p.type : this.learned.get(name);
    if (!type) throw Errors.unknownParameter(name);
    try {
      return normalizeValue(name, type, raw, this.model.values);
    } catch (e) {
      if (e instanceof ValueError) throw new CommandError(e.message, e.category);
      throw e;
    }
  }

  private checkUnique(values: Row, self: Item | undefined): void {
    const key = this.spec.nameProp;
    if (!key || !this.byName) return;
    const name = values[key];
    if (name === undefined) return;
    const other = this.byName.get(name);
    if (other && other !== self) throw Errors.duplicate(this.spec.noun ?? 'item');
  }

  /**
   * A row with its properties in schema order (then any others), so that the items of a menu
   * share a few object shapes and property reads stay fast. `__proto__` never becomes a key.
   */
  private ordered(values: Readonly<Record<string, string | undefined>>): Row {
    const out: Row = {};
    for (const p of this.spec.props) {
      const v = values[p.name];
      if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(values, p.name)) out[p.name] = v;
    }
    for (const k of Object.keys(values)) {
      const v = values[k];
      if (k === '__proto__' || this.props.has(k) || typeof v !== 'string') continue;
      out[k] = v;
    }
    return out;
  }

  private normalizeDefault(p: PropSpec): string {
    return p.type.kind === 'bool' ? this.boolText(p.default!) : p.default!;
  }

  private boolText(v: string): string {
    const b = parseBool(v);
    return b === undefined ? v : this.model.bool(b);
  }

  private normalizeBools(values: Row): Row {
    for (const k of this.boolProps) {
      const v = values[k];
      if (v !== undefined) values[k] = this.boolText(v);
    }
    return values;
  }

  private indexName(item: Item, oldName: string | undefined): void {
    if (!this.byName || !this.spec.nameProp) return;
    const name = item.values[this.spec.nameProp];
    if (oldName !== undefined && oldName !== name && this.byName.get(oldName) === item) this.byName.delete(oldName);
    if (name !== undefined && !this.byName.has(name)) this.byName.set(name, item);
  }

  private emit(kind: ChangeKind, item: Item): void {
    if (this.listeners.size === 0) return;
    const change: Change = { kind, item };
    // Deferred, so a command's own `!done` goes out before the `listen` rows it caused (the
    // order of the manual's /interface/listen example).
    queueMicrotask(() => {
      for (const l of this.listeners) {
        try {
          l(change);
        } catch (e) {
          this.model.onError(e);
        }
      }
    });
  }
}

// ---------------------------------------------------------------- the command contract
// What the dispatcher (connection.ts) and a command (commands.ts, monitor.ts, inspect.ts) agree
// on. It lives here, with the tree that holds the commands, because the types refer to each other
// (a command runs with the model; the model's tree holds commands): apart, the two modules would
// import each other (issue 12 item 5).

export type Pairs = readonly (readonly [string, string])[];

export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  /** Checked by the dispatcher before the command runs (unless the command validates itself). */
  readonly type?: PropType;
  /** A flag: sent as `=name=` (or yes/no/true/false) (protocol.md §4.2). */
  readonly flag?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly args: readonly ArgSpec[];
  /** Policies the user's group must have (`not enough permissions (9)` otherwise). */
  readonly policies?: readonly Policy[];
  /** Accepts query words (`print`, `getall`, `listen`). */
  readonly queries?: boolean;
  /** A bare word (no `=`) fills this argument: `/interface/monitor-traffic ether1` (§4.2). */
  readonly unnamed?: string;
  /** The command checks its argument values itself (add/set go through Menu validation). */
  readonly selfValidating?: boolean;
  run(ctx: CommandContext): void | Promise<void>;
}

export interface CommandContext {
  readonly model: RouterModel;
  readonly node: TreeNode;
  /** The menu of the node the command lives in, if it is a menu path. */
  readonly menu: Menu | undefined;
  readonly spec: CommandSpec;
  /** Attribute words (`=name=value`), values normalized for typed arguments. */
  readonly args: ReadonlyMap<string, string>;
  readonly queries: readonly string[];
  /** The logged-in user. */
  readonly user: string;
  /** The API session (connection id) the command came on: safe mode belongs to one. */
  readonly session: number;
  readonly out: CommandOutput;
  /** True when a flag argument is present and not `no`/`false`. */
  flag(name: string): boolean;
}

/** How a command answers; every sentence carries the command's `.tag` (protocol.md §7.1). */
export interface CommandOutput {
  readonly tag: string | undefined;
  /** `!re` with attributes. */
  re(pairs: Pairs): void;
  /** `!re` with pre-encoded attribute words (encode.ts) and optional extra attributes after them. */
  reBody(body: Buffer, extra?: Pairs): void;
  /**
   * Many `!re` at once, batched into large writes that wait for the socket to drain
   * (backpressure); resolves with the number of rows sent.
   */
  rows(items: Iterable<Item>, encode: (item: Item) => Buffer, extra?: Pairs): Promise<number>;
  /** `!empty` (RouterOS ≥ 7.18 only; a no-op when emulating older versions). */
  empty(): void;
  trap(message: string, category?: number): void;
  /** `!done`, the end of the command. */
  done(pairs?: Pairs): void;
  /**
   * Makes this a running command (listen, follow, monitors): it ends with `/cancel`, the
   * connection closing, or `finish()`. `onStop` releases its timers and subscriptions.
   */
  stream(onStop: () => void): Stream;
}

export interface Stream {
  /** False once cancelled or finished: late producers must stop. */
  readonly active: boolean;
  readonly rowsSent: number;
  re(pairs: Pairs): void;
  reBody(body: Buffer, extra?: Pairs): void;
  rows(items: Iterable<Item>, encode: (item: Item) => Buffer, extra?: Pairs): Promise<number>;
  empty(): void;
  /** Ends the command with `!done` (e.g. `=once=`, ping `=count=` reached). */
  finish(pairs?: Pairs): void;
  /** Ends the command with `!trap` + `!done`. */
  fail(message: string, category?: number): void;
}

/** A node of the command tree: a directory (`ip`) or a menu path (`ip/address`). */
export interface TreeNode {
  readonly name: string;
  description: string;
  readonly children: Map<string, TreeNode>;
  readonly commands: Map<string, CommandSpec>;
  menu: Menu | undefined;
}

function newNode(name: string, description: string): TreeNode {
  return { name, description, children: new Map(), commands: new Map(), menu: undefined };
}

/**
 * Paths seen before, normalized: installing the command tree names every menu several times per
 * simulator (issue 13), and tests start hundreds of simulators. Bounded, since clients name paths.
 */
const normalized = new Map<string, string>();
const NORMALIZED_CACHE = 20_000;

/** `/ip/address`, `ip/address` and `ip address` all name the same menu. */
export function normalizePath(path: string): string {
  const hit = normalized.get(path);
  if (hit !== undefined) return hit;
  const out = path
    .trim()
    .split(/[/\s]+/)
    .filter((s) => s !== '')
    .join('/');
  if (normalized.size < NORMALIZED_CACHE) normalized.set(path, out);
  return out;
}

export interface ModelOptions {
  readonly version: RosVersion;
  readonly rng: Rng;
  /** Wall clock for timestamps (log lines, logins). */
  readonly now: () => number;
  /** Log entries kept (oldest dropped first). */
  readonly maxLogEntries?: number;
}

export class RouterModel {
  readonly version: RosVersion;
  readonly quirks: VersionQuirks;
  readonly rng: Rng;
  readonly now: () => number;
  readonly root: TreeNode = newNode('', 'root');
  readonly maxLogEntries: number;
  private readonly menus = new Map<string, Menu>();
  /** Tree nodes by normalized path (ensureNode), so registering thousands of commands is cheap. */
  private readonly nodes = new Map<string, TreeNode>();
  /** @internal Hooks the simulator installs (e.g. reboot). */
  readonly actions: { reboot?: () => void } = {};
  /** Safe mode's record of configuration changes (safe-mode.ts), on versions that have it. */
  journal: ConfigJournal | undefined;
  /**
   * Where errors thrown by change listeners and timers go. They must never escape into the host
   * process (the simulator runs inside the app's main process as the Demo router).
   */
  onError: (error: unknown) => void = () => undefined;

  /** What value validation needs to know about this router. */
  readonly values: ValueContext = {
    bool: (b) => this.bool(b),
    refExists: (path, name) => this.menus.get(path)?.findByName(name) !== undefined,
  };

  constructor(options: ModelOptions) {
    this.version = options.version;
    this.quirks = quirksOf(options.version);
    this.rng = options.rng;
    this.now = options.now;
    this.maxLogEntries = options.maxLogEntries ?? 1000;
  }

  /** A boolean as this version prints it. */
  bool(value: boolean): string {
    if (this.quirks.trueFalse) return value ? 'true' : 'false';
    return value ? 'yes' : 'no';
  }

  /** Creates a menu and its tree node. */
  addMenu(spec: MenuSpec): Menu {
    const path = normalizePath(spec.path);
    if (this.menus.has(path)) throw new RangeError(`menu /${path} exists already`);
    const menu = new Menu({ ...spec, path }, this);
    this.menus.set(path, menu);
    const node = this.ensureNode(path);
    node.menu = menu;
    node.description = spec.description;
    return menu;
  }

  /** The menu at a path (`/ip/address`); a RangeError names an unknown path. */
  menu(path: string): Menu {
    const m = this.menus.get(normalizePath(path));
    if (!m) throw new RangeError(`no menu /${normalizePath(path)} in the simulated router`);
    return m;
  }

  hasMenu(path: string): boolean {
    return this.menus.has(normalizePath(path));
  }

  allMenus(): IterableIterator<Menu> {
    return this.menus.values();
  }

  /** The tree node at a path, or undefined. */
  node(path: string): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const seg of normalizePath(path)
      .split('/')
      .filter((s) => s !== '')) {
      node = node.children.get(seg);
      if (!node) return undefined;
    }
    return node;
  }

  /** The node at a path, creating directories on the way. */
  ensureNode(path: string, description?: string): TreeNode {
    const key = normalizePath(path);
    let node: TreeNode | undefined = this.nodes.get(key);
    if (!node) {
      let at: TreeNode = this.root;
      for (const seg of key.split('/')) {
        if (seg === '') continue;
        let next: TreeNode | undefined = at.children.get(seg);
        if (!next) {
          next = newNode(seg, `${seg} menu`);
          at.children.set(seg, next);
        }
        at = next;
      }
      // Nodes are never removed, so a node once found stays the node of its path.
      this.nodes.set(key, at);
      node = at;
    }
    if (description !== undefined) node.description = description;
    return node;
  }

  /** Adds a command under a path (`interface` + monitor-traffic). */
  addCommand(path: string, spec: CommandSpec): void {
    this.ensureNode(path).commands.set(spec.name, spec);
  }

  /** Policies of a logged-in user, looked up live (a changed group applies at once). */
  policiesOf(userName: string): ReadonlySet<string> {
    const user = this.hasMenu('user') ? this.menu('user').findByName(userName) : undefined;
    const groupName = user?.get('group');
    const group =
      groupName !== undefined && this.hasMenu('user/group') ? this.menu('user/group').findByName(groupName) : undefined;
    return new Set((group?.get('policy') ?? '').split(',').filter((p) => p !== '' && !p.startsWith('!')));
  }

  /** Appends a `/log` entry (dropping the oldest beyond the cap). */
  log(topics: string, message: string): void {
    if (!this.menus.has('log')) return;
    const log = this.menu('log');
    while (log.size >= this.maxLogEntries) {
      const oldest = log.first();
      if (!oldest) break;
      log.delete(oldest);
    }
    log.insert({ time: formatLogTime(this.now()), topics, message });
  }
}

/** `2026-01-31 14:05:09` — RouterOS 7 log time, in UTC so tests do not depend on the zone. */
export function formatLogTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
