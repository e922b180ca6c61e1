/**
 * Command-line arguments of `npm run sim` (design.md §4), parsed into SimulatorOptions. Kept apart
 * from cli.ts so that it can be tested without starting a process.
 */
import type { Faults } from './faults';
import { INSPECT_MODES, type InspectMode } from './inspect';
import type { SimulatorOptions, SimulatorUser } from './simulator';
import { parseRosVersion } from './version';

export const USAGE = `usage: npm run sim -- [options]

  --port N               plain API port (default 0: any free port)
  --tls-port N           also serve API-SSL on port N (0: any free port)
  --tls-mode MODE        anonymous (default: no certificate, anonymous DH) or certificate
  --host ADDRESS         address to listen on (default 127.0.0.1)
  --user U               full-rights user (default admin)
  --password P           its password (default empty)
  --extra-user N:P:G     one more user; G is read, write or full (repeatable)
  --ros-version X.Y      RouterOS version to emulate (default 7.20); menus and inspect come
                         from the shipped command tree nearest it (7.12.2 below 7.12)
  --identity NAME        /system/identity name (default MikroTik)
  --max-sessions N       concurrent sessions (default 100)
  --connections N        /ip/firewall/connection entries (default 120)
  --churn N              connection entries replaced per tick
  --tick-ms N            background activity period (default 1000)
  --log-every N          a /log line every N ticks (default 5, 0: none)
  --no-activity          no background activity
  --seed N               random seed (default 1)
  --inspect MODE         /console/inspect: normal, disabled, empty or stall
  --inspect-drops P      drop each inspect completion row with probability P (0..1), as
                         RouterOS 7.22.1 does; never when .proplist names completion
  --mndp HOST:PORT       announce the router over MNDP (UDP) to HOST:PORT every few seconds, and
                         answer discovery requests (e.g. --mndp 127.0.0.1:5678)
  --mndp-interval-ms N   between MNDP announcements (default 5000)
faults:
  --chunk-bytes N        split every write into N-byte pieces
  --chunk-delay-ms N     pause between pieces
  --latency-ms N         delay every reply
  --stall                never answer anything
  --stall-after N        stop answering after N sentences from each client
  --close-after N        close each connection abruptly after sending N sentences
  --control-byte-after N send the reserved byte 0xF8 after N sentences
  --late-after-cancel N  answer /cancel first, the victim late, plus N stray sentences
  --refuse-login         refuse every login
  --no-done-after-empty  a command that answers !empty never sends its !done (until /cancel)
  --file-read-fail-after N  /file/read fails once N chunks of a file were read
  --verbose              diagnostics on standard error
  --help                 this text

Prints "api listening on HOST:PORT" (and "api-ssl listening on HOST:PORT") on standard output.`;

export class UsageError extends Error {}

export interface CliConfig {
  options: SimulatorOptions;
  verbose: boolean;
  help: boolean;
}

const VALUE_FLAGS = new Set([
  '--port',
  '--tls-port',
  '--tls-mode',
  '--host',
  '--user',
  '--password',
  '--extra-user',
  '--ros-version',
  '--identity',
  '--max-sessions',
  '--connections',
  '--churn',
  '--tick-ms',
  '--log-every',
  '--seed',
  '--inspect',
  '--inspect-drops',
  '--mndp',
  '--mndp-interval-ms',
  '--chunk-bytes',
  '--chunk-delay-ms',
  '--latency-ms',
  '--stall-after',
  '--close-after',
  '--control-byte-after',
  '--file-read-fail-after',
  '--late-after-cancel',
]);
const BOOL_FLAGS = new Set(['--no-activity', '--stall', '--refuse-login', '--no-done-after-empty', '--verbose', '--help', '-h']);

function int(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} needs a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Parses argv (without `node` and the script). @throws UsageError naming the bad flag or value. */
export function parseArgs(argv: readonly string[]): CliConfig {
  const options: SimulatorOptions = {};
  const faults: Partial<Faults> = {};
  const users: SimulatorUser[] = [];
  let tlsPort: number | undefined;
  let tlsMode: 'anonymous' | 'certificate' = 'anonymous';
  let verbose = false;
  let help = false;
  let mndpIntervalMs: number | undefined;

  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i]!;
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (BOOL_FLAGS.has(flag)) {
      if (value !== undefined) throw new UsageError(`${flag} takes no value`);
      switch (flag) {
        case '--no-activity':
          options.activity = false;
          break;
        case '--stall':
          faults.stall = true;
          break;
        case '--refuse-login':
          faults.refuseLogin = true;
          break;
        case '--no-done-after-empty':
          faults.noDoneAfterEmpty = true;
          break;
        case '--verbose':
          verbose = true;
          break;
        default:
          help = true;
      }
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option "${flag}" (see --help)`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
    }
    switch (flag) {
      case '--port':
        options.port = int(flag, value, 0, 65535);
        break;
      case '--tls-port':
        tlsPort = int(flag, value, 0, 65535);
        break;
      case '--tls-mode':
        if (value !== 'anonymous' && value !== 'certificate')
          throw new UsageError(`--tls-mode must be anonymous or certificate, got "${value}"`);
        tlsMode = value;
        break;
      case '--host':
        options.host = value;
        break;
      case '--user':
        if (value === '') throw new UsageError('--user must not be empty');
        options.user = value;
        break;
      case '--password':
        options.password = value;
        break;
      case '--extra-user': {
        const m = /^([^:]+):([^:]*):(read|write|full)$/.exec(value);
        if (!m)
          throw new UsageError(`--extra-user must look like NAME:PASSWORD:GROUP with GROUP read, write or full, got "${value}"`);
        users.push({ name: m[1]!, password: m[2]!, group: m[3]! });
        break;
      }
      case '--ros-version':
        try {
          parseRosVersion(value);
        } catch (e) {
          throw new UsageError(`--ros-version: ${(e as Error).message}`);
        }
        options.rosVersion = value;
        break;
      case '--identity':
        options.identity = value;
        break;
      case '--max-sessions':
        options.maxSessions = int(flag, value, 1);
        break;
      case '--connections':
        options.connections = int(flag, value, 0, 10_000_000);
        break;
      case '--churn':
        options.churn = int(flag, value, 0);
        break;
      case '--tick-ms':
        options.tickMs = int(flag, value, 10);
        break;
      case '--log-every':
        options.logEveryTicks = int(flag, value, 0);
        break;
      case '--seed':
        options.seed = int(flag, value, 0);
        break;
      case '--inspect-drops': {
        const p = Number(value);
        if (value.trim() === '' || !(p >= 0 && p <= 1)) {
          throw new UsageError(`--inspect-drops must be a probability between 0 and 1, got "${value}"`);
        }
        options.inspectDrops = p;
        break;
      }
      case '--inspect':
        if (!INSPECT_MODES.includes(value as InspectMode))
          throw new UsageError(`--inspect must be one of ${INSPECT_MODES.join(', ')}, got "${value}"`);
        options.inspect = value as InspectMode;
        break;
      case '--mndp': {
        // HOST:PORT, or [IPv6]:PORT
        const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d+)$/.exec(value);
        if (!m) throw new UsageError(`--mndp must look like HOST:PORT with an IP address, e.g. 127.0.0.1:5678, got "${value}"`);
        options.mndp = { host: (m[1] ?? m[2])!, port: int('--mndp port', m[3]!, 1, 65535) };
        break;
      }
      case '--mndp-interval-ms':
        mndpIntervalMs = int(flag, value, 10);
        break;
      case '--chunk-bytes':
        faults.chunkBytes = int(flag, value, 1);
        break;
      case '--chunk-delay-ms':
        faults.chunkDelayMs = int(flag, value, 0);
        break;
      case '--latency-ms':
        faults.latencyMs = int(flag, value, 0);
        break;
      case '--stall-after':
        faults.stallAfterSentences = int(flag, value, 0);
        break;
      case '--close-after':
        faults.closeAfterSentences = int(flag, value, 0);
        break;
      case '--file-read-fail-after':
        faults.fileReadFailAfterChunks = int(flag, value, 0);
        break;
      case '--control-byte-after':
        faults.controlByteAfterSentences = int(flag, value, 0);
        break;
      case '--late-after-cancel':
        faults.cancelLateSentences = int(flag, value, 0);
        break;
    }
  }
  if (tlsPort !== undefined) {
    if (tlsMode === 'certificate') options.tlsCertPort = tlsPort;
    else options.tlsPort = tlsPort;
  }
  if (mndpIntervalMs !== undefined) {
    if (!options.mndp) throw new UsageError('--mndp-interval-ms needs --mndp HOST:PORT');
    options.mndp.intervalMs = mndpIntervalMs;
  }
  if (users.length > 0) options.users = users;
  if (Object.keys(faults).length > 0) options.faults = faults;
  return { options, verbose, help };
}
