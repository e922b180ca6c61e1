/**
 * `/safe-mode` (RouterOS 7.18 and later): take, release, unroll, print — the semantics documented in
 * docs/simulator.md ("Safe mode"), from MikroTik's manual (Console: Safe Mode) and tik4net's
 * live-router tests:
 *
 * - one session at a time holds safe mode; while it is held, every configuration change is
 *   recorded (from any session, as the manual says: "also from other login sessions");
 * - `release` keeps the changes and leaves safe mode; `unroll` undoes them now, newest first;
 * - the holder's session ending without a `release` undoes them (the manual's "terminates
 *   abnormally"; tik4net saw an API session's close roll back). The simulator undoes at once, when
 *   the socket closes; a real router only notices a silent drop when TCP gives up (the manual
 *   says about 9 minutes);
 * - `take` while another session holds it fails unless `on-error=release` (keep the holder's
 *   changes and take over) or `on-error=unroll` (undo them and take over);
 * - past 100 recorded changes safe mode ends without undoing anything (the manual: the history
 *   keeps the 100 most recent actions).
 */
import { CommandError, type ConfigChange, type ConfigJournal, type Item, type Menu, type RouterModel, type Row } from './model';
import { T } from './types';
import { atLeast } from './version';

/** The manual: "history keeps up to 100 most recent actions"; past that safe mode ends, nothing undone. */
export const SAFE_MODE_MAX_CHANGES = 100;

const ON_ERROR = ['abort', 'ask', 'release', 'unroll'] as const;

export class SafeMode implements ConfigJournal {
  /** Connection id of the session holding safe mode. */
  private owner: number | undefined;
  private ownerUser = '';
  private changes: ConfigChange[] = [];
  /** True while undoing: the undo's own writes are not recorded. */
  private undoing = false;

  constructor(private readonly model: RouterModel) {}

  get holder(): number | undefined {
    return this.owner;
  }

  get recorded(): number {
    return this.changes.length;
  }

  record(change: ConfigChange): void {
    if (this.owner === undefined || this.undoing) return;
    this.changes.push(change);
    if (this.changes.length > SAFE_MODE_MAX_CHANGES) {
      this.model.log('system,warning', `safe mode ended: more than ${SAFE_MODE_MAX_CHANGES} changes, none undone`);
      this.clear();
    }
  }

  sessionEnded(session: number): void {
    if (this.owner !== session) return;
    this.model.log('system,info', `safe mode session of ${this.ownerUser} ended without release, changes undone`);
    this.unroll();
  }

  take(session: number, user: string, onError: string | undefined): void {
    if (this.owner === session) return;
    if (this.owner !== undefined) {
      if (onError === 'unroll') this.unroll();
      else if (onError === 'release') this.clear();
      else throw new CommandError(`failure: safe mode is held by another session (user ${this.ownerUser})`);
    }
    this.owner = session;
    this.ownerUser = user;
    this.changes = [];
  }

  /** Keeps the changes. Any session may release (tik4net clears a stale hold this way). */
  release(): void {
    this.clear();
  }

  /** Undoes the recorded changes, newest first, and leaves safe mode. */
  unroll(): void {
    const changes = this.changes;
    this.clear();
    this.undoing = true;
    // An item re-added by the undo of a remove replaces the removed one for older entries.
    const replaced = new Map<Item, Item>();
    const current = (item: Item): Item => replaced.get(item) ?? item;
    try {
      for (let i = changes.length - 1; i >= 0; i--) {
        const c = changes[i]!;
        try {
          undoOne(c, current, replaced);
        } catch (e) {
          // One undo that no longer applies (its item is gone) must not stop the others.
          this.model.log('system,warning', `safe mode: could not undo a change on /${c.menu.path}: ${(e as Error).message}`);
        }
      }
    } finally {
      this.undoing = false;
    }
  }

  private clear(): void {
    this.owner = undefined;
    this.ownerUser = '';
    this.changes = [];
  }

  /** `/safe-mode/print` for the asking session. */
  row(session: number): [string, string][] {
    const held = this.owner !== undefined;
    return [
      ['enabled', this.model.bool(held)],
      ['current', this.model.bool(held && this.owner === session)],
      ...(held ? ([['user', this.ownerUser]] as [string, string][]) : []),
    ];
  }
}

function writable(menu: Menu, values: Readonly<Row>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const p of menu.writableProps()) {
    const v = values[p.name];
    if (v !== undefined && Object.prototype.hasOwnProperty.call(values, p.name)) out[p.name] = v;
  }
  return out;
}

function undoOne(c: ConfigChange, current: (item: Item) => Item, replaced: Map<Item, Item>): void {
  const item = current(c.item);
  switch (c.kind) {
    case 'add':
      if (!item.removed) c.menu.remove(item);
      return;
    case 'set': {
      if (item.removed) return;
      const patch: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
      const before = writable(c.menu, c.before);
      const now = writable(c.menu, item.values);
      for (const k of Object.keys(before)) if (now[k] !== before[k]) patch[k] = before[k];
      for (const k of Object.keys(now)) if (!(k in before)) patch[k] = undefined;
      if (Object.keys(patch).length > 0) c.menu.set(item, patch);
      return;
    }
    case 'remove':
      replaced.set(c.item, c.menu.add(writable(c.menu, item.values)));
      return;
  }
}

/** Installs `/safe-mode` on versions that have it (7.18 and later); older ones have no such command. */
export function registerSafeMode(model: RouterModel): SafeMode | undefined {
  if (!atLeast(model.version, 7, 18)) return undefined;
  const safe = new SafeMode(model);
  model.journal = safe;
  model.ensureNode('safe-mode', 'safe mode: changes are undone if the session that took it ends');
  model.addCommand('safe-mode', {
    name: 'take',
    description: 'enter safe mode on this session',
    args: [{ name: 'on-error', description: 'when another session holds it', type: T.enumOf([...ON_ERROR]) }],
    policies: ['write'],
    run: (ctx) => safe.take(ctx.session, ctx.user, ctx.args.get('on-error')),
  });
  model.addCommand('safe-mode', {
    name: 'release',
    description: 'leave safe mode, keeping the changes',
    args: [],
    policies: ['write'],
    run: () => safe.release(),
  });
  model.addCommand('safe-mode', {
    name: 'unroll',
    description: 'undo the changes made in safe mode and leave it',
    args: [],
    policies: ['write'],
    run: () => safe.unroll(),
  });
  model.addCommand('safe-mode', {
    name: 'print',
    description: 'whether safe mode is held, and by whom',
    args: [],
    policies: ['read'],
    run: (ctx) => {
      ctx.out.re(safe.row(ctx.session));
      ctx.out.done();
    },
  });
  return safe;
}
