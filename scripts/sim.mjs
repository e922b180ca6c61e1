#!/usr/bin/env node
// `npm run sim -- …` and `node scripts/sim.mjs …` (docs/simulator.md): the compiled simulator,
// rebuilt first if its sources changed (the launcher in scripts/cli.mjs).
import { runCompiled } from './cli.mjs';

await runCompiled('sim');
