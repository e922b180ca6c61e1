/**
 * The default router the simulator serves — realistic enough for the app's Demo router: an
 * RB5009 with five Ethernet ports, a bridge and a VLAN, the RouterOS 7 default firewall, DHCP
 * leases, ARP, users and groups, services, a log and connection tracking.
 *
 * Menus are plain data (MenuSpec); the few cross-menu behaviours RouterOS has (a bridge or VLAN
 * is also an interface; renaming an interface renames every reference; an address brings its
 * connected route) are hooks.
 */
import { bytesToString, fromBytes, fromText } from './bytes';
import { registerMenuCommands } from './commands';
import { CommandError, POLICIES, type Item, type Menu, type MenuSpec, type PropSpec, type RouterModel } from './model';
import { T, formatIp, networkOf, parsePrefix, type PropType } from './types';

const p = (name: string, type: PropType, description: string, extra: Partial<PropSpec> = {}): PropSpec => ({
  name,
  type,
  description,
  ...extra,
});
const ro = (name: string, type: PropType, description: string): PropSpec => ({ name, type, description, readOnly: true });
const counter = (name: string, description: string): PropSpec => ro(name, T.int(0), description);

const COMMENT = p('comment', T.string, 'short description of the item');
const DISABLED = p('disabled', T.bool, 'whether the item is disabled', { default: 'no' });
const DYNAMIC = ro('dynamic', T.bool, 'created by the router, not by configuration');
const INVALID = ro('invalid', T.bool, 'the configuration cannot be applied');
const ARP = p('arp', T.enumOf(['disabled', 'enabled', 'local-proxy-arp', 'proxy-arp', 'reply-only']), 'ARP mode', {
  default: 'enabled',
});

const INTERFACE_TYPES = ['ether', 'bridge', 'vlan', 'loopback'];

function interfaceSpec(): MenuSpec {
  return {
    path: 'interface',
    description: 'all interfaces of the router',
    noun: 'interface',
    nameProp: 'name',
    canSet: true,
    canToggle: true,
    props: [
      p('name', T.string, 'interface name', { required: true }),
      ro('default-name', T.string, 'factory name of the interface'),
      ro('type', T.enumOf(INTERFACE_TYPES), 'interface type'),
      p('mtu', T.int(68, 65535), 'layer-3 MTU', { default: '1500' }),
      ro('actual-mtu', T.int(0), 'MTU in use'),
      ro('l2mtu', T.int(0), 'layer-2 MTU'),
      ro('max-l2mtu', T.int(0), 'largest possible layer-2 MTU'),
      ro('mac-address', T.mac, 'MAC address'),
      ro('last-link-up-time', T.string, 'when the link last came up'),
      counter('link-downs', 'number of times the link went down'),
      counter('rx-byte', 'bytes received'),
      counter('tx-byte', 'bytes sent'),
      counter('rx-packet', 'packets received'),
      counter('tx-packet', 'packets sent'),
      counter('rx-drop', 'received packets dropped'),
      counter('tx-drop', 'sent packets dropped'),
      counter('tx-queue-drop', 'packets dropped by the queue'),
      counter('rx-error', 'receive errors'),
      counter('tx-error', 'send errors'),
      ro('running', T.bool, 'the interface is up'),
      ro('slave', T.bool, 'the interface is a bridge port'),
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
  };
}

/** Interface properties a sub-menu (ethernet, bridge, vlan) shares with /interface. */
const SHARED = ['name', 'mtu', 'disabled', 'comment', 'running', 'mac-address', 'l2mtu'];

/**
 * Keeps an item of /interface/ethernet, /interface/bridge or /interface/vlan and its /interface
 * entry in step, and renames references when a name changes.
 */
class InterfaceLinks {
  private readonly pairs = new Map<Item, Item>();

  constructor(private readonly model: RouterModel) {}

  link(a: Item, b: Item): void {
    this.pairs.set(a, b);
    this.pairs.set(b, a);
  }

  other(item: Item): Item | undefined {
    return this.pairs.get(item);
  }

  unlink(item: Item): Item | undefined {
    const o = this.pairs.get(item);
    this.pairs.delete(item);
    if (o) this.pairs.delete(o);
    return o;
  }

  /** After a set on either side: copy shared properties across and rename references. */
  sync(menu: Menu, item: Item, before: Readonly<Record<string, string>>): void {
    const other = this.other(item);
    if (other) {
      const otherMenu = menu.path === 'interface' ? this.subMenuOf(other) : this.model.menu('interface');
      if (otherMenu) {
        const patch: Record<string, string | undefined> = {};
        for (const k of SHARED) if (otherMenu.props.has(k)) patch[k] = item.values[k];
        otherMenu.update(other, patch);
      }
    }
    const oldName = before['name'];
    const newName = item.values['name'];
    if (oldName !== undefined && newName !== undefined && oldName !== newName) this.rename(oldName, newName);
  }

  private subMenuOf(item: Item): Menu | undefined {
    for (const path of ['interface/ethernet', 'interface/bridge', 'interface/vlan']) {
      const m = this.model.menu(path);
      if (m.byId(item.id) === item) return m;
    }
    return undefined;
  }

  /** RouterOS follows a renamed interface everywhere it is referenced. */
  private rename(from: string, to: string): void {
    for (const menu of this.model.allMenus()) {
      const refs = menu.spec.props.filter(
        (prop) => prop.type.kind === 'ref' && (prop.type.menu === 'interface' || prop.type.menu === 'interface/bridge'),
      );
      if (refs.length === 0) continue;
      for (const it of menu.items()) {
        const patch: Record<string, string> = {};
        for (const r of refs) {
          const v = it.values[r.name];
          if (v === undefined) continue;
          const parts = v.split(',');
          if (parts.includes(from)) patch[r.name] = parts.map((x) => (x === from ? to : x)).join(',');
        }
        if (Object.keys(patch).length > 0) menu.update(it, patch);
      }
    }
  }
}

/** Adds a menu and its generic commands. */
function menu(model: RouterModel, spec: MenuSpec): Menu {
  const m = model.addMenu(spec);
  registerMenuCommands(model, m);
  return m;
}

export interface DefaultRouterOptions {
  identity: string;
  /** The full-rights user (`admin`). */
  user: string;
  password: string;
  /** More users, e.g. one in the `read` group. */
  users: readonly { name: string; password: string | Uint8Array; group: string }[];
  /** Ports shown in /ip/service. */
  apiPort?: number;
  apiSslPort?: number;
  /**
   * The simulator's seed: MAC addresses differ per seed (seed 1 gives 48:A9:8A:12:34:xx), so that
   * simulators told apart by `--seed` are also told apart by MNDP discovery, which keys on the MAC.
   */
  seed?: number;
}

/** Fills `model` with the default router's menus and content. */
export function buildDefaultRouter(model: RouterModel, options: DefaultRouterOptions): void {
  const b = (v: boolean): string => model.bool(v);
  const links = new InterfaceLinks(model);
  // Per router, so that two simulators built from one seed are identical.
  let macSeq = 0x10;
  const seed = (options.seed ?? 1) - 1;
  const hex = (n: number): string => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
  const nextMac = (): string => `48:A9:8A:${hex(0x12 + seed)}:${hex(0x34 + (seed >> 8))}:${hex(macSeq++)}`;
  const interfaceHooks = {
    afterSet: (m: Menu, item: Item, before: Readonly<Record<string, string>>) => links.sync(m, item, before),
    prepare: (_m: Menu, values: Record<string, string>, old: Item | undefined) => {
      // Disabling takes the link down; enabling brings it back if it was up before.
      if (old && values['disabled'] !== old.values['disabled']) {
        const disabled = values['disabled'] === b(true);
        // ether5 has no cable in the demo: enabling it does not bring a link.
        values['running'] = b(!disabled && old.values['default-name'] !== 'ether5');
      }
      const mtu = values['mtu'];
      if (mtu !== undefined && 'actual-mtu' in values) values['actual-mtu'] = mtu;
    },
  };

  // ---------------------------------------------------------------- /system
  model.ensureNode('system', 'system settings and information');
  const identity = menu(model, {
    path: 'system/identity',
    description: 'router name',
    singleton: true,
    canSet: true,
    props: [p('name', T.string, 'router identity')],
  });
  identity.insert({ name: fromText(options.identity) });

  const v = model.version;
  const resource = menu(model, {
    path: 'system/resource',
    description: 'hardware and software resources',
    singleton: true,
    props: [
      ro('uptime', T.duration, 'time since boot'),
      ro('version', T.string, 'RouterOS version'),
      ro('build-time', T.string, 'when this version was built'),
      ro('factory-software', T.string, 'version the router shipped with'),
      ro('free-memory', T.int(0), 'unused RAM in bytes'),
      ro('total-memory', T.int(0), 'RAM in bytes'),
      ro('cpu', T.string, 'CPU model'),
      ro('cpu-count', T.int(1), 'number of CPU cores'),
      ro('cpu-frequency', T.int(0), 'CPU frequency in MHz'),
      ro('cpu-load', T.int(0, 100), 'CPU load in percent'),
      ro('free-hdd-space', T.int(0), 'free storage in bytes'),
      ro('total-hdd-space', T.int(0), 'storage in bytes'),
      ro('write-sect-since-reboot', T.int(0), 'sectors written since boot'),
      ro('write-sect-total', T.int(0), 'sectors written in total'),
      ro('bad-blocks', T.string, 'bad storage blocks in percent'),
      ro('architecture-name', T.string, 'CPU architecture'),
      ro('board-name', T.string, 'board model'),
      ro('platform', T.string, 'platform'),
    ],
  });
  resource.insert({
    uptime: '3d4h12m7s',
    version: `${v.text} (stable)`,
    'build-time': '2026-01-12 09:41:07',
    'factory-software': '7.1.5',
    'free-memory': '742391808',
    'total-memory': '1073741824',
    cpu: 'ARM64',
    'cpu-count': '4',
    'cpu-frequency': '1400',
    'cpu-load': '4',
    'free-hdd-space': '914374656',
    'total-hdd-space': '1073741824',
    'write-sect-since-reboot': '5312',
    'write-sect-total': '1874412',
    'bad-blocks': '0%',
    'architecture-name': v.major >= 7 ? 'arm64' : 'arm',
    'board-name': 'RB5009UG+S+',
    platform: 'MikroTik',
  });

  const routerboard = menu(model, {
    path: 'system/routerboard',
    description: 'RouterBOARD hardware information',
    singleton: true,
    props: [
      ro('routerboard', T.bool, 'this is a RouterBOARD'),
      ro('board-name', T.string, 'board name'),
      ro('model', T.string, 'model'),
      ro('serial-number', T.string, 'serial number'),
      ro('firmware-type', T.string, 'firmware type'),
      ro('factory-firmware', T.string, 'firmware the board shipped with'),
      ro('current-firmware', T.string, 'firmware in use'),
      ro('upgrade-firmware', T.string, 'firmware available for upgrade'),
    ],
  });
  routerboard.insert({
    routerboard: b(true),
    'board-name': 'RB5009UG+S+',
    model: 'RB5009UG+S+',
    'serial-number': 'HE208K1A2B3',
    'firmware-type': 'mvebu',
    'factory-firmware': '7.1.5',
    'current-firmware': v.text,
    'upgrade-firmware': v.text,
  });

  // ---------------------------------------------------------------- /interface
  const ifaces = menu(model, { ...interfaceSpec(), hooks: interfaceHooks });
  const ethernet = menu(model, {
    path: 'interface/ethernet',
    description: 'Ethernet ports',
    noun: 'interface',
    nameProp: 'name',
    canSet: true,
    canToggle: true,
    hooks: interfaceHooks,
    props: [
      p('name', T.string, 'interface name', { required: true }),
      ro('default-name', T.string, 'factory name'),
      p('mtu', T.int(68, 65535), 'layer-3 MTU', { default: '1500' }),
      ro('l2mtu', T.int(0), 'layer-2 MTU'),
      ro('mac-address', T.mac, 'MAC address'),
      p(
        'speed',
        T.enumOf([
          '10M-baseT-half',
          '10M-baseT-full',
          '100M-baseT-half',
          '100M-baseT-full',
          '1G-baseT-full',
          '2.5G-baseT',
          '10G-baseSR-LR',
        ]),
        'forced speed when auto-negotiation is off',
        { default: '1G-baseT-full' },
      ),
      p('auto-negotiation', T.bool, 'negotiate speed and duplex', { default: 'yes' }),
      ARP,
      ro('running', T.bool, 'the link is up'),
      DISABLED,
      COMMENT,
    ],
  });
  const ether = (n: number, extra: Record<string, string>): void => {
    const name = `ether${n}`;
    const mac = nextMac();
    const running = n !== 5;
    const common = {
      name,
      'default-name': name,
      mtu: '1500',
      l2mtu: '1514',
      'mac-address': mac,
      running: b(running),
      disabled: b(false),
      ...extra,
    };
    const i = ifaces.insert({
      ...common,
      type: 'ether',
      'actual-mtu': '1500',
      'max-l2mtu': '9796',
      'last-link-up-time': running ? '2026-01-27 08:12:44' : '',
      'link-downs': running ? String(n) : '0',
      'rx-byte': String(running ? 1_000_000_000 * (6 - n) + 123_456 * n : 0),
      'tx-byte': String(running ? 400_000_000 * (6 - n) + 654_321 * n : 0),
      'rx-packet': String(running ? 1_400_000 * (6 - n) : 0),
      'tx-packet': String(running ? 900_000 * (6 - n) : 0),
      'rx-drop': '0',
      'tx-drop': '0',
      'tx-queue-drop': '0',
      'rx-error': '0',
      'tx-error': '0',
      slave: b(n >= 2 && n <= 4),
      dynamic: b(false),
    });
    const e = ethernet.insert({ ...common, speed: '1G-baseT-full', 'auto-negotiation': b(true), arp: 'enabled' });
    links.link(i, e);
  };
  ether(1, { comment: 'uplink' });
  // A UTF-8 comment and (below) a windows-1252 host name show how Tikscope handles bytes (protocol.md §9).
  ether(2, { comment: fromText('Büro LAN') });
  ether(3, {});
  ether(4, { comment: 'printer' });
  ether(5, {});

  const bridgeMenu = menu(model, {
    path: 'interface/bridge',
    description: 'bridges',
    noun: 'bridge',
    nameProp: 'name',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: [
      p('name', T.string, 'bridge name', { required: true }),
      p('mtu', T.int(68, 65535), 'layer-3 MTU', { default: '1500' }),
      ro('actual-mtu', T.int(0), 'MTU in use'),
      ro('l2mtu', T.int(0), 'layer-2 MTU'),
      ARP,
      ro('mac-address', T.mac, 'MAC address'),
      p('protocol-mode', T.enumOf(['none', 'rstp', 'stp', 'mstp']), 'spanning tree protocol', { default: 'rstp' }),
      p('vlan-filtering', T.bool, 'filter VLANs on the bridge', { default: 'no' }),
      ro('running', T.bool, 'the bridge is up'),
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (_m, values, old) => {
        if (!old) {
          values['mac-address'] = nextMac();
          values['l2mtu'] = '65535';
          values['actual-mtu'] = values['mtu'] ?? '1500';
          values['running'] = b(values['disabled'] !== b(true));
          values['dynamic'] = b(false);
        }
        interfaceHooks.prepare(_m, values, old);
      },
      afterAdd: (_m, item) => links.link(item, addVirtualInterface(item, 'bridge')),
      afterSet: (m, item, before) => links.sync(m, item, before),
      beforeRemove: (_m, item) => {
        const name = item.get('name');
        const ports = model.menu('interface/bridge/port');
        for (const port of [...ports.items()]) if (port.get('bridge') === name) ports.remove(port);
      },
      afterRemove: (_m, item) => removeVirtualInterface(item),
    },
  });

  const vlanMenu = menu(model, {
    path: 'interface/vlan',
    description: 'VLAN interfaces',
    noun: 'interface',
    nameProp: 'name',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: [
      p('name', T.string, 'interface name', { required: true }),
      p('vlan-id', T.int(1, 4094), 'VLAN tag', { required: true }),
      p('interface', T.ref('interface'), 'parent interface', { required: true }),
      p('mtu', T.int(68, 65535), 'layer-3 MTU', { default: '1500' }),
      ro('l2mtu', T.int(0), 'layer-2 MTU'),
      ro('mac-address', T.mac, 'MAC address'),
      ARP,
      ro('running', T.bool, 'the interface is up'),
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (_m, values, old) => {
        const parent = model.menu('interface').findByName(values['interface'] ?? '');
        values['mac-address'] = parent?.get('mac-address') ?? nextMac();
        values['l2mtu'] = '1596';
        if (!old) values['running'] = b(values['disabled'] !== b(true) && parent?.get('running') === b(true));
        interfaceHooks.prepare(_m, values, old);
      },
      afterAdd: (_m, item) => links.link(item, addVirtualInterface(item, 'vlan')),
      afterSet: (m, item, before) => links.sync(m, item, before),
      afterRemove: (_m, item) => removeVirtualInterface(item),
    },
  });

  function addVirtualInterface(item: Item, type: 'bridge' | 'vlan'): Item {
    return ifaces.insert({
      name: item.get('name') ?? '',
      type,
      mtu: item.get('mtu') ?? '1500',
      'actual-mtu': item.get('mtu') ?? '1500',
      l2mtu: item.get('l2mtu') ?? '1596',
      'mac-address': item.get('mac-address') ?? nextMac(),
      'link-downs': '0',
      'rx-byte': '0',
      'tx-byte': '0',
      'rx-packet': '0',
      'tx-packet': '0',
      'rx-drop': '0',
      'tx-drop': '0',
      'tx-queue-drop': '0',
      'rx-error': '0',
      'tx-error': '0',
      running: item.get('running') ?? b(true),
      slave: b(false),
      dynamic: b(false),
      disabled: item.get('disabled') ?? b(false),
      ...(item.get('comment') !== undefined ? { comment: item.get('comment')! } : {}),
    });
  }

  function removeVirtualInterface(item: Item): void {
    const other = links.unlink(item);
    if (other) ifaces.delete(other);
  }

  const bridgePorts = menu(model, {
    path: 'interface/bridge/port',
    description: 'bridge ports',
    noun: 'bridge port',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: [
      p('interface', T.ref('interface'), 'port interface', { required: true }),
      p('bridge', T.ref('interface/bridge'), 'bridge', { required: true }),
      p('pvid', T.int(1, 4094), 'port VLAN id', { default: '1' }),
      p('hw', T.bool, 'hardware offload', { default: 'yes' }),
      ro('inactive', T.bool, 'the port is not active'),
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (m, values, old) => {
        for (const other of m.items()) {
          if (other !== old && other.get('interface') === values['interface'])
            throw new CommandError('failure: device already added as bridge port');
        }
        values['inactive'] = b(false);
        values['dynamic'] = b(false);
      },
      afterAdd: (_m, item) => {
        const i = ifaces.findByName(item.get('interface') ?? '');
        if (i) ifaces.update(i, { slave: b(true) });
      },
      afterRemove: (_m, item) => {
        const i = ifaces.findByName(item.get('interface') ?? '');
        if (i) ifaces.update(i, { slave: b(false) });
      },
    },
  });

  const bridge1 = bridgeMenu.insert({
    name: 'bridge1',
    mtu: '1500',
    'actual-mtu': '1500',
    l2mtu: '65535',
    arp: 'enabled',
    'mac-address': nextMac(),
    'protocol-mode': 'rstp',
    'vlan-filtering': b(false),
    running: b(true),
    dynamic: b(false),
    disabled: b(false),
    comment: 'defconf',
  });
  const bridgeIface = addVirtualInterface(bridge1, 'bridge');
  ifaces.update(bridgeIface, {
    'rx-byte': '8812345678',
    'tx-byte': '30511223344',
    'rx-packet': '21000000',
    'tx-packet': '29000000',
    'last-link-up-time': '2026-01-27 08:12:40',
  });
  links.link(bridge1, bridgeIface);
  for (const n of [2, 3, 4])
    bridgePorts.insert({
      interface: `ether${n}`,
      bridge: 'bridge1',
      pvid: '1',
      hw: b(true),
      inactive: b(false),
      dynamic: b(false),
      disabled: b(false),
      comment: 'defconf',
    });
  const vlan10 = vlanMenu.insert({
    name: 'vlan10',
    'vlan-id': '10',
    interface: 'bridge1',
    mtu: '1500',
    l2mtu: '1596',
    'mac-address': bridge1.get('mac-address')!,
    arp: 'enabled',
    running: b(true),
    disabled: b(false),
    comment: 'guests',
  });
  links.link(vlan10, addVirtualInterface(vlan10, 'vlan'));

  // ---------------------------------------------------------------- /ip
  model.ensureNode('ip', 'IP settings');
  model.ensureNode('ip/firewall', 'IP firewall');
  model.ensureNode('ip/dhcp-server', 'DHCP server');

  const routes = menu(model, {
    path: 'ip/route',
    description: 'routing table',
    noun: 'route',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    firstId: 0x80000001,
    props: [
      p('dst-address', T.ipPrefix, 'destination prefix', { default: '0.0.0.0/0' }),
      p('gateway', T.string, 'gateway address or interface', { required: true }),
      ro('immediate-gw', T.string, 'resolved next hop'),
      p('distance', T.int(1, 255), 'administrative distance', { default: '1' }),
      p('routing-table', T.string, 'routing table', { default: 'main' }),
      p('scope', T.int(0, 255), 'scope', { default: '30' }),
      p('target-scope', T.int(0, 255), 'target scope', { default: '10' }),
      ro('active', T.bool, 'the route is in use'),
      ro('static', T.bool, 'configured by the user'),
      ro('connect', T.bool, 'connected network'),
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (_m, values, old) => {
        values['active'] = b(values['disabled'] !== b(true));
        if (!old) {
          values['static'] = b(true);
          values['dynamic'] = b(false);
          values['immediate-gw'] = values['gateway'] ?? '';
        }
      },
    },
  });

  const connectedRoutes = new Map<Item, Item>();
  const addresses = menu(model, {
    path: 'ip/address',
    description: 'IP addresses',
    noun: 'address',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: [
      p('address', T.ipPrefix, 'address with prefix length', { required: true }),
      ro('network', T.ip, 'network address'),
      p('interface', T.ref('interface'), 'interface', { required: true }),
      ro('actual-interface', T.string, 'interface in use'),
      INVALID,
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (_m, values) => {
        const prefix = parsePrefix(values['address'] ?? '');
        if (prefix) values['network'] = formatIp(networkOf(prefix.address, prefix.length));
        values['actual-interface'] = values['interface'] ?? '';
        values['invalid'] = b(false);
        values['dynamic'] ??= b(false);
      },
      // An address brings its connected route (dynamic, `connect`) — visible in /ip/route.
      afterAdd: (_m, item) => connectedRoutes.set(item, addConnectedRoute(item)),
      afterSet: (_m, item) => {
        const r = connectedRoutes.get(item);
        if (r) routes.delete(r);
        connectedRoutes.set(item, addConnectedRoute(item));
      },
      afterRemove: (_m, item) => {
        const r = connectedRoutes.get(item);
        if (r) routes.delete(r);
        connectedRoutes.delete(item);
      },
    },
  });
  function addConnectedRoute(address: Item): Item {
    const prefix = parsePrefix(address.get('address') ?? '')!;
    return routes.insert({
      'dst-address': `${formatIp(networkOf(prefix.address, prefix.length))}/${prefix.length}`,
      gateway: address.get('interface') ?? '',
      'immediate-gw': address.get('interface') ?? '',
      distance: '0',
      'routing-table': 'main',
      scope: '10',
      'target-scope': '5',
      active: b(address.get('disabled') !== b(true)),
      static: b(false),
      connect: b(true),
      dynamic: b(true),
      disabled: b(false),
    });
  }
  for (const [address, iface, dynamic, comment] of [
    ['192.168.88.1/24', 'bridge1', false, 'defconf'],
    ['10.0.0.23/24', 'ether1', true, undefined],
    ['172.16.10.1/24', 'vlan10', false, 'guests'],
  ] as const) {
    const prefix = parsePrefix(address)!;
    const item = addresses.insert({
      address,
      network: formatIp(networkOf(prefix.address, prefix.length)),
      interface: iface,
      'actual-interface': iface,
      invalid: b(false),
      dynamic: b(dynamic),
      disabled: b(false),
      ...(comment ? { comment } : {}),
    });
    connectedRoutes.set(item, addConnectedRoute(item));
  }
  routes.insert({
    'dst-address': '0.0.0.0/0',
    gateway: '10.0.0.1',
    'immediate-gw': '10.0.0.1%ether1',
    distance: '1',
    'routing-table': 'main',
    scope: '30',
    'target-scope': '10',
    active: b(true),
    static: b(false),
    connect: b(false),
    dynamic: b(true),
    disabled: b(false),
  });
  routes.insert({
    'dst-address': '10.99.0.0/16',
    gateway: '192.168.88.2',
    'immediate-gw': '192.168.88.2%bridge1',
    distance: '1',
    'routing-table': 'main',
    scope: '30',
    'target-scope': '10',
    active: b(true),
    static: b(true),
    connect: b(false),
    dynamic: b(false),
    disabled: b(false),
    comment: 'lab network',
  });

  const ruleProps = (nat: boolean): PropSpec[] => [
    p('chain', T.string, 'chain (input, forward, output, srcnat, dstnat or a custom chain)', { required: true }),
    p(
      'action',
      T.enumOf(
        nat
          ? ['accept', 'dst-nat', 'masquerade', 'netmap', 'passthrough', 'redirect', 'return', 'same', 'src-nat', 'jump', 'log']
          : [
              'accept',
              'add-dst-to-address-list',
              'add-src-to-address-list',
              'drop',
              'fasttrack-connection',
              'jump',
              'log',
              'passthrough',
              'reject',
              'return',
              'tarpit',
            ],
      ),
      'what to do with a matching packet',
      { default: 'accept' },
    ),
    p('protocol', T.string, 'IP protocol (tcp, udp, icmp or a number)'),
    p('src-address', T.ipPrefix, 'source address'),
    p('dst-address', T.ipPrefix, 'destination address'),
    p('src-port', T.string, 'source ports'),
    p('dst-port', T.string, 'destination ports'),
    p('in-interface', T.ref('interface'), 'incoming interface'),
    p('out-interface', T.ref('interface'), 'outgoing interface'),
    p('in-interface-list', T.string, 'incoming interface list (! negates)'),
    p('out-interface-list', T.string, 'outgoing interface list (! negates)'),
    p('connection-state', T.enumOf(['established', 'related', 'new', 'invalid', 'untracked'], true), 'connection states'),
    p('connection-nat-state', T.string, 'NAT states (dstnat, srcnat; ! negates)'),
    p('ipsec-policy', T.string, 'IPsec policy match, e.g. in,ipsec'),
    ...(nat
      ? [p('to-addresses', T.ip, 'new address'), p('to-ports', T.string, 'new ports')]
      : [
          p('hw-offload', T.bool, 'offload fasttracked connections'),
          p('jump-target', T.string, 'chain to jump to'),
          p(
            'reject-with',
            T.enumOf([
              'icmp-network-unreachable',
              'icmp-host-unreachable',
              'icmp-port-unreachable',
              'icmp-admin-prohibited',
              'tcp-reset',
            ]),
            'ICMP error to send',
          ),
        ]),
    p('log', T.bool, 'log matching packets', { default: 'no' }),
    p('log-prefix', T.string, 'prefix of log lines'),
    counter('bytes', 'bytes matched'),
    counter('packets', 'packets matched'),
    INVALID,
    DYNAMIC,
    DISABLED,
    COMMENT,
  ];
  const ruleHooks = {
    prepare: (_m: Menu, values: Record<string, string>, old: Item | undefined) => {
      if (!old) {
        values['bytes'] = '0';
        values['packets'] = '0';
        values['invalid'] = b(false);
        values['dynamic'] = b(false);
      }
    },
  };
  const filter = menu(model, {
    path: 'ip/firewall/filter',
    description: 'firewall filter rules',
    noun: 'rule',
    ordered: true,
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: ruleProps(false),
    hooks: ruleHooks,
  });
  const defaults = { log: b(false), invalid: b(false), dynamic: b(false), disabled: b(false) };
  filter.insert({
    chain: 'forward',
    action: 'passthrough',
    comment: 'special dummy rule to show fasttrack counters',
    bytes: '73412211',
    packets: '81234',
    ...defaults,
    dynamic: b(true),
  });
  const rules: Record<string, string>[] = [
    {
      chain: 'input',
      action: 'accept',
      'connection-state': 'established,related,untracked',
      comment: 'defconf: accept established,related,untracked',
    },
    { chain: 'input', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
    { chain: 'input', action: 'accept', protocol: 'icmp', comment: 'defconf: accept ICMP' },
    {
      chain: 'input',
      action: 'accept',
      'dst-address': '127.0.0.1/32',
      comment: 'defconf: accept to local loopback (for CAPsMAN)',
    },
    { chain: 'input', action: 'drop', 'in-interface-list': '!LAN', comment: 'defconf: drop all not coming from LAN' },
    { chain: 'forward', action: 'accept', 'ipsec-policy': 'in,ipsec', comment: 'defconf: accept in ipsec policy' },
    { chain: 'forward', action: 'accept', 'ipsec-policy': 'out,ipsec', comment: 'defconf: accept out ipsec policy' },
    {
      chain: 'forward',
      action: 'fasttrack-connection',
      'connection-state': 'established,related',
      'hw-offload': b(true),
      comment: 'defconf: fasttrack',
    },
    {
      chain: 'forward',
      action: 'accept',
      'connection-state': 'established,related,untracked',
      comment: 'defconf: accept established,related, untracked',
    },
    { chain: 'forward', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
    {
      chain: 'forward',
      action: 'drop',
      'connection-state': 'new',
      'connection-nat-state': '!dstnat',
      'in-interface-list': 'WAN',
      comment: 'defconf: drop all from WAN not DSTNATed',
    },
  ];
  rules.forEach((r, i) =>
    filter.insert({ ...defaults, bytes: String(9_000_000 - i * 700_000), packets: String(60_000 - i * 4_000), ...r }),
  );

  const nat = menu(model, {
    path: 'ip/firewall/nat',
    description: 'NAT rules',
    noun: 'rule',
    ordered: true,
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: ruleProps(true),
    hooks: ruleHooks,
  });
  nat.insert({
    ...defaults,
    chain: 'srcnat',
    action: 'masquerade',
    'out-interface-list': 'WAN',
    'ipsec-policy': 'out,none',
    bytes: '1288812345',
    packets: '2212345',
    comment: 'defconf: masquerade',
  });
  nat.insert({
    ...defaults,
    chain: 'dstnat',
    action: 'dst-nat',
    protocol: 'tcp',
    'dst-port': '8080',
    'in-interface-list': 'WAN',
    'to-addresses': '192.168.88.10',
    'to-ports': '80',
    bytes: '0',
    packets: '0',
    disabled: b(true),
    comment: 'web server',
  });

  menu(model, {
    path: 'ip/firewall/connection',
    description: 'connection tracking table',
    noun: 'connection',
    canRemove: true,
    firstId: 0x1d4c0,
    props: [
      ro('protocol', T.string, 'IP protocol'),
      ro('src-address', T.string, 'source address and port'),
      ro('dst-address', T.string, 'destination address and port'),
      ro('reply-src-address', T.string, 'reply source address and port'),
      ro('reply-dst-address', T.string, 'reply destination address and port'),
      ro('tcp-state', T.string, 'TCP state'),
      ro('timeout', T.duration, 'time until the entry expires'),
      counter('orig-packets', 'packets from the originator'),
      counter('orig-bytes', 'bytes from the originator'),
      counter('repl-packets', 'packets from the responder'),
      counter('repl-bytes', 'bytes from the responder'),
      ro('seen-reply', T.bool, 'a reply was seen'),
      ro('assured', T.bool, 'traffic seen both ways'),
      ro('confirmed', T.bool, 'confirmed connection'),
      ro('srcnat', T.bool, 'source NAT applied'),
      ro('dstnat', T.bool, 'destination NAT applied'),
      ro('fasttrack', T.bool, 'fasttracked'),
    ],
  });

  const leases = menu(model, {
    path: 'ip/dhcp-server/lease',
    description: 'DHCP leases',
    noun: 'lease',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: [
      p('address', T.ip, 'leased address', { required: true }),
      p('mac-address', T.mac, 'client MAC address', { required: true }),
      p('client-id', T.string, 'client identifier'),
      ro('host-name', T.string, 'host name the client sent'),
      p('server', T.string, 'DHCP server', { default: 'defconf' }),
      ro('status', T.enumOf(['waiting', 'offered', 'bound']), 'lease state'),
      ro('expires-after', T.string, 'time until the lease expires'),
      ro('last-seen', T.string, 'time since the client was last seen'),
      ro('active-address', T.ip, 'address in use'),
      ro('active-mac-address', T.mac, 'MAC address in use'),
      ro('blocked', T.bool, 'blocked client'),
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (_m, values, old) => {
        if (!old) {
          values['status'] = 'waiting';
          values['dynamic'] = b(false);
          values['blocked'] = b(false);
          values['last-seen'] = 'never';
        }
      },
    },
  });
  const lease = (address: string, mac: string, host: string, dynamic: boolean, comment?: string): void => {
    leases.insert({
      address,
      'mac-address': mac,
      'client-id': `1:${mac.toLowerCase()}`,
      'host-name': host,
      server: 'defconf',
      status: 'bound',
      'expires-after': `${5 + (leases.size % 5)}m${(leases.size * 17) % 60}s`,
      'last-seen': '41s',
      'active-address': address,
      'active-mac-address': mac,
      blocked: b(false),
      dynamic: b(dynamic),
      disabled: b(false),
      ...(comment ? { comment } : {}),
    });
  };
  lease('192.168.88.10', '3C:22:FB:01:0A:10', 'nas', false, 'static: file server');
  lease('192.168.88.20', '3C:22:FB:11:22:33', 'laptop-anna', true);
  lease('192.168.88.21', 'F0:18:98:44:55:66', 'iPhone', true);
  // Host name sent in windows-1252 ("José-PC"): not valid UTF-8 on purpose.
  lease(
    '192.168.88.22',
    '00:1A:2B:3C:4D:5E',
    fromBytes(...[...'Jos'].map((c) => c.charCodeAt(0)), 0xe9, ...[...'-PC'].map((c) => c.charCodeAt(0))),
    true,
  );
  lease('192.168.88.30', '48:A9:8A:AA:BB:CC', 'printer', false, 'office printer');
  lease('172.16.10.50', 'DC:A6:32:01:02:03', 'raspberrypi', true);

  const arp = menu(model, {
    path: 'ip/arp',
    description: 'ARP table',
    noun: 'arp entry',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    props: [
      p('address', T.ip, 'IP address', { required: true }),
      p('mac-address', T.mac, 'MAC address'),
      p('interface', T.ref('interface'), 'interface', { required: true }),
      p('published', T.bool, 'answer ARP requests for this address', { default: 'no' }),
      ro('complete', T.bool, 'the entry is resolved'),
      ro('DHCP', T.bool, 'added by the DHCP server'),
      INVALID,
      DYNAMIC,
      DISABLED,
      COMMENT,
    ],
    hooks: {
      prepare: (_m, values, old) => {
        if (!old) {
          values['complete'] = b(values['mac-address'] !== undefined);
          values['DHCP'] = b(false);
          values['invalid'] = b(false);
          values['dynamic'] = b(false);
        }
      },
    },
  });
  for (const [address, mac, iface, dhcp] of [
    ['10.0.0.1', 'E4:8D:8C:00:00:01', 'ether1', false],
    ['192.168.88.10', '3C:22:FB:01:0A:10', 'bridge1', true],
    ['192.168.88.20', '3C:22:FB:11:22:33', 'bridge1', true],
    ['192.168.88.21', 'F0:18:98:44:55:66', 'bridge1', true],
    ['192.168.88.22', '00:1A:2B:3C:4D:5E', 'bridge1', true],
    ['192.168.88.30', '48:A9:8A:AA:BB:CC', 'bridge1', true],
    ['172.16.10.50', 'DC:A6:32:01:02:03', 'vlan10', true],
  ] as const) {
    arp.insert({
      address,
      'mac-address': mac,
      interface: iface,
      published: b(false),
      complete: b(true),
      DHCP: b(dhcp),
      invalid: b(false),
      dynamic: b(true),
      disabled: b(false),
    });
  }

  const services = menu(model, {
    path: 'ip/service',
    description: 'management services',
    noun: 'service',
    nameProp: 'name',
    canSet: true,
    canToggle: true,
    props: [
      ro('name', T.string, 'service name'),
      p('port', T.int(1, 65535), 'TCP port'),
      p('address', T.string, 'addresses allowed to connect (empty: any)'),
      p('certificate', T.string, 'TLS certificate (api-ssl, www-ssl)'),
      p('max-sessions', T.int(1, 1000), 'concurrent sessions allowed'),
      INVALID,
      DISABLED,
    ],
  });
  for (const [name, port, disabled, cert] of [
    ['telnet', 23, true, undefined],
    ['ftp', 21, true, undefined],
    ['www', 80, false, undefined],
    ['ssh', 22, false, undefined],
    ['www-ssl', 443, true, 'none'],
    ['api', options.apiPort ?? 8728, options.apiPort === undefined, undefined],
    ['winbox', 8291, false, undefined],
    ['api-ssl', options.apiSslPort ?? 8729, options.apiSslPort === undefined, 'none'],
  ] as const) {
    services.insert({
      name,
      port: String(port),
      address: '',
      'max-sessions': '20',
      invalid: b(false),
      disabled: b(disabled),
      ...(cert ? { certificate: cert } : {}),
    });
  }

  // ---------------------------------------------------------------- /ppp
  // A secret the export hides unless show-sensitive (docs/simulator.md, "Export and files").
  model.ensureNode('ppp', 'point-to-point');
  const pppSecrets = menu(model, {
    path: 'ppp/secret',
    description: 'PPP users and their passwords',
    noun: 'secret',
    nameProp: 'name',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    writePolicies: ['write', 'sensitive'],
    props: [
      p('name', T.string, 'user name', { required: true }),
      p('password', T.string, 'password (printed only to users with the sensitive policy)'),
      p('service', T.enumOf(['any', 'l2tp', 'ovpn', 'pppoe', 'pptp', 'sstp']), 'service', { default: 'any' }),
      p('profile', T.string, 'profile', { default: 'default' }),
      p('remote-address', T.string, 'address given to the client'),
      DISABLED,
      COMMENT,
    ],
  });
  pppSecrets.insert({
    name: 'vpn-anna',
    password: 'Ppp-Secret-42',
    service: 'l2tp',
    profile: 'default',
    'remote-address': '10.8.0.2',
    disabled: b(false),
  });

  // ---------------------------------------------------------------- /user
  const writeUsers = ['write', 'policy'] as const;
  const groups = menu(model, {
    path: 'user/group',
    description: 'user groups and their policies',
    noun: 'group',
    nameProp: 'name',
    canAdd: true,
    canRemove: true,
    writePolicies: writeUsers,
    props: [
      p('name', T.string, 'group name', { required: true }),
      p('policy', T.enumOf([...POLICIES, ...POLICIES.map((x) => `!${x}`)], true), "policies of the group's users", {
        required: true,
      }),
      p('skin', T.string, 'WebFig skin', { default: 'default' }),
      COMMENT,
    ],
    hooks: {
      beforeRemove: (_m, item) => {
        const users = model.menu('user');
        for (const u of users.items())
          if (u.get('group') === item.get('name')) throw new CommandError('failure: group is in use');
      },
    },
  });
  const all = POLICIES as readonly string[];
  const policyList = (without: readonly string[]): string => all.map((x) => (without.includes(x) ? `!${x}` : x)).join(',');
  groups.insert({
    name: 'read',
    policy: policyList(['ftp', 'write', 'policy', 'sensitive']),
    skin: 'default',
    comment: 'system group',
  });
  groups.insert({ name: 'write', policy: policyList(['ftp', 'policy', 'sensitive']), skin: 'default', comment: 'system group' });
  groups.insert({ name: 'full', policy: policyList([]), skin: 'default', comment: 'system group' });

  const users = menu(model, {
    path: 'user',
    description: 'router users',
    noun: 'user',
    nameProp: 'name',
    canAdd: true,
    canRemove: true,
    canToggle: true,
    writePolicies: writeUsers,
    props: [
      p('name', T.string, 'user name', { required: true }),
      p('group', T.ref('user/group'), 'group, which grants the policies', { required: true }),
      p('password', T.string, 'password (never printed)', { writeOnly: true }),
      p('address', T.string, 'addresses the user may log in from'),
      ro('last-logged-in', T.string, 'time of the last login'),
      DISABLED,
      COMMENT,
    ],
  });
  users.insert({
    name: fromText(options.user),
    group: 'full',
    password: fromText(options.password),
    address: '',
    'last-logged-in': '2026-01-27 08:13:02',
    disabled: b(false),
    comment: 'system default user',
  });
  for (const u of options.users) {
    if (!groups.findByName(u.group)) throw new RangeError(`user ${u.name}: no group "${u.group}" (read, write or full)`);
    if (users.findByName(fromText(u.name))) throw new RangeError(`user ${u.name} is defined twice`);
    users.insert({
      name: fromText(u.name),
      group: u.group,
      password: passwordBytes(u.password),
      address: '',
      disabled: b(false),
    });
  }
  menu(model, {
    path: 'user/active',
    description: 'users logged in now',
    noun: 'session',
    props: [
      ro('when', T.string, 'login time'),
      ro('name', T.string, 'user name'),
      ro('address', T.string, 'client address'),
      ro('via', T.string, 'service used'),
      ro('group', T.string, 'user group'),
      ro('radius', T.bool, 'authenticated by RADIUS'),
    ],
  });

  // ---------------------------------------------------------------- /log
  menu(model, {
    path: 'log',
    description: 'system log',
    noun: 'log entry',
    props: [ro('time', T.string, 'time of the entry'), ro('topics', T.string, 'topics'), ro('message', T.string, 'message')],
  });
  model.log('system,info', 'router rebooted');
  model.log('interface,info', 'ether1 link up (speed 1G, full duplex)');
  model.log('interface,info', 'ether2 link up (speed 1G, full duplex)');
  model.log('system,info', 'dhcp-client on ether1 got IP address 10.0.0.23');
  model.log('dhcp,info', 'defconf assigned 192.168.88.20 for 3C:22:FB:11:22:33 laptop-anna');
}

/**
 * A user's password as stored: text as its UTF-8 bytes (an API writer's), or exact bytes — a
 * password typed in WinBox on Windows is stored in the PC's code page (protocol.md §9).
 */
function passwordBytes(password: string | Uint8Array): string {
  return typeof password === 'string' ? fromText(password) : bytesToString(password);
}
