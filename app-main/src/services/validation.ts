import { isIPv4, isIPv6 } from 'node:net';
import type { CodePage, ConnectionInput, TransportKind } from '../common/contract';
import { validationError } from './errors';

/**
 * Argument checks at the services' edge. The wiring validates shapes too, but the services are
 * also called directly (browser host, tests), and every message names the field that was wrong.
 */

export const TRANSPORTS: readonly TransportKind[] = ['plain', 'tls-verify', 'tls-pinned', 'tls-anonymous'];
export const CODE_PAGES: readonly CodePage[] = ['windows-1252', 'windows-1250', 'windows-1251', 'iso-8859-1'];

// C0 controls and DEL; names and hosts are shown in the UI and written to files.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw validationError(field, `${field} must be an object`);
  return value as Record<string, unknown>;
}

export function requireString(
  value: unknown,
  field: string,
  opts: { min?: number; max?: number; trim?: boolean; controls?: boolean } = {},
): string {
  if (typeof value !== 'string') throw validationError(field, `${field} must be text`);
  const s = opts.trim === false ? value : value.trim();
  const min = opts.min ?? 0;
  const max = opts.max ?? 1000;
  if (s.length < min)
    throw validationError(field, min === 1 ? `${field} is required` : `${field} must be at least ${min} characters`);
  if (s.length > max) throw validationError(field, `${field} is too long (${s.length} characters, at most ${max})`);
  if (!opts.controls && CONTROL.test(s)) throw validationError(field, `${field} must not contain control characters`);
  return s;
}

export function optionalString(
  value: unknown,
  field: string,
  opts: { max?: number; controls?: boolean } = {},
): string | undefined {
  return value === undefined ? undefined : requireString(value, field, opts);
}

export function requireInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validationError(field, `${field} must be a whole number`);
  if (value < min || value > max) throw validationError(field, `${field} must be between ${min} and ${max} (got ${value})`);
  return value;
}

export function optionalInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : requireInteger(value, field, min, max);
}

export function requireId(value: unknown, field = 'id'): string {
  return requireString(value, field, { min: 1, max: 200 });
}

/**
 * A host name (RFC 1123 labels), an IPv4 address or an IPv6 address (brackets allowed and removed).
 * Returns the normalised form.
 */
export function validateHost(value: unknown, field = 'host'): string {
  const raw = requireString(value, field, { min: 1, max: 253 });
  const unbracketed = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIPv6(unbracketed)) return unbracketed.toLowerCase();
  if (isIPv4(raw)) return raw;
  if (/^[0-9.]+$/.test(raw)) throw validationError(field, `${field} "${raw}" is not a valid IPv4 address`);
  const labels = raw.replace(/\.$/, '').split('.');
  for (const label of labels) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label)) {
      throw validationError(
        field,
        `${field} "${raw}" is not a valid host name, IPv4 or IPv6 address`,
        'Use e.g. 192.168.88.1, fe80::1 or router.example.net (no scheme, no port).',
      );
    }
  }
  return raw.toLowerCase();
}

/** SHA-256 fingerprint as colon-separated upper-case hex (what Node's X509Certificate prints). */
export function normalizeFingerprint256(value: unknown, field = 'fingerprint256'): string {
  const s = requireString(value, field, { min: 1, max: 200 });
  const hex = s.replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw validationError(field, `${field} must be a SHA-256 fingerprint (64 hex digits, colons allowed)`);
  }
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export interface ValidConnectionInput {
  name: string;
  host: string;
  port: number;
  transport: TransportKind;
  fingerprint256: string | undefined;
  user: string;
  group: string;
  codePage: CodePage;
  notes: string;
  /** undefined keeps, null removes, a string replaces. */
  password: string | null | undefined;
}

export function validateConnectionInput(value: unknown): ValidConnectionInput {
  const input = requireObject(value, 'input') as Partial<Record<keyof ConnectionInput, unknown>>;
  const name = requireString(input.name, 'name', { min: 1, max: 100 });
  const host = validateHost(input.host);
  const port = requireInteger(input.port, 'port', 1, 65535);
  if (typeof input.transport !== 'string' || !(TRANSPORTS as readonly string[]).includes(input.transport)) {
    throw validationError('transport', `transport must be one of ${TRANSPORTS.join(', ')}`);
  }
  const transport = input.transport as TransportKind;
  const fingerprint256 =
    input.fingerprint256 === undefined || input.fingerprint256 === '' ? undefined : normalizeFingerprint256(input.fingerprint256);
  if (fingerprint256 !== undefined && transport !== 'tls-pinned') {
    throw validationError('fingerprint256', 'a certificate fingerprint only applies to the tls-pinned transport');
  }
  const user = requireString(input.user, 'user', { min: 1, max: 100 });
  const group = optionalString(input.group, 'group', { max: 100 }) ?? '';
  let codePage: CodePage = 'windows-1252';
  if (input.codePage !== undefined) {
    if (typeof input.codePage !== 'string' || !(CODE_PAGES as readonly string[]).includes(input.codePage)) {
      throw validationError('codePage', `codePage must be one of ${CODE_PAGES.join(', ')}`);
    }
    codePage = input.codePage as CodePage;
  }
  // Notes are free text: newlines and tabs allowed.
  const notes =
    input.notes === undefined ? '' : requireString(input.notes, 'notes', { max: 10_000, trim: false, controls: true });
  let password: string | null | undefined;
  if (input.password === undefined || input.password === null) password = input.password;
  else {
    if (typeof input.password !== 'string') throw validationError('password', 'password must be text');
    // Windows caps a credential blob at 2560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE, UTF-16 there).
    if (input.password.length > 1000) throw validationError('password', 'password is too long (at most 1000 characters)');
    if (input.password.includes('\u0000')) throw validationError('password', 'password must not contain a NUL character');
    password = input.password;
  }
  return { name, host, port, transport, fingerprint256, user, group, codePage, notes, password };
}
