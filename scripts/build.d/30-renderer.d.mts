// Types for the test of the renderer pages' <meta> CSP (app-main/test/bridge/static.test.ts).
export function metaCspPolicy(root: string): Promise<string>;
export function withCspMeta(html: string, policy: string): string;
