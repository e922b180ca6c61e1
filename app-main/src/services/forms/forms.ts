/**
 * Editing from the tables (issue 14): which actions a menu has on a router, the form of its `add`
 * or `set`, the sentences a filled form sends, and sending them.
 *
 * - Commands and arguments come from the router's own `/console/inspect` when it answers (it is
 *   the truth for that router and version), else from the command tree shipped with Tikscope for
 *   the nearest RouterOS version, else nothing: a plain name/value form (RouterOS 6).
 * - Argument kinds (and so field kinds and validation) come from the shipped tree; an argument the
 *   router lists and the tree does not is a text field. The router's own names (interfaces, lists,
 *   chains) come live from `completion`, for a few arguments per form (each is two inspect
 *   requests, one at a time: landscape.md §4.1 caveats 1 and 2).
 * - Writes are console commands with a tap (like broadcast): each is in the router's console
 *   history and trace under its own tag, and its replies come back here instead of the console.
 * - The `write` policy of the user's group is read once per session (`/user` then `/user/group`);
 *   a "not enough permissions" trap marks it missing for the rest of the session.
 */
import type { Session } from '../../../../protocol/src/index';
import type { CommandTree, TreeArg } from '../../../../protocol/src/tree/index';
import type {
  ConsoleCommandRef,
  ConsoleEnd,
  ConsoleReply,
  ConsoleSendArgs,
  FormDescription,
  FormField,
  FormMenu,
  FormPlan,
  FormRequest,
  FormResult,
  FormSentenceResult,
} from '../../common/contract';
import type { ConsoleTap } from '../console/console';
import { toBridgeError } from '../core/errors';
import type { InspectService } from '../inspect/inspect';
import {
  buildSentences,
  fieldFor,
  FORM_COMMANDS,
  prefill,
  SKIPPED_ARGS,
  trapField,
  type ArgInfo,
  type CommandShape,
} from './form-builder';

export interface FormsDeps {
  /** Tikscope's own session of a router (the policy reads); NOT_CONNECTED when offline. */
  session(connectionId: string): Session;
  /** RouterOS version of the current session, '' if unknown. */
  version(connectionId: string): string;
  /** The user name the session logged in as. */
  user(connectionId: string): string;
  inspect: Pick<InspectService, 'children' | 'values'>;
  /** The shipped command trees; undefined when none could be loaded. */
  trees: { nearest(version: string): CommandTree } | undefined;
  console: { send(args: ConsoleSendArgs, tap?: ConsoleTap): Promise<ConsoleCommandRef> };
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/** Arguments whose values are the router's own names, asked live (at most this many per form). */
export const LIVE_VALUE_ARGS = 8;
const LIVE_NAME = /(^|-)(interface|bridge|list|chain|jump-target|pool|profile|bridge-port)$/;

interface WriteState {
  allowed: boolean;
  reason?: string;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function argInfo(a: TreeArg): ArgInfo {
  const info: ArgInfo = { name: a.name, kind: a.kind, completions: a.completions.map((c) => c.value) };
  if (a.syntax) info.syntax = a.syntax;
  if (a.references) info.references = a.references;
  return info;
}

/** RouterOS 6 (or an unknown version) has no shipped tree: the nearest 7.x tree would mislead. */
function treeMajorOk(version: string): boolean {
  const major = Number(/^(\d+)\./.exec(version)?.[1] ?? 'NaN');
  return major >= 7;
}

export class FormsService {
  /** Per session: the write policy, once read (or learnt from a trap). */
  private readonly write = new WeakMap<Session, Promise<WriteState> | WriteState>();

  constructor(private readonly deps: FormsDeps) {}

  private tree(connectionId: string): CommandTree | undefined {
    const version = this.deps.version(connectionId);
    if (!this.deps.trees || !treeMajorOk(version)) return undefined;
    try {
      return this.deps.trees.nearest(version);
    } catch (e) {
      this.deps.log?.('warn', `no command tree for RouterOS ${version}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The menu's commands: from the router, else the tree, else undefined. */
  private async commands(
    connectionId: string,
    path: string,
  ): Promise<{ source: FormMenu['source']; commands: string[] | undefined; treeVersion?: string }> {
    const segments = segmentsOf(path);
    const live = await this.deps.inspect.children(connectionId, segments).catch(() => undefined);
    // `fromTree`: the inspect service answered from a shipped tree for a router it cannot ask;
    // the choice of tree (and none for RouterOS 6) is made below, not taken from there.
    if (live?.available && !live.fromTree && (live.kind === 'path' || live.kind === 'dir'))
      return { source: 'router', commands: live.nodes.filter((n) => n.kind === 'cmd').map((n) => n.name) };
    const tree = this.tree(connectionId);
    if (tree?.has(path)) return { source: 'tree', commands: tree.commands(path), treeVersion: tree.version };
    return { source: 'none', commands: undefined };
  }

  async menu(connectionId: string, path: string): Promise<FormMenu> {
    this.deps.session(connectionId); // NOT_CONNECTED first
    const found = await this.commands(connectionId, path);
    const wanted: readonly string[] = FORM_COMMANDS;
    const commands = found.commands ? found.commands.filter((c) => wanted.includes(c)) : [...wanted];
    const write = await this.writeState(connectionId);
    return {
      path,
      source: found.source,
      ...(found.treeVersion ? { treeVersion: found.treeVersion } : {}),
      commands,
      write: write.reason ? { allowed: write.allowed, reason: write.reason } : { allowed: write.allowed },
    };
  }

  /** The `add`/`set` arguments of a menu on this router (undefined: generic form). */
  private async shape(
    connectionId: string,
    path: string,
    command: 'add' | 'set',
  ): Promise<CommandShape & { source: FormMenu['source']; treeVersion?: string; skipped: string[] }> {
    const found = await this.commands(connectionId, path);
    const canUnset = found.commands?.includes('unset') ?? false;
    const tree = this.tree(connectionId);
    const cmdPath = `${path}/${command}`;
    let names: string[] | undefined;
    if (found.source === 'router') {
      const live = await this.deps.inspect.children(connectionId, [...segmentsOf(path), command]).catch(() => undefined);
      if (live?.available && !live.fromTree && live.kind === 'cmd')
        names = live.nodes.filter((n) => n.kind === 'arg').map((n) => n.name);
    }
    if (!names && tree?.has(cmdPath)) names = tree.argsOf(cmdPath).map((a) => a.name);
    const base = { canUnset, source: found.source, ...(found.treeVersion ? { treeVersion: found.treeVersion } : {}) };
    if (!names) return { ...base, args: undefined, skipped: [] };
    const skipped = names.filter((n) => SKIPPED_ARGS.has(n));
    const args = names
      .filter((n) => !SKIPPED_ARGS.has(n))
      .map((name): ArgInfo => {
        const known = tree?.has(cmdPath) ? tree.arg(cmdPath, name) : undefined;
        return known ? argInfo(known) : { name, kind: { kind: 'unknown' }, completions: [] };
      });
    return { ...base, args, skipped };
  }

  async describe(
    connectionId: string,
    path: string,
    action: 'add' | 'edit',
    row?: Record<string, string>,
  ): Promise<FormDescription> {
    this.deps.session(connectionId);
    const command = action === 'add' ? 'add' : 'set';
    const shape = await this.shape(connectionId, path, command);
    const head = {
      path,
      action,
      command,
      source: shape.source,
      ...(shape.treeVersion ? { treeVersion: shape.treeVersion } : {}),
      canUnset: shape.canUnset,
      skipped: shape.skipped,
    } as const;
    if (!shape.args) {
      // No tree: the row's own properties as text (edit), or nothing but raw name/value rows (add).
      const fields: FormField[] = Object.keys(row ?? {})
        .filter((k) => !k.startsWith('.') && !SKIPPED_ARGS.has(k))
        .map((name) => ({ name, kind: 'text', value: row![name]! }));
      return { ...head, generic: true, fields: action === 'edit' ? fields : [] };
    }
    const liveFor = shape.args
      .filter((a) => a.references === 'interface' || LIVE_NAME.test(a.name))
      .slice(0, LIVE_VALUE_ARGS)
      .map((a) => a.name);
    const live = new Map<string, string[]>();
    for (const name of liveFor) {
      // One at a time: the inspect queue serialises them anyway (caveat 2).
      const answer = await this.deps.inspect.values(connectionId, [...segmentsOf(path), command], name).catch(() => undefined);
      if (answer?.available && !answer.fromTree) live.set(name, answer.values);
    }
    const fields = shape.args.map((a) => {
      const field = fieldFor(a, live.get(a.name));
      const value = prefill(field, row);
      if (value !== undefined) field.value = value;
      return field;
    });
    return { ...head, generic: false, fields };
  }

  async build(req: FormRequest): Promise<FormPlan> {
    this.deps.session(req.connectionId);
    if (req.action !== 'add' && req.action !== 'edit') return buildSentences(req, { args: undefined, canUnset: false });
    const shape = await this.shape(req.connectionId, req.path, req.action === 'add' ? 'add' : 'set');
    return buildSentences(req, shape);
  }

  /**
   * Sends the sentences of a request one after another, stopping at the first that does not end
   * `done` (the rest are `not-sent`). A trap's message goes beside the field it names.
   */
  async send(req: FormRequest): Promise<FormResult> {
    const plan = await this.build(req);
    if (Object.keys(plan.fieldErrors).length || !plan.sentences.length)
      return { outcome: 'invalid', sentences: [], fieldErrors: plan.fieldErrors };
    const results: FormSentenceResult[] = [];
    const fieldErrors: Record<string, string> = {};
    let outcome: FormResult['outcome'] = 'done';
    const names = new Set([...Object.keys(req.values ?? {}), ...(req.extra ?? []).map((e) => e.name.trim()), 'comment']);
    for (const words of plan.sentences) {
      if (outcome !== 'done') {
        results.push({ words, outcome: 'not-sent' });
        continue;
      }
      const r = await this.run(req.connectionId, words);
      results.push(r.result);
      if (r.result.outcome !== 'done' && r.result.outcome !== 'not-sent') {
        outcome = r.result.outcome;
        const message = r.trapMessage ?? r.result.error?.message ?? r.result.outcome;
        const field = r.trapMessage ? trapField(r.trapMessage, names) : undefined;
        fieldErrors[field ?? 'form'] = message;
        if (r.trapMessage && /not enough permissions/i.test(r.trapMessage)) this.noWrite(req.connectionId, r.trapMessage);
      }
    }
    return { outcome, sentences: results, fieldErrors };
  }

  /** One sentence as a console command; resolves when it ends. */
  private async run(connectionId: string, words: string[]): Promise<{ result: FormSentenceResult; trapMessage?: string }> {
    let trapMessage: string | undefined;
    let ret: string | undefined;
    let resolveEnd!: (end: ConsoleEnd) => void;
    const ended = new Promise<ConsoleEnd>((r) => (resolveEnd = r));
    const tap: ConsoleTap = {
      onReply: (reply: ConsoleReply) => {
        for (const w of reply.words) {
          if (reply.kind === '!trap' && w.startsWith('=message=') && trapMessage === undefined) trapMessage = w.slice(9);
          if (reply.kind === '!done' && w.startsWith('=ret=')) ret = w.slice(5);
        }
      },
      onEnd: resolveEnd,
    };
    try {
      await this.deps.console.send({ connectionId, words }, tap);
    } catch (e) {
      return { result: { words, outcome: 'failed', error: toBridgeError(e) } };
    }
    const end = await ended;
    const result: FormSentenceResult = { words, outcome: end.outcome };
    if (ret !== undefined) result.ret = ret;
    if (end.error) result.error = end.error;
    return trapMessage !== undefined ? { result, trapMessage } : { result };
  }

  private noWrite(connectionId: string, message: string): void {
    try {
      this.write.set(this.deps.session(connectionId), {
        allowed: false,
        reason: `the router refused a write: ${message}`,
      });
    } catch {
      // Offline: the next session reads the policy afresh.
    }
  }

  /** The `write` policy of the user's group, read once per session. */
  private async writeState(connectionId: string): Promise<WriteState> {
    const session = this.deps.session(connectionId);
    const known = this.write.get(session);
    if (known) return known;
    const reading = this.readWrite(connectionId, session);
    this.write.set(session, reading);
    const state = await reading;
    if (this.write.get(session) === reading) this.write.set(session, state);
    return state;
  }

  private async readWrite(connectionId: string, session: Session): Promise<WriteState> {
    const user = this.deps.user(connectionId);
    try {
      const users = await session.command(['/user/print', '=.proplist=group', `?name=${user}`], { timeoutMs: 5000 });
      const group = users.rows[0]?.['group'];
      if (!group) return { allowed: true, reason: `the user "${user}" is not in /user; the router decides each write` };
      const groups = await session.command(['/user/group/print', '=.proplist=policy', `?name=${group}`], { timeoutMs: 5000 });
      const policy = groups.rows[0]?.['policy'];
      if (policy === undefined) return { allowed: true, reason: `the policy of group "${group}" is unknown; the router decides` };
      if (policy.split(',').includes('write')) return { allowed: true };
      return { allowed: false, reason: `the user "${user}" is in group "${group}", which lacks the write policy` };
    } catch (e) {
      return { allowed: true, reason: `the user's policies could not be read (${(e as Error).message}); the router decides` };
    }
  }
}
