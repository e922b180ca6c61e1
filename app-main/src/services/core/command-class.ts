/**
 * Which commands change things: the one read-only rule of the app, shared by the broadcast's
 * confirmation step (broadcast.ts) and trace replay (replay-core.ts). Pure — no Node, no I/O — so
 * both can be unit-tested on it and the rule cannot drift between the two features.
 */

/**
 * Commands that only read, by the last segment of the command word (`/ip/address/print` →
 * `print`). Anything else — add, set, remove, enable, disable, unset, move, reset, reset-counters,
 * run, ping, import, export (it can write a file), `/cancel` — changes the router or its
 * surroundings and needs a confirmation before it goes to several routers at once. The list is an
 * allow-list on purpose: a verb we do not know is treated as a write.
 */
export const READ_ONLY_VERBS: ReadonlySet<string> = new Set(['print', 'getall', 'get', 'listen', 'monitor', 'monitor-traffic']);

/** Whole commands that are read-only although their last segment is not a read verb. */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(['/console/inspect']);

/**
 * Never broadcast: `/login` would log in again on a live session and `/quit` ends it (the router
 * answers `!fatal` and closes, protocol.md §6.4) — neither is "one sentence to many routers".
 */
const REFUSED_COMMANDS: ReadonlySet<string> = new Set(['/login', '/quit']);

export interface CommandClass {
  /** The command word as typed. */
  command: string;
  readOnly: boolean;
  /** Why, in words (shown in the confirmation). */
  reason: string;
  /** Set when the command must never be broadcast. */
  refused?: string;
}

/**
 * Classifies a sentence for the confirmation step. The command word's last path segment decides
 * (`print`, `get`, `listen`, … are read-only); a read verb that carries `=file=` writes a file on
 * the router (`/interface/print =file=x`), so it counts as a change.
 */
export function classifyCommand(words: readonly string[]): CommandClass {
  const command = words[0] ?? '';
  const normalised = command.toLowerCase().replace(/\/+$/, '');
  if (REFUSED_COMMANDS.has(normalised)) {
    return {
      command,
      readOnly: false,
      reason: `${command} acts on the API session itself`,
      refused: `${command} cannot be broadcast: it would ${normalised === '/quit' ? 'close' : 'log in again on'} each router's session`,
    };
  }
  if (READ_ONLY_COMMANDS.has(normalised)) return { command, readOnly: true, reason: `${command} only reads` };
  const verb = normalised.slice(normalised.lastIndexOf('/') + 1);
  if (READ_ONLY_VERBS.has(verb)) {
    const file = words.slice(1).find((w) => w.startsWith('=file='));
    if (file !== undefined)
      return {
        command,
        readOnly: false,
        reason: `${command} with ${file.split('=', 3).slice(0, 2).join('=')}= writes a file on each router`,
      };
    return { command, readOnly: true, reason: `"${verb}" only reads` };
  }
  return {
    command,
    readOnly: false,
    reason: verb
      ? `"${verb}" is not a read-only command (print, get, getall, listen, monitor, monitor-traffic)`
      : `${command} is not a read-only command`,
  };
}
