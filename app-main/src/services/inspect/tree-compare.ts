/**
 * "Compare versions" (issue 13): what was added, removed or changed between two shipped RouterOS
 * command trees — menus, commands, arguments and their syntax lines — for a menu or the whole
 * tree. Upgrade planning is a question admins ask often; the shipped crawls answer it offline.
 */
import { compareTrees, compareVersions, type CommandTreeSet } from '../../../../protocol/src/tree/index';
import type { TreeCompareArgs, TreeComparison } from '../../common/contract';
import { LIMITS } from '../../common/limits';
import { validationError } from '../core/errors';

export function compareShippedTrees(trees: CommandTreeSet, args: TreeCompareArgs & { routerVersion?: string }): TreeComparison {
  const versions = [...trees.versions];
  const pick = (given: string | undefined, field: 'from' | 'to', fallback: string): string => {
    if (given === undefined) return fallback;
    const found = versions.find((v) => v === given);
    if (!found) {
      throw validationError(field, `${field}: no shipped command tree for RouterOS ${given}`, `shipped: ${versions.join(', ')}`);
    }
    return found;
  };
  const routerVersion = args.routerVersion ?? '';
  const from = pick(args.from, 'from', routerVersion ? trees.nearest(routerVersion).version : versions[0]!);
  const to = pick(args.to, 'to', versions[versions.length - 1]!);
  const path = args.path ?? [];
  const all = compareTrees(trees.get(from), trees.get(to), `/${path.join('/')}`);
  const changes = all.slice(0, LIMITS.treeChanges).map((c) => ({
    change: c.change,
    path: c.path,
    kind: c.type,
    ...(c.before !== undefined ? { before: c.before } : {}),
    ...(c.after !== undefined ? { after: c.after } : {}),
  }));
  return {
    versions: versions.sort(compareVersions),
    from,
    to,
    ...(routerVersion ? { routerVersion } : {}),
    path,
    changes,
    truncated: all.length > changes.length,
  };
}
