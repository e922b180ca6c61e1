import './setup';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Api, CompleteChildrenArgs, CompleteValuesArgs, CompletionNode } from '../../app-main/src/common/contract';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import {
  childItems,
  commandPath,
  replaceLine,
  routerCompletionContext,
  unknownArguments,
  valueItems,
} from '../src/lib/completion';
import { createAppStore } from '../src/store';
import { bindBridgeEvents } from '../src/store/events';
import { inProcess, interceptApi, until } from './helpers';

describe('router completion: what the caret is on', () => {
  it('completes the path on the first line, argument names and values below it', () => {
    expect(routerCompletionContext('/ip/fi', 6)).toEqual({ kind: 'path', line: 0, parent: ['ip'], partial: 'fi' });
    expect(routerCompletionContext('/', 1)).toEqual({ kind: 'path', line: 0, parent: [], partial: '' });
    expect(routerCompletionContext('/ip/firewall/', 13)).toEqual({
      kind: 'path',
      line: 0,
      parent: ['ip', 'firewall'],
      partial: '',
    });
    const d = '/ip/address/add\n=na';
    expect(routerCompletionContext(d, d.length)).toEqual({
      kind: 'argument',
      line: 1,
      command: ['ip', 'address', 'add'],
      partial: 'na',
    });
    const v = '/ip/firewall/filter/add\n=chain=input\n=action=dr';
    expect(routerCompletionContext(v, v.length)).toEqual({
      kind: 'value',
      line: 2,
      command: ['ip', 'firewall', 'filter', 'add'],
      argument: 'action',
      partial: 'dr',
    });
  });

  it('offers nothing for CLI syntax, API attributes, query words or a caret inside a line', () => {
    expect(routerCompletionContext('/ip address print', 17)).toBeUndefined();
    expect(routerCompletionContext('/ip//x', 6)).toBeUndefined();
    expect(routerCompletionContext('/ip/address/set\n=.id=*1', 23)).toBeUndefined();
    expect(routerCompletionContext('/ip/address/print\n?interface=e', 30)).toBeUndefined();
    expect(routerCompletionContext('/ip/fi', 3)).toBeUndefined();
    expect(routerCompletionContext('/ip address print\n=na', 21)).toBeUndefined();
    expect(commandPath('/ip/firewall/filter/add')).toEqual(['ip', 'firewall', 'filter', 'add']);
    expect(commandPath('/ip address')).toBeUndefined();
    expect(commandPath('/a,b')).toBeUndefined();
  });

  it('turns children into options: menus end in "/", commands do not, arguments become =name=', () => {
    const nodes: CompletionNode[] = [
      { name: 'filter', kind: 'path', description: 'firewall filter rules' },
      { name: 'find', kind: 'cmd' },
      { name: 'nat', kind: 'path' },
    ];
    expect(childItems({ kind: 'path', line: 0, parent: ['ip', 'firewall'], partial: 'f' }, nodes)).toEqual([
      { label: 'filter/', line: '/ip/firewall/filter/', kind: 'path', description: 'firewall filter rules' },
      { label: 'find', line: '/ip/firewall/find', kind: 'cmd' },
    ]);
    const args: CompletionNode[] = [
      { name: 'name', kind: 'arg', description: 'interface name' },
      { name: 'mtu', kind: 'arg' },
    ];
    expect(childItems({ kind: 'argument', line: 1, command: ['interface', 'set'], partial: 'N' }, args)).toEqual([
      { label: '=name=', line: '=name=', kind: 'arg', description: 'interface name' },
    ]);
    expect(
      valueItems({ kind: 'value', line: 1, command: ['x', 'add'], argument: 'action', partial: 'd' }, [
        'accept',
        'drop',
        'dst-nat',
      ]),
    ).toEqual([
      { label: 'drop', line: '=action=drop', kind: 'value' },
      { label: 'dst-nat', line: '=action=dst-nat', kind: 'value' },
    ]);
    expect(replaceLine('/ip/fi\n=x=1', 0, '/ip/firewall/')).toEqual({ draft: '/ip/firewall/\n=x=1', caret: 13 });
  });

  it('flags argument names the command does not have, naming the word and a likely fix', () => {
    const draft = '/interface/set\n=.id=*1\n=nmae=wan\n=mtu=1500\n=zzzzzz=1';
    const found = unknownArguments(draft, ['interface', 'set'], ['name', 'mtu', 'disabled']);
    expect(found.map((f) => f.name)).toEqual(['nmae', 'zzzzzz']);
    expect(found[0]!.message).toBe(
      '=nmae= is not an argument of /interface/set. Did you mean =name=? You can still send it; the router will answer with its own error.',
    );
    expect(found[1]!.message).not.toContain('Did you mean');
    expect(unknownArguments('/interface/set\n=name=x', ['interface', 'set'], ['name'])).toEqual([]);
  });
});

// ---- the Sentence box against a router that answers /console/inspect (the simulator's tree)

async function renderWithInspect(mode: 'normal' | 'unavailable') {
  const bridge = await inProcess();
  // A router without /console/inspect (older RouterOS, or a restricted user).
  if (mode === 'unavailable') bridge.demo.inspectMode = 'disabled';
  const calls: string[] = [];
  let api: Api = interceptApi(bridge.api, 'complete:children', async (real, args) => {
    calls.push(`children ${(args as CompleteChildrenArgs).path.join('/')}`);
    return real();
  });
  api = interceptApi(api, 'complete:values', async (real, args) => {
    const a = args as CompleteValuesArgs;
    calls.push(`values ${a.path.join('/')} ${a.argument}`);
    return real();
  });
  const store = createAppStore(api, { download: () => undefined });
  bindBridgeEvents(api, store);
  await store.getState().init();
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  fireEvent.click(screen.getByRole('option', { name: 'Demo router' }));
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  await screen.findByText('Connected');
  const ws = screen.getByRole('region', { name: 'Demo router' });
  const box = within(ws).getByRole('textbox', { name: 'Sentence' }) as HTMLTextAreaElement;
  const type = (value: string) => fireEvent.change(box, { target: { value } });
  return { ws, box, type, calls };
}

describe('<ConsolePanel> completion from the router', () => {
  it('completes a path in a labelled listbox from the router; Tab accepts and opens the next level', async () => {
    const { ws, box, type, calls } = await renderWithInspect('normal');
    type('/ip/fi');
    const list = await within(ws).findByRole('listbox', { name: 'Completions from the router' });
    const options = within(list).getAllByRole('option');
    // Real routers give menus no explanation (the simulator answers from the real tree, issue 13).
    expect(options.map((o) => o.textContent)).toEqual(['firewall/']);
    expect(box.getAttribute('aria-autocomplete')).toBe('list');
    expect(box.getAttribute('aria-controls')).toBe(list.id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
    expect(options[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('/ip/firewall/');
    // The next level opens by itself (the caret is after the accepted text).
    await until(() => expect(within(ws).getByRole('option', { name: /^filter\// })).toBeTruthy());
    expect(calls).toContain('children ip');
    expect(calls).toContain('children ip/firewall');
  });

  it('completes a command by mouse, an argument name and an enumerated value', async () => {
    const { ws, box, type } = await renderWithInspect('normal');
    type('/ip/firewall/filter/');
    fireEvent.mouseDown(await within(ws).findByRole('option', { name: /^add/ }));
    expect(box.value).toBe('/ip/firewall/filter/add');
    type('/ip/firewall/filter/add\n=ac');
    const arg = await within(ws).findByRole('option', { name: /^=action=/ });
    expect(arg.textContent).toBe('=action=');
    // An argument with a syntax line shows it as its explanation.
    type('/ip/firewall/filter/add\n=address-list-t');
    expect((await within(ws).findByRole('option', { name: /^=address-list-timeout=/ })).textContent).toContain('(time interval)');
    type('/ip/firewall/filter/add\n=ac');
    await within(ws).findByRole('option', { name: /^=action=/ });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('/ip/firewall/filter/add\n=action=');
    const values = await within(ws).findByRole('listbox', { name: 'Completions from the router' });
    await until(() =>
      expect(
        within(values)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(
        expect.arrayContaining([
          'accept',
          'add-dst-to-address-list',
          'add-src-to-address-list',
          'drop',
          'fasttrack-connection',
          'jump',
          'log',
          'passthrough',
          'reject',
          'return',
          'tarpit',
        ]),
      ),
    );
    expect(within(ws).getByText('Values suggested by the router; the list may be incomplete.')).toBeTruthy();
    type('/ip/firewall/filter/add\n=action=d');
    await until(() =>
      expect(
        within(ws)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['drop']),
    );
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('/ip/firewall/filter/add\n=action=drop');
  });

  it('Escape closes the list; the text stays as typed', async () => {
    const { ws, box, type } = await renderWithInspect('normal');
    type('/ip/');
    await within(ws).findByRole('listbox', { name: 'Completions from the router' });
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(within(ws).queryByRole('listbox', { name: 'Completions from the router' })).toBeNull();
    expect(box.value).toBe('/ip/');
  });

  it('flags an unknown argument before sending, and still sends it', async () => {
    const { ws, box, type } = await renderWithInspect('normal');
    type('/ip/firewall/filter/add\n=chain=input\n=cmoment=x');
    const check = within(ws).getByRole('status', { name: 'Sentence check' });
    await until(() =>
      expect(check.textContent).toContain('=cmoment= is not an argument of /ip/firewall/filter/add. Did you mean =comment=?'),
    );
    expect(check.textContent).not.toContain('=chain=');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await within(ws).findByRole('article', { name: /^\/ip\/firewall\/filter\/add — / });
  });

  it('falls back to the shipped command tree when the router has no inspect, and says so', async () => {
    const { ws, type } = await renderWithInspect('unavailable');
    type('/system/ident');
    const list = await within(ws).findByRole('listbox', {
      name: 'Completions from the RouterOS 7.20 command tree, not from this router',
    });
    expect(within(list).getAllByRole('option')[0]?.textContent).toBe('identity/');
    expect(
      within(ws).getByText(/^Suggestions from the RouterOS 7\.20 command tree, not from this router \(the router has no usable/),
    ).toBeTruthy();
    expect(within(ws).queryByText(/No completion from this router/)).toBeNull();
    expect(within(ws).queryByRole('alert')).toBeNull();
  });
});

describe('<TablesPanel> Path completion from the router', () => {
  async function pathBox(mode: 'normal' | 'unavailable') {
    const r = await renderWithInspect(mode);
    fireEvent.click(within(r.ws).getByRole('tab', { name: 'Tables' }));
    const path = within(r.ws).getByRole('textbox', { name: 'Path' }) as HTMLInputElement;
    fireEvent.focus(path);
    return { ...r, path, typePath: (value: string) => fireEvent.change(path, { target: { value } }) };
  }

  it('offers the router’s menus (never its commands); Tab opens the next level', async () => {
    const { ws, path, typePath, calls } = await pathBox('normal');
    typePath('/ip/fi');
    const list = await within(ws).findByRole('listbox', { name: 'Menus from the router' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['/ip/firewall/']);
    expect(path.getAttribute('aria-controls')).toBe(list.id);
    fireEvent.keyDown(path, { key: 'ArrowDown' });
    fireEvent.keyDown(path, { key: 'Tab' });
    expect(path.value).toBe('/ip/firewall/');
    await until(() => expect(within(ws).getByRole('option', { name: /^\/ip\/firewall\/filter\// })).toBeTruthy());
    expect(calls).toContain('children ip/firewall');
    // /ip/firewall/filter holds only commands (add, print, …): nothing to offer for a table path.
    typePath('/ip/firewall/filter/');
    await until(() => expect(calls).toContain('children ip/firewall/filter'));
    expect(within(ws).queryByRole('listbox', { name: 'Menus from the router' })).toBeNull();
  });

  it('falls back to the built-in menu list when the router cannot complete', async () => {
    const { ws, typePath } = await pathBox('unavailable');
    typePath('/ip/fi');
    const list = await within(ws).findByRole('listbox', { name: 'Menu suggestions' });
    expect(within(list).getAllByRole('option')[0]?.textContent).toMatch(/^\/ip\/firewall\//);
    expect(within(ws).queryByRole('alert')).toBeNull();
  });
});
