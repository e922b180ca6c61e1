/**
 * A small scripted RouterOS API peer for the protocol tests (loopback only, port 0). Not the
 * simulator: it answers exactly what each test scripts, including broken bytes, split writes,
 * silence and abrupt closes.
 */
import net from 'node:net';
import tls from 'node:tls';
import { challengeResponse, encodeSentence, SentenceDecoder, type Word } from '../src/index';

export interface PeerConnection {
  readonly socket: net.Socket;
  /** Sentences received so far, as UTF-8 text. */
  readonly received: string[][];
  /** Writes one sentence (shortest prefixes, terminating zero-length word). */
  send(...words: Word[]): void;
  /** Writes bytes exactly as given. */
  sendRaw(bytes: Uint8Array): void;
  /** FIN after everything written. */
  end(): void;
  destroy(): void;
}

/** Called once per received sentence; `words` are its words as text. */
export type Script = (words: string[], conn: PeerConnection, raw: Uint8Array[]) => void;

export interface PeerOptions {
  script: Script;
  /** TLS server options; absent for plain TCP. */
  tls?: tls.TlsOptions;
  /** Called when a client connects, before any sentence (e.g. to stay silent or close at once). */
  onConnection?: (conn: PeerConnection) => void;
}

export class ScriptedPeer {
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    /** Every connection accepted so far, in order. */
    readonly connections: PeerConnection[],
  ) {}

  static async start(options: PeerOptions): Promise<ScriptedPeer> {
    const connections: PeerConnection[] = [];
    const onSocket = (socket: net.Socket): void => {
      socket.on('error', () => undefined);
      const decoder = new SentenceDecoder();
      const conn: PeerConnection = {
        socket,
        received: [],
        send: (...words) => {
          if (!socket.destroyed) socket.write(encodeSentence(words));
        },
        sendRaw: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        end: () => socket.end(),
        destroy: () => socket.destroy(),
      };
      connections.push(conn);
      options.onConnection?.(conn);
      socket.on('data', (chunk: Buffer) => {
        let sentences: Uint8Array[][];
        try {
          sentences = decoder.push(chunk);
        } catch {
          socket.destroy();
          return;
        }
        for (const raw of sentences) {
          const words = raw.map((w) => Buffer.from(w).toString('utf8'));
          conn.received.push(words);
          options.script(words, conn, raw);
        }
      });
    };
    const server = options.tls ? tls.createServer(options.tls, onSocket) : net.createServer(onSocket);
    if (options.tls) server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('peer has no TCP address');
    return new ScriptedPeer(server, address.port, connections);
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface RouterScriptOptions {
  user?: string;
  password?: string;
  /**
   * `plain`: RouterOS ≥ 6.45.1 (plain login only). `challenge`: before 6.43 — any `/login` without
   * `=response=` gets `!done =ret=<challenge>` (protocol.md §6.3).
   */
  login?: 'plain' | 'challenge';
  challenge?: string;
  /** Command handlers by command word; they receive the words and a `reply` that adds the tag. */
  commands?: Record<string, (words: string[], reply: (...words: Word[]) => void, conn: PeerConnection) => void>;
}

/** Value of `=name=` in a sentence, or undefined. */
export function attr(words: readonly string[], name: string): string | undefined {
  const prefix = `=${name}=`;
  const w = words.find((x) => x.startsWith(prefix));
  return w === undefined ? undefined : w.slice(prefix.length);
}

/**
 * A router in a few lines: both login forms, `/quit`, tags echoed on every reply (at the end, as
 * in the manual's example), unknown commands trapped as RouterOS does (protocol.md §4.5).
 */
export function routerScript(options: RouterScriptOptions = {}): Script {
  const user = options.user ?? 'admin';
  const password = options.password ?? '';
  const challenge = options.challenge ?? '93b438ec9b80057c06dd9fe67d56aa9a';
  return (words, conn) => {
    const tagWord = words.find((w) => w.startsWith('.tag='));
    const reply = (...out: Word[]): void => conn.send(...out, ...(tagWord && tagWord !== '.tag=' ? [tagWord] : []));
    const command = words[0] ?? '';
    if (command === '/login') {
      const response = attr(words, 'response');
      if (response !== undefined) {
        const ok = attr(words, 'name') === user && response === challengeResponse(password, challenge);
        if (!ok) reply('!trap', '=message=cannot log in');
        reply('!done');
        return;
      }
      if (options.login === 'challenge') {
        reply('!done', `=ret=${challenge}`);
        return;
      }
      const ok = attr(words, 'name') === user && attr(words, 'password') === password;
      if (!ok) reply('!trap', '=message=invalid user name or password (6)');
      reply('!done');
      return;
    }
    if (command === '/quit') {
      conn.send('!fatal', 'session terminated on request');
      conn.end();
      return;
    }
    const handler = options.commands?.[command];
    if (handler) handler(words, reply, conn);
    else {
      reply('!trap', '=message=no such command prefix');
      reply('!done');
    }
  };
}
