#!/usr/bin/env node
// Builds every bundle the app runs from: one module per entry under scripts/build.d/ adds its own
// outputs (CLI, simulator, host, Electron main/preload, renderer), so rooms can grow independently.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'scripts', 'build.d');
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  const mod = await import(join(dir, file));
  const started = Date.now();
  await mod.build({ root, outDir: join(root, 'out') });
  console.log(`built ${file.replace(/\.mjs$/, '')} in ${Date.now() - started} ms`);
}
