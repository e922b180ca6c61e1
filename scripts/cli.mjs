#!/usr/bin/env node
// `npm run cli -- HOST USER …` and `node scripts/cli.mjs HOST USER …` (docs/cli.md): runs the
// compiled command-line client (out/cli.mjs) in this process, rebuilding it first only when a
// source it was built from is newer (issue 11 item 16: `npm run cli` used to run the TypeScript
// through tsx, which cost about 0.4 s per call). The check is one stat() per source listed in
// out/NAME.inputs.json — about a millisecond — and esbuild is loaded only when a rebuild is due.
// The bundle is imported, not spawned, so no second Node start-up is paid either.
//
// The launcher is this one file, not a module shared by two small ones: every module load is an
// asynchronous file read, and on a busy machine each costs a scheduling wait (measured: about 25
// more context switches per call with the check in a module of its own). scripts/sim.mjs imports
// runCompiled from here; that it is long-running makes the extra load irrelevant there.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('./build.d/10-cli.mjs', import.meta.url));

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Why the bundle must be rebuilt, or undefined when it is up to date: it or its list of inputs is
 * missing or unreadable, or one of `extra` (the build script) or of the listed sources is newer
 * than the bundle or gone (a removed file was imported by one that changed, or was renamed).
 */
export function staleReason({ bundle, inputs, extra = [] }) {
  const built = mtimeMs(bundle);
  if (built === undefined) return `${bundle} does not exist`;
  let sources;
  try {
    sources = JSON.parse(readFileSync(inputs, 'utf8')).sources;
    if (!Array.isArray(sources)) throw new Error('no "sources" list');
  } catch (e) {
    return `${inputs} cannot be read (${e.message})`;
  }
  for (const source of [...extra, ...sources]) {
    const changed = mtimeMs(source);
    if (changed === undefined) return `${source} is gone`;
    if (changed > built) return `${source} is newer than ${bundle}`;
  }
  return undefined;
}

/** Rebuilds out/NAME.mjs if it is stale, then runs it with this process's arguments. */
export async function runCompiled(name, outDir = join(root, 'out')) {
  const paths = { bundle: join(outDir, `${name}.mjs`), inputs: join(outDir, `${name}.inputs.json`) };
  if (staleReason({ ...paths, extra: [BUILD_SCRIPT] }) !== undefined) {
    const { buildTool } = await import(pathToFileURL(BUILD_SCRIPT).href);
    await buildTool({ root, outDir }, name);
  }
  await import(pathToFileURL(paths.bundle).href);
}

/** Whether this file is the program Node was started with (not imported by sim.mjs or a test). */
function isMain() {
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false; // no such path: `node -e`, or a name that is not a file
  }
}

if (isMain()) await runCompiled('cli');
