import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/common/contract';
import { CALL_CHANNELS } from '../../src/common/channels';
import { createEventForwarder, registerBridgeIpc, type IpcMainLike } from '../../src/electron/ipc';
import type { FrameLike, SenderEventLike } from '../../src/electron/policy';
import { HOSTILE_URLS } from './hostile-urls';
import { SAMPLE_ARGS, fakeServices } from '../bridge/fixtures';

type Handler = (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipc, handlers };
}

const ourContents = { name: 'main window' };
const top: FrameLike = { url: 'app://tikscope/index.html', parent: null };

function setup() {
  const services = fakeServices();
  const { ipc, handlers } = fakeIpcMain();
  const log: string[] = [];
  const dispose = registerBridgeIpc({
    ipcMain: ipc,
    handlers: services.handlers,
    isOurWebContents: (s) => s === ourContents,
    log: (m) => log.push(m),
  });
  return { services, handlers, dispose, log };
}

describe('ipcMain wiring', () => {
  it('registers exactly the reviewed channel list', () => {
    const { handlers } = setup();
    // A new channel fails here until someone has looked at its schema and handler.
    expect([...handlers.keys()]).toEqual([
      'app:info',
      'app:snapshot',
      'settings:get',
      'settings:set',
      'connections:list',
      'connections:save',
      'connections:duplicate',
      'connections:delete',
      'connections:restore',
      'connections:trust',
      'connections:export',
      'connections:import',
      'connections:group',
      'fleet:list',
      'link:connect',
      'link:disconnect',
      'link:states',
      'link:safe-mode',
      'console:send',
      'console:cancel',
      'console:history',
      'console:clear',
      'table:start',
      'table:stop',
      'trace:get',
      'trace:export',
      'trace:import',
      'trace:clear',
      'trace:close',
      'complete:children',
      'complete:values',
      'tree:compare',
      'broadcast:send',
      'broadcast:cancel',
      'broadcast:continue',
      'library:list',
      'library:save',
      'library:delete',
      'library:import',
      'library:export',
      'library:preview',
      'library:run',
      'diff:fetch',
      'replay:plan',
      'replay:run',
      'replay:cancel',
      'repro:export',
      'discovery:list',
      'discovery:discover',
      'history:list',
      'history:snapshot',
      'history:diff',
      'history:delete',
      'form:menu',
      'form:describe',
      'form:build',
      'form:send',
    ]);
  });

  it('every channel refuses a null frame, a sub-frame, a foreign window and every foreign origin', async () => {
    const { services, handlers } = setup();
    const bad: SenderEventLike[] = [
      { sender: ourContents, senderFrame: null },
      { sender: ourContents, senderFrame: { url: 'app://tikscope/index.html', parent: top } },
      { sender: { name: 'some other webContents' }, senderFrame: top },
      ...HOSTILE_URLS.map((url) => ({ sender: ourContents, senderFrame: { url, parent: null } })),
    ];
    for (const channel of CALL_CHANNELS) {
      const handler = handlers.get(channel)!;
      for (const event of bad) {
        const result = (await handler(event, SAMPLE_ARGS[channel])) as Result<unknown>;
        expect(result.ok, `${channel} from ${JSON.stringify(event.senderFrame?.url)}`).toBe(false);
        if (!result.ok) expect(result.error.code).toBe('FORBIDDEN');
      }
    }
    expect(services.calls).toHaveLength(0);
  });

  it('every channel accepts our top frame, validates and answers with a Result', async () => {
    const { services, handlers } = setup();
    for (const channel of CALL_CHANNELS) {
      const handler = handlers.get(channel)!;
      expect(await handler({ sender: ourContents, senderFrame: top }, SAMPLE_ARGS[channel])).toEqual({
        ok: true,
        value: { channel, args: SAMPLE_ARGS[channel] },
      });
    }
    expect(services.calls).toHaveLength(CALL_CHANNELS.length);
    const invalid = (await handlers.get('table:start')!(
      { sender: ourContents, senderFrame: top },
      { connectionId: 'c1', path: 'no-slash' },
    )) as Result<unknown>;
    expect(invalid.ok === false && invalid.error.code).toBe('VALIDATION');
    services.behave('link:connect', async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const thrown = (await handlers.get('link:connect')!(
      { sender: ourContents, senderFrame: top },
      { id: 'c1' },
    )) as Result<unknown>;
    expect(thrown).toMatchObject({ ok: false, error: { message: 'connect ECONNREFUSED' } });
  });

  it('logs refusals and removes its handlers again', async () => {
    const { handlers, dispose, log } = setup();
    await handlers.get('app:info')!({ sender: ourContents, senderFrame: null }, {});
    expect(log).toEqual(['ipc: app:info: Bridge call refused: the sending frame is gone']);
    dispose();
    expect(handlers.size).toBe(0);
  });
});

describe('event forwarding', () => {
  it('sends each event to every live window and survives one that throws', () => {
    const sent: string[] = [];
    const live = { isDestroyed: () => false, send: (ch: string, p: unknown) => sent.push(`live ${ch} ${JSON.stringify(p)}`) };
    const dead = { isDestroyed: () => true, send: () => sent.push('dead') };
    const broken = {
      isDestroyed: () => false,
      send: () => {
        throw new Error('Render frame was disposed');
      },
    };
    const log: string[] = [];
    const forward = createEventForwarder(
      () => [broken, dead, live],
      (m) => log.push(m),
    );
    forward('app:notice', { level: 'info', message: 'hi' });
    expect(sent).toEqual(['live app:notice {"level":"info","message":"hi"}']);
    expect(log[0]).toMatch(/could not send app:notice/);
  });
});
