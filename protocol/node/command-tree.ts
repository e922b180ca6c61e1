/**
 * Loads the shipped command trees (resources/routeros-tree/) from disk for the simulator and the
 * services; the reader itself (protocol/src/tree) does no I/O. The folder is found by walking up from
 * this file, which works from the sources (vitest, tsx), from the bundles in out/ and from inside
 * the packaged app's asar, where it sits beside out/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandTreeSet } from '../src/tree/index';

export const COMMAND_TREE_FOLDER = join('resources', 'routeros-tree');

/**
 * The folder holding `index.json`, or throws naming where it looked: up from this file, then up
 * from the working directory (a bundle written elsewhere, such as the benchmarks' scratch bundles
 * in the system's temporary folder, run from the repository).
 */
export function findCommandTreeFolder(start = dirname(fileURLToPath(import.meta.url))): string {
  const tried: string[] = [];
  for (const from of [start, process.cwd()]) {
    let dir = from;
    for (let i = 0; i < 8; i += 1) {
      const candidate = join(dir, COMMAND_TREE_FOLDER);
      if (existsSync(join(candidate, 'index.json'))) return candidate;
      tried.push(candidate);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`RouterOS command trees not found (looked in ${tried.join(', ')})`);
}

const sets = new Map<string, CommandTreeSet>();

/** The shipped trees (cached per folder; each version is built on first use). */
export function loadCommandTrees(folder?: string): CommandTreeSet {
  const dir = folder ?? findCommandTreeFolder();
  let set = sets.get(dir);
  if (!set) {
    const read = (file: string): unknown => {
      if (file.includes('/') || file.includes('\\') || file.startsWith('.')) {
        throw new Error(`command tree index names a file outside its folder: ${file}`);
      }
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    };
    set = new CommandTreeSet(read('index.json'), read);
    sets.set(dir, set);
  }
  return set;
}
