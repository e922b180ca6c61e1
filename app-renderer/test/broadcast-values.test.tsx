import './setup';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import { router, setup } from './helpers';
import { routerConnection } from './inprocess-bridge';

async function renderTwo() {
  const core = await router({ identity: 'core' });
  const edge = await router({ identity: 'edge' });
  const ctx = await setup({ connections: [routerConnection('core', 'Core', core), routerConnection('edge', 'Edge', edge)] });
  render(
    <StoreContext.Provider value={ctx.store}>
      <App />
    </StoreContext.Provider>,
  );
  for (const id of ['core', 'edge']) await ctx.s().connect(id);
  await screen.findAllByText('Connected');
  fireEvent.click(screen.getByRole('button', { name: 'Broadcast' }));
  const panel = screen.getByRole('region', { name: 'Broadcast' });
  fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
  return { ...ctx, core, edge, panel };
}

/** Broadcast results show what a person looks for (issue 14). */
describe('Broadcast results', () => {
  it('show an add’s =ret= per router', async () => {
    const { panel, core, edge } = await renderTwo();
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), {
      target: { value: '/ip/address/add\n=address=10.77.0.1/24\n=interface=ether2' },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Send to 2 routers' }));
    const grid = await within(panel).findByRole('table', { name: 'Broadcast results' });
    const idOn = (sim: typeof core) => [...sim.menu('ip/address').items()].find((i) => i.get('address') === '10.77.0.1/24')!.id;
    expect(within(grid).getByRole('columnheader', { name: '=ret=' })).toBeTruthy();
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getByRole('cell', { name: idOn(core) })).toBeTruthy();
    expect(within(rows[1]!).getByRole('cell', { name: idOn(edge) })).toBeTruthy();
  });

  it('show a chosen property of a print for each router side by side', async () => {
    const { panel } = await renderTwo();
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), { target: { value: '/system/resource/print' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const grid = await within(panel).findByRole('table', { name: 'Broadcast results' });
    const pick = within(panel).getByRole('combobox', { name: 'Show property' }) as HTMLSelectElement;
    expect([...pick.options].map((o) => o.value)).toContain('version');
    fireEvent.change(pick, { target: { value: 'board-name' } });
    expect(within(grid).getByRole('columnheader', { name: 'board-name' })).toBeTruthy();
    const rows = within(grid).getAllByRole('row').slice(1);
    for (const r of rows) expect(within(r).getByRole('cell', { name: 'RB5009UG+S+' })).toBeTruthy();
  });
});
