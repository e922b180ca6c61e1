import type { BridgeError } from '../../../app-main/src/common/contract';

/**
 * The form field a `VALIDATION` error is about. The bridge names it by its path in the call's
 * arguments (`input.host`, `query[2]`); services name it plainly (`host`). Both map to `host`.
 */
export function errorField(error: BridgeError): string | undefined {
  const f = error.detail?.field;
  if (typeof f !== 'string' || !f) return undefined;
  return f.replace(/^input\./, '').split(/[.[]/)[0];
}
