/**
 * One API connection: incremental decoding with caps, login (per emulated version), the command
 * dispatcher with the RouterOS error catalogue, running commands and `/cancel`, `/quit`, and the
 * read-side faults. Sentences are handled one after another; streams (listen, follow, monitors)
 * keep running in the background once their first part is written.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { FramingError, SentenceDecoder } from '../../protocol/src/index';
import { bytesToString } from './bytes';
import { flagValue, prepareArgs } from './commands';
import { encodeAttributes, frame, RE_WORD, SentenceBatch, sentenceTail } from './encode';
import type { Faults } from './faults';
import {
  CommandError,
  Errors,
  formatLogTime,
  type CommandContext,
  type CommandOutput,
  type CommandSpec,
  type Item,
  type Pairs,
  type RouterModel,
  type Stream,
  type TreeNode,
} from './model';
import { Output } from './output';

export interface ConnectionLimits {
  /** Bytes a client may send before it has logged in (protocol.md §6.3: pre-login limits). */
  preLoginBytes: number;
  /** Commands other than /login answered `not logged in` before the connection is dropped. */
  preLoginCommands: number;
  /** Largest word after login. */
  maxWordBytes: number;
  /** Largest sentence after login. */
  maxSentenceBytes: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  preLoginBytes: 1024 * 1024,
  preLoginCommands: 3,
  maxWordBytes: 16 * 1024 * 1024,
  maxSentenceBytes: 16 * 1024 * 1024,
};

/** What a connection needs from the server that accepted it. */
export interface ConnectionHost {
  readonly model: RouterModel;
  readonly faults: Faults;
  readonly limits: ConnectionLimits;
  log(line: string): void;
  closed(connection: ApiConnection): void;
  /** Numbers connections 1, 2, … per simulator (for logs and `sessions()`). */
  nextConnectionId(): number;
}

export type Service = 'api' | 'api-ssl';

/** Decoded sentences waiting beyond this many bytes pause reading from the socket. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** Rows are flushed to the socket in writes of about this size. */
const FLUSH_BYTES = 64 * 1024;

interface Parsed {
  command: string;
  tag: string | undefined;
  attrs: Map<string, string>;
  queries: string[];
  bare: string[];
}

/** Splits a client sentence into command, tag, attributes, queries and bare words (§4). */
export function parseSentence(words: readonly string[]): Parsed {
  const p: Parsed = { command: words[0] ?? '', tag: undefined, attrs: new Map(), queries: [], bare: [] };
  let tagSeen = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const c = w[0];
    if (c === '=') {
      // Split at the first `=` after the leading one; `=name` alone is an empty value (§4.2).
      const eq = w.indexOf('=', 1);
      if (eq < 0) p.attrs.set(w.slice(1), '');
      else p.attrs.set(w.slice(1, eq), w.slice(eq + 1));
    } else if (c === '.') {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w : w.slice(0, eq);
      const value = eq < 0 ? '' : w.slice(eq + 1);
      if (name === '.tag') {
        if (!tagSeen) p.tag = value === '' ? undefined : value;
        tagSeen = true;
      } else p.attrs.set(name, value);
    } else if (c === '?') p.queries.push(w);
    else p.bare.push(w);
  }
  return p;
}

/**
 * Finds the command a command word names, or throws the RouterOS answer: `no such command
 * prefix` for a word that is no command; two traps for an unknown directory; `no such command`
 * for an unknown command in a known menu (protocol.md §4.5).
 */
export function resolveCommand(root: TreeNode, word: string): { node: TreeNode; spec: CommandSpec } {
  if (!word.startsWith('/')) throw new CommandError('no such command prefix');
  const segments = word.slice(1).split('/');
  let node = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const next = node.children.get(seg);
    if (!next) throw new CommandError(`no such command or directory (${seg})`, 0, [{ message: 'no such command prefix' }]);
    node = next;
  }
  const spec = node.commands.get(segments[segments.length - 1]!);
  if (!spec) throw Errors.noSuchCommand();
  return { node, spec };
}

/** The answer to one command: every sentence carries its tag (protocol.md §7.1). */
class CommandReply implements CommandOutput {
  state: 'open' | 'streaming' | 'ended' = 'open';
  readonly tail: Buffer;
  /** `!empty` was sent (for the noDoneAfterEmpty fault). */
  private emptySent = false;

  constructor(
    readonly connection: ApiConnection,
    readonly tag: string | undefined,
  ) {
    this.tail = sentenceTail(tag);
  }

  private send(words: string[]): void {
    this.connection.out.write(frame(words, this.tag), 1);
  }

  private tailWith(extra: Pairs | undefined): Buffer {
    return extra && extra.length > 0 ? Buffer.concat([encodeAttributes(extra), this.tail]) : this.tail;
  }

  re(pairs: Pairs): void {
    this.send(['!re', ...pairs.map(([k, v]) => `=${k}=${v}`)]);
  }

  reBody(body: Buffer, extra?: Pairs): void {
    this.connection.out.write(Buffer.concat([RE_WORD, body, this.tailWith(extra)]), 1);
  }

  rows(
    items: Iterable<Item>,
    encode: (item: Item) => Buffer,
    extra?: Pairs,
    active: () => boolean = () => true,
  ): Promise<number> {
    return this.connection.writeRows(items, encode, this.tailWith(extra), active);
  }

  empty(): void {
    // `!empty` exists from RouterOS 7.18 (protocol.md §5.3); before that an empty result is a bare !done.
    if (this.connection.model.quirks.emptyReply) {
      this.send(['!empty']);
      this.emptySent = true;
    }
  }

  trap(message: string, category?: number): void {
    this.send(['!trap', ...(category !== undefined ? [`=category=${category}`] : []), `=message=${message}`]);
  }

  done(pairs: Pairs = []): void {
    if (this.state === 'ended') return;
    if (this.state === 'open' && this.emptySent && this.connection.faults.noDoneAfterEmpty) {
      // The noDoneAfterEmpty fault (RouterOS 7.23.3, protocol.md §5.3): no `!done`; the command
      // stays open, and a `/cancel` ends it like any running command.
      (this.stream(() => undefined) as RunningCommand).emptySent = true;
      return;
    }
    this.state = 'ended';
    this.send(['!done', ...pairs.map(([k, v]) => `=${k}=${v}`)]);
  }

  stream(onStop: () => void): Stream {
    if (this.state !== 'open') throw new Error('a command can become a stream only once, before it ends');
    this.state = 'streaming';
    const r = new RunningCommand(this, onStop);
    this.connection.running.add(r);
    return r;
  }
}

/** A command that keeps sending until cancelled or finished (listen, follow, monitors). */
export class RunningCommand implements Stream {
  private isActive = true;
  rowsSent = 0;
  /** `!empty` was sent already (an empty first `=interval=` round). */
  emptySent = false;

  constructor(
    readonly reply: CommandReply,
    private readonly onStop: () => void,
  ) {}

  get tag(): string | undefined {
    return this.reply.tag;
  }

  get active(): boolean {
    return this.isActive;
  }

  re(pairs: Pairs): void {
    if (!this.isActive) return;
    this.rowsSent++;
    this.reply.re(pairs);
  }

  reBody(body: Buffer, extra?: Pairs): void {
    if (!this.isActive) return;
    this.rowsSent++;
    this.reply.reBody(body, extra);
  }

  async rows(items: Iterable<Item>, encode: (item: Item) => Buffer, extra?: Pairs): Promise<number> {
    if (!this.isActive) return 0;
    const n = await this.reply.rows(items, encode, extra, () => this.isActive);
    this.rowsSent += n;
    return n;
  }

  empty(): void {
    if (!this.isActive) return;
    this.emptySent = true;
    this.reply.empty();
  }

  finish(pairs?: Pairs): void {
    if (!this.isActive) return;
    this.stop();
    this.reply.done(pairs);
  }

  fail(message: string, category?: number): void {
    if (!this.isActive) return;
    this.stop();
    this.reply.trap(message, category);
    this.reply.done();
  }

  /** Stops producing (timers, subscriptions) without sending anything. */
  stop(): void {
    if (!this.isActive) return;
    this.isActive = false;
    this.reply.connection.running.delete(this);
    this.onStop();
  }
}

export class ApiConnection {
  readonly id: number;
  readonly out: Output;
  readonly running = new Set<RunningCommand>();
  readonly remoteAddress: string;
  /** The logged-in user, once logged in. */
  user: string | undefined;
  private readonly decoder: SentenceDecoder;
  private preLoginBytes = 0;
  private preLoginCommands = 0;
  private challenge: string | undefined;
  private readonly queue: Uint8Array[][] = [];
  private queuedBytes = 0;
  private pumping = false;
  private paused = false;
  private ended = false;
  private stalledHere = false;
  private received = 0;
  private activeEntry: Item | undefined;

  constructor(
    readonly socket: Socket,
    readonly service: Service,
    private readonly host: ConnectionHost,
  ) {
    this.id = host.nextConnectionId();
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.decoder = new SentenceDecoder({
      maxWordBytes: host.limits.maxWordBytes,
      maxSentenceBytes: host.limits.maxSentenceBytes,
    });
    this.out = new Output(socket, host.faults, {
      stalled: () => this.stalled,
      cut: (how) => {
        this.ended = true;
        this.stopAll();
        this.host.log(`connection ${this.id}: output cut by fault (${how})`);
      },
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.host.log(`connection ${this.id}: ${e.message}`));
    socket.on('close', () => this.onClose());
  }

  get model(): RouterModel {
    return this.host.model;
  }

  get loggedIn(): boolean {
    return this.user !== undefined;
  }

  get stalled(): boolean {
    return this.host.faults.stall || this.stalledHere;
  }

  /** Abrupt close, as a router that vanished (no `!fatal`). */
  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  /** The simulator's live fault switches. */
  get faults(): Faults {
    return this.host.faults;
  }

  /** Sends `!fatal REASON` and closes (protocol.md §5.2: nothing follows it). */
  fatal(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopAll();
    this.out.write(frame(['!fatal', reason]), 1);
    this.out.end();
  }

  private onData(chunk: Buffer): void {
    if (this.ended || this.stalled) return;
    if (!this.loggedIn) {
      this.preLoginBytes += chunk.length;
      if (this.preLoginBytes > this.host.limits.preLoginBytes) {
        this.fatal('too much data before login');
        return;
      }
    }
    let sentences: Uint8Array[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (e) {
      // The stream cannot be read any further (reserved byte, cap): say why and close.
      const reason = e instanceof FramingError ? e.reason : String(e);
      this.host.log(`connection ${this.id}: ${reason}`);
      this.fatal(`protocol error: ${reason}`);
      return;
    }
    for (const s of sentences) {
      this.queue.push(s);
      for (const w of s) this.queuedBytes += w.length + 1;
    }
    if (this.queuedBytes > MAX_QUEUED_BYTES && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.ended) {
        const words = this.queue.shift()!;
        for (const w of words) this.queuedBytes -= w.length + 1;
        if (this.stalled) continue;
        const pending = this.handle(words.map(bytesToString));
        if (pending) await pending;
        // Backpressure: a client that does not read stops being read (engineering-notes §6.2).
        if (this.out.backlogged) await this.out.drain();
        if (this.paused && this.queuedBytes < MAX_QUEUED_BYTES / 2) {
          this.paused = false;
          this.socket.resume();
        }
      }
    } catch (e) {
      this.host.log(`connection ${this.id}: internal error: ${(e as Error).stack ?? String(e)}`);
      this.destroy();
    } finally {
      this.pumping = false;
      if (this.paused && !this.ended) {
        this.paused = false;
        this.socket.resume();
      }
    }
  }

  private handle(words: string[]): Promise<void> | void {
    this.received++;
    const stallAfter = this.host.faults.stallAfterSentences;
    if (stallAfter !== undefined && this.received > stallAfter) {
      this.stalledHere = true;
      return;
    }
    const p = parseSentence(words);
    if (p.command === '/login') return this.login(p);
    if (p.command === '/quit') {
      this.fatal('session terminated on request');
      return;
    }
    if (!this.loggedIn) {
      // Before login RouterOS answers a few commands and then gives up (protocol.md §6.3).
      this.preLoginCommands++;
      if (this.preLoginCommands > this.host.limits.preLoginCommands) {
        this.fatal('too many commands before login');
        return;
      }
      const reply = new CommandReply(this, p.tag);
      reply.trap('not logged in');
      reply.done();
      return;
    }
    if (p.command === '/cancel') return this.cancel(p);
    return this.dispatch(p);
  }

  // ------------------------------------------------------------------ login (protocol.md §6)

  private newChallenge(): string {
    let hex = '';
    for (let i = 0; i < 16; i++) hex += this.model.rng.int(0, 255).toString(16).padStart(2, '0');
    this.challenge = hex;
    return hex;
  }

  private login(p: Parsed): void {
    const reply = new CommandReply(this, p.tag);
    const quirks = this.model.quirks;
    const name = p.attrs.get('name');
    const password = p.attrs.get('password');
    const response = p.attrs.get('response');
    const badLogin = quirks.plainLogin ? 'invalid user name or password (6)' : 'cannot log in';
    const refuse = (): void => {
      this.host.log(`connection ${this.id}: login failed for ${name ?? '(no name)'}`);
      this.model.log(
        'system,error,critical',
        `login failure for user ${name ?? ''} from ${this.remoteAddress} via ${this.service}`,
      );
      reply.trap(badLogin);
      reply.done();
    };

    if (response !== undefined) {
      // The MD5 form; 6.45.1 removed it, so modern routers always refuse it (§6.3 pitfall).
      const challenge = this.challenge;
      this.challenge = undefined;
      if (!quirks.challengeLogin || challenge === undefined || name === undefined) return refuse();
      const user = this.checkUser(name);
      if (!user) return refuse();
      const expected =
        '00' +
        createHash('md5')
          .update(Buffer.concat([Buffer.from([0]), Buffer.from(user.password, 'latin1'), Buffer.from(challenge, 'hex')]))
          .digest('hex');
      if (response.toLowerCase() !== expected) return refuse();
      this.loginSucceeded(name, reply);
      return;
    }
    if (name === undefined || !quirks.plainLogin) {
      // A bare /login gets a challenge on every version — modern routers never accept the
      // answer (BenMenking/routeros-api#52); before 6.43 the name and password are ignored and
      // the challenge is the only answer (the basis of plain-first detection, §6.3).
      reply.done([['ret', this.newChallenge()]]);
      return;
    }
    const user = this.checkUser(name);
    if (!user || user.password !== (password ?? '')) return refuse();
    this.loginSucceeded(name, reply);
  }

  /** The user if it may log in over the API (exists, enabled, group has `api`, no fault). */
  private checkUser(name: string): { password: string } | undefined {
    if (this.host.faults.refuseLogin) return undefined;
    const users = this.model.hasMenu('user') ? this.model.menu('user') : undefined;
    const user = users?.findByName(name);
    if (!user || user.get('disabled') === this.model.bool(true)) return undefined;
    if (!this.model.policiesOf(name).has('api')) return undefined;
    return { password: user.get('password') ?? '' };
  }

  private loginSucceeded(name: string, reply: CommandReply): void {
    const first = !this.loggedIn;
    this.user = name;
    this.challenge = undefined;
    reply.done();
    if (!first) return;
    this.host.log(`connection ${this.id}: ${name} logged in from ${this.remoteAddress} (${this.service})`);
    this.model.log('system,info,account', `user ${name} logged in from ${this.remoteAddress} via ${this.service}`);
    if (this.model.hasMenu('user/active')) {
      const group = this.model.menu('user').findByName(name)?.get('group') ?? '';
      this.activeEntry = this.model.menu('user/active').insert({
        when: formatLogTime(this.model.now()),
        name,
        address: this.remoteAddress,
        via: this.service,
        group,
        radius: 'no',
      });
    }
    const users = this.model.menu('user');
    const u = users.findByName(name);
    if (u) users.update(u, { 'last-logged-in': formatLogTime(this.model.now()) });
  }

  // ------------------------------------------------------------------ commands

  private async dispatch(p: Parsed): Promise<void> {
    const reply = new CommandReply(this, p.tag);
    let stream: RunningCommand | undefined;
    try {
      const { node, spec } = resolveCommand(this.model.root, p.command);
      const policies = this.model.policiesOf(this.user!);
      for (const needed of spec.policies ?? []) if (!policies.has(needed)) throw Errors.notEnoughPermissions();
      const args = prepareArgs(spec, p.attrs, p.bare, p.queries, this.model);
      const ctx: CommandContext = {
        model: this.model,
        node,
        menu: node.menu,
        spec,
        args,
        queries: p.queries,
        user: this.user!,
        session: this.id,
        out: reply,
        flag: (n) => flagValue(args, n),
      };
      const result = spec.run(ctx);
      if (result) await result;
    } catch (e) {
      for (const r of this.running) if (r.reply === reply) stream = r;
      stream?.stop();
      if (reply.state === 'ended') return;
      if (e instanceof CommandError) {
        for (const t of e.traps) reply.trap(t.message, t.category);
      } else {
        this.host.log(`connection ${this.id}: command ${p.command} failed: ${(e as Error).stack ?? String(e)}`);
        reply.trap(`failure: ${(e as Error).message}`, 4);
      }
      reply.done();
      return;
    }
    // A command that neither ended nor became a stream would leave its client waiting forever.
    if (reply.state === 'open') reply.done();
  }

  /**
   * `/cancel [=tag=X]`: interrupts command X, or every running command. Reply order of
   * protocol.md §7.2: victim's `!trap =category=2 =message=interrupted`, the canceller's
   * `!done`, then the victim's `!done` — with `!empty` before it on ≥ 7.18 when the stream never
   * sent data (EMP).
   */
  private cancel(p: Parsed): void {
    const reply = new CommandReply(this, p.tag);
    for (const k of p.attrs.keys()) {
      if (k !== 'tag') {
        reply.trap('unknown parameter');
        reply.done();
        return;
      }
    }
    if (p.bare.length > 0 || p.queries.length > 0) {
      reply.trap('unknown parameter');
      reply.done();
      return;
    }
    const target = p.attrs.get('tag');
    const victims = [...this.running].filter((r) => target === undefined || r.tag === target);
    for (const v of victims) v.stop();
    const end = (v: RunningCommand): void => {
      if (v.rowsSent === 0 && !v.emptySent) v.reply.empty();
      v.reply.done();
    };
    const late = this.host.faults.cancelLateSentences;
    if (late > 0 && victims.length > 0) {
      reply.done();
      const t = setTimeout(() => {
        if (this.ended) return;
        for (const v of victims) {
          v.reply.trap('interrupted', 2);
          end(v);
          for (let i = 1; i <= late; i++) v.reply.re([['late', String(i)]]);
        }
      }, this.host.faults.cancelLateDelayMs);
      t.unref();
      return;
    }
    for (const v of victims) v.reply.trap('interrupted', 2);
    reply.done();
    for (const v of victims) end(v);
  }

  /** Writes many rows in large batches, waiting for drain and yielding to other connections. */
  async writeRows(items: Iterable<Item>, encode: (item: Item) => Buffer, tail: Buffer, active: () => boolean): Promise<number> {
    const out = this.out;
    let n = 0;
    if (out.perSentence) {
      for (const item of items) {
        if (!active() || this.ended) break;
        out.write(Buffer.concat([RE_WORD, encode(item), tail]), 1);
        n++;
        if (out.backlogged) await out.drain();
      }
      return n;
    }
    const batch = new SentenceBatch();
    let sinceYield = 0;
    for (const item of items) {
      batch.addRow(encode(item), tail);
      n++;
      if (batch.size >= FLUSH_BYTES) {
        const count = batch.count;
        out.write(batch.take()!, count);
        if (out.backlogged) await out.drain();
        else if (++sinceYield >= 8) {
          // One big print must not starve the other connections.
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (!active() || this.ended) return n;
      }
    }
    const count = batch.count;
    const rest = batch.take();
    if (rest) out.write(rest, count);
    return n;
  }

  private stopAll(): void {
    for (const r of [...this.running]) r.stop();
  }

  private onClose(): void {
    this.ended = true;
    this.stopAll();
    this.queue.length = 0;
    if (this.activeEntry) {
      this.model.menu('user/active').delete(this.activeEntry);
      this.activeEntry = undefined;
      this.model.log('system,info,account', `user ${this.user ?? ''} logged out from ${this.remoteAddress} via ${this.service}`);
    }
    // Safe mode held by this session and not released is undone (safe-mode.ts).
    if (this.loggedIn) this.model.journal?.sessionEnded(this.id);
    this.host.closed(this);
  }
}
