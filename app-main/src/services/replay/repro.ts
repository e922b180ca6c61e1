import type {
  AppHost,
  ReproBundleInfo,
  ReproConnection,
  ReproRouter,
  RouterInfo,
  TraceEntry,
  TraceExport,
} from '../../common/contract';
import { validationError } from '../core/errors';
import { REDACTED, redactTextWords } from '../traces/redact';
import { JSONL_FORMAT, JSONL_VERSION, parseJsonlTrace, type JsonlHeader, type ParsedImport } from '../traces/trace-export';

/**
 * Repro bundles (issue 6): one JSON document to attach to a bug report — the trace, the
 * connection's settings without secrets, the app, OS and RouterOS versions, and what the user says
 * happened. Format and fields: docs/main-process.md, "Repro bundles".
 */
export const REPRO_FORMAT = 'tikscope-repro';
export const REPRO_VERSION = 1;

export interface ReproSystem {
  platform: string;
  arch: string;
  release: string;
  node: string;
  electron?: string;
}

export interface ReproInput {
  connectionId: string;
  description: string;
  connection: ReproConnection;
  /** As read from /system/resource when connected; undefined with the reason when unknown. */
  router: RouterInfo | undefined;
  routerUnknownReason: string;
  appVersion: string;
  host: AppHost;
  system: ReproSystem;
  createdAt: string;
  encoding: string;
  dropped: number;
  entries: Iterable<TraceEntry>;
  /** Known passwords of this connection (keychain or run-only): checked once more, never written. */
  secrets: readonly string[];
}

/** The document, as written (`JSON.stringify` with two-space indent). */
export interface ReproBundle {
  format: typeof REPRO_FORMAT;
  version: number;
  createdAt: string;
  description: string;
  application: { name: 'Tikscope'; version: string; host: AppHost };
  system: ReproSystem;
  connection: ReproConnection;
  router: ReproRouter;
  /** Secret values replaced at export on top of the redaction at capture (0 normally). */
  redactedAtExport: number;
  /** The JSON Lines trace, one element per line: the header first, then one TraceEntry each. */
  trace: [JsonlHeader, ...TraceEntry[]];
}

/** Passwords shorter than this are not searched for: "a" would match everywhere. */
const MIN_SECRET = 4;

function scrub(text: string, secrets: readonly string[]): { text: string; hits: number } {
  let hits = 0;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET || !text.includes(secret)) continue;
    const parts = text.split(secret);
    hits += parts.length - 1;
    text = parts.join(REDACTED);
  }
  return { text, hits };
}

/**
 * Builds the bundle. The trace was redacted at capture; here every entry is redacted again by the
 * same rules (in case a rule grew since), and any known password of the connection still found in
 * a word or in the description is replaced — the settings never carry one to begin with.
 */
export function buildReproBundle(input: ReproInput): { bundle: ReproBundle; file: TraceExport } {
  let redactedAtExport = 0;
  const entries: TraceEntry[] = [];
  for (const e of input.entries) {
    const again = redactTextWords(e.words, e.direction === 'out' ? 'out' : 'in');
    const words = again.map((w, i) => {
      if (w !== e.words[i]) redactedAtExport++;
      const s = scrub(w, input.secrets);
      redactedAtExport += s.hits;
      return s.text;
    });
    const out: TraceEntry = {
      seq: e.seq,
      connectionId: input.connectionId,
      time: e.time,
      direction: e.direction,
      words,
      bytes: e.bytes,
    };
    if (e.tag !== undefined) out.tag = e.tag;
    if (e.own) out.own = true;
    entries.push(out);
  }
  const description = scrub(input.description, input.secrets);
  redactedAtExport += description.hits;
  const header: JsonlHeader = {
    format: JSONL_FORMAT,
    version: JSONL_VERSION,
    connectionId: input.connectionId,
    connection: {
      name: input.connection.name,
      host: input.connection.host,
      port: input.connection.port,
      transport: input.connection.transport,
    },
    encoding: input.encoding,
    exportedAt: input.createdAt,
    application: `Tikscope ${input.appVersion}`,
    dropped: input.dropped,
  };
  const r = input.router;
  const router: ReproBundle['router'] =
    r && r.version
      ? {
          known: true,
          identity: r.identity,
          version: r.version,
          ...(r.board ? { board: r.board } : {}),
          ...(r.architecture ? { architecture: r.architecture } : {}),
        }
      : { known: false, reason: input.routerUnknownReason };
  const bundle: ReproBundle = {
    format: REPRO_FORMAT,
    version: REPRO_VERSION,
    createdAt: input.createdAt,
    description: description.text,
    application: { name: 'Tikscope', version: input.appVersion, host: input.host },
    system: input.system,
    connection: input.connection,
    router,
    redactedAtExport,
    trace: [header, ...entries],
  };
  const data = JSON.stringify(bundle, null, 2) + '\n';
  const base = `${input.connection.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'router'}-${input.createdAt.replace(/[:.]/g, '-')}`;
  return { bundle, file: { fileName: `${base}.tikscope-repro.json`, mime: 'application/json', data, encoding: 'utf-8' } };
}

/** The parts of a bundle that `trace:import` shows. */
export function bundleInfo(b: ReproBundle): ReproBundleInfo {
  return {
    version: b.version,
    createdAt: b.createdAt,
    description: b.description,
    appVersion: b.application.version,
    platform: `${b.system.platform} ${b.system.arch} ${b.system.release}`.trim(),
    connection: b.connection,
    router: b.router,
  };
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * Reads a repro bundle, or returns undefined when the content is not one (then it is a JSON Lines
 * trace for `parseJsonlTrace`). Errors name what is wrong. The trace goes through the JSON Lines
 * reader, which redacts again.
 */
export function parseReproBundle(fileName: string, content: string): { info: ReproBundleInfo; parsed: ParsedImport } | undefined {
  const text = content.trimStart();
  if (!text.startsWith('{')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined; // several JSON objects, one per line: a JSON Lines trace
  }
  if (typeof doc !== 'object' || doc === null || (doc as { format?: unknown }).format !== REPRO_FORMAT) return undefined;
  const b = doc as Partial<ReproBundle>;
  if (typeof b.version !== 'number' || b.version > REPRO_VERSION) {
    throw validationError(
      'content',
      `${fileName}: repro bundle version ${String(b.version)} is not supported (this Tikscope reads version ${REPRO_VERSION})`,
      'Open it with a newer Tikscope.',
    );
  }
  if (!Array.isArray(b.trace) || b.trace.length === 0)
    throw validationError('content', `${fileName}: the bundle's "trace" must be a list (header first, then entries)`);
  const c = b.connection as Partial<ReproConnection> | undefined;
  if (!c || !str(c.name) || !str(c.host) || typeof c.port !== 'number' || !str(c.transport)) {
    throw validationError('content', `${fileName}: the bundle's "connection" must name name, host, port and transport`);
  }
  const parsed = parseJsonlTrace(fileName, b.trace.map((line) => JSON.stringify(line)).join('\n'));
  const connection: ReproConnection = { name: c.name, host: c.host, port: c.port, transport: c.transport };
  if (str(c.user)) connection.user = c.user;
  // Bundles from before the Encoding setting name the display fallback `codePage` instead.
  const legacy = (c as { codePage?: unknown }).codePage;
  if (str(c.encoding)) connection.encoding = c.encoding;
  else if (str(legacy)) connection.encoding = legacy;
  if (str(c.fingerprint256)) connection.fingerprint256 = c.fingerprint256;
  const r = b.router as Record<string, unknown> | undefined;
  const router: ReproRouter =
    r && r['known'] === true && str(r['version'])
      ? {
          known: true,
          identity: str(r['identity']) ? r['identity'] : '',
          version: r['version'],
          ...(str(r['board']) ? { board: r['board'] } : {}),
          ...(str(r['architecture']) ? { architecture: r['architecture'] } : {}),
        }
      : { known: false, reason: r && str(r['reason']) ? r['reason'] : 'not recorded in the bundle' };
  const s = (b.system ?? {}) as Partial<ReproSystem>;
  const info: ReproBundleInfo = {
    version: b.version,
    createdAt: str(b.createdAt) ? b.createdAt : '',
    description: str(b.description) ? b.description : '',
    appVersion: str(b.application?.version) ? b.application.version : 'unknown',
    platform: [s.platform, s.arch, s.release].filter(str).join(' ') || 'unknown',
    connection,
    router,
  };
  return { info, parsed };
}
