// Types for tests/e2e/fixtures.ts.
export const CHROMIUM_PATH: string;
export const CHROMIUM_ARGS: readonly string[];
export function chromiumLaunchOptions(extraArgs?: readonly string[]): { executablePath: string; args: string[] };
