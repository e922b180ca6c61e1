import type { BridgeHandlers } from '../../common/contract';
import { BridgeFailure, toBridgeError } from './errors';

/**
 * Every handler: expected failures stay BridgeFailure; everything else becomes one (with a code
 * from toBridgeError) and, when it is INTERNAL, is logged once here with its stack.
 */
export function guardHandlers(handlers: BridgeHandlers, log: (level: 'error', message: string) => void): BridgeHandlers {
  const guarded = {} as Record<string, (args: unknown) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(handlers) as [string, (args: unknown) => Promise<unknown>][]) {
    guarded[name] = async (args: unknown) => {
      try {
        return await fn(args ?? {});
      } catch (e) {
        if (!(e instanceof BridgeFailure)) {
          const err = toBridgeError(e);
          if (err.code === 'INTERNAL') log('error', `${name} failed: ${(e as Error).stack ?? String(e)}`);
          throw new BridgeFailure(err.code, err.message, err.hint, err.detail);
        }
        throw e;
      }
    };
  }
  return guarded as unknown as BridgeHandlers;
}
