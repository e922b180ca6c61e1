/**
 * `npm run sim -- [--port N] [--tls-port N] [--user U] [--password P] [--ros-version X.Y] [...]`
 *
 * Prints exactly `api listening on HOST:PORT` (and `api-ssl listening on HOST:PORT`) on standard
 * output, one line each (design.md §4: other tests parse these lines); everything else goes to
 * standard error. Runs until interrupted.
 */
import { parseArgs, USAGE, UsageError } from './src/args';
import { startSimulator } from './src/index';

async function main(): Promise<void> {
  let config;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sim: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const verbose = config.verbose;
  let sim;
  try {
    sim = await startSimulator({
      ...config.options,
      ...(verbose ? { log: (line: string) => process.stderr.write(`sim: ${line}\n`) } : {}),
    });
  } catch (e) {
    process.stderr.write(`sim: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const lines: string[] = [];
  if (sim.port !== undefined) lines.push(`api listening on ${sim.host}:${sim.port}`);
  const ssl = sim.tlsPort ?? sim.tlsCertPort;
  if (ssl !== undefined) lines.push(`api-ssl listening on ${sim.host}:${ssl}`);
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  const user = config.options.user ?? 'admin';
  const pw = config.options.password ? 'the given password' : 'an empty password';
  process.stderr.write(`sim: RouterOS ${sim.version.text} simulator; log in as ${user} with ${pw}; Ctrl+C stops it\n`);
  if (sim.mndp && config.options.mndp) {
    const { host, port, intervalMs } = config.options.mndp;
    process.stderr.write(
      `sim: announcing over MNDP to ${host}:${port} every ${(intervalMs ?? 5000) / 1000} s; discovery requests to ${sim.host}:${sim.mndp.port}\n`,
    );
  }
  if (sim.certificate) process.stderr.write(`sim: api-ssl certificate SHA-256 fingerprint ${sim.certificate.fingerprint256}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
