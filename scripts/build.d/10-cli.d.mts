// Types for the tests that build the command-line client (protocol/test/cli.test.ts).
export interface BuildOptions {
  root: string;
  outDir: string;
}
export type ToolName = 'cli' | 'sim';
export const TOOLS: Record<ToolName, string>;
export function toolPaths(outDir: string, name: ToolName): { bundle: string; inputs: string };
export function buildTool(options: BuildOptions, name: ToolName): Promise<void>;
export function build(options: BuildOptions): Promise<void>;
