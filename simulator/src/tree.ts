/**
 * The simulator on the real RouterOS command tree (issue 13): every menu of the shipped tree nearest
 * the emulated version exists. Menus the default router models (default-router.ts) keep their data
 * and behaviour and learn the real arguments they lacked; every other menu is generic — items with
 * the arguments of its `add`/`set`, checked against their syntax — and settings menus (no `add`)
 * hold one item. `/console/inspect` (inspect.ts) answers from the same tree.
 */
import { loadCommandTrees } from '../../protocol/node/command-tree';
import type { CommandTree, SyntaxKind, TreeArg } from '../../protocol/src/tree/index';
import { commentCommand, registerMenuCommands, targets } from './commands';
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
function notSimulated(tree: CommandTree, path: string, name: string): CommandSpec {
  let args: ArgSpec[] | undefined;
  return {
    name,
    description: `${path}/${name} (RouterOS command tree)`,
    // Read only when the command is sent: decoding all ~27,000 arguments of a tree up front cost
    // more than half a second per test file.
    get args() {
      args ??= tree
        .argsOf(`${path}/${name}`)
        .map((a): ArgSpec => ({ name: a.name, description: a.syntax ?? a.name, type: propTypeOf(a) }));
      return args;
    },
    policies: ['read'],
    run: () => {
      throw new CommandError(`failure: ${path}/${name} is in the RouterOS command tree but not simulated`, 4);
    },
  };
}

/**
 * `reset` of a generic menu: the properties named (as flags, `=tab-width=`) go back to their
 * default — for a settings item the value it started with, for other items unset.
 */
function resetCommand(menu: Menu, plan: MenuPlan): CommandSpec {
  const names = [...plan.args.keys()];
  return {
    name: 'reset',
    description: 'reset properties to their defaults',
    args: [
      ...(menu.spec.singleton ? [] : [{ name: 'numbers', description: 'items', type: T.string }]),
      ...names.map((name): ArgSpec => ({ name, description: `reset ${name}`, flag: true })),
    ],
    policies: menu.spec.writePolicies ?? ['write'],
    run: (ctx) => {
      const patch: Record<string, string | undefined> = {};
      for (const name of names) {
        if (!ctx.flag(name)) continue;
        const a = plan.args.get(name)!;
        patch[name] = menu.spec.singleton ? initialValue(a, ctx.model) : undefined;
      }
      for (const item of targets(ctx, menu)) menu.update(item, patch);
      ctx.out.done();
    },
  };
}

export interface InstalledTree {
  readonly tree: CommandTree;
  /** Menus created from the tree (not modelled by the default router). */
  readonly genericMenus: number;
}

/** What installing a tree needs, worked out once per tree and shared by every simulator using it. */
interface MenuPlan {
  readonly path: string;
  readonly type: string | undefined;
  readonly commands: readonly string[];
  readonly props: readonly PropSpec[];
  readonly args: ReadonlyMap<string, TreeArg>;
  /** Real arguments as property types, for a modelled menu to learn. */
  readonly learnable: ReadonlyMap<string, PropType>;
  /** Stand-ins for commands without a model, by name (used where the model has none). */
  readonly stubs: ReadonlyMap<string, CommandSpec>;
}
const plans = new WeakMap<CommandTree, readonly MenuPlan[]>();

function planOf(tree: CommandTree): readonly MenuPlan[] {
  let plan = plans.get(tree);
  if (plan) return plan;
  plan = tree.menus().map((path): MenuPlan => {
    const commands = tree.commands(path);
    const { props, args } = menuProps(tree, path);
    const learnable = new Map([...args].map(([name, a]) => [name, propTypeOf(a)] as const));
    const stubs = new Map(commands.map((name) => [name, notSimulated(tree, path, name)] as const));
    return { path, type: tree.type(path), commands, props, args, learnable, stubs };
  });
  plans.set(tree, plan);
  return plan;
}

/**
 * Adds every menu and command of `tree` that the model lacks. Run it after everything modelled is
 * registered: what exists is kept, the tree only fills gaps.
 */
export function installTree(model: RouterModel, tree: CommandTree): InstalledTree {
  let genericMenus = 0;
  const generic = new Set<Menu>();
  for (const plan of planOf(tree)) {
    const { path, commands, props } = plan;
    const node = model.ensureNode(path);
    if (plan.type === 'dir' && commands.length > 0) {
      if (model.hasMenu(path)) {
        model.menu(path).learn(plan.learnable);
      } else if (commands.includes('print') || commands.includes('add') || commands.includes('set')) {
        const settings = !commands.includes('add') && commands.includes('set');
        const menu = model.addMenu({
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
        });
        registerMenuCommands(model, menu);
        generic.add(menu);
        if (settings) {
          const row: Row = {};
          for (const a of plan.args.values()) {
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
      if (name === 'reset' && menu && generic.has(menu)) {
        node.commands.set(name, resetCommand(menu, plan));
        continue;
      }
      if (name === 'comment' && menu && (menu.props.has('comment') || menu.learned.has('comment'))) {
        node.commands.set(name, commentCommand(menu));
        continue;
      }
      node.commands.set(name, plan.stubs.get(name)!);
    }
  }
  return { tree, genericMenus };
}
