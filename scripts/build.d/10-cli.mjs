// The command-line client and the simulator as single ESM files: `npm run cli` and `npm run sim`
// run these (through scripts/cli.mjs and scripts/sim.mjs, which rebuild one when its sources are
// newer), and so do the benchmarks. Next to each bundle goes the list of the source files it was
// built from (`out/NAME.inputs.json`), so that the launchers can tell it is stale by a few stat()
// calls instead of loading esbuild or a TypeScript loader on every run (issue 11 item 16).
import { build as esbuild } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Bundle name → entry point, relative to the project root. */
export const TOOLS = {
  cli: 'protocol/node/cli.ts',
  sim: 'simulator/cli.ts',
};

/** Where a tool's bundle and its list of inputs go. */
export function toolPaths(outDir, name) {
  return { bundle: join(outDir, `${name}.mjs`), inputs: join(outDir, `${name}.inputs.json`) };
}

/**
 * Bundles one tool. The bundle is written to a temporary name and renamed into place, so that a
 * launcher importing it while another rebuilds never reads half a file. The list of inputs is
 * written first: a bundle is never newer than a list that does not describe it.
 */
export async function buildTool({ root, outDir }, name) {
  const entry = TOOLS[name];
  if (!entry) throw new Error(`unknown tool ${JSON.stringify(name)} (known: ${Object.keys(TOOLS).join(', ')})`);
  const { bundle, inputs } = toolPaths(outDir, name);
  const result = await esbuild({
    entryPoints: [join(root, entry)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: false,
    logLevel: 'warning',
    write: false,
    metafile: true,
    absWorkingDir: root,
  });
  mkdirSync(dirname(bundle), { recursive: true });
  // Metafile paths are relative to absWorkingDir; stored absolute so the check needs no root.
  const sources = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  writeFileSync(inputs, `${JSON.stringify({ entry, sources }, null, 1)}\n`);
  const tmp = `${bundle}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, bundle);
}

export async function build({ root, outDir }) {
  for (const [name, entry] of Object.entries(TOOLS)) {
    if (existsSync(join(root, entry))) await buildTool({ root, outDir }, name);
  }
}
