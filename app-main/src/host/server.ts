/**
 * The browser host (design.md §3): the same services and contract as the desktop app, over a
 * loopback WebSocket at `ws://127.0.0.1:PORT/bridge?token=TOKEN`, plus the built renderer as static
 * files at `http://127.0.0.1:PORT/`. For development, tests and machines where Electron cannot
 * start; never part of the packaged app.
 *
 * Who may talk to it: only a page of its own origin that knows the per-run token. Any web page
 * the user visits can open a WebSocket to 127.0.0.1, so the Origin header is checked (browsers
 * always send it on WebSocket upgrades), and the Host header is checked so a DNS-rebound name
 * cannot pose as our origin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EventListener, EventName, HostServerMessage, Result } from '../common/contract';
import { dispatch, failure, type ToBridgeError } from '../bridge/dispatch';
import { LIMITS } from '../bridge/schemas';
import { contentSecurityPolicy, securityHeaders } from '../bridge/security';
import type { ServicesFactory, ServicesPort } from '../bridge/services-port';
import { resolveStaticFile } from '../bridge/static';
import { toBridgeError as servicesToBridgeError } from '../services/core/errors';
import { eventFrame } from './frames';
import { defaultDataDir, defaultRendererDir, readAppVersion } from './paths';

/** The host never listens anywhere else. */
export const HOST_ADDRESS = '127.0.0.1';
export const BRIDGE_PATH = '/bridge';
/** Above the largest argument (a trace import) plus JSON overhead. */
const MAX_FRAME_BYTES = LIMITS.traceContent + 16 * 1024 * 1024;
/** A page this far behind on events is not reading them; it is dropped and reconnects. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface HostOptions {
  /** 0 (the default here) = any free port. */
  port?: number;
  /** Where the services keep their files; a per-user directory by default. */
  dataDir?: string;
  /** The built renderer; `out/renderer` by default. */
  rendererDir?: string;
  /** Ready services to serve (the caller disposes them); otherwise `createServices` is called. */
  services?: ServicesPort;
  createServices?: ServicesFactory;
  toBridgeError?: ToBridgeError;
  log?: (message: string) => void;
  /**
   * Listen for MNDP neighbour announcements (`npm run web` passes it; `port` from `--mndp-port`).
   * Absent: no listener (the host's tests).
   */
  mndp?: { port?: number };
}

export interface RunningHost {
  /** `http://127.0.0.1:PORT/#token=TOKEN` */
  url: string;
  port: number;
  /** The address listened on: always 127.0.0.1. */
  address: string;
  token: string;
  /** The services behind the host (for tests that need to reach around the bridge). */
  services: ServicesPort;
  /** Closes every page connection and the listener; disposes services the host created. */
  close(): Promise<void>;
}

export function startupLine(url: string): string {
  return `Tikscope is running at ${url}`;
}

/** Constant-time token comparison: hashing first gives equal lengths, so length leaks nothing either. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}

function splitTarget(target: string | undefined): { path: string; query: string } {
  const raw = target ?? '/';
  const hash = raw.indexOf('#');
  const noHash = hash >= 0 ? raw.slice(0, hash) : raw;
  const q = noHash.indexOf('?');
  return q >= 0 ? { path: noHash.slice(0, q), query: noHash.slice(q + 1) } : { path: noHash, query: '' };
}

type CallMessage = { id: number; channel: unknown; args: unknown };

/** The shape of a `HostClientMessage`; the channel and arguments are checked by the dispatcher. */
function parseCall(data: string): CallMessage | { error: string; id?: number } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { error: 'message is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'message must be a JSON object' };
  const m = value as Record<string, unknown>;
  const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : undefined;
  if (id === undefined) return { error: 'message.id must be an integer' };
  if (m.type !== 'call') return { error: 'message.type must be "call"', id };
  return { id, channel: m.channel, args: m.args };
}

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const log = options.log ?? ((message: string) => console.error(message));
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(options.port)}`);
  }
  const rendererDir = resolve(options.rendererDir ?? defaultRendererDir());
  const token = randomBytes(32).toString('base64url');

  const toBridgeError = options.toBridgeError ?? servicesToBridgeError;
  const dispatchOptions = { toBridgeError };
  // Set once listening; until then no page can know the token, and upgrades are refused anyway.
  const live: { services?: ServicesPort } = {};
  let ownsServices = false;

  const clients = new Set<WebSocket>();
  // Filled in once listening: the origin and CSP depend on the port the OS gave us.
  let origin = '';
  let hostHeader = '';
  let headers: Record<string, string> = {};

  const server = createServer((req, res) => void serveStatic(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  function sendPlain(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
    const body = `${message}\n`;
    res.writeHead(status, {
      ...headers,
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== hostHeader) {
      return sendPlain(res, 421, `Wrong host: open ${origin}/ (the address Tikscope printed).`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendPlain(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    const { path } = splitTarget(req.url);
    if (path === BRIDGE_PATH) return sendPlain(res, 426, 'The bridge speaks WebSocket only.', { Upgrade: 'websocket' });
    const resolved = resolveStaticFile(rendererDir, path);
    if (!resolved.ok) return sendPlain(res, resolved.status, resolved.reason);
    let body: Buffer;
    try {
      body = await readFile(resolved.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && !existsSync(join(rendererDir, 'index.html'))) {
        return sendPlain(res, 503, `The renderer is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\`.`);
      }
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return sendPlain(res, 404, 'Not found');
      log(`host: reading ${resolved.file}: ${String(error)}`);
      return sendPlain(res, 500, 'Could not read the file');
    }
    res.writeHead(200, { ...headers, 'Content-Type': resolved.contentType, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { path, query } = splitTarget(req.url);
    if (path !== BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not Found', `No WebSocket endpoint at ${path}`);
    if (req.headers.host !== hostHeader) return refuseUpgrade(socket, 403, 'Forbidden', 'Wrong Host header');
    if (!live.services) return refuseUpgrade(socket, 503, 'Service Unavailable', 'Tikscope is starting');
    if (req.headers.origin !== origin) {
      log(`host: bridge connection from origin ${JSON.stringify(req.headers.origin ?? null)} refused`);
      return refuseUpgrade(socket, 403, 'Forbidden', `Only pages from ${origin} may use the bridge`);
    }
    const given = new URLSearchParams(query).get('token');
    if (!tokenMatches(given, token)) {
      log(`host: bridge connection with ${given ? 'a wrong' : 'no'} token refused`);
      return refuseUpgrade(socket, 401, 'Unauthorized', given ? 'Wrong token' : 'Missing token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function send(ws: WebSocket, message: HostServerMessage): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      if (message.type !== 'result') return;
      text = JSON.stringify({
        type: 'result',
        id: message.id,
        result: failure({ code: 'INTERNAL', message: `Result could not be encoded: ${String(error)}` }),
      });
    }
    ws.send(text);
  }

  function accept(ws: WebSocket): void {
    clients.add(ws);
    // Each page is a window: a reload closes this connection and opens the next one, and live
    // tables outlive the last page by a grace period only (issue 11 item 9).
    const detach = live.services?.attachWindow?.();
    ws.on('close', () => {
      clients.delete(ws);
      detach?.();
    });
    ws.on('error', (error) => log(`host: page connection: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        ws.close(1003, 'The bridge takes JSON text frames only');
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const call = parseCall(text);
      if ('error' in call) {
        if (call.id === undefined) {
          ws.close(1007, call.error.slice(0, 120));
          return;
        }
        send(ws, {
          type: 'result',
          id: call.id,
          result: failure({ code: 'VALIDATION', message: call.error, detail: { field: 'message' } }),
        });
        return;
      }
      const current = live.services;
      if (!current) return;
      void dispatch(current.handlers, call.channel, call.args, dispatchOptions).then(
        (result: Result<unknown>) => send(ws, { type: 'result', id: call.id, result }),
        (error: unknown) =>
          send(ws, { type: 'result', id: call.id, result: failure({ code: 'INTERNAL', message: String(error) }) }),
      );
    });
  }

  const forward: EventListener = <E extends EventName>(event: E, payload: unknown) => {
    if (clients.size === 0) return;
    const text = eventFrame(event, payload);
    for (const ws of clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        log('host: a page stopped reading events; dropping its connection');
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  };
  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen({ host: HOST_ADDRESS, port: requestedPort, exclusive: true }, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(
        `Port ${requestedPort} on ${HOST_ADDRESS} is in use; pick another with --port N (or --port 0 for any free port)`,
        { cause: error },
      );
    throw error;
  }
  server.on('error', (error) => log(`host: ${error.message}`));

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('host: the server has no TCP address');
  const port = address.port;
  origin = `http://${HOST_ADDRESS}:${port}`;
  hostHeader = `${HOST_ADDRESS}:${port}`;
  // `'self'` covers ws: of the same host in CSP 3; the explicit source keeps older engines working.
  headers = securityHeaders(contentSecurityPolicy({ connectSrc: [`ws://${HOST_ADDRESS}:${port}`] }));

  // Services after the port: a taken port fails fast, before the data directory is opened.
  let running: ServicesPort;
  try {
    if (options.services) {
      running = options.services;
    } else {
      const factory = options.createServices ?? (await import('../services/index')).createServices;
      running = await factory({
        host: 'browser',
        dataDir: resolve(options.dataDir ?? defaultDataDir()),
        appVersion: readAppVersion(),
        ...(options.mndp ? { mndp: options.mndp } : {}),
        log: (level, message) => {
          if (level === 'warn' || level === 'error') log(`${level}: ${message}`);
        },
      });
      ownsServices = true;
    }
  } catch (error) {
    await new Promise<void>((done) => server.close(() => done()));
    throw error;
  }
  const unsubscribe = running.subscribe(forward);
  live.services = running;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      unsubscribe();
      const closed = [...clients].map(
        (ws) =>
          new Promise<void>((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            ws.once('close', () => done());
            ws.close(1001, 'Tikscope host shutting down');
            // A page that does not answer the closing handshake is cut off.
            setTimeout(() => ws.terminate(), 1000).unref();
          }),
      );
      await Promise.all(closed);
      wss.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      if (ownsServices) await running.dispose();
    })();
    return closing;
  };

  return { url: `${origin}/#token=${token}`, port, address: address.address, token, services: running, close };
}
