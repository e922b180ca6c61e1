/**
 * The ipcMain side of the bridge (design.md §3): one `ipcMain.handle` per call channel, each
 * checking the sender frame before validating arguments, and answering with a `Result` — never a
 * throw (Electron keeps only `message` of a thrown error). Events from the services go to our
 * windows with `webContents.send`.
 */
import type { BridgeHandlers, EventListener, EventName } from '../common/contract';
import { CALL_CHANNELS } from '../common/channels';
import { dispatch, failure, type ToBridgeError } from '../bridge/dispatch';
import { checkSender, type SenderEventLike } from './policy';

export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface BridgeIpcOptions {
  ipcMain: IpcMainLike;
  handlers: BridgeHandlers;
  isOurWebContents: (sender: unknown) => boolean;
  toBridgeError?: ToBridgeError;
  log?: (message: string) => void;
}

/** Registers every call channel; returns the function that removes them again. */
export function registerBridgeIpc(options: BridgeIpcOptions): () => void {
  const { ipcMain, handlers, isOurWebContents } = options;
  const log = options.log ?? (() => undefined);
  const dispatchOptions = options.toBridgeError ? { toBridgeError: options.toBridgeError } : {};
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, async (event, args) => {
      const refused = checkSender(event, isOurWebContents);
      if (refused) {
        log(`ipc: ${channel}: ${refused.message}`);
        return failure(refused);
      }
      return dispatch(handlers, channel, args, dispatchOptions);
    });
  }
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel);
  };
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** A listener for `services.subscribe` that forwards each event to every live target. */
export function createEventForwarder(targets: () => Iterable<EventTarget>, log?: (message: string) => void): EventListener {
  return <E extends EventName>(event: E, payload: unknown) => {
    for (const target of targets()) {
      if (target.isDestroyed()) continue;
      try {
        target.send(event, payload);
      } catch (error) {
        // A renderer that is going away must not stop the others from getting the event.
        log?.(`ipc: could not send ${event}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
}
