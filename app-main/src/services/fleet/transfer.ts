/**
 * Saved connections in and out of files (issue 15): CSV for spreadsheets, JSON for scripts and git.
 * Pure functions: the store adds what `parseConnectionsFile` returns, all at once, or nothing.
 *
 * - Never a password: export has no such column, and import refuses one (a spreadsheet of
 *   passwords is exactly what the keychain is for).
 * - A file with errors is refused as a whole, naming the line and the field of the first error
 *   (and how many more there are), so a fleet is never half-imported.
 */
import { connectionInput } from '../../bridge/schemas';
import type { ConnectionInput, ConnectionsFileFormat, SavedConnection } from '../../common/contract';
import { LIMITS } from '../../common/limits';
import { BridgeFailure } from '../core/errors';

/** The columns of a CSV file and the keys of a JSON entry, in export order. */
export const CONNECTION_FIELDS = [
  'name',
  'host',
  'port',
  'transport',
  'user',
  'group',
  'encoding',
  'fingerprint256',
  'notes',
] as const;
type Field = (typeof CONNECTION_FIELDS)[number];
const FIELD_SET: ReadonlySet<string> = new Set(CONNECTION_FIELDS);
export const JSON_FORMAT = 'tikscope-connections';
const JSON_VERSION = 1;
/** API ports (RouterOS /ip service defaults) for a file that leaves the port out. */
const DEFAULT_PORT = { plain: 8728, tls: 8729 } as const;

// ---------------------------------------------------------------------------------------------
// Export

function csvField(v: string): string {
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function entryOf(c: SavedConnection): Record<Field, string | number> {
  return {
    name: c.name,
    host: c.host,
    port: c.port,
    transport: c.transport,
    user: c.user,
    group: c.group,
    encoding: c.encoding,
    fingerprint256: c.fingerprint256 ?? '',
    notes: c.notes,
  };
}

/** The built-in Demo router is not a router of the fleet and is never exported. */
export function exportConnections(list: readonly SavedConnection[], format: ConnectionsFileFormat): string {
  const real = list.filter((c) => !c.demo);
  if (format === 'csv') {
    const lines = [CONNECTION_FIELDS.join(',')];
    for (const c of real) {
      const e = entryOf(c);
      lines.push(CONNECTION_FIELDS.map((f) => csvField(String(e[f]))).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  }
  const connections = real.map((c) => {
    const e: Partial<Record<Field, string | number>> = entryOf(c);
    if (!e.fingerprint256) delete e.fingerprint256;
    return e;
  });
  return JSON.stringify({ format: JSON_FORMAT, version: JSON_VERSION, connections }, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Import

/** One problem of a file: where (1-based line; the entry's first line for JSON) and what. */
export interface FileProblem {
  line: number;
  field?: string;
  message: string;
}

/** One entry of the file, before validation. */
interface RawEntry {
  line: number;
  values: Record<string, unknown>;
}

/**
 * RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF, line breaks inside quotes (notes).
 * Each record keeps the line it starts on. Blank lines are skipped.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] | FileProblem {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  let afterQuote = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
    afterQuote = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== '' || afterQuote)
        return { line, message: 'a quote inside an unquoted field (quote the whole field and double the quote)' };
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
      afterQuote = false;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (afterQuote) return { line, message: 'text after a closing quote (a field is either all quoted or not at all)' };
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) return { line: recordLine, message: 'a quoted field is not closed before the end of the file' };
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

function csvEntries(text: string): RawEntry[] | FileProblem {
  const records = parseCsv(text);
  if (!Array.isArray(records)) return records;
  const [head, ...rows] = records;
  if (!head) return { line: 1, message: 'the file is empty: the first line must name the columns (name,host,port,…)' };
  const columns = head.fields.map((f) => f.trim().toLowerCase());
  for (const c of columns) {
    if (c === 'password')
      return { line: head.line, field: 'password', message: 'passwords are never imported; set them in the connection form' };
    if (!FIELD_SET.has(c))
      return {
        line: head.line,
        field: c || '(empty)',
        message: `is not a column Tikscope knows (${CONNECTION_FIELDS.join(', ')})`,
      };
  }
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) return { line: head.line, field: dup, message: 'is named twice' };
  const out: RawEntry[] = [];
  for (const r of rows) {
    if (r.fields.length !== columns.length)
      return { line: r.line, message: `has ${r.fields.length} fields, the header names ${columns.length}` };
    const values: Record<string, unknown> = {};
    columns.forEach((c, i) => (values[c] = r.fields[i]));
    out.push({ line: r.line, values });
  }
  return out;
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Offsets of the entries' opening braces: objects directly in the root array, or in an array that
 * is a property of the root object. A light scan (strings skipped) so that an error can name the
 * line an entry starts on; JSON.parse has already accepted the text.
 */
function entryOffsets(text: string): number[] {
  const stack: string[] = [];
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '{' || ch === '[') {
      const inEntries =
        ch === '{' && ((stack.length === 1 && stack[0] === '[') || (stack.length === 2 && stack[0] === '{' && stack[1] === '['));
      if (inEntries) out.push(i);
      stack.push(ch);
    } else if (ch === '}' || ch === ']') stack.pop();
  }
  return out;
}

function jsonEntries(text: string): RawEntry[] | FileProblem {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+)/.exec(msg);
    const line = lc ? Number(lc[1]) : pos ? lineAt(text, Number(pos[1])) : 1;
    return { line, message: `is not valid JSON (${msg})` };
  }
  let list: unknown;
  if (Array.isArray(doc)) list = doc;
  else if (doc && typeof doc === 'object') {
    const d = doc as Record<string, unknown>;
    if (d['format'] !== undefined && d['format'] !== JSON_FORMAT)
      return { line: 1, field: 'format', message: `must be "${JSON_FORMAT}"` };
    if (d['version'] !== undefined && d['version'] !== JSON_VERSION)
      return {
        line: 1,
        field: 'version',
        message: `version ${String(d['version'])} is not one this Tikscope reads (${JSON_VERSION})`,
      };
    list = d['connections'];
  }
  if (!Array.isArray(list))
    return {
      line: 1,
      field: 'connections',
      message: `must be a list of connections ({ "format": "${JSON_FORMAT}", "connections": [ … ] })`,
    };
  const offsets = entryOffsets(text);
  const out: RawEntry[] = [];
  for (let i = 0; i < list.length; i++) {
    const line = offsets[i] !== undefined ? lineAt(text, offsets[i]!) : 1;
    const v = list[i] as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { line, message: `entry ${i + 1} is not an object` };
    const values = v as Record<string, unknown>;
    for (const k of Object.keys(values)) {
      if (k === 'password')
        return { line, field: 'password', message: 'passwords are never imported; set them in the connection form' };
      if (!FIELD_SET.has(k))
        return { line, field: k, message: `is not a field Tikscope knows (${CONNECTION_FIELDS.join(', ')})` };
    }
    out.push({ line, values });
  }
  return out;
}

/** CSV cells are text: empty means "not given", and the port is a number. */
function normalise(values: Record<string, unknown>, fromCsv: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (fromCsv && typeof v === 'string' && v.trim() === '' && k !== 'notes' && k !== 'group') continue;
    out[k] = v;
  }
  if (out['transport'] === undefined) out['transport'] = 'plain';
  if (typeof out['port'] === 'string') {
    const p = out['port'].trim();
    out['port'] = /^\d+$/.test(p) ? Number(p) : p;
  }
  if (out['port'] === undefined) out['port'] = out['transport'] === 'plain' ? DEFAULT_PORT.plain : DEFAULT_PORT.tls;
  return out;
}

export function formatOf(fileName: string, content: string): ConnectionsFileFormat {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return /^\s*[[{]/.test(content) ? 'json' : 'csv';
}

/**
 * Every entry of the file as a checked `ConnectionInput` (the bridge's own schema, so a file can
 * hold nothing a form could not), or every problem found.
 */
export function parseConnectionsFile(
  content: string,
  format: ConnectionsFileFormat,
): { ok: true; inputs: ConnectionInput[] } | { ok: false; problems: FileProblem[] } {
  const text = content.replace(/^\uFEFF/, '');
  const raw = format === 'csv' ? csvEntries(text) : jsonEntries(text);
  if (!Array.isArray(raw)) return { ok: false, problems: [raw] };
  if (raw.length > LIMITS.fleetConnections)
    return {
      ok: false,
      problems: [
        { line: raw[LIMITS.fleetConnections]!.line, message: `more than ${LIMITS.fleetConnections} connections in one file` },
      ],
    };
  const problems: FileProblem[] = [];
  const inputs: ConnectionInput[] = [];
  for (const entry of raw) {
    const values = normalise(entry.values, format === 'csv');
    const r = connectionInput.safeParse(values);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const field = issue.path.length ? String(issue.path[0]) : undefined;
      problems.push({ line: entry.line, ...(field ? { field } : {}), message: issue.message });
      continue;
    }
    const { password: _password, ...input } = r.data;
    inputs.push(input);
  }
  return problems.length ? { ok: false, problems } : { ok: true, inputs };
}

/** The refusal of a file with problems: the first named in the message and `detail`, with their count. */
export function importRefused(fileName: string, problems: readonly FileProblem[]): BridgeFailure {
  const p = problems[0]!;
  const where = `line ${p.line}${p.field ? `, field "${p.field}"` : ''}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new BridgeFailure(
    'VALIDATION',
    `${fileName}: ${where}: ${p.message}${more}. Nothing was imported.`,
    'Fix the file and import it again; the whole file is imported or none of it.',
    { line: p.line, ...(p.field ? { field: p.field } : {}), problems: problems.length },
  );
}
