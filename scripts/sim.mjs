#!/usr/bin/env node
// `npm run sim -- …` and `node scripts/sim.mjs …` (docs/simulator.md): the compiled simulator,
// rebuilt first if its sources changed (scripts/compiled.mjs).
import { runCompiled } from './compiled.mjs';

await runCompiled('sim');
