/**
 * Compare tables across RouterOS 6 (`yes`/`no`) and 7 (`true`/`false`): the spellings of one
 * boolean are the same by default; an option compares them exactly (issue 14).
 */
import './setup';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import { computeDiff, type DiffSource } from '../src/lib/diff';
import { router, setup } from './helpers';
import { routerConnection } from './inprocess-bridge';

const v6: DiffSource = { id: 'a', name: 'old', rows: [{ name: 'ether1', disabled: 'no', running: 'yes', comment: 'no' }] };
const v7: DiffSource = { id: 'b', name: 'new', rows: [{ name: 'ether1', disabled: 'false', running: 'true', comment: 'false' }] };

describe('boolean spellings in Compare tables', () => {
  it('yes/no and true/false are the same by default', () => {
    const d = computeDiff([v6, v7], { key: ['name'] });
    expect(d.rows[0]!.differing).toEqual([]);
    expect(d.rows[0]!.status).toBe('same');
  });

  it('strictBooleans compares the spellings exactly', () => {
    const d = computeDiff([v6, v7], { key: ['name'], strictBooleans: true });
    expect(d.rows[0]!.differing).toEqual(['disabled', 'running', 'comment']);
  });
});

describe('Compare tables between RouterOS 6.49 and 7.20', () => {
  it('shows no difference for disabled=no vs false until the option is turned off', async () => {
    const v6r = await router({ identity: 'old', rosVersion: '6.49.10' });
    const v7r = await router({ identity: 'new', rosVersion: '7.20' });
    const ctx = await setup({ connections: [routerConnection('old', 'Old', v6r), routerConnection('new', 'New', v7r)] });
    render(createElement(StoreContext.Provider, { value: ctx.store }, createElement(App)));
    for (const id of ['old', 'new']) await ctx.s().connect(id);
    await screen.findAllByText('Connected');
    fireEvent.click(screen.getByRole('button', { name: 'Compare tables' }));
    const panel = screen.getByRole('region', { name: 'Compare tables' });
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Path' }), { target: { value: '/ip/address' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    const table = await within(panel).findByRole('table', { name: 'Diff /ip/address' });
    expect(within(table).queryAllByRole('cell', { name: /\(differs\)$/ })).toEqual([]);
    const option = within(panel).getByRole('checkbox', { name: 'yes/no same as true/false' }) as HTMLInputElement;
    expect(option.checked).toBe(true);
    fireEvent.click(option);
    expect(option.checked).toBe(false);
    const again = within(panel).getByRole('table', { name: 'Diff /ip/address' });
    expect(within(again).getAllByRole('cell', { name: /^(no|false) ?\(differs\)$/ }).length).toBeGreaterThan(0);
  });
});
