import './setup';
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';
import { until } from './helpers';

/** The History tab of the Demo router (issue 16), against the real services and the simulator. */
describe('History tab', () => {
  it('takes snapshots, compares two grouped by menu with only-differences, and exports a unified diff', async () => {
    const { bridge, downloads } = await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'History' }));
    const form = await within(ws).findByRole('form', { name: 'Take a snapshot' });
    expect(within(ws).getByText('No snapshots yet.')).toBeTruthy();

    fireEvent.change(within(form).getByRole('textbox', { name: 'Note' }), { target: { value: 'before' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Snapshot' }));
    const table = await within(ws).findByRole('table', { name: 'Snapshots' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(table.textContent).toContain('before');

    // A change on the router, then a second snapshot.
    const demo = bridge.demo;
    const lan = demo.menu('/ip/address').items().next().value!;
    demo.menu('/ip/address').update(lan, { address: '192.168.88.9/24' });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Note' }), { target: { value: 'after' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Snapshot' }));
    await until(() => expect(within(table).getAllByRole('row')).toHaveLength(3));

    const boxes = within(table).getAllByRole('checkbox', { name: /^Select snapshot Demo router / });
    const compare = within(ws).getByRole('button', { name: 'Compare selected' }) as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    fireEvent.click(boxes[0]!);
    fireEvent.click(boxes[1]!);
    fireEvent.click(compare);
    const diff = await within(ws).findByRole('region', { name: 'Snapshot diff' });
    expect(within(diff).getByRole('status').textContent).toBe('1 line added, 1 line removed');
    // Only differences (the default): one group, its two changed lines.
    const groups = within(diff).getAllByRole('region');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual(['/ip address: 1 added, 1 removed']);
    const lines = within(groups[0]!)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(lines).toEqual([
      '−removed: add address=192.168.88.1/24 interface=bridge1 comment=defconf',
      '+added: add address=192.168.88.9/24 interface=bridge1 comment=defconf',
    ]);
    fireEvent.click(within(diff).getByRole('checkbox', { name: 'Only differences' }));
    expect(within(diff).getAllByRole('region').length).toBeGreaterThan(5);

    fireEvent.click(within(diff).getByRole('button', { name: 'Export unified diff' }));
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.fileName).toMatch(/\.diff$/);
    expect(String(downloads[0]!.data)).toContain('+add address=192.168.88.9/24 interface=bridge1 comment=defconf');

    // Delete: the row goes, and with it the diff of that snapshot.
    const del = within(table).getAllByRole('button', { name: /^Delete snapshot Demo router / });
    fireEvent.click(del[0]!);
    await until(() => expect(within(ws).getByRole('table', { name: 'Snapshots' }).querySelectorAll('tbody tr')).toHaveLength(1));
    expect(within(ws).queryByRole('region', { name: 'Snapshot diff' })).toBeNull();
  });

  it('periodic snapshots: off by default, a choice saves the setting', async () => {
    const { api } = await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'History' }));
    const every = (await within(ws).findByRole('combobox', { name: 'Periodic snapshots' })) as HTMLSelectElement;
    expect(every.value).toBe('0');
    fireEvent.change(every, { target: { value: '6' } });
    await until(async () => {
      const r = await api['settings:get']({});
      expect(r.ok && r.value.snapshotEveryHours).toBe(6);
    });
    expect(every.value).toBe('6');
  });

  it('warns before a snapshot with passwords and keys', async () => {
    await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'History' }));
    const form = await within(ws).findByRole('form', { name: 'Take a snapshot' });
    expect(within(form).queryByRole('alert')).toBeNull();
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Include passwords and keys (show-sensitive)' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/passwords and keys in clear text/);
    fireEvent.click(within(form).getByRole('button', { name: 'Snapshot' }));
    const table = await within(ws).findByRole('table', { name: 'Snapshots' });
    expect(table.textContent).toContain('with passwords');
    expect(screen.queryByRole('alert')).toBeNull(); // the box is unticked again after it was taken
  });
});
