/**
 * Neighbour discovery over MNDP (issue 15; docs/main-process.md, "Neighbour discovery"): the
 * routers heard on UDP 5678, and the listener's state in words.
 */

/** One router interface heard announcing itself. */
export interface DiscoveredRouter {
  /** The MAC address it announced, or its IP address when it announced none. */
  key: string;
  identity: string;
  /** From the announcement; else the packet's source address when that is IPv4. */
  ipv4?: string;
  ipv6?: string;
  /** `AA:BB:CC:DD:EE:FF`. */
  mac?: string;
  version?: string;
  board?: string;
  platform?: string;
  /** The router's interface the announcement was sent from (its MNDP interface-name record). */
  interfaceName?: string;
  uptimeSeconds?: number;
  /** Source address of the last packet. */
  from: string;
  /** Epoch ms of the last announcement. */
  lastSeen: number;
}

export interface DiscoveryState {
  /** The setting (or the shell) has discovery on. */
  enabled: boolean;
  /** The UDP port listened on (or meant to be). */
  port: number;
  listening: boolean;
  /** Why it is not listening, in words (a busy port, no permission), with what to do. */
  problem?: string;
  /** Oldest-seen entries are dropped after this long without an announcement. */
  ageOutSeconds: number;
  /** Packets refused as malformed since start, and the last reason. */
  refused: number;
  lastRefusal?: string;
  /** Where the last Discover sent requests (`192.168.88.255:5678`), and when. */
  lastDiscover?: { at: number; sentTo: string[] };
  /** Sorted by identity, then IPv4. */
  routers: DiscoveredRouter[];
}
