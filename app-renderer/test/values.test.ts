import './setup';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../app-main/src/common/contract';
import { visibleColumns, toggleColumn } from '../src/components/TablesPanel';
import { isSingleItem, printedMenu, setWords } from '../src/components/Values';
import { COLUMN_PRESETS, presetChoice } from '../src/lib/presets';
import { counterInfo, isDerivedRate, RateTracker, rateBetween, rateColumnOf } from '../src/lib/rates';
import { graphSeries, rowLabel, SeriesBuffer } from '../src/lib/series';
import {
  displayValue,
  formatBps,
  formatBytes,
  formatDuration,
  formatPackets,
  numericValue,
  parseDuration,
  readableValue,
  valueKind,
} from '../src/lib/values';
import { applyPatch, emptyTable } from '../src/store/tables';

describe('value formatting', () => {
  it('shows bytes in binary units with three significant digits', () => {
    expect(formatBytes(5143003087)).toBe('4.79 GiB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(123_456_789)).toBe('118 MiB');
    // 1023.99 KiB rounds to 1024 KiB: carried to the next unit instead.
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
    expect(formatBytes(2 ** 60 * 3)).toBe('3 EiB');
  });

  it('shows bits per second in decimal units', () => {
    expect(formatBps(9_100_000)).toBe('9.1 Mbps');
    expect(formatBps(0)).toBe('0 bps');
    expect(formatBps(999)).toBe('999 bps');
    expect(formatBps(1000)).toBe('1 kbps');
    expect(formatBps(1_250_000_000)).toBe('1.25 Gbps');
    expect(formatBps(999_999)).toBe('1 Mbps');
  });

  it('groups packet counts', () => {
    expect(formatPackets(5143003)).toBe('5,143,003');
    expect(formatPackets(0)).toBe('0');
  });

  it('parses RouterOS 7 and RouterOS 6 durations', () => {
    expect(parseDuration('3d4h12m5s')).toBe(((3 * 24 + 4) * 3600 + 12 * 60 + 5) * 1000);
    expect(parseDuration('1w2d')).toBe(9 * 86_400_000);
    expect(parseDuration('150ms')).toBe(150);
    expect(parseDuration('1m30s500ms')).toBe(90_500);
    expect(parseDuration('00:05:00')).toBe(300_000);
    expect(parseDuration('1w2d03:04:05')).toBe(9 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5000);
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration('2026-01-12 09:41:07')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('shows durations by their three largest units', () => {
    expect(formatDuration(parseDuration('3d4h12m5s')!)).toBe('3d 4h 12m');
    expect(formatDuration(parseDuration('1w2d3h4m')!)).toBe('1w 2d 3h');
    expect(formatDuration(parseDuration('1d5m')!)).toBe('1d 5m');
    expect(formatDuration(parseDuration('00:05:00')!)).toBe('5m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(150)).toBe('150ms');
    expect(formatDuration(0)).toBe('0s');
  });

  it('maps columns to formats by property name', () => {
    expect(valueKind('rx-byte')).toBe('bytes');
    expect(valueKind('tx-byte')).toBe('bytes');
    expect(valueKind('bytes')).toBe('bytes');
    expect(valueKind('orig-bytes')).toBe('bytes');
    expect(valueKind('free-memory')).toBe('bytes');
    expect(valueKind('total-hdd-space')).toBe('bytes');
    expect(valueKind('rx-packet')).toBe('count');
    expect(valueKind('packets')).toBe('count');
    expect(valueKind('rx-bits-per-second')).toBe('bps');
    expect(valueKind('rx-packets-per-second')).toBe('pps');
    expect(valueKind('rx rate')).toBe('bps');
    expect(valueKind('rx packet rate')).toBe('pps');
    expect(valueKind('uptime')).toBe('duration');
    expect(valueKind('expires-after')).toBe('duration');
    expect(valueKind('last-link-up-time')).toBe('duration');
    expect(valueKind('keepalive-timeout')).toBe('duration');
    // A /log entry's `time` is a clock time, not a duration.
    expect(valueKind('time')).toBe('text');
    expect(valueKind('name')).toBe('text');
    expect(valueKind('mtu')).toBe('text');
    expect(valueKind('link-downs')).toBe('text');
  });

  it('formats values, and leaves alone what does not fit the column', () => {
    expect(readableValue('rx-byte', '5143003087')).toBe('4.79 GiB');
    expect(readableValue('rx-bits-per-second', '9100000')).toBe('9.1 Mbps');
    expect(readableValue('uptime', '3d4h12m5s')).toBe('3d 4h 12m');
    expect(readableValue('running', 'true')).toBe('yes');
    expect(readableValue('disabled', 'false')).toBe('no');
    // Already readable, or not this format: shown as sent.
    expect(readableValue('running', 'yes')).toBeUndefined();
    expect(readableValue('last-link-up-time', '2026-01-12 09:41:07')).toBeUndefined();
    expect(readableValue('bytes', '1000/2000')).toBeUndefined();
    expect(readableValue('name', 'ether1')).toBeUndefined();
    expect(readableValue('rx rate', '')).toBeUndefined();
    expect(displayValue('rx-byte', '5143003087', true)).toBe('5143003087');
    expect(displayValue('rx-byte', '5143003087', false)).toBe('4.79 GiB');
  });

  it('reads numbers for graphs, durations as seconds', () => {
    expect(numericValue('cpu-load', '12')).toBe(12);
    expect(numericValue('uptime', '1m5s')).toBe(65);
    expect(numericValue('name', 'ether1')).toBeUndefined();
    expect(numericValue('rx rate', '')).toBeUndefined();
  });
});

describe('rate derivation', () => {
  it('names the rate columns of counters', () => {
    expect(rateColumnOf('rx-byte')).toBe('rx rate');
    expect(rateColumnOf('tx-byte')).toBe('tx rate');
    expect(rateColumnOf('rx-packet')).toBe('rx packet rate');
    expect(rateColumnOf('bytes')).toBe('bit rate');
    expect(rateColumnOf('packets')).toBe('packet rate');
    expect(rateColumnOf('orig-bytes')).toBe('orig rate');
    expect(rateColumnOf('name')).toBeUndefined();
    expect(rateColumnOf('rx-drop')).toBeUndefined();
    expect(counterInfo('rx-byte')?.scale).toBe(8);
    expect(isDerivedRate('rx rate')).toBe(true);
    expect(isDerivedRate('rate')).toBe(false);
  });

  it('has no rate for the first sample', () => {
    expect(rateBetween(undefined, { value: 100, at: 0 })).toBeUndefined();
  });

  it('divides by the real interval, however irregular', () => {
    expect(rateBetween({ value: 0, at: 0 }, { value: 1000, at: 1000 })).toBe(1000);
    expect(rateBetween({ value: 0, at: 0 }, { value: 1000, at: 250 })).toBe(4000);
    expect(rateBetween({ value: 500, at: 1000 }, { value: 3500, at: 4000 })).toBe(1000);
  });

  it('skips samples too close together', () => {
    expect(rateBetween({ value: 0, at: 0 }, { value: 1000, at: 10 })).toBeUndefined();
    expect(rateBetween({ value: 0, at: 0 }, { value: 1000, at: 0 })).toBeUndefined();
  });

  it('treats a counter that goes down as a reset, or a 32-bit wrap near the top', () => {
    expect(rateBetween({ value: 5_000_000, at: 0 }, { value: 100, at: 1000 })).toBeUndefined();
    const top = 2 ** 32 - 1000;
    expect(rateBetween({ value: top, at: 0 }, { value: 1000, at: 1000 })).toBe(2000);
  });

  it('adds rate columns to rows as they arrive', () => {
    const t = new RateTracker();
    // The first sample is a baseline only (printed, counted at an unknown time).
    const first = t.derive('*1', { '.id': '*1', name: 'ether1', 'rx-byte': '500', 'rx-packet': '5' }, -1000);
    expect(first).toMatchObject({ 'rx rate': '', 'rx packet rate': '' });
    const a = t.derive('*1', { '.id': '*1', name: 'ether1', 'rx-byte': '1000', 'rx-packet': '10' }, 0);
    expect(a).toMatchObject({ 'rx rate': '', 'rx packet rate': '' });
    const b = t.derive('*1', { '.id': '*1', name: 'ether1', 'rx-byte': '2000', 'rx-packet': '15' }, 500);
    // 1000 bytes in 0.5 s = 16,000 bit/s; 5 packets in 0.5 s = 10 pps.
    expect(b).toMatchObject({ 'rx rate': '16000', 'rx packet rate': '10' });
    // Too close: the shown rate stays, and the next sample measures the whole interval.
    const c = t.derive('*1', { '.id': '*1', 'rx-byte': '2100' }, 510, b);
    expect(c['rx rate']).toBe('16000');
    const d = t.derive('*1', { '.id': '*1', 'rx-byte': '3000' }, 1500);
    expect(d['rx rate']).toBe('8000');
    // A reset: no rate, then counting from the new value.
    expect(t.derive('*1', { '.id': '*1', 'rx-byte': '10' }, 2500)['rx rate']).toBe('');
    expect(t.derive('*1', { '.id': '*1', 'rx-byte': '135' }, 3500)['rx rate']).toBe('1000');
    // A row without counters is passed through as it is.
    const plain: Row = { '.id': '*2', name: 'x' };
    expect(t.derive('*2', plain, 0)).toBe(plain);
    t.forget('*1');
    expect(t.derive('*1', { '.id': '*1', 'rx-byte': '5000' }, 4000)['rx rate']).toBe('');
  });

  it('keeps the shown rate when a row is re-sent with its counter unchanged, and shows 0 once it stood still', () => {
    const t = new RateTracker();
    t.derive('*1', { '.id': '*1', 'rx-byte': '0' }, -1000);
    t.derive('*1', { '.id': '*1', 'rx-byte': '0' }, 0);
    const moving = t.derive('*1', { '.id': '*1', 'rx-byte': '1000' }, 1000);
    expect(moving['rx rate']).toBe('8000');
    // The comment changed 300 ms later: the counter is as it was, the rate stays.
    const comment = t.derive('*1', { '.id': '*1', 'rx-byte': '1000', comment: 'x' }, 1300, moving);
    expect(comment['rx rate']).toBe('8000');
    // Still unchanged 2 s after the last sample: it stopped.
    expect(t.derive('*1', { '.id': '*1', 'rx-byte': '1000' }, 3000, comment)['rx rate']).toBe('0');
    // No rate yet stays no rate.
    const first = t.derive('*2', { '.id': '*2', 'rx-byte': '5' }, 0);
    expect(t.derive('*2', { '.id': '*2', 'rx-byte': '5' }, 5000, first)['rx rate']).toBe('');
  });

  it('takes a printed row as a baseline only: the rate starts with the next two updates', () => {
    const base = { ...emptyTable('/interface'), runPath: '/interface' };
    const patch = (rows: Row[], status: 'loading' | 'live') => ({
      reset: false,
      upserts: rows,
      removes: [],
      total: rows.length,
      updatesPerSecond: 0,
      status,
    });
    // Printed at 1000, but counted by the router up to a tick earlier: 200 ms later a whole
    // tick's bytes arrive, which would read five times too fast.
    const v1 = applyPatch(base, patch([{ '.id': '*1', 'rx-byte': '0' }], 'loading'), 1000, 1);
    const v2 = applyPatch(v1, patch([{ '.id': '*1', 'rx-byte': '125000' }], 'live'), 1200, 2);
    expect(v2.rows[0]?.['rx rate']).toBe('');
    const v3 = applyPatch(v2, patch([{ '.id': '*1', 'rx-byte': '250000' }], 'live'), 2200, 3);
    expect(v3.rows[0]?.['rx rate']).toBe('1000000');
    expect(rateBetween({ value: 0, at: 0, untimed: true }, { value: 10, at: 1000 })).toBeUndefined();
  });

  it('gives a live table its rate columns through applyPatch', () => {
    const base = { ...emptyTable('/interface'), runPath: '/interface' };
    const patch = (rows: Row[]) => ({
      reset: false,
      upserts: rows,
      removes: [],
      total: rows.length,
      updatesPerSecond: 0,
      status: 'live' as const,
    });
    const v0 = applyPatch(base, patch([{ '.id': '*1', name: 'ether1', 'rx-byte': '0', 'tx-byte': '0' }]), 0, 1);
    const v1 = applyPatch(v0, patch([{ '.id': '*1', name: 'ether1', 'rx-byte': '0', 'tx-byte': '0' }]), 1000, 1);
    expect(v1.columns).toEqual(['.id', 'name', 'rx-byte', 'tx-byte', 'rx rate', 'tx rate']);
    const v2 = applyPatch(v1, patch([{ '.id': '*1', name: 'ether1', 'rx-byte': '125000', 'tx-byte': '0' }]), 2000, 2);
    expect(v2.rows[0]).toMatchObject({ 'rx rate': '1000000', 'tx rate': '' });
    expect(v2.changed.get('*1')?.cols).toContain('rx rate');
    expect(readableValue('rx rate', v2.rows[0]!['rx rate']!)).toBe('1 Mbps');
  });
});

describe('column presets', () => {
  it('shows a preset path with its preset columns only, in order, until the user chooses', () => {
    const known = ['.id', 'name', 'mtu', 'type', 'running', 'disabled', 'comment', 'rx-byte', 'rx rate', 'tx rate'];
    const preset = COLUMN_PRESETS['/interface'];
    expect(visibleColumns(known, undefined, preset)).toEqual([
      'name',
      'type',
      'running',
      'disabled',
      'rx rate',
      'tx rate',
      'comment',
    ]);
    // Showing one more column starts from the preset, the others stay hidden.
    const stored = toggleColumn(known, undefined, 'mtu', true, preset);
    expect(visibleColumns(known, stored, preset)).toEqual([
      'name',
      'type',
      'running',
      'disabled',
      'rx rate',
      'tx rate',
      'comment',
      'mtu',
    ]);
    expect(presetChoice(['a', 'name'], ['name', 'missing'])).toEqual(['name', '!a']);
    // No preset, or none of its columns: everything, as before.
    expect(visibleColumns(known, undefined)).toEqual(known);
    expect(visibleColumns(['.id', 'x'], undefined, preset)).toEqual(['.id', 'x']);
  });
});

describe('single-item menus', () => {
  it('recognises a single item and the menu a print names', () => {
    expect(isSingleItem([{ '.id': '#0', name: 'x' }])).toBe(true);
    expect(isSingleItem([{ name: 'x' }])).toBe(true);
    expect(isSingleItem([{ '.id': '*1', name: 'x' }])).toBe(false);
    expect(isSingleItem([{ name: 'x' }, { name: 'y' }])).toBe(false);
    expect(printedMenu('/system/identity/print')).toBe('/system/identity');
    expect(printedMenu('/ip/dns/getall')).toBe('/ip/dns');
    expect(printedMenu('/interface/listen')).toBeUndefined();
    expect(setWords('/system/identity', 'name', 'core 1')).toEqual(['/system/identity/set', '=name=core 1']);
  });
});

describe('graph series', () => {
  it('plots the preset on /interface and monitor-traffic, numeric columns elsewhere', () => {
    const iface: Row = { '.id': '*1', name: 'ether1', mtu: '1500', 'rx-byte': '1', 'rx rate': '', 'tx rate': '' };
    expect(graphSeries('/interface', iface)).toEqual(['rx rate', 'tx rate']);
    expect(
      graphSeries('/interface/monitor-traffic', { name: 'ether1', 'rx-bits-per-second': '1', 'tx-bits-per-second': '2' }),
    ).toEqual(['rx-bits-per-second', 'tx-bits-per-second']);
    // Counters give way to their rates; identifiers and configuration are not plotted.
    expect(
      graphSeries('/ip/firewall/filter', {
        '.id': '*3',
        chain: 'input',
        bytes: '10',
        'bit rate': '8',
        packets: '1',
        'packet rate': '',
      }),
    ).toEqual(['bit rate', 'packet rate']);
    expect(rowLabel({ '.id': '*1', name: 'ether1' }, '/interface')).toBe('ether1');
    expect(rowLabel({ '.id': '#0', 'cpu-load': '3' }, '/system/resource')).toBe('/system/resource');
  });

  it('keeps ten minutes of samples, gaps as null', () => {
    const b = new SeriesBuffer(['a', 'b'], 10_000);
    b.push(0, { a: '1', b: 'x' });
    b.push(5000, { a: '2', b: '3' });
    b.push(12_000, { a: '4', b: '5' });
    expect(b.data()).toEqual([
      [5, 12],
      [2, 4],
      [3, 5],
    ]);
    const c = new SeriesBuffer(['a']);
    c.push(0, { b: '1' });
    expect(c.data()).toEqual([[0], [null]]);
  });
});
