import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CallName } from '../../src/common/contract';
import { CALL_CHANNELS, EVENT_NAMES, isCallName, isEventName } from '../../src/common/channels';
import { dispatch, fallbackToBridgeError, formatPath, isBridgeError } from '../../src/bridge/dispatch';
import { FINGERPRINT, SAMPLE_ARGS, fakeServices } from './fixtures';

const NO_ARG_CALLS: CallName[] = ['app:info', 'settings:get', 'connections:list', 'link:states'];

describe('channel lists', () => {
  it('hold every call and event of the contract exactly once', () => {
    expect(new Set(CALL_CHANNELS).size).toBe(CALL_CHANNELS.length);
    expect([...CALL_CHANNELS].sort()).toEqual(Object.keys(SAMPLE_ARGS).sort());
    expect(EVENT_NAMES).toEqual([
      'connections:changed',
      'link:state',
      'console:replies',
      'console:end',
      'table:patch',
      'trace:entries',
      'app:notice',
      'replay:progress',
      'broadcast:progress',
      'discovery:changed',
      'broadcast:wave',
    ]);
  });

  it('do not match inherited properties', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect(isCallName(name)).toBe(false);
      expect(isEventName(name)).toBe(false);
    }
    expect(isCallName(42)).toBe(false);
    expect(isCallName('app:info')).toBe(true);
  });
});

describe('dispatch', () => {
  it('refuses unknown channels without calling any handler', async () => {
    const services = fakeServices();
    for (const channel of ['nope', '__proto__', 'toString', 'app:Info', 'app:info ', 7, null, undefined, {}]) {
      const result = await dispatch(services.handlers, channel, {});
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('VALIDATION');
        expect(result.error.detail?.field).toBe('channel');
        expect(result.error.message).toMatch(/Unknown bridge call/);
      }
    }
    expect(services.calls).toHaveLength(0);
  });

  it('passes valid arguments of every call to its handler and wraps the value', async () => {
    const services = fakeServices();
    for (const channel of CALL_CHANNELS) {
      const result = await dispatch(services.handlers, channel, SAMPLE_ARGS[channel]);
      expect(result, channel).toEqual({ ok: true, value: { channel, args: SAMPLE_ARGS[channel] } });
    }
    expect(services.calls.map((c) => c.channel)).toEqual([...CALL_CHANNELS]);
  });

  it('refuses a non-object argument for every call that takes arguments, naming the field', async () => {
    const services = fakeServices();
    for (const channel of CALL_CHANNELS.filter((c) => !NO_ARG_CALLS.includes(c))) {
      for (const bad of [null, 'x', 42, [], true]) {
        const result = await dispatch(services.handlers, channel, bad);
        expect(result.ok, `${channel} ${JSON.stringify(bad)}`).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe('VALIDATION');
          // A sentence about the field, in words; the channel and the path are in the detail.
          expect(result.error.message).toMatch(/^[A-Z].*\.$/);
          expect(result.error.message).not.toContain(channel);
          expect(result.error.detail?.channel).toBe(channel);
          expect(typeof result.error.detail?.field).toBe('string');
        }
      }
    }
    expect(services.calls).toHaveLength(0);
  });

  it('accepts a missing argument for calls without arguments (JSON drops `args: undefined`)', async () => {
    const services = fakeServices();
    for (const channel of NO_ARG_CALLS) {
      expect(await dispatch(services.handlers, channel, undefined)).toEqual({ ok: true, value: { channel, args: {} } });
      expect((await dispatch(services.handlers, channel, 'nope')).ok).toBe(false);
    }
  });

  it('names nested fields and array indices', async () => {
    const { handlers } = fakeServices();
    const cases: [CallName, unknown, string][] = [
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, port: 70_000 } }, 'input.port'],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, port: 1.5 } }, 'input.port'],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, transport: 'ssh' } }, 'input.transport'],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, host: 'http://evil/' } }, 'input.host'],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, name: '' } }, 'input.name'],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, encoding: 'iso-8859-1' } }, 'input.encoding'],
      ['connections:save', {}, 'input'],
      ['console:send', { connectionId: 'c1', words: ['/x', 'ok', 5] }, 'words[2]'],
      ['console:send', { connectionId: 'c1', words: [] }, 'words'],
      ['console:send', { connectionId: 'c1', words: ['', 'x'] }, 'words[0]'],
      ['table:start', { connectionId: 'c1', path: 'interface' }, 'path'],
      ['table:start', { connectionId: 'c1', path: '/interface', mode: 'poll' }, 'mode'],
      ['trace:get', { connectionId: 'c1', sinceSeq: -1 }, 'sinceSeq'],
      ['trace:export', { connectionId: 'c1', format: 'pdf' }, 'format'],
      ['settings:set', { tableColumns: { '/interface': 'name' } }, 'tableColumns./interface'],
      ['settings:set', { tablePrintTimeoutSeconds: 0 }, 'tablePrintTimeoutSeconds'],
      ['settings:set', { tablePrintTimeoutSeconds: 1.5 }, 'tablePrintTimeoutSeconds'],
      ['console:clear', {}, 'connectionId'],
      ['connections:trust', { id: 'c1', fingerprint256: 'AB:CD' }, 'fingerprint256'],
      ['link:connect', { password: 'x' }, 'id'],
      // A comma or slash inside a segment would change which inspect node is asked about.
      ['complete:children', { connectionId: 'c1', path: ['ip,firewall'] }, 'path[0]'],
      ['complete:children', { connectionId: 'c1', path: ['ip', 'fire wall'] }, 'path[1]'],
      ['complete:values', { connectionId: 'c1', path: [], argument: 'action' }, 'path'],
      ['complete:values', { connectionId: 'c1', path: ['ip', 'address', 'add'], argument: 'interface=' }, 'argument'],
      ['broadcast:send', { connectionIds: [], words: ['/x/print'] }, 'connectionIds'],
      ['broadcast:send', { connectionIds: ['c1', 'c1'], words: ['/x/print'] }, 'connectionIds'],
      ['broadcast:send', { connectionIds: ['c1'], words: ['/x/print'], confirmed: 'yes' }, 'confirmed'],
      ['broadcast:send', { connectionIds: ['c1'], words: ['/x/print'], timeoutSeconds: 0 }, 'timeoutSeconds'],
      ['broadcast:send', { connectionIds: ['c1'], words: ['/x/print'], broadcastId: '' }, 'broadcastId'],
      ['broadcast:cancel', { broadcastId: '' }, 'broadcastId'],
      ['replay:cancel', { targetId: '' }, 'targetId'],
      ['diff:fetch', { connectionIds: ['c1'], path: '/ip/address' }, 'connectionIds'],
      ['diff:fetch', { connectionIds: ['c1', 'c2'], path: 'ip address' }, 'path'],
      ['diff:fetch', { connectionIds: ['c1', 'c2'], path: '/ip/address', proplist: [''] }, 'proplist[0]'],
      // Forms (issue 14): an id with a comma would be two items in `=numbers=`; a name with "="
      // would end the argument name early; the action is one of six.
      ['form:send', { connectionId: 'c1', path: '/interface', action: 'disable', ids: ['*1,*2'] }, 'ids[0]'],
      ['form:build', { connectionId: 'c1', path: '/interface', action: 'rename' }, 'action'],
      ['form:build', { connectionId: 'c1', path: '/ip/address', action: 'add', values: { 'a=b': 'x' } }, 'values.a=b'],
      ['form:describe', { connectionId: 'c1', path: '/ip/address/print', action: 'add' }, 'path'],
      ['form:describe', { connectionId: 'c1', path: '/ip/address', action: 'remove' }, 'action'],
      ['form:menu', { connectionId: 'c1', path: 'interface' }, 'path'],
    ];
    for (const [channel, args, field] of cases) {
      const result = await dispatch(handlers, channel, args);
      expect(result.ok, `${channel} ${field}`).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ code: 'VALIDATION', detail: { channel, field } });
        expect(result.error.message).toMatch(/^[A-Z].*\.$/);
        expect(result.error.message).not.toContain(`${field}:`);
      }
    }
  });

  // Issue 11 (14): the schemas are the only gate, so they carry the rules and limits the services
  // used to check by hand (which disagreed with the schemas: password 1024 vs 1000, menu path 512
  // vs 300, name 200 vs 100). Each case passed the gate before.
  it('applies the one set of limits and the semantic rules, with messages in words', async () => {
    const services = fakeServices();
    const input = SAMPLE_ARGS['connections:save'].input;
    const cases: [CallName, unknown, string, string][] = [
      ['link:connect', { id: 'c1', password: 'p'.repeat(1001) }, 'password', 'The password is longer than 1,000 characters.'],
      [
        'connections:save',
        { input: { ...input, name: 'n'.repeat(101) } },
        'input.name',
        'The name is longer than 100 characters.',
      ],
      ['connections:save', { input: { ...input, user: ' ' } }, 'input.user', 'The user name is required.'],
      [
        'connections:save',
        { input: { ...input, host: 'a..b' } },
        'input.host',
        'The host is not a valid host name, IPv4 or IPv6 address.',
      ],
      [
        'settings:set',
        { tableColumns: { [`/${'m'.repeat(300)}`]: ['name'] } },
        `tableColumns./${'m'.repeat(300)}`,
        'The columns of /' + 'm'.repeat(300) + ' is longer than 300 characters.',
      ],
      [
        'table:start',
        { connectionId: 'c1', path: '/ip/address/print' },
        'path',
        'The menu path must name the menu, not a command.',
      ],
      [
        'table:start',
        { connectionId: 'c1', path: '/ip', query: ['type=x'] },
        'query[0]',
        'Query word 1 of the query must start with "?" (e.g. ?type=ether or ?#|).',
      ],
      [
        'table:start',
        { connectionId: 'c1', path: '/ip', proplist: ['a,b'] },
        'proplist[0]',
        'Property 1 of the property list must not contain commas, "=" or spaces.',
      ],
      [
        'console:send',
        { connectionId: 'c1', words: ['/x', 'y'.repeat((1 << 20) + 1)] },
        'words[1]',
        'Word 2 of the sentence is longer than 1 MiB.',
      ],
      [
        'console:send',
        { connectionId: 'c1', words: ['/x', '', 'y'] },
        'words[1]',
        'Word 2 of the sentence is empty; an empty word would end the sentence.',
      ],
      ['console:history', { connectionId: 'c1', limit: 10_001 }, 'limit', 'The limit must be between 1 and 10000.'],
      [
        'settings:set',
        { tableColumnWidths: { '/interface': { name: 5 } } },
        'tableColumnWidths./interface.name',
        'The width of name on /interface must be between 40 and 1200.',
      ],
      [
        'settings:set',
        { tableColumnWidths: { interface: { name: 100 } } },
        'tableColumnWidths.interface',
        'The column widths of interface is not a menu path (like /interface).',
      ],
      ['trace:import', { fileName: 'f'.repeat(256), content: '' }, 'fileName', 'The file name is longer than 255 characters.'],
    ];
    for (const [channel, args, field, message] of cases) {
      const result = await dispatch(services.handlers, channel, args);
      expect(result, `${channel} ${field}`).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'VALIDATION', message }),
      });
      if (!result.ok) expect(result.error.detail).toEqual({ channel, field });
    }
    expect(services.calls).toHaveLength(0);
    // Hints travel with the error.
    const path = await dispatch(services.handlers, 'table:start', { connectionId: 'c1', path: 'ip address' });
    expect(!path.ok && path.error.hint).toMatch(/like \/interface/);
    // What passes is normalised once, here: services see trimmed, typed values.
    const sent = await dispatch(services.handlers, 'console:send', { connectionId: 'c1', words: ['/x', '=a=b', '', ' '] });
    expect(sent).toEqual({ ok: true, value: { channel: 'console:send', args: { connectionId: 'c1', words: ['/x', '=a=b'] } } });
  });

  it('never echoes a rejected value (it may be a password)', async () => {
    const { handlers } = fakeServices();
    const secret = 'hunter2-' + 'x'.repeat(2000);
    for (const [channel, args] of [
      ['link:connect', { id: 'c1', password: secret }],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, password: secret } }],
      ['connections:save', { input: { ...SAMPLE_ARGS['connections:save'].input, port: 'hunter2' } }],
    ] as const) {
      const result = await dispatch(handlers, channel, args);
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain('hunter2');
    }
  });

  it('strips keys that are not in the contract', async () => {
    const services = fakeServices();
    // JSON.parse makes `__proto__` an own key, as a WebSocket message would.
    const args: unknown = JSON.parse('{"id":"c1","__proto__":{"polluted":1},"extra":"x"}');
    const result = await dispatch(services.handlers, 'link:disconnect', args);
    expect(result).toEqual({ ok: true, value: { channel: 'link:disconnect', args: { id: 'c1' } } });
    expect(Object.keys(services.calls[0]!.args as object)).toEqual(['id']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('normalises certificate fingerprints to colon-separated upper case', async () => {
    const services = fakeServices();
    const bare = FINGERPRINT.replace(/:/g, '').toLowerCase();
    const result = await dispatch(services.handlers, 'connections:trust', { id: 'c1', fingerprint256: bare });
    expect(result).toEqual({
      ok: true,
      value: { channel: 'connections:trust', args: { id: 'c1', fingerprint256: FINGERPRINT } },
    });
  });

  it('turns a throw into an error result with the supplied mapping', async () => {
    const services = fakeServices();
    services.behave('link:connect', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8728'), { code: 'ECONNREFUSED' });
    });
    const mapped = await dispatch(
      services.handlers,
      'link:connect',
      { id: 'c1' },
      {
        toBridgeError: (e) => ({ code: 'NETWORK', message: (e as Error).message, hint: 'Is the API service enabled?' }),
      },
    );
    expect(mapped).toEqual({
      ok: false,
      error: { code: 'NETWORK', message: 'connect ECONNREFUSED 127.0.0.1:8728', hint: 'Is the API service enabled?' },
    });

    const fallback = await dispatch(services.handlers, 'link:connect', { id: 'c1' });
    expect(fallback.ok === false && fallback.error.code).toBe('INTERNAL');

    const broken = await dispatch(
      services.handlers,
      'link:connect',
      { id: 'c1' },
      {
        toBridgeError: () => {
          throw new Error('mapper bug');
        },
      },
    );
    expect(broken.ok === false && broken.error).toMatchObject({
      code: 'INTERNAL',
      message: 'connect ECONNREFUSED 127.0.0.1:8728',
    });
  });

  it('passes a thrown BridgeError-shaped value through the fallback', async () => {
    const services = fakeServices();
    services.behave('connections:delete', async () => {
      throw {
        code: 'NOT_FOUND',
        message: 'No saved connection c9',
        hint: 'Reload the list',
        detail: { id: 'c9' },
        extra: 'dropped',
      };
    });
    expect(await dispatch(services.handlers, 'connections:delete', { id: 'c9' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No saved connection c9', hint: 'Reload the list', detail: { id: 'c9' } },
    });
    expect(isBridgeError({ code: 'BOGUS', message: 'x' })).toBe(false);
    expect(fallbackToBridgeError('plain string').code).toBe('INTERNAL');
  });

  it('formats zod paths', () => {
    expect(formatPath(['input', 'port'])).toBe('input.port');
    expect(formatPath(['words', 3])).toBe('words[3]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });

  it('settles every random call with a Result and calls handlers only with valid arguments (seeded)', async () => {
    const services = fakeServices();
    const channel = fc.oneof(fc.constantFrom(...CALL_CHANNELS), fc.string());
    const args = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(...Object.values(SAMPLE_ARGS)),
      fc.record(
        { id: fc.string(), connectionId: fc.string(), words: fc.array(fc.string()), path: fc.string(), input: fc.jsonValue() },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(channel, args, async (ch, a) => {
        const before = services.calls.length;
        const result = await dispatch(services.handlers, ch, a);
        if (result.ok) {
          expect(isCallName(ch)).toBe(true);
          expect(services.calls.length).toBe(before + 1);
        } else {
          expect(result.error.code).toBe('VALIDATION');
          expect(services.calls.length).toBe(before);
        }
      }),
      { seed: 20_250_401, numRuns: 2000 },
    );
  });
});
