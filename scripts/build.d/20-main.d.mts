// Types for tests that build single bundles (app-main/test/electron/preload.test.ts).
export interface BuildOptions {
  root: string;
  outDir: string;
}
export function buildMain(options: BuildOptions): Promise<void>;
export function buildPreload(options: BuildOptions): Promise<void>;
export function buildHost(options: BuildOptions): Promise<void>;
export function build(options: BuildOptions): Promise<void>;
