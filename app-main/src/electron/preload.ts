/**
 * The preload (design.md §3, engineering-notes §2.1 #20): exposes `window.tikscope` — one named
 * function per call, built from the explicit channel list, plus `on(event, listener)`. It never
 * exposes `ipcRenderer`, and listeners are wrapped as `(_event, payload) => listener(payload)`
 * because the IPC event's `sender` is the `ipcRenderer` itself.
 *
 * Runs sandboxed: it is bundled into one CommonJS file whose only `require` is `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Api, BridgeEvents, CallName, EventName, Result } from '../common/contract';
import { CALL_CHANNELS, isEventName } from '../common/channels';

type Calls = Omit<Api, 'on'>;

function call(channel: CallName) {
  return async (args: unknown): Promise<Result<unknown>> => {
    try {
      // The main side answers with a Result envelope; a rejection here means no handler answered
      // (e.g. main is still starting), which the renderer gets as a coded error, not a throw.
      return (await ipcRenderer.invoke(channel, args)) as Result<unknown>;
    } catch (error) {
      // Not `instanceof Error`: the rejection may come from another realm.
      const message =
        typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
      return { ok: false, error: { code: 'INTERNAL', message: `${channel}: ${message}` } };
    }
  };
}

function on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void {
  if (!isEventName(event)) throw new TypeError(`Unknown bridge event ${JSON.stringify(String(event))}`);
  if (typeof listener !== 'function') throw new TypeError('on(): the listener must be a function');
  const wrapped = (_event: IpcRendererEvent, payload: BridgeEvents[E]) => listener(payload);
  ipcRenderer.on(event, wrapped);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    ipcRenderer.removeListener(event, wrapped);
  };
}

const calls = Object.fromEntries(CALL_CHANNELS.map((channel) => [channel, call(channel)])) as unknown as Calls;
const api: Api = Object.freeze({ ...calls, on });

contextBridge.exposeInMainWorld('tikscope', api);
