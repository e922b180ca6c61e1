import type { LinkHealth } from '../../common/contract';

/**
 * Seconds of a RouterOS duration as the API prints it: `1w2d3h4m5s` (RouterOS 7), also with a
 * clock part (`2d03:04:05`, RouterOS 6) and milliseconds (`5s120ms`). Undefined when it is not one.
 */
export function parseRouterDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?(?:(\d+):(\d\d):(\d\d))?$/.exec(
    text.trim(),
  );
  if (!m || text.trim() === '') return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return n(1) * 604_800 + n(2) * 86_400 + n(3) * 3600 + n(4) * 60 + n(5) + n(6) / 1000 + n(7) * 3600 + n(8) * 60 + n(9);
}

/** Health from a `/system/resource/print` row, answered `latencyMs` after it was sent. */
export function healthOf(row: Record<string, string> | undefined, latencyMs: number, at: number): LinkHealth {
  const h: LinkHealth = { latencyMs: Math.round(latencyMs * 10) / 10, at };
  const uptime = parseRouterDuration(row?.['uptime']);
  if (uptime !== undefined) h.uptimeSeconds = uptime;
  const cpu = Number(row?.['cpu-load']);
  if (row?.['cpu-load'] !== undefined && Number.isFinite(cpu)) h.cpuLoad = cpu;
  return h;
}
