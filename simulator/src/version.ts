/**
 * Emulated RouterOS versions and the wire quirks that depend on them (protocol.md §5.3, §6).
 */

export interface RosVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As given, e.g. `7.20` or `6.45.1`. */
  readonly text: string;
}

/** Parses `X.Y` or `X.Y.Z`; anything else is a RangeError naming the bad value. */
export function parseRosVersion(text: string): RosVersion {
  const m = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`RouterOS version "${text}" is not of the form X.Y or X.Y.Z (e.g. 7.20 or 6.45.1)`);
  const major = Number(m[1]);
  if (major < 3 || major > 7) throw new RangeError(`RouterOS version "${text}": major version must be between 3 and 7`);
  return { major, minor: Number(m[2]), patch: Number(m[3] ?? 0), text: text.trim() };
}

/** a >= b */
export function atLeast(v: RosVersion, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

export interface VersionQuirks {
  /**
   * The MD5 challenge login (`/login` → `=ret=`, then `=response=`) is accepted: before 6.45.1
   * (6.45.1 removed it, go-routeros/routeros#10).
   */
  readonly challengeLogin: boolean;
  /** `/login =name= =password=` is accepted: from 6.43 (luqasz/librouteros#28). */
  readonly plainLogin: boolean;
  /** Empty results are answered `!empty` then `!done`: from 7.18 (pear2/Net_RouterOS#80). */
  readonly emptyReply: boolean;
  /** Booleans print as `true`/`false` on v7, `yes`/`no` before (protocol.md §5.4). */
  readonly trueFalse: boolean;
}

export function quirksOf(v: RosVersion): VersionQuirks {
  return {
    challengeLogin: !atLeast(v, 6, 45, 1),
    plainLogin: atLeast(v, 6, 43),
    emptyReply: atLeast(v, 7, 18),
    trueFalse: v.major >= 7,
  };
}
