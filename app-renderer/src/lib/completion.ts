/**
 * Command and menu suggestions for the Sentence and Path boxes. A static list of common menus is
 * merged with what the user actually sent (history), so the list learns the user's routers.
 */
export const COMMON_MENUS = [
  '/interface', '/interface/bridge', '/interface/bridge/port', '/interface/vlan', '/interface/ethernet', '/interface/wireless',
  '/interface/wifi', '/interface/list', '/ip/address', '/ip/route', '/ip/arp', '/ip/neighbor', '/ip/pool', '/ip/dns',
  '/ip/dhcp-server/lease', '/ip/dhcp-client', '/ip/firewall/filter', '/ip/firewall/nat', '/ip/firewall/mangle',
  '/ip/firewall/address-list', '/ip/firewall/connection', '/ip/service', '/ipv6/address', '/ipv6/route', '/queue/simple',
  '/routing/ospf/neighbor', '/routing/bgp/session', '/system/resource', '/system/identity', '/system/clock',
  '/system/package', '/system/routerboard', '/system/script', '/system/scheduler', '/user', '/user/active', '/log', '/file',
  '/certificate', '/tool/netwatch',
];

const VERBS = ['print', 'listen', 'getall', 'set', 'add', 'remove', 'enable', 'disable'];

export const COMMON_COMMANDS = [
  ...COMMON_MENUS.flatMap((m) => VERBS.map((v) => `${m}/${v}`)),
  '/interface/monitor-traffic', '/ping', '/system/reboot', '/console/inspect', '/cancel', '/quit',
];

export function suggest(prefix: string, candidates: readonly string[], extra: readonly string[] = [], max = 8): string[] {
  if (!prefix.startsWith('/') || prefix.length < 2) return [];
  const p = prefix.toLowerCase();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of [...extra, ...candidates]) {
    if (seen.has(c)) continue;
    seen.add(c);
    if (c.toLowerCase().startsWith(p) && c !== prefix) {
      out.push(c);
      if (out.length >= max) break;
    }
  }
  return out;
}
