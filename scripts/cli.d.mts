// Types for the launcher tests (protocol/test/cli-launcher.test.ts) and scripts/sim.mjs.
export function staleReason(paths: { bundle: string; inputs: string; extra?: readonly string[] }): string | undefined;
export function runCompiled(name: string, outDir?: string): Promise<void>;
