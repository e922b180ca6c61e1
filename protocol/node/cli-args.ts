/**
 * Arguments of the command-line client, exactly as design.md §4 lists them:
 *   npm run cli -- HOST USER [PASSWORD] [--port N] [--tls | --tls-anon] [--timeout S]
 * plus `--fingerprint SHA256` to pin a self-signed router certificate, and `--help`.
 */
import { normalizeFingerprint, type TlsMode } from './transport';

export const USAGE = `usage: npm run cli -- HOST USER [PASSWORD] [--port N] [--tls | --tls-anon] [--timeout S]
                                  [--fingerprint SHA256]

Logs in to the RouterOS API at HOST, then reads sentences from standard input — one word per line,
an empty line ends a sentence — sends each exactly as typed and prints the exchange:
"<<< WORD" for each word sent, ">>> WORD" for each word received, "<<< " / ">>> " at the end of a
sentence. Escapes in words, both ways: \\\\ backslash, \\n newline, \\xNN any byte.

  PASSWORD            omitted means the empty password
  --port N            TCP port (default 8728, or 8729 with --tls / --tls-anon)
  --tls               API-SSL; the certificate is verified against the system CAs
  --fingerprint FP    API-SSL with a router certificate pinned by its SHA-256 fingerprint
                      (64 hex digits, colons allowed) instead of CA verification; implies --tls
  --tls-anon          API-SSL without a certificate (anonymous Diffie-Hellman; unauthenticated)
  --timeout S         seconds allowed to connect and log in, and to wait for the final replies
                      after the end of input (default: 10 to connect, no limit for replies)
  -h, --help          this text

Exit status: 0 when every command got its final reply, 2 when the login failed, 1 for any other
failure (one line on standard error) and for bad arguments.`;

export interface CliOptions {
  host: string;
  user: string;
  password: string;
  port: number;
  tls: TlsMode | undefined;
  /** `--timeout` in milliseconds, if given. */
  timeoutMs: number | undefined;
}

export type ParsedArgs = { help: true } | { help: false; options: CliOptions };

/** Bad arguments: the message names what was wrong; the caller prints it with the usage. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  let port: number | undefined;
  let tls = false;
  let anon = false;
  let fingerprint: string | undefined;
  let timeoutMs: number | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const inline = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new ArgumentError(`${name} needs a value`);
      return next;
    };
    const flag = (): void => {
      if (inline !== undefined) throw new ArgumentError(`${name} takes no value`);
    };
    switch (name) {
      case '-h':
      case '--help':
        return { help: true };
      case '--port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535)
          throw new ArgumentError(`--port must be a number from 1 to 65535, not "${v}"`);
        port = Number(v);
        break;
      }
      case '--tls':
        flag();
        tls = true;
        break;
      case '--tls-anon':
        flag();
        anon = true;
        break;
      case '--fingerprint': {
        const v = value();
        if (!/^[0-9a-fA-F:]+$/.test(v) || normalizeFingerprint(v).length !== 64) {
          throw new ArgumentError(`--fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed), not "${v}"`);
        }
        fingerprint = v;
        break;
      }
      case '--timeout': {
        const v = value();
        const s = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || !(s > 0) || s > 2_000_000)
          throw new ArgumentError(`--timeout must be a positive number of seconds, not "${v}"`);
        timeoutMs = Math.max(1, Math.round(s * 1000));
        break;
      }
      default:
        throw new ArgumentError(`unknown option ${name}`);
    }
  }

  if (anon && (tls || fingerprint !== undefined))
    throw new ArgumentError('--tls-anon cannot be combined with --tls or --fingerprint');
  if (positional.length < 2) throw new ArgumentError(positional.length === 0 ? 'HOST and USER are required' : 'USER is required');
  if (positional.length > 3) throw new ArgumentError(`unexpected argument "${positional[3]}" (HOST USER [PASSWORD] only)`);
  const [host, user, password = ''] = positional as [string, string, string?];
  if (host === '') throw new ArgumentError('HOST is empty');
  if (user === '') throw new ArgumentError('USER is empty');

  let tlsMode: TlsMode | undefined;
  if (anon) tlsMode = { mode: 'anonymous' };
  // A pin instead of CA verification (self-signed router certificates): pinned mode.
  else if (fingerprint !== undefined) tlsMode = { mode: 'pinned', fingerprint256: fingerprint };
  else if (tls) tlsMode = { mode: 'verify' };
  return {
    help: false,
    options: { host, user, password, port: port ?? (tlsMode ? 8729 : 8728), tls: tlsMode, timeoutMs },
  };
}
