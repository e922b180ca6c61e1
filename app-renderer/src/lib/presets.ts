/**
 * Column presets for common menus (issue 14): what admins look at first, in that order. A table
 * on one of these paths shows only these columns until the user chooses others (Columns); every
 * other column is still in the chooser, and **Preset** goes back to this list. Columns the router
 * does not send (an older RouterOS, a proplist) are skipped. Derived rate columns (`rx rate`) are
 * named as lib/rates.ts names them.
 */
export const COLUMN_PRESETS: Readonly<Record<string, readonly string[]>> = {
  '/interface': ['name', 'type', 'running', 'disabled', 'rx rate', 'tx rate', 'comment'],
  '/ip/address': ['address', 'network', 'interface', 'dynamic', 'disabled', 'comment'],
  '/ipv6/address': ['address', 'interface', 'advertise', 'dynamic', 'disabled', 'comment'],
  '/ip/route': ['dst-address', 'gateway', 'distance', 'routing-table', 'active', 'dynamic', 'disabled', 'comment'],
  '/ip/firewall/filter': [
    'chain',
    'action',
    'protocol',
    'src-address',
    'dst-address',
    'dst-port',
    'in-interface',
    'out-interface',
    'bit rate',
    'bytes',
    'packets',
    'disabled',
    'comment',
  ],
  '/ip/firewall/nat': [
    'chain',
    'action',
    'protocol',
    'src-address',
    'dst-address',
    'dst-port',
    'to-addresses',
    'to-ports',
    'bytes',
    'packets',
    'disabled',
    'comment',
  ],
  '/ip/dhcp-server/lease': ['address', 'mac-address', 'host-name', 'server', 'status', 'expires-after', 'dynamic', 'comment'],
  '/ip/arp': ['address', 'mac-address', 'interface', 'dynamic', 'complete', 'comment'],
  '/log': ['time', 'topics', 'message'],
};

/** The preset of a path, if it has one. */
export function presetOf(path: string | undefined): readonly string[] | undefined {
  return path === undefined ? undefined : COLUMN_PRESETS[path];
}

/**
 * The preset as a stored column choice (lib: TablesPanel's `visibleColumns` format): the preset's
 * columns first, every other known column hidden ("!name").
 */
export function presetChoice(known: readonly string[], preset: readonly string[]): string[] {
  const shown = preset.filter((c) => known.includes(c));
  return [...shown, ...known.filter((k) => !preset.includes(k)).map((k) => `!${k}`)];
}

/**
 * What a graph of a row plots by default (issue 14): on `/interface` and in `monitor-traffic`
 * results, the rx/tx rates; elsewhere every numeric column, with a counter's rate in its place.
 */
export const GRAPH_PRESETS: Readonly<Record<string, readonly string[]>> = {
  '/interface': ['rx rate', 'tx rate'],
  '/interface/monitor-traffic': ['rx-bits-per-second', 'tx-bits-per-second'],
  '/system/resource': ['cpu-load'],
  '/system/resource/monitor': ['cpu-used'],
};
