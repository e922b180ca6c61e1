import { describe, expect, it } from 'vitest';
import type { TablePatch } from '../../src/common/contract';
import { eventFrame } from '../../src/host/frames';

const patch = (upsertsJson: string, upsertCount: number): TablePatch => ({
  tableId: 't1',
  connectionId: 'c1',
  reset: false,
  upsertsJson,
  upsertCount,
  removes: ['*9'],
  total: 2,
  updatesPerSecond: 12,
  status: 'live',
  columns: ['.id', 'name'],
});

describe('host event frames', () => {
  it('splices a table patch’s rows into the frame unescaped: the page parses them with the frame', () => {
    const rows = [
      { '.id': '*1', name: 'say "hi" \\ ✓' },
      { '.id': '*2', name: '}]' },
    ];
    const frame = eventFrame('table:patch', patch(JSON.stringify(rows), 2));
    // No escaped quotes of a JSON-in-a-string: the rows are part of the frame's own JSON.
    expect(frame).not.toContain('upsertsJson');
    expect(frame).toContain('"upserts":[{".id":"*1"');
    const msg = JSON.parse(frame) as { type: string; event: string; payload: Record<string, unknown> };
    expect(msg.type).toBe('event');
    expect(msg.event).toBe('table:patch');
    expect(msg.payload).toEqual({ ...patch('', 2), upsertsJson: undefined, upserts: rows });
    expect('upsertsJson' in msg.payload).toBe(false);
  });

  it('an empty patch and a text that is not an array still make valid frames', () => {
    const empty = JSON.parse(eventFrame('table:patch', patch('[]', 0))) as { payload: TablePatch };
    expect(empty.payload.upserts).toEqual([]);
    const odd = JSON.parse(eventFrame('table:patch', patch('{"not":"an array"}', 1))) as { payload: TablePatch };
    expect(odd.payload.upsertsJson).toBe('{"not":"an array"}');
    expect(odd.payload.upserts).toBeUndefined();
  });

  it('every other event is plain JSON', () => {
    const payload = { connectionId: 'c1', entries: [] };
    expect(eventFrame('trace:entries', payload)).toBe(JSON.stringify({ type: 'event', event: 'trace:entries', payload }));
  });
});
