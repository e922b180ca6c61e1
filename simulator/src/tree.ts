/**
 * The simulator on the real RouterOS command tree (issue 13): every menu of the shipped tree nearest
 * the emulated version exists. Menus the default router models (default-router.ts) keep their data
 * and behaviour and learn the real arguments they lacked; every other menu is generic — items with
 * the arguments of its `add`/`set`, checked against their syntax — and settings menus (no `add`)
 * hold one item. `/console/inspect` (inspect.ts) answers from the same tree.
 */
import { loadCommandTrees } from '../../protocol/node/command-tree';
import type { CommandTree, SyntaxKind, TreeArg } from '../../protocol/src/tree/index';
import { commentCommand, registerMenuCommands } from './commands';
import { CommandError, type ArgSpec, type CommandSpec, type Menu, type PropSpec, type RouterModel, type Row } from './model';
import { T, type PropType } from './types';
import type { RosVersion } from './version';

/** The shipped tree for an emulated version: the nearest one; below the oldest (RouterOS 6), the oldest. */
export function treeFor(version: RosVersion): CommandTree {
  return loadCommandTrees().nearest(version.text);
}

/** Arguments of add/set that address items rather than describe them. */
const NOT_PROPERTIES = new Set(['numbers', 'number', '.id', 'copy-from', 'place-before', 'value-name']);

/** The property type a tree argument validates as (types.ts `tree` wraps the shared validator). */
export function propTypeOf(arg: TreeArg): PropType {
  const k: SyntaxKind = arg.kind;
  if (k.kind === 'yes-no') return T.bool;
  if (k.kind === 'enum' && k.strict) return T.enumOf(k.values, k.multiple);
  // Names of the router's own objects (interfaces, lists, chains) and hinted values are not
  // enforced: RouterOS also takes `!ether1`, `all-ethernet` and names made later.
  if (arg.references || k.kind === 'enum' || k.kind === 'unknown' || k.kind === 'script') return T.string;
  return { kind: 'tree', syntax: k };
}

/** A plausible value for a settings item before anything is set (modelled, not crawled). */
function initialValue(arg: TreeArg, model: RouterModel): string | undefined {
  const k = arg.kind;
  switch (k.kind) {
    case 'yes-no':
      return model.bool(false);
    case 'enum':
      return k.strict && !k.multiple ? k.values[0] : undefined;
    case 'integer':
      return k.min;
    case 'time':
      return k.min ?? '0s';
    default:
      return undefined;
  }
}

function menuProps(tree: CommandTree, path: string): { props: PropSpec[]; args: Map<string, TreeArg> } {
  const args = new Map<string, TreeArg>();
  for (const cmd of ['add', 'set']) {
    for (const a of tree.argsOf(`${path}/${cmd}`)) if (!NOT_PROPERTIES.has(a.name) && !args.has(a.name)) args.set(a.name, a);
  }
  const props = [...args.values()].map((a) => ({
    name: a.name,
    type: propTypeOf(a),
    description: a.syntax ?? a.name,
  }));
  return { props, args };
}

/** Stand-in for a tree command the simulator does not model: arguments are checked, then it says so. */
function notSimulated(path: string, name: string, args: readonly TreeArg[]): CommandSpec {
  return {
    name,
    description: `${path}/${name} (RouterOS command tree)`,
    args: args.map((a): ArgSpec => ({ name: a.name, description: a.syntax ?? a.name, type: propTypeOf(a) })),
    policies: ['read'],
    run: () => {
      throw new CommandError(`failure: ${path}/${name} is in the RouterOS command tree but not simulated`, 4);
    },
  };
}

export interface InstalledTree {
  readonly tree: CommandTree;
  /** Menus created from the tree (not modelled by the default router). */
  readonly genericMenus: number;
}

/**
 * Adds every menu and command of `tree` that the model lacks. Run it after everything modelled is
 * registered: what exists is kept, the tree only fills gaps.
 */
export function installTree(model: RouterModel, tree: CommandTree): InstalledTree {
  let genericMenus = 0;
  for (const path of tree.menus()) {
    const type = tree.type(path);
    const node = model.ensureNode(path);
    const commands = tree.commands(path);
    if (type === 'dir' && commands.length > 0) {
      if (model.hasMenu(path)) {
        learnArguments(model.menu(path), tree, path);
      } else if (commands.includes('print') || commands.includes('add') || commands.includes('set')) {
        const { props } = menuProps(tree, path);
        const settings = !commands.includes('add') && commands.includes('set');
        const spec = {
          path,
          description: `${path} (RouterOS command tree)`,
          props,
          singleton: settings || (!commands.includes('add') && !commands.includes('remove')),
          canAdd: commands.includes('add'),
          canSet: commands.includes('set'),
          canRemove: commands.includes('remove'),
          canToggle: commands.includes('enable') && commands.includes('disable') && props.some((p) => p.name === 'disabled'),
          canComment: commands.includes('comment'),
          ...(props.some((p) => p.name === 'name') ? { nameProp: 'name' } : {}),
        };
        const menu = model.addMenu(spec);
        registerMenuCommands(model, menu);
        if (settings) {
          const row: Row = {};
          for (const a of menuProps(tree, path).args.values()) {
            const v = initialValue(a, model);
            if (v !== undefined) row[a.name] = v;
          }
          menu.insert(row);
        }
        genericMenus += 1;
      }
    }
    for (const name of commands) {
      if (node.commands.has(name)) continue;
      const menu = node.menu;
      if (name === 'comment' && menu && (menu.props.has('comment') || menu.learned.has('comment'))) {
        node.commands.set(name, commentCommand(menu));
        continue;
      }
      node.commands.set(name, notSimulated(path, name, tree.argsOf(`${path}/${name}`)));
    }
  }
  return { tree, genericMenus };
}

/**
 * A modelled menu learns the real arguments of its add/set it did not model (e.g. `network` of
 * `/ip/address/add`): accepted, checked against their syntax, stored and printed.
 */
function learnArguments(menu: Menu, tree: CommandTree, path: string): void {
  const { args } = menuProps(tree, path);
  const extra = new Map<string, PropType>();
  for (const [name, a] of args) extra.set(name, propTypeOf(a));
  menu.learn(extra);
}
