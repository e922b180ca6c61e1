import { fireEvent, render, screen, type RenderResult } from '@testing-library/react';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import { setup } from './helpers';

/** The whole app on the in-process bridge (real services, simulated routers), as the component tests drive it. */
export async function renderApp(
  opts: Parameters<typeof setup>[0] = {},
): Promise<Awaited<ReturnType<typeof setup>> & { view: RenderResult }> {
  const ctx = await setup(opts);
  const view = render(
    <StoreContext.Provider value={ctx.store}>
      <App />
    </StoreContext.Provider>,
  );
  return { ...ctx, view };
}

/** Selects the Demo router, connects it, and returns its workspace region. */
export async function connectDemo(): Promise<HTMLElement> {
  fireEvent.click(screen.getByRole('option', { name: 'Demo router' }));
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  await screen.findByText('Connected');
  return screen.getByRole('region', { name: 'Demo router' });
}
