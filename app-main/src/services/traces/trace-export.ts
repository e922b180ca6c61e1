import { utf8SequenceLength, encodeUtf8, frameSentence } from '../../../../protocol/src/index';
import type { TraceEntry, TraceExport, TraceFormat } from '../../common/contract';
import { validationError } from '../core/errors';
import { buildPcapng } from './pcapng';
import { redactTextWords } from './redact';
import { frameWords, tagOf, type TraceBuffer } from './trace';

const utf8Decoder = new TextDecoder();

export interface TraceMeta {
  name: string;
  host: string;
  port: number;
  transport: string;
  appVersion: string;
  exportedAt: string;
}

/**
 * A word as a line of the command-line client (design.md §4): UTF-8 text, `\\` for a backslash,
 * `\n` for a newline, `\xNN` for other control characters and for bytes that are not valid UTF-8.
 */
export function escapeWord(w: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < w.length) {
    const b = w[i]!;
    if (b === 0x5c) {
      out += '\\\\';
      i++;
    } else if (b === 0x0a) {
      out += '\\n';
      i++;
    } else if (b < 0x20 || b === 0x7f) {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i++;
    } else if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
    } else {
      const n = utf8SequenceLength(w, i);
      if (n === 0) {
        out += `\\x${b.toString(16).padStart(2, '0')}`;
        i++;
      } else {
        out += utf8Decoder.decode(w.subarray(i, i + n));
        i += n;
      }
    }
  }
  return out;
}

/**
 * The seed's `<<<` / `>>>` format, one line per word, `<<< ` / `>>> ` ending each sentence. Notes
 * of Tikscope's own (link events, an unconfirmed cancel) use `---` the same way, where they
 * happened, after the dropped and skipped counts.
 */
export function traceToText(buffer: TraceBuffer): string {
  const lines: string[] = [];
  // The counts first, as notes: what the trace no longer holds, and what it never recorded.
  if (buffer.dropped > 0) lines.push(`--- ${buffer.dropped} older sentences dropped (trace buffer full)`, '--- ');
  if (buffer.skipped > 0) lines.push(`--- ${buffer.skipped} received sentences not recorded (scope ${buffer.scope})`, '--- ');
  for (const e of buffer.iterate()) {
    // A note is Tikscope's own, not the router's or ours on the wire (TraceEntry.direction).
    const marker = e.direction === 'out' ? '<<<' : e.direction === 'in' ? '>>>' : '---';
    for (const w of frameWords(e.frame, 0, e.frame.length)) lines.push(`${marker} ${escapeWord(w)}`);
    lines.push(`${marker} `);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export const JSONL_FORMAT = 'tikscope-trace';
export const JSONL_VERSION = 1;

export interface JsonlHeader {
  format: typeof JSONL_FORMAT;
  version: number;
  connectionId: string;
  connection?: { name: string; host: string; port: number; transport: string };
  /** The connection's Encoding, which decoded `words` (files from before it name `codePage`). */
  encoding?: string;
  exportedAt?: string;
  application?: string;
  dropped?: number;
  skipped?: number;
  scope?: string;
}

/** JSON Lines: a header line, then one `TraceEntry` per line (words already redacted). */
export function traceToJsonl(buffer: TraceBuffer, meta: TraceMeta): string {
  const header: JsonlHeader = {
    format: JSONL_FORMAT,
    version: JSONL_VERSION,
    connectionId: buffer.connectionId,
    connection: { name: meta.name, host: meta.host, port: meta.port, transport: meta.transport },
    encoding: buffer.codec.name,
    exportedAt: meta.exportedAt,
    application: `Tikscope ${meta.appVersion}`,
    dropped: buffer.dropped,
    skipped: buffer.skipped,
    scope: buffer.scope,
  };
  const lines = [JSON.stringify(header)];
  for (const e of buffer.iterate()) lines.push(JSON.stringify(buffer.toEntry(e)));
  return lines.join('\n') + '\n';
}

/**
 * Notes are not bytes on the wire, so they are no packets. The link events (connecting, dropped
 * with its reason …) go into the section header as comments, one per event with its time and seq,
 * after the dropped and skipped counts: a capture without them hides why its TCP streams end.
 */
export function traceToPcapng(buffer: TraceBuffer, meta: TraceMeta): Uint8Array {
  const comments: string[] = [];
  if (buffer.dropped > 0) comments.push(`${buffer.dropped} older sentences dropped (trace buffer full)`);
  if (buffer.skipped > 0) comments.push(`${buffer.skipped} received sentences not recorded (scope ${buffer.scope})`);
  for (const e of buffer.iterate()) {
    if (e.direction !== 'note') continue;
    const words = frameWords(e.frame, 0, e.frame.length).map(escapeWord);
    // Link events only: other notes (an unconfirmed cancel) stay in the text and JSON Lines exports.
    if (!words[0]?.startsWith('link ')) continue;
    comments.push(`${new Date(e.time).toISOString()} seq ${e.seq} ${words.join(' ')}`);
  }
  function* segments() {
    for (const e of buffer.iterate()) {
      // A capture holds the TCP payload only: notes were never on the wire.
      if (e.direction === 'note') continue;
      const tag = tagOf(frameWords(e.frame, 0, e.frame.length), buffer.codec);
      yield {
        time: e.time,
        direction: e.direction,
        payload: e.frame,
        session: e.session,
        comment: `seq ${e.seq}${tag !== undefined ? ` tag ${tag}` : ''}`,
      };
    }
  }
  return buildPcapng(segments(), { serverPort: meta.port, application: `Tikscope ${meta.appVersion}`, comments });
}

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'trace';
}

export function exportTrace(buffer: TraceBuffer, format: TraceFormat, meta: TraceMeta): TraceExport {
  const base = `${safeFileName(meta.name)}-${meta.exportedAt.replace(/[:.]/g, '-')}`;
  switch (format) {
    case 'text':
      return { fileName: `${base}.txt`, mime: 'text/plain', data: traceToText(buffer), encoding: 'utf-8' };
    case 'jsonl':
      return { fileName: `${base}.jsonl`, mime: 'application/x-ndjson', data: traceToJsonl(buffer, meta), encoding: 'utf-8' };
    case 'pcapng':
      return {
        fileName: `${base}.pcapng`,
        mime: 'application/x-pcapng',
        data: Buffer.from(traceToPcapng(buffer, meta)).toString('base64'),
        encoding: 'base64',
      };
    default:
      throw validationError('format', `format must be text, jsonl or pcapng (got ${JSON.stringify(format)})`);
  }
}

export interface ParsedImport {
  header: JsonlHeader | undefined;
  entries: TraceEntry[];
}

const MAX_IMPORT_CHARS = 256 * 1024 * 1024;

/**
 * Reads a JSON Lines trace. Every line must be a JSON object; the optional first line is our
 * header; each other line a TraceEntry. Errors name the line. Passwords are redacted again on the
 * way in: an imported file may come from somewhere less careful.
 */
export function parseJsonlTrace(fileName: string, content: string): ParsedImport {
  if (typeof content !== 'string') throw validationError('content', 'content must be the text of a JSON Lines file');
  if (content.length > MAX_IMPORT_CHARS)
    throw validationError('content', `${fileName} is too large to import (more than 256 MiB)`);
  const lines = content.split(/\r?\n/);
  let header: JsonlHeader | undefined;
  const entries: TraceEntry[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const where = `${fileName} line ${n + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw validationError(
        'content',
        `${where} is not valid JSON: ${(e as Error).message}`,
        'Import accepts the JSON Lines files that Tikscope exports.',
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw validationError('content', `${where} is not a JSON object`);
    const o = obj as Record<string, unknown>;
    if (o['format'] !== undefined) {
      if (o['format'] !== JSONL_FORMAT)
        throw validationError('content', `${where}: unknown format ${JSON.stringify(o['format'])} (expected "${JSONL_FORMAT}")`);
      if (typeof o['version'] !== 'number' || o['version'] > JSONL_VERSION) {
        throw validationError(
          'content',
          `${where}: trace format version ${String(o['version'])} is not supported (this Tikscope reads version ${JSONL_VERSION})`,
        );
      }
      if (entries.length > 0 || header) throw validationError('content', `${where}: a header line may only come first`);
      header = o as unknown as JsonlHeader;
      continue;
    }
    const direction = o['direction'];
    if (direction !== 'in' && direction !== 'out' && direction !== 'note')
      throw validationError('content', `${where}: "direction" must be "in", "out" or "note"`);
    const words = o['words'];
    if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === 'string' && w !== '')) {
      throw validationError('content', `${where}: "words" must be a non-empty list of non-empty strings`);
    }
    const time = o['time'];
    if (typeof time !== 'number' || !Number.isFinite(time))
      throw validationError('content', `${where}: "time" must be a number (epoch ms)`);
    const tag = o['tag'];
    if (tag !== undefined && typeof tag !== 'string') throw validationError('content', `${where}: "tag" must be text`);
    const seq = o['seq'];
    if (seq !== undefined && (typeof seq !== 'number' || !Number.isInteger(seq)))
      throw validationError('content', `${where}: "seq" must be a whole number`);
    const entry: TraceEntry = {
      seq: typeof seq === 'number' ? seq : entries.length + 1,
      connectionId: '',
      time,
      direction,
      words: redactTextWords(words as string[], direction === 'out' ? 'out' : 'in'),
      bytes: 0,
    };
    if (tag !== undefined) entry.tag = tag;
    if (o['own'] === true) entry.own = true;
    entries.push(entry);
  }
  if (entries.length === 0 && !header) throw validationError('content', `${fileName} holds no trace entries`);
  return { header, entries };
}

/**
 * Fills a buffer from a parsed file (words re-encoded as UTF-8): entries, notes and own traffic as
 * they were, and the dropped count the file's header gives (it is part of the story: what the
 * trace no longer holds).
 */
export function loadImported(buffer: TraceBuffer, entries: readonly TraceEntry[], header?: JsonlHeader): void {
  if (typeof header?.dropped === 'number') buffer.addDropped(header.dropped);
  for (const e of entries)
    buffer.recordFrame(e.direction, frameSentence(e.words.map((w) => encodeUtf8(w))), e.time, e.own === true);
}
