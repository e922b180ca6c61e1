// The command-line client and the simulator as single ESM files (used by the benchmarks and by
// anyone who wants them without tsx).
import { build as esbuild } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export async function build({ root, outDir }) {
  const entries = [
    ['protocol/node/cli.ts', 'cli.mjs'],
    ['simulator/cli.ts', 'sim.mjs'],
  ].filter(([src]) => existsSync(join(root, src)));
  for (const [src, out] of entries) {
    await esbuild({
      entryPoints: [join(root, src)],
      outfile: join(outDir, out),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: false,
      logLevel: 'warning',
    });
  }
}
