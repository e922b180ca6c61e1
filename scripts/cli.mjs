#!/usr/bin/env node
// `npm run cli -- HOST USER …` and `node scripts/cli.mjs HOST USER …` (docs/cli.md): the compiled
// command-line client, rebuilt first if its sources changed (scripts/compiled.mjs).
import { runCompiled } from './compiled.mjs';

await runCompiled('cli');
