import type { EventName, HostServerMessage, TablePatch } from '../common/contract';

/**
 * The WebSocket frame of a pushed event. A `table:patch` carries its rows as JSON text already
 * (`upsertsJson`, made once per row change in the services); JSON.stringify would escape every
 * quote of that text and the page would parse it twice. Instead the text is spliced into the frame
 * unescaped as `upserts`, so the page gets the rows parsed with the frame itself. With 20 routers
 * × 2 live tables that escaping was a tenth of the main process's CPU (docs/benchmarks.md).
 */
export function eventFrame(event: EventName, payload: unknown): string {
  if (event === 'table:patch') {
    const { upsertsJson, ...rest } = payload as TablePatch;
    if (typeof upsertsJson === 'string' && isJsonArrayText(upsertsJson)) {
      const head = JSON.stringify({ type: 'event', event, payload: rest } satisfies HostServerMessage);
      // `head` ends with the two closing braces of payload and message: the rows go before them.
      return `${head.slice(0, -2)},"upserts":${upsertsJson}}}`;
    }
  }
  return JSON.stringify({ type: 'event', event, payload } satisfies HostServerMessage);
}

/**
 * The services make this text (`[` + rows + `]`); a cheap check of its brackets keeps a frame from
 * ever being broken by a bug elsewhere — anything else is sent escaped, as a string.
 */
function isJsonArrayText(text: string): boolean {
  return text.length >= 2 && text.charCodeAt(0) === 0x5b && text.charCodeAt(text.length - 1) === 0x5d;
}
