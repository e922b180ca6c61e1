import type {
  Api,
  BridgeError,
  BridgeEvents,
  CallName,
  EventName,
  HostClientMessage,
  HostServerMessage,
  Result,
} from '../../../app-main/src/common/contract';
import { CALL_CHANNELS } from '../../../app-main/src/common/channels';

/**
 * The browser-host side of the bridge (design.md §3): the same named functions as the Electron
 * preload, carried as JSON over `ws://HOST/bridge?token=TOKEN`. The socket reconnects on its own
 * with capped backoff; calls made while it is down wait for it (up to `callWaitMs`), and calls in
 * flight when it drops settle with an error instead of hanging — the host may or may not have run
 * them.
 */

export type HostLinkStatus = 'connecting' | 'open' | 'reconnecting';

export interface HostClientOptions {
  url: string;
  /** Injected for tests. */
  WebSocketImpl?: typeof WebSocket;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a call waits for the socket to (re)open before failing. */
  callWaitMs?: number;
}

export interface HostClient {
  api: Api;
  status(): HostLinkStatus;
  /** Status changes; `open` after a reconnect means state may be stale and should be re-read. */
  onStatus(cb: (s: HostLinkStatus, reconnected: boolean) => void): () => void;
  close(): void;
}

interface Pending {
  channel: CallName;
  resolve: (r: Result<unknown>) => void;
  timer?: ReturnType<typeof setTimeout>;
  sent: boolean;
  message: string;
}

function fail(code: BridgeError['code'], message: string, hint?: string): Result<never> {
  return { ok: false, error: hint ? { code, message, hint } : { code, message } };
}

export function createHostClient(opts: HostClientOptions): HostClient {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5000;
  const callWaitMs = opts.callWaitMs ?? 15_000;
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: HostLinkStatus, reconnected: boolean) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ws: WebSocket | undefined;
  let status: HostLinkStatus = 'connecting';
  let everOpened = false;
  let closed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (s: HostLinkStatus, reconnected = false) => {
    status = s;
    for (const l of statusListeners) l(s, reconnected);
  };

  const flushQueued = () => {
    for (const p of pending.values()) {
      if (!p.sent && ws && ws.readyState === WS.OPEN) {
        ws.send(p.message);
        p.sent = true;
      }
    }
  };

  const open = () => {
    if (closed) return;
    const sock = new WS(opts.url);
    ws = sock;
    sock.onopen = () => {
      attempt = 0;
      const reconnected = everOpened;
      everOpened = true;
      setStatus('open', reconnected);
      flushQueued();
    };
    sock.onmessage = (ev: MessageEvent) => {
      let msg: HostServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as HostServerMessage;
      } catch {
        return; // Not ours to interpret; the host only sends JSON text frames.
      }
      if (msg.type === 'result') {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (p.timer) clearTimeout(p.timer);
        p.resolve(msg.result);
      } else if (msg.type === 'event') {
        const set = listeners.get(msg.event);
        if (set) for (const l of [...set]) l(msg.payload);
      }
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = undefined;
      // Calls already on the wire may or may not have run in the host: say so, never hang.
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        pending.delete(id);
        if (p.timer) clearTimeout(p.timer);
        p.resolve(
          fail(
            'OUTCOME_UNKNOWN',
            `The connection to the Tikscope host dropped while waiting for the answer to ${p.channel}.`,
            'It may or may not have been carried out. The page reconnects by itself; check the result before repeating it.',
          ),
        );
      }
      if (closed) return;
      setStatus('reconnecting');
      const delay = Math.min(maxBackoff, minBackoff * 2 ** attempt);
      attempt++;
      retryTimer = setTimeout(open, delay);
    };
    // onerror is always followed by onclose, which does the work.
    sock.onerror = () => undefined;
  };

  const call = (channel: CallName, args: unknown): Promise<Result<unknown>> => {
    if (closed) return Promise.resolve(fail('INTERNAL', 'The bridge to the Tikscope host is closed.', 'Reload the page.'));
    const id = nextId++;
    const message = JSON.stringify({ type: 'call', id, channel, args } satisfies HostClientMessage);
    return new Promise((resolve) => {
      const p: Pending = { channel, resolve, sent: false, message };
      pending.set(id, p);
      if (ws && ws.readyState === WS.OPEN) {
        ws.send(message);
        p.sent = true;
      } else {
        p.timer = setTimeout(() => {
          if (p.sent || !pending.has(id)) return;
          pending.delete(id);
          resolve(
            fail(
              'NETWORK',
              `The Tikscope host did not answer (${channel}).`,
              'Check that "npm run web" is still running, then reload the page.',
            ),
          );
        }, callWaitMs);
      }
    });
  };

  const api = {
    on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  } as Record<string, unknown>;
  for (const name of CALL_CHANNELS) api[name] = (args: unknown) => call(name, args);

  open();

  return {
    api: api as unknown as Api,
    status: () => status,
    onStatus(cb) {
      statusListeners.add(cb);
      return () => statusListeners.delete(cb);
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      ws?.close();
      for (const p of pending.values()) {
        if (p.timer) clearTimeout(p.timer);
        p.resolve(fail('INTERNAL', 'The bridge to the Tikscope host was closed.'));
      }
      pending.clear();
    },
  };
}
