/**
 * `npm run web -- [--port N] [--data-dir DIR]` (design.md §4): starts the browser host and prints
 * exactly one line, `Tikscope is running at http://127.0.0.1:PORT/#token=TOKEN` — other tools
 * parse it. Everything else goes to standard error. SIGINT/SIGTERM close the page connections and
 * dispose the services (cancel, `/quit`, close sockets) before exiting.
 */
import { resolve } from 'node:path';
import { startHost, startupLine, type HostOptions, type RunningHost } from './server';
import { defaultDataDir } from './paths';

export const DEFAULT_PORT = 7381;

export interface HostCliArgs {
  port: number | undefined;
  dataDir: string | undefined;
  rendererDir: string | undefined;
  /** UDP port for MNDP neighbour discovery (default: the mndpPort setting, else 5678). */
  mndpPort: number | undefined;
  help: boolean;
}

export const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR]

  --port N          listen on 127.0.0.1:N (default ${DEFAULT_PORT}, or any free port when it is taken;
                    0 = any free port)
  --data-dir DIR    where saved connections, settings and history live
                    (default ${defaultDataDir()})
  --renderer-dir D  serve the renderer from D (default out/renderer)
  --mndp-port N     listen for MNDP router announcements on UDP port N for this run
                    (default: the setting, else 5678)`;

export class UsageError extends Error {}

export function parseHostArgs(argv: readonly string[]): HostCliArgs {
  const out: HostCliArgs = { port: undefined, dataDir: undefined, rendererDir: undefined, mndpPort: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const text = value();
        if (!/^\d+$/.test(text) || Number(text) > 65_535)
          throw new UsageError(`--port must be a number from 0 to 65535, got ${JSON.stringify(text)}`);
        out.port = Number(text);
        break;
      }
      case '--mndp-port': {
        const text = value();
        if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65_535)
          throw new UsageError(`--mndp-port must be a number from 1 to 65535, got ${JSON.stringify(text)}`);
        out.mndpPort = Number(text);
        break;
      }
      case '--data-dir':
        out.dataDir = resolve(value());
        break;
      case '--renderer-dir':
        out.rendererDir = resolve(value());
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return out;
}

/**
 * The host's options from its arguments, port aside: what `npm run web` starts (the end-to-end
 * tests start the host through this too). Neighbour discovery is on: the page lists the routers
 * heard (docs/main-process.md, "Neighbour discovery").
 */
export function hostOptions(args: HostCliArgs): Pick<HostOptions, 'dataDir' | 'rendererDir' | 'mndp'> {
  return {
    ...(args.dataDir ? { dataDir: args.dataDir } : {}),
    ...(args.rendererDir ? { rendererDir: args.rendererDir } : {}),
    mndp: args.mndpPort !== undefined ? { port: args.mndpPort } : {},
  };
}

async function startOnDefaultPort(args: HostCliArgs): Promise<RunningHost> {
  const common = hostOptions(args);
  if (args.port !== undefined) return startHost({ ...common, port: args.port });
  try {
    return await startHost({ ...common, port: DEFAULT_PORT });
  } catch (error) {
    if (!(error instanceof Error) || !/in use/.test(error.message)) throw error;
    console.error(`tikscope: port ${DEFAULT_PORT} is taken; using a free port instead`);
    return startHost({ ...common, port: 0 });
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: HostCliArgs;
  try {
    args = parseHostArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`tikscope web: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let host: RunningHost;
  try {
    host = await startOnDefaultPort(args);
  } catch (error) {
    console.error(`tikscope web: could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(startupLine(host.url));

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl+C while the routers are being told /quit: leave at once.
        process.exit(130);
      }
      stopping = true;
      console.error(`tikscope web: ${signal}: shutting down`);
      host.close().then(
        () => done(0),
        (error: unknown) => {
          console.error(`tikscope web: shutdown: ${error instanceof Error ? error.message : String(error)}`);
          done(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
