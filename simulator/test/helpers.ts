/**
 * Test helpers: a simulator per test, engine connections that are closed afterwards, and a raw
 * client that sends exact bytes and reads sentences one by one (for reply order and bad input).
 */
import net from 'node:net';
import tls from 'node:tls';
import { Reply, SentenceDecoder, encodeSentence, type Word } from '../../protocol/src/index';
import { connect, type Connection, type ConnectOptions } from '../../protocol/node/connect';
import { ANONYMOUS_DH_CIPHERS } from '../../protocol/node/transport';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/index';

type Cleanup = () => unknown;

/** Collects cleanups; call `run()` in afterEach. */
export class Resources {
  private cleanups: Cleanup[] = [];
  add(c: Cleanup): void {
    this.cleanups.push(c);
  }
  async run(): Promise<void> {
    const all = this.cleanups.reverse();
    this.cleanups = [];
    for (const c of all) {
      try {
        await c();
      } catch {
        // best effort: a failed cleanup must not hide the test's own failure
      }
    }
  }
}

/** A quiet simulator (no background activity, no log lines) unless options say otherwise. */
export async function sim(res: Resources, options: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ activity: false, connections: 5, ...options });
  res.add(() => s.close());
  return s;
}

export async function login(res: Resources, s: Simulator, options: Partial<ConnectOptions> = {}): Promise<Connection> {
  const c = await connect({ host: '127.0.0.1', port: s.port!, user: 'admin', password: '', connectTimeoutMs: 5000, ...options });
  res.add(() => {
    c.session.close();
    c.transport.destroy();
  });
  return c;
}

/** Rejects after `ms` with a message naming what was awaited, so a missing event fails fast. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e as Error);
      },
    );
  });
}

export type RawMode = 'tcp' | 'anonymous' | 'certificate';

/**
 * The three ways to reach the simulator: plain TCP and API-SSL in both modes. Command tests run
 * once per way.
 */
export interface Way {
  readonly name: string;
  /** Simulator options that open the listener. */
  readonly options: SimulatorOptions;
  port(s: Simulator): number;
  connect(s: Simulator): Partial<ConnectOptions>;
  readonly raw: RawMode;
}

export const WAYS: readonly Way[] = [
  { name: 'TCP', options: {}, port: (s) => s.port!, connect: () => ({}), raw: 'tcp' },
  {
    name: 'TLS anonymous DH',
    options: { tlsPort: 0 },
    port: (s) => s.tlsPort!,
    connect: (s) => ({ port: s.tlsPort!, tls: { mode: 'anonymous' } }),
    raw: 'anonymous',
  },
  {
    name: 'TLS certificate',
    options: { tlsCertPort: 0 },
    port: (s) => s.tlsCertPort!,
    connect: (s) => ({ port: s.tlsCertPort!, tls: { mode: 'pinned', fingerprint256: s.certificate!.fingerprint256 } }),
    raw: 'certificate',
  },
];

/** `sim`, `login` and a logged-in `RawClient`, each reaching the simulator the given way. */
export function overWay(way: Way): {
  sim(res: Resources, options?: SimulatorOptions): Promise<Simulator>;
  login(res: Resources, s: Simulator, options?: Partial<ConnectOptions>): Promise<Connection>;
  raw(res: Resources, s: Simulator): Promise<RawClient>;
} {
  return {
    sim: (res, options = {}) => sim(res, { ...options, ...way.options }),
    login: (res, s, options = {}) => login(res, s, { ...way.connect(s), ...options }),
    raw: (res, s) => RawClient.loggedIn(res, way.port(s), 'admin', '', way.raw),
  };
}

/**
 * A client without the engine: exact bytes out, sentences in, in arrival order. `chunks` counts
 * socket reads (for split-write faults).
 */
export class RawClient {
  readonly replies: Reply[] = [];
  chunks = 0;
  bytes = 0;
  closed = false;
  error: Error | undefined;
  private readonly decoder = new SentenceDecoder();
  private waiters: (() => void)[] = [];
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks++;
      this.bytes += chunk.length;
      try {
        for (const s of this.decoder.push(chunk)) this.replies.push(new Reply(s));
      } catch (e) {
        this.error = e as Error;
        socket.destroy();
      }
      this.wake();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('error', (e) => {
      this.error ??= e;
    });
  }

  static open(port: number, mode: RawMode = 'tcp'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket =
        mode === 'tcp'
          ? net.connect({ host: '127.0.0.1', port })
          : mode === 'anonymous'
            ? tls.connect({
                host: '127.0.0.1',
                port,
                ciphers: ANONYMOUS_DH_CIPHERS,
                maxVersion: 'TLSv1.2',
                rejectUnauthorized: false,
              })
            : tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      socket.once(mode === 'tcp' ? 'connect' : 'secureConnect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Opens a connection and logs in with the plain form. */
  static async loggedIn(res: Resources, port: number, user = 'admin', password = '', mode: RawMode = 'tcp'): Promise<RawClient> {
    const c = await RawClient.open(port, mode);
    res.add(() => c.close());
    c.send(['/login', `=name=${user}`, `=password=${password}`]);
    const r = await c.next();
    if (r.type !== '!done') throw new Error(`login failed: ${r.texts().join(' ')}`);
    return c;
  }

  send(words: readonly Word[]): void {
    this.socket.write(encodeSentence(words));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private read = 0;

  /** The next sentence not yet returned. */
  async next(ms = 3000): Promise<Reply> {
    const end = Date.now() + ms;
    while (this.read >= this.replies.length) {
      if (this.closed) throw new Error(`connection closed while waiting for a sentence (${this.error?.message ?? 'no error'})`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no sentence within ${ms} ms`);
      await within(this.changed(), left, 'a sentence').catch(() => undefined);
    }
    return this.replies[this.read++]!;
  }

  /** Sentences up to and including the `!done` carrying `tag` (or the first untagged `!done`). */
  async untilDone(tag?: string, ms = 3000): Promise<Reply[]> {
    const out: Reply[] = [];
    for (;;) {
      const r = await this.next(ms);
      out.push(r);
      if (r.type === '!done' && r.tag === tag) return out;
    }
  }

  /** Resolves when the server closed the connection. */
  async waitClosed(ms = 3000): Promise<void> {
    await within(this.closedPromise, ms, 'the server to close the connection');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Compact text of a reply for order assertions: `!trap:t1`, `!done:t2`, `!done`. */
export function shape(r: Reply): string {
  return r.tag === undefined ? r.type : `${r.type}:${r.tag}`;
}
