/**
 * The command-line client (design.md §4 "The command-line client"): the TypeScript counterpart of
 * MikroTik's example client. It logs in, reads sentences from standard input — one word per line,
 * an empty line ends a sentence — sends each exactly as typed and prints the exchange.
 *
 * It is built for volume: received words are formatted as bytes straight from the socket chunks
 * into large output buffers (no JavaScript string per word, no Reply object per sentence), stdout
 * is written with backpressure that pauses the socket, and stdin is read incrementally so the first
 * sentence goes out before the end of input. So instead of a Session it drives the wire pieces of
 * protocol/src directly — SentenceDecoder.feed, frameSentence, challengeResponse — and keeps only
 * what it needs to know when to stop: how many commands, per tag, still wait for their `!done`.
 */
import process from 'node:process';
import { challengeResponse, frameSentence, FramingError, REDACTED_PASSWORD, SentenceDecoder, type WordSink } from '../src/index';
import { ArgumentError, parseArgs, USAGE, type CliOptions } from './cli-args';
import { EscapeError, LineSplitter, LineWriter, RECEIVED_MARKER, SENT_MARKER, unescapeWord } from './cli-text';
import { openSocket, type SocketTransport } from './transport';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_LOGIN_FAILED = 2;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// Fits in L2 next to the output buffer; large enough that a fast router fills few reads per MB. A
// plain Uint8Array, like the decoder's copies of straddling words: one array type reaching the
// formatting loop keeps V8 from deoptimising it mid-reply.
const READ_BUFFER_BYTES = 256 * 1024;
// Each received chunk reserves its worst-case output up front (see receive()): below 5 bytes out per
// byte in, so 1.25 MiB for a full read, and a flush roughly every three reads of a typical reply.
const OUTPUT_BUFFER_BYTES = 2 << 20;
const MAX_OUTPUT_PER_INPUT_BYTE = 5;

/**
 * Every array the formatter sees is a plain Uint8Array, never a Buffer (a subclass with another
 * V8 map): sent words, received chunks and the decoder's copies alike. A second map at the same
 * property or element access makes V8's code for it polymorphic, or deoptimises code compiled
 * before the second one appeared.
 */
const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const enc = (s: string): Uint8Array => plain(Buffer.from(s, 'utf8'));
const ascii = (s: string): Uint8Array => plain(Buffer.from(s, 'latin1'));

const DONE = ascii('!done');
const TRAP = ascii('!trap');
const FATAL = ascii('!fatal');
const QUIT = ascii('/quit');
const TAG_PREFIX = ascii('.tag=');
const RET_PREFIX = ascii('=ret=');
const MESSAGE_PREFIX = ascii('=message=');

/** What the first word of a received sentence says (only these matter to the CLI). */
const Kind = { Other: 0, Done: 1, Trap: 2, Fatal: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

function equalsAt(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[start + i] !== expected[i]) return false;
  return true;
}

function startsWithAt(bytes: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

/** The reply word's kind; `!re`, by far the most frequent, is settled by its length alone. */
function replyKind(bytes: Uint8Array, start: number, end: number): Kind {
  switch (end - start) {
    case 5:
      return equalsAt(bytes, start, end, DONE) ? Kind.Done : equalsAt(bytes, start, end, TRAP) ? Kind.Trap : Kind.Other;
    case 6:
      return equalsAt(bytes, start, end, FATAL) ? Kind.Fatal : Kind.Other;
    default:
      return Kind.Other;
  }
}

/** Tag keys are compared byte for byte; latin1 maps each byte to one character. */
function tagKey(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

function text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/** Ends the process with `code` once stdout and stderr have taken everything written to them. */
function exitWhenFlushed(code: number, message?: string): void {
  let waiting = 2;
  const done = (): void => {
    if (--waiting === 0) process.exit(code);
  };
  // One line, whatever the message (OpenSSL's can carry newlines).
  if (message) process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`, done);
  else done();
  // A zero-length write's callback runs after every earlier write reached the OS.
  if (process.stdout.destroyed || !process.stdout.writable) done();
  else process.stdout.write('', done);
}

class Client {
  private readonly writer: LineWriter;
  // Plain TCP reads land in one reused buffer (no allocation per read), so the decoder copies the
  // rare word that straddles two reads instead of keeping views.
  private readonly decoder = new SentenceDecoder({ reusedChunks: true });
  private transport: SocketTransport | undefined;
  private finished = false;
  private flushScheduled = false;
  private stdoutBlocked = false;
  /** Output buffers whose write has completed, for reuse: memory stays flat however large the reply. */
  private readonly spare: Buffer[] = [];

  private phase: 'connecting' | 'login' | 'session' = 'connecting';
  private loginStep: 'plain' | 'challenge' = 'plain';
  private loginTraps: string[] = [];
  private loginRet: string | undefined;

  /** Commands still waiting for their `!done`: by tag, and untagged ones (answered in order). */
  private readonly pendingByTag = new Map<string, number>();
  private pendingUntagged = 0;
  private pendingTotal = 0;
  private inputEnded = false;
  private quitSent = false;
  private inputLine = 0;
  private sentence: Uint8Array[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** Per received sentence: its reply kind, tag and (for login and !fatal) a few values. */
  private wordIndex = 0;
  private kind: Kind = Kind.Other;
  private tag: string | undefined;
  private fatalReason: string[] = [];

  constructor(private readonly options: CliOptions) {
    this.writer = new LineWriter(
      (bytes) => this.writeStdout(bytes),
      OUTPUT_BUFFER_BYTES,
      (size) => (size === OUTPUT_BUFFER_BYTES ? this.spare.pop() : undefined) ?? Buffer.allocUnsafe(size),
    );
  }

  async run(): Promise<void> {
    const o = this.options;
    const connectTimeoutMs = o.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const started = Date.now();
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      this.finish(
        EXIT_FAILURE,
        e.code === 'EPIPE' ? 'standard output was closed' : `cannot write to standard output: ${e.message}`,
      );
    });
    try {
      this.transport = await openSocket({
        host: o.host,
        port: o.port,
        tls: o.tls,
        connectTimeoutMs,
        readBuffer: new Uint8Array(READ_BUFFER_BYTES),
      });
    } catch (e) {
      this.finish(EXIT_FAILURE, (e as Error).message);
      return;
    }
    this.transport.onData((chunk) => this.receive(chunk));
    this.transport.onClose((error) => this.connectionClosed(error));

    // Login is bounded by what is left of the connect timeout (TCP + TLS + login together).
    const left = Math.max(1, connectTimeoutMs - (Date.now() - started));
    this.timer = setTimeout(() => {
      this.finish(
        EXIT_FAILURE,
        `no login reply from ${o.host}:${o.port} within ${seconds(connectTimeoutMs)} (connect and login)`,
      );
    }, left);
    this.phase = 'login';
    // Plain login first (RouterOS ≥ 6.43); the MD5 challenge only if the router answers =ret=
    // (protocol.md §6.3). The password is shown masked, like any other exchange.
    this.send(
      [enc('/login'), enc(`=name=${o.user}`), enc(`=password=${o.password}`)],
      [enc('/login'), enc(`=name=${o.user}`), enc(`=password=${REDACTED_PASSWORD}`)],
    );
  }

  /** Login sentences are untagged and the only ones in flight; this runs at each of their `!done`. */
  private loginDone(): void {
    if (this.loginTraps.length > 0) {
      this.finish(EXIT_LOGIN_FAILED, `login failed: ${this.loginTraps.join('; ')}`);
      return;
    }
    const ret = this.loginRet;
    this.loginRet = undefined;
    if (this.loginStep === 'plain' && ret !== undefined) {
      if (!/^([0-9a-fA-F]{2})+$/.test(ret)) {
        this.finish(EXIT_LOGIN_FAILED, `login failed: the router sent a malformed challenge "${ret}"`);
        return;
      }
      this.loginStep = 'challenge';
      const o = this.options;
      this.send([enc('/login'), enc(`=name=${o.user}`), enc(`=response=${challengeResponse(o.password, ret)}`)]);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.phase = 'session';
    this.startInput();
  }

  private startInput(): void {
    const splitter = new LineSplitter((bytes, start, end) => this.line(bytes, start, end));
    const stdin = process.stdin;
    stdin.on('data', (chunk: Buffer) => {
      if (this.finished) return;
      try {
        splitter.push(chunk);
      } catch (e) {
        this.finish(EXIT_FAILURE, `input: ${(e as Error).message}`);
      }
    });
    stdin.on('end', () => {
      if (this.finished) return;
      try {
        splitter.end();
      } catch (e) {
        this.finish(EXIT_FAILURE, `input: ${(e as Error).message}`);
        return;
      }
      // A sentence not closed by an empty line is still sent at the end of input.
      this.endSentence();
      this.inputEnded = true;
      this.scheduleFlush();
      if (this.pendingTotal === 0) this.finish(EXIT_OK);
      else if (this.options.timeoutMs !== undefined) {
        const ms = this.options.timeoutMs;
        this.timer = setTimeout(() => {
          this.finish(
            EXIT_FAILURE,
            `timed out after ${seconds(ms)} waiting for the final reply to ${plural(this.pendingTotal, 'command')}`,
          );
        }, ms);
      }
    });
    stdin.on('error', (e) => this.finish(EXIT_FAILURE, `cannot read standard input: ${e.message}`));
  }

  private line(bytes: Uint8Array, start: number, end: number): void {
    this.inputLine++;
    if (this.finished) return;
    if (start === end) {
      this.endSentence();
      return;
    }
    try {
      this.sentence.push(unescapeWord(bytes, start, end));
    } catch (e) {
      if (!(e instanceof EscapeError)) throw e;
      this.finish(EXIT_FAILURE, `input line ${this.inputLine}: ${e.message}`);
    }
  }

  private endSentence(): void {
    const words = this.sentence;
    if (words.length === 0) return;
    this.sentence = [];
    this.send(words);
  }

  /** Echoes and writes one sentence, registering its final reply as awaited before the write. */
  private send(words: Uint8Array[], shown: readonly Uint8Array[] = words): void {
    const transport = this.transport;
    if (this.finished || !transport) return;
    this.writer.sentence(SENT_MARKER, shown);
    this.scheduleFlush();

    let tag: string | undefined;
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (startsWithAt(w, 0, w.length, TAG_PREFIX)) {
        // An empty `.tag=` means untagged (protocol.md §7.1); the router ignores all but one.
        tag = w.length > TAG_PREFIX.length ? tagKey(w, TAG_PREFIX.length, w.length) : undefined;
        break;
      }
    }
    if (tag === undefined) this.pendingUntagged++;
    else this.pendingByTag.set(tag, (this.pendingByTag.get(tag) ?? 0) + 1);
    this.pendingTotal++;
    if (equalsAt(words[0]!, 0, words[0]!.length, QUIT)) this.quitSent = true;

    const socket = transport.socket;
    if (socket.destroyed) return;
    if (!socket.write(frameSentence(words)) && this.phase === 'session') {
      // The router reads slower than we send: stop reading input until the socket drains.
      process.stdin.pause();
      socket.once('drain', () => {
        if (!this.finished) process.stdin.resume();
      });
    }
  }

  private receive(received: Uint8Array): void {
    if (this.finished) return;
    // TLS chunks arrive as Buffers; plain TCP ones are views of the read buffer already.
    const chunk = received.constructor === Uint8Array ? received : plain(received);
    // Room for everything this chunk can print, made here, once per chunk: a flush reached for the
    // first time inside the optimised word loop would deoptimise it (LineWriter.reserve). A word
    // completed from earlier chunks can still need more, and word() then makes room itself. The
    // bound: a word of L bytes (at least 2 with its prefix) prints at most 5 + 4L bytes, a sentence
    // end (one byte) 5, and empty sentences print nothing.
    this.writer.reserve(chunk.length * MAX_OUTPUT_PER_INPUT_BYTE);
    try {
      this.decoder.feed(chunk, this.sink);
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      // Everything before the bad byte was printed; the stream cannot be read any further (§2).
      this.finish(EXIT_FAILURE, `${e.message} (from ${this.options.host}:${this.options.port})`);
      return;
    }
    this.scheduleFlush();
  }

  private readonly sink: WordSink = {
    word: (bytes, start, end) => {
      if (this.finished) return;
      this.writer.word(RECEIVED_MARKER, bytes, start, end);
      if (this.wordIndex++ === 0) {
        this.kind = replyKind(bytes, start, end);
        return;
      }
      const first = bytes[start];
      if (first === 0x2e /* '.' */) {
        if (startsWithAt(bytes, start, end, TAG_PREFIX)) {
          this.tag = end - start > TAG_PREFIX.length ? tagKey(bytes, start + TAG_PREFIX.length, end) : undefined;
        }
      } else if (this.kind === Kind.Fatal) {
        // The reason is a bare word (RouterOS) or =message= (GO's tests): accept both (§5.2).
        if (first !== 0x3d) this.fatalReason.push(text(bytes, start, end));
        else if (startsWithAt(bytes, start, end, MESSAGE_PREFIX))
          this.fatalReason.push(text(bytes, start + MESSAGE_PREFIX.length, end));
      } else if (this.phase === 'login') {
        if (this.kind === Kind.Done && startsWithAt(bytes, start, end, RET_PREFIX)) {
          this.loginRet = text(bytes, start + RET_PREFIX.length, end);
        } else if (this.kind === Kind.Trap && startsWithAt(bytes, start, end, MESSAGE_PREFIX)) {
          this.loginTraps.push(text(bytes, start + MESSAGE_PREFIX.length, end));
        }
      }
    },
    end: () => {
      if (this.finished) return;
      this.writer.endOfSentence(RECEIVED_MARKER);
      const kind = this.kind;
      const tag = this.tag;
      this.wordIndex = 0;
      this.kind = Kind.Other;
      this.tag = undefined;
      if (kind === Kind.Fatal) {
        const reason = this.fatalReason.join(' ') || 'no reason given';
        this.fatalReason = [];
        this.fatal(reason);
      } else if (kind === Kind.Trap && this.phase === 'login' && this.loginTraps.length === 0) {
        this.loginTraps.push('refused');
      } else if (kind === Kind.Done) {
        this.done(tag);
      }
    },
  };

  /** One command reached its `!done`. Replies for tags we never sent are printed and ignored (§7.1). */
  private done(tag: string | undefined): void {
    if (tag === undefined) {
      if (this.pendingUntagged === 0) return;
      this.pendingUntagged--;
    } else {
      const n = this.pendingByTag.get(tag);
      if (n === undefined) return;
      if (n > 1) this.pendingByTag.set(tag, n - 1);
      else this.pendingByTag.delete(tag);
    }
    this.pendingTotal--;
    if (this.phase === 'login') this.loginDone();
    else if (this.inputEnded && this.pendingTotal === 0) this.finish(EXIT_OK);
  }

  /**
   * `!fatal` ends every command in flight; nothing follows it (§5.2). It is the normal end after
   * our `/quit` (§6.4), and a final reply like `!done` once the input is over; during login it is a
   * refused login; otherwise the session ended under us.
   */
  private fatal(reason: string): void {
    this.pendingByTag.clear();
    this.pendingUntagged = 0;
    this.pendingTotal = 0;
    if (this.phase === 'login') this.finish(EXIT_LOGIN_FAILED, `login failed: the router closed the session: ${reason}`);
    else if (this.quitSent || this.inputEnded) this.finish(EXIT_OK);
    else this.finish(EXIT_FAILURE, `the router closed the session: ${reason}`);
  }

  private connectionClosed(error: Error | undefined): void {
    if (this.finished) return;
    const where = `${this.options.host}:${this.options.port}`;
    const why = error ? `connection to ${where} lost: ${error.message}` : `connection closed by ${where}`;
    if (this.phase === 'login' && this.loginTraps.length > 0) {
      this.finish(EXIT_LOGIN_FAILED, `login failed: ${this.loginTraps.join('; ')}`);
    } else if (this.phase === 'login') {
      this.finish(EXIT_FAILURE, `${why} during login`);
    } else {
      this.finish(EXIT_FAILURE, this.pendingTotal > 0 ? `${why} with ${plural(this.pendingTotal, 'command')} unanswered` : why);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Coalesces every chunk read in one turn of the event loop into one write.
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.finished) this.writer.flush();
    });
  }

  /** The buffer is not handed back to the writer: it returns to `spare` once its write completed. */
  private writeStdout(bytes: Uint8Array): false {
    const whole = bytes.buffer;
    const recycle = (): void => {
      // Full-size buffers come from allocUnsafe above the pool size: each owns its ArrayBuffer.
      if (whole.byteLength === OUTPUT_BUFFER_BYTES && this.spare.length < 4) this.spare.push(Buffer.from(whole as ArrayBuffer));
    };
    if (process.stdout.write(bytes, recycle)) return false;
    if (this.stdoutBlocked) return false;
    // Backpressure: stop reading the socket (so the router's TCP window closes) until stdout drains.
    this.stdoutBlocked = true;
    this.transport?.socket.pause();
    process.stdout.once('drain', () => {
      this.stdoutBlocked = false;
      if (!this.finished) this.transport?.socket.resume();
    });
    return false;
  }

  finish(code: number, message?: string): void {
    if (this.finished) return;
    this.writer.flush();
    this.finished = true;
    clearTimeout(this.timer);
    this.transport?.destroy();
    process.stdin.pause();
    exitWhenFlushed(code, message);
  }
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function main(argv: readonly string[]): void {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    process.stderr.write(`error: ${e.message}\n${USAGE}\n`, () => process.exit(EXIT_FAILURE));
    return;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`, () => process.exit(EXIT_OK));
    return;
  }
  const client = new Client(parsed.options);
  client.run().catch((e: unknown) => client.finish(EXIT_FAILURE, e instanceof Error ? e.message : String(e)));
}

main(process.argv.slice(2));
