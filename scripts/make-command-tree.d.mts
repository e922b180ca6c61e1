// Types for protocol/test/command-tree.test.ts, which drives the derivation on a fixture.
export const CRAWLED_INTERFACE_NAMES: readonly string[];
export interface Crawl {
  version: string;
  deep: boolean;
  data: Record<string, unknown>;
}
export function encodeNode(node: unknown, where?: string): unknown;
export function encodeRoot(crawl: Record<string, unknown>): unknown;
export function diffEncoded(base: unknown, version: unknown): { removed: string[]; added: unknown[]; syntax: unknown[] };
export function deriveTreeFiles(crawls: readonly Crawl[], source: string): Record<string, string>;
export function readCrawls(dir: string): Crawl[];
