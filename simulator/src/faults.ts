/**
 * Fault injection (docs/simulator.md): misbehaviour a client must survive. The object returned by
 * `startSimulator()` is live — change a field and every connection sees it at its next read or
 * write.
 */
export interface Faults {
  /** Split every write into pieces of at most this many bytes (0: off). */
  chunkBytes: number;
  /** Pause between split pieces, so that they arrive as separate reads (0: next event-loop turn). */
  chunkDelayMs: number;
  /** Delay every reply by this many milliseconds (0: off). */
  latencyMs: number;
  /** Stop answering now: input is ignored and nothing is sent, on every connection. */
  stall: boolean;
  /** Each connection stops answering after receiving this many sentences (0: never answers at all). */
  stallAfterSentences: number | undefined;
  /** Each connection is closed abruptly (no `!fatal`) after sending this many sentences. */
  closeAfterSentences: number | undefined;
  /** After sending this many sentences, send the reserved control byte 0xF8 (protocol.md §2). */
  controlByteAfterSentences: number | undefined;
  /**
   * After `/cancel`, answer the canceller first and deliver the victim's interruption later, then
   * this many stray `!re` sentences with the victim's tag (late sentences, protocol.md §7.1).
   */
  cancelLateSentences: number;
  /** Delay of those late sentences. */
  cancelLateDelayMs: number;
  /** Refuse every login (`invalid user name or password (6)`). */
  refuseLogin: boolean;
  /**
   * A command that answers `!empty` never sends its `!done`: it stays open until `/cancel`, as
   * RouterOS 7.23.3 was seen to do (protocol.md §5.3). Needs `!empty` (RouterOS ≥ 7.18).
   */
  noDoneAfterEmpty: boolean;
  /**
   * `/file/read` fails (`!trap failure: could not read file`) once this many chunks of the same
   * file were read: a snapshot that breaks half-way (docs/simulator.md, "Export and files").
   */
  fileReadFailAfterChunks: number | undefined;
}

export function defaultFaults(): Faults {
  return {
    chunkBytes: 0,
    chunkDelayMs: 0,
    latencyMs: 0,
    stall: false,
    stallAfterSentences: undefined,
    closeAfterSentences: undefined,
    controlByteAfterSentences: undefined,
    cancelLateSentences: 0,
    cancelLateDelayMs: 5,
    refuseLogin: false,
    noDoneAfterEmpty: false,
    fileReadFailAfterChunks: undefined,
  };
}

const COUNTS = ['stallAfterSentences', 'closeAfterSentences', 'controlByteAfterSentences', 'fileReadFailAfterChunks'] as const;
const NUMBERS = ['chunkBytes', 'chunkDelayMs', 'latencyMs', 'cancelLateSentences', 'cancelLateDelayMs'] as const;

/** Merges and checks fault options; a RangeError names the bad field. */
export function resolveFaults(given: Partial<Faults> | undefined): Faults {
  const f = { ...defaultFaults(), ...given };
  for (const k of NUMBERS) {
    const v = f[k];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`faults.${k} must be a non-negative integer, got ${String(v)}`);
  }
  for (const k of COUNTS) {
    const v = f[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0))
      throw new RangeError(`faults.${k} must be a non-negative integer or undefined, got ${String(v)}`);
  }
  if (typeof f.stall !== 'boolean') throw new RangeError('faults.stall must be a boolean');
  if (typeof f.refuseLogin !== 'boolean') throw new RangeError('faults.refuseLogin must be a boolean');
  if (typeof f.noDoneAfterEmpty !== 'boolean') throw new RangeError('faults.noDoneAfterEmpty must be a boolean');
  return f;
}
