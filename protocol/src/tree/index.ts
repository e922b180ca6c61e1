// The RouterOS command tree reader (issue 13): the shipped crawls of real routers, one version at a
// time. See resources/routeros-tree/README.md for where the data comes from.
export * from './types';
export * from './syntax';
export {
  CommandTree,
  CommandTreeSet,
  compareTrees,
  compareVersions,
  nearestTreeVersion,
  parseVersion,
  treePath,
  treeSegments,
  type TreeArg,
  type TreeChange,
  type TreeChild,
} from './command-tree';
