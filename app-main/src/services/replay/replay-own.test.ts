/**
 * "Sent by Tikscope" comes from the trace's own marks (TraceEntry.own: heartbeat, completion,
 * router-info reads), never from what a sentence looks like: a `/system/identity/print` the user
 * typed is the user's (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { extractSentences, type TraceLine } from './replay-core';

describe('background sentences', () => {
  it('only sentences the trace marks as Tikscope’s own are background', () => {
    const lines: TraceLine[] = [
      { seq: 1, direction: 'out', words: ['/system/identity/print', '.tag=1'], tag: '1', own: true },
      { seq: 2, direction: 'in', words: ['!re', '=name=r', '.tag=1'], tag: '1', own: true },
      { seq: 3, direction: 'in', words: ['!done', '.tag=1'], tag: '1', own: true },
      { seq: 4, direction: 'out', words: ['/system/identity/print', '.tag=2'], tag: '2' },
      { seq: 5, direction: 'in', words: ['!re', '=name=r', '.tag=2'], tag: '2' },
      { seq: 6, direction: 'in', words: ['!done', '.tag=2'], tag: '2' },
      { seq: 7, direction: 'out', words: ['/console/inspect', '=request=child', '=path=ip', '.tag=3'], tag: '3' },
      { seq: 8, direction: 'in', words: ['!done', '.tag=3'], tag: '3' },
    ];
    const { sentences } = extractSentences(lines);
    expect(sentences.map((s) => [s.seq, s.background])).toEqual([
      [1, true],
      [4, false],
      [7, false],
    ]);
  });
});
