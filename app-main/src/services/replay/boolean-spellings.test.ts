/**
 * RouterOS 6 prints booleans `yes`/`no`, RouterOS 7 `true`/`false` (protocol.md §5.4): a trace
 * recorded on one and replayed on the other must not differ on every flag (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { compareReplies, sameBoolean, type ReplyRecord } from './replay-core';

const re = (...attrs: string[]): ReplyRecord => ({ kind: '!re', words: ['!re', ...attrs] });
const done = (...attrs: string[]): ReplyRecord => ({ kind: '!done', words: ['!done', ...attrs] });
const base = { streaming: false, bounded: false, ignoreVolatile: true };

describe('boolean spellings in replay comparisons', () => {
  const v6 = [re('=.id=*1', '=name=ether1', '=disabled=no', '=running=yes'), done()];
  const v7 = [re('=.id=*1', '=name=ether1', '=disabled=false', '=running=true'), done()];

  it('yes/no and true/false are the same by default, with a note saying so', () => {
    const c = compareReplies({ outcome: 'done', replies: v6 }, { outcome: 'done', replies: v7 }, base);
    expect(c.verdict).toBe('same');
    expect(c.notes.join('\n')).toMatch(/yes\/no and true\/false compared as the same/);
  });

  it('strictBooleans turns it off', () => {
    const c = compareReplies(
      { outcome: 'done', replies: v6 },
      { outcome: 'done', replies: v7 },
      { ...base, strictBooleans: true },
    );
    expect(c.verdict).toBe('differs');
    expect(c.differences.map((d) => d.field)).toEqual(['disabled', 'running']);
  });

  it('yes is never the same as false, and other values are compared exactly', () => {
    const c = compareReplies(
      { outcome: 'done', replies: [re('=.id=*1', '=disabled=yes', '=comment=no'), done()] },
      { outcome: 'done', replies: [re('=.id=*1', '=disabled=false', '=comment=No'), done()] },
      base,
    );
    expect(c.differences.map((d) => d.field)).toEqual(['disabled', 'comment']);
    expect([sameBoolean('yes', 'true'), sameBoolean('no', 'false'), sameBoolean('yes', 'no'), sameBoolean('on', 'true')]).toEqual(
      [true, true, false, false],
    );
  });
});
