import './setup';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/src/index';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import { parseSentences, variablesUsed } from '../src/store/library';
import { connectDemo, renderApp as renderDemoApp } from './render';
import { router, setup, until } from './helpers';
import { routerConnection } from './inprocess-bridge';

/**
 * The command library and staged broadcast in the window, against the real services and simulated
 * routers through the in-process bridge: Save as command from the console history, the edit form,
 * a run with a variable previewed per router and confirmed once, waves with Continue.
 */

async function renderTwo() {
  const core = await router({ identity: 'core' });
  const edge = await router({ identity: 'edge' });
  const ctx = {
    ...(await setup({ connections: [routerConnection('core', 'Core', core), routerConnection('edge', 'Edge', edge)] })),
    core,
    edge,
  };
  render(
    <StoreContext.Provider value={ctx.store}>
      <App />
    </StoreContext.Provider>,
  );
  for (const id of ['core', 'edge']) await ctx.s().connect(id);
  await screen.findAllByText('Connected', {}, { timeout: 5000 });
  return ctx;
}

function openTool(name: 'Broadcast' | 'Library', region = name === 'Library' ? 'Command library' : name) {
  fireEvent.click(screen.getByRole('button', { name }));
  return screen.getByRole('region', { name: region });
}

const comment = (sim: Simulator, name: string) => sim.menu('/interface').findByName(name)!.get('comment');

describe('library helpers', () => {
  it('splits sentences at blank lines and lists the variables the form asks for', () => {
    expect(parseSentences('/a/add\n=x={{x}}\n\n  \n/b/print\r\n?y={{ y }}\n')).toEqual([
      ['/a/add', '=x={{x}}'],
      ['/b/print', '?y={{ y }}'],
    ]);
    expect(variablesUsed('=a={{x}} {{identity}} {{y}} {{x}} {{host}}')).toEqual(['x', 'y']);
  });
});

describe('Library panel', () => {
  it('Save as command in the console history prefills the form; saving lists it', async () => {
    await renderDemoApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/system/identity/print' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await within(ws).findByRole('article', { name: /\/system\/identity\/print — done/ }, { timeout: 5000 });
    fireEvent.click(within(ws).getByRole('button', { name: 'History' }));
    const history = await within(ws).findByRole('list', { name: 'Command history' }, { timeout: 5000 });
    fireEvent.click(
      await within(history).findByRole('button', { name: 'Save /system/identity/print as a library command' }, { timeout: 5000 }),
    );
    const panel = screen.getByRole('region', { name: 'Command library' });
    const form = within(panel).getByRole('form', { name: 'New command' });
    expect((within(form).getByRole('textbox', { name: 'Sentences' }) as HTMLTextAreaElement).value).toBe(
      '/system/identity/print',
    );
    // A name is required, said at the field.
    fireEvent.click(within(form).getByRole('button', { name: 'Save command' }));
    expect((await within(form).findByRole('alert', {}, { timeout: 5000 })).textContent).toBe('Give the command a name.');
    fireEvent.change(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'Who is this' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save command' }));
    const list = await within(panel).findByRole('list', { name: 'Saved commands' }, { timeout: 5000 });
    await within(list).findByRole('button', { name: /Who is this/ }, { timeout: 5000 });
    expect(within(list).getByRole('button', { name: /Who is this/ }).textContent).toContain('reads');
    expect(within(panel).getByRole('status').textContent).toBe('Saved “Who is this” as who-is-this.json.');
    // Delete asks first, naming the file; Cancel keeps it.
    fireEvent.click(within(panel).getByRole('button', { name: 'Delete Who is this' }));
    let ask = screen.getByRole('alertdialog', { name: 'Delete Who is this?' });
    expect(ask.textContent).toContain('who-is-this.json');
    fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(within(list).getByRole('button', { name: /Who is this/ })).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'Delete Who is this' }));
    ask = screen.getByRole('alertdialog', { name: 'Delete Who is this?' });
    fireEvent.click(within(ask).getByRole('button', { name: 'Delete' }));
    await until(() => expect(within(list).queryByRole('button', { name: /Who is this/ })).toBeNull());
  });

  it('a command with a variable: the form asks its default, the preview shows each router’s sentence, a write asks once, runs in two waves', async () => {
    const { core, edge, bridge } = await renderTwo();
    const panel = openTool('Library');
    fireEvent.click(within(panel).getByRole('button', { name: 'New command' }));
    const form = within(panel).getByRole('form', { name: 'New command' });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'Set a comment' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Sentences' }), {
      target: { value: '/interface/set\n=.id={{port}}\n=comment={{text}} on {{identity}}' },
    });
    const vars = within(form).getByRole('group', { name: 'Variables' });
    fireEvent.change(within(vars).getByRole('textbox', { name: 'Default for port' }), { target: { value: 'ether4' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save command' }));
    const run = await within(panel).findByRole('region', { name: 'Run “Set a comment”' }, { timeout: 5000 });

    const picker = within(run).getByRole('group', { name: 'Run on' });
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Core/ }));
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Edge/ }));
    // No value for {{text}}: the preview names it per router, and Run sends nothing.
    fireEvent.click(within(run).getByRole('button', { name: 'Preview' }));
    const preview = await within(run).findByRole('region', { name: 'Preview' }, { timeout: 5000 });
    expect(preview.textContent).toContain('{{text}} has no value for router "Core"');
    fireEvent.click(within(run).getByRole('button', { name: 'Run on selected' }));
    expect((await within(run).findByRole('alert', {}, { timeout: 5000 })).textContent).toMatch(
      /\{\{text\}\} has no value for router "Core"/,
    );
    expect(bridge.calls.filter((c) => c.channel === 'library:run')).toHaveLength(0);

    const values = within(run).getByRole('group', { name: 'Values' });
    fireEvent.change(within(values).getByRole('textbox', { name: 'text' }), { target: { value: 'staged' } });
    const waves = within(run).getByRole('group', { name: 'Waves' });
    fireEvent.click(within(waves).getByRole('checkbox', { name: 'Send in waves' }));
    fireEvent.change(within(waves).getByRole('textbox', { name: 'Routers per wave' }), { target: { value: '1' } });
    fireEvent.click(within(waves).getByRole('checkbox', { name: 'Ask before each next wave' }));
    fireEvent.click(within(run).getByRole('button', { name: 'Run on selected' }));

    const dialog = await screen.findByRole('alertdialog', { name: 'Run “Set a comment” on 2 routers?' }, { timeout: 5000 });
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Core', 'Edge']);
    expect(within(dialog).getByLabelText('Sentences for Edge').textContent).toBe(
      '/interface/set\n=.id=ether4\n=comment=staged on edge',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Run on 2 routers' }));

    const next = await within(run).findByRole('button', { name: 'Continue with wave 2' }, { timeout: 5000 });
    // The confirmation is gone while the run goes on: it covered the Continue button (found by the e2e test).
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(comment(core, 'ether4')).toBe('staged on core');
    expect(comment(edge, 'ether4')).not.toBe('staged on edge');
    expect(within(run).getByRole('list', { name: 'Waves' }).textContent).toMatch(/Wave 2: waiting for Continue/);
    fireEvent.click(next);
    const grid = await within(run).findByRole('table', { name: 'Library run results' }, { timeout: 5000 });
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(
      rows.map((r) => {
        const cells = within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent ?? '');
        return [cells[0], cells[1]!.split(' ')[0], cells[2]];
      }),
    ).toEqual([
      ['1', 'Core', 'done'],
      ['2', 'Edge', 'done'],
    ]);
    expect(comment(edge, 'ether4')).toBe('staged on edge');
    expect(within(run).getByRole('list', { name: 'Library run waves' }).textContent).toMatch(/Wave 1: done.*Wave 2: done/);
  });

  it('Broadcast: wave options are labelled; a wave with too many failures stops the rest', async () => {
    const { edge } = await renderTwo();
    const panel = openTool('Broadcast');
    const picker = within(panel).getByRole('group', { name: 'Send to' });
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Core/ }));
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Edge/ }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), {
      target: { value: '/interface/set\n=.id=no-such-port\n=comment=x' },
    });
    const waves = within(panel).getByRole('group', { name: 'Waves' });
    fireEvent.click(within(waves).getByRole('checkbox', { name: 'Send in waves' }));
    fireEvent.change(within(waves).getByRole('textbox', { name: 'Routers per wave' }), { target: { value: '0' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    expect((await within(waves).findByRole('alert', {}, { timeout: 5000 })).textContent).toBe(
      'Routers per wave must be a whole number from 1 to 100.',
    );
    fireEvent.change(within(waves).getByRole('textbox', { name: 'Routers per wave' }), { target: { value: '1' } });
    expect(within(waves).getByRole('textbox', { name: 'Pause between waves (s)' })).toBeTruthy();
    expect(within(waves).getByRole('textbox', { name: 'Stop when more than this many routers of a wave fail' })).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Send /interface/set to 2 routers?' }, { timeout: 5000 });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send to 2 routers' }));
    const grid = await within(panel).findByRole('table', { name: 'Broadcast results' }, { timeout: 5000 });
    await until(() => expect(within(grid).getAllByRole('row')).toHaveLength(3));
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[2]!.textContent!.split(' ')[0])).toEqual(['trap', 'skipped']);
    expect(rows[1]!.textContent).toContain('not sent: wave 1 had 1 failed router, more than the 0 allowed');
    expect(within(panel).getByRole('list', { name: 'Broadcast waves' }).textContent).toMatch(/Wave 1: stopped.*Wave 2: skipped/);
    expect(comment(edge, 'ether1')).not.toBe('x');
  });

  it('a connection’s own values: set in the connection form (bad lines named), used in the preview when the form leaves them empty', async () => {
    const { bridge } = await renderTwo();
    fireEvent.click(screen.getByRole('option', { name: /^Edge/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    let dialog = screen.getByRole('dialog', { name: 'Edit Edge' });
    const box = within(dialog).getByRole('textbox', { name: 'Values for library commands' });
    fireEvent.change(box, { target: { value: 'site=ams\nnot a pair' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByText(/^Line 2 is not name=value/)).toBeTruthy();
    fireEvent.change(box, { target: { value: 'site=ams' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    const listed = await bridge.api['connections:list']({});
    expect(listed.ok && listed.value.connections.find((c) => c.id === 'edge')?.vars).toEqual({ site: 'ams' });
    // The form shows them again on the next edit.
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    dialog = screen.getByRole('dialog', { name: 'Edit Edge' });
    expect((within(dialog).getByRole('textbox', { name: 'Values for library commands' }) as HTMLTextAreaElement).value).toBe(
      'site=ams',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    await bridge.api['library:save']({ input: { name: 'Where', sentences: [['/system/identity/print', '?name={{site}}']] } });
    const panel = openTool('Library');
    const run = await within(panel).findByRole('region', { name: 'Run “Where”' }, { timeout: 5000 });
    const picker = within(run).getByRole('group', { name: 'Run on' });
    // The router selected in the sidebar is one click away.
    fireEvent.click(within(run).getByRole('button', { name: 'Only the current router (Edge)' }));
    expect((within(picker).getByRole('checkbox', { name: /^Edge/ }) as HTMLInputElement).checked).toBe(true);
    expect((within(picker).getByRole('checkbox', { name: /^Core/ }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Core/ }));
    fireEvent.click(within(run).getByRole('button', { name: 'Preview' }));
    const preview = await within(run).findByRole('region', { name: 'Preview' }, { timeout: 5000 });
    expect(within(preview).getByLabelText('Preview for Edge').textContent).toBe('/system/identity/print\n?name=ams');
    expect(preview.textContent).toContain('{{site}} has no value for router "Core"');
    // A value typed in the form goes to every router.
    fireEvent.change(within(within(run).getByRole('group', { name: 'Values' })).getByRole('textbox', { name: 'site' }), {
      target: { value: 'lab' },
    });
    fireEvent.click(within(run).getByRole('button', { name: 'Preview' }));
    await until(() =>
      expect(within(run).getByLabelText('Preview for Core').textContent).toBe('/system/identity/print\n?name=lab'),
    );
    expect(within(run).getByLabelText('Preview for Edge').textContent).toBe('/system/identity/print\n?name=lab');
  });
});
