// What the session needs from a byte stream, apart so that the parts of the session (receive,
// outgoing, the facade) and the adapters outside protocol/src share one definition without importing
// the session itself.

/**
 * What the session needs from a byte stream. Adapters live outside protocol/src (protocol/node for
 * TCP/TLS, tests use an in-memory pair).
 */
export interface Transport {
  /** Resolves when the bytes were accepted; adapters wait for `drain` before resolving. */
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onClose(listener: (error?: Error) => void): () => void;
  close(): void;
}
