import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { parseHostArgs, UsageError } from '../../src/host/cli';
import { defaultDataDir } from '../../src/host/paths';

describe('npm run web arguments', () => {
  it('reads --port and --data-dir in both spellings', () => {
    expect(parseHostArgs([])).toEqual({
      port: undefined,
      dataDir: undefined,
      rendererDir: undefined,
      mndpPort: undefined,
      help: false,
    });
    expect(parseHostArgs(['--port', '0', '--data-dir', 'tmp/x'])).toEqual({
      port: 0,
      dataDir: resolve('tmp/x'),
      rendererDir: undefined,
      mndpPort: undefined,
      help: false,
    });
    expect(parseHostArgs(['--port=8080', '--data-dir=/d'])).toMatchObject({ port: 8080, dataDir: resolve('/d') });
    expect(parseHostArgs(['--help']).help).toBe(true);
  });

  it('reads --mndp-port (neighbour discovery on another UDP port)', () => {
    expect(parseHostArgs(['--mndp-port', '15678']).mndpPort).toBe(15678);
    expect(parseHostArgs(['--mndp-port=5678']).mndpPort).toBe(5678);
  });

  it('names what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['--port'], /--port needs a value/],
      [['--port', 'http'], /--port must be a number from 0 to 65535, got "http"/],
      [['--port', '65536'], /--port must be a number/],
      [['--port', '-1'], /--port must be a number/],
      [['--data-dir'], /--data-dir needs a value/],
      [['--data-dir='], /--data-dir needs a value/],
      [['--verbose'], /unknown option "--verbose"/],
      [['--mndp-port', '0'], /--mndp-port must be a number from 1 to 65535, got "0"/],
      [['--mndp-port', 'udp'], /--mndp-port must be a number from 1 to 65535, got "udp"/],
      [['--mndp-port'], /--mndp-port needs a value/],
      [['8080'], /unknown option "8080"/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseHostArgs(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseHostArgs(argv)).toThrow(message);
    }
  });

  it('keeps data per user, apart from the desktop profile', () => {
    expect(defaultDataDir({}, 'linux', '/home/ana')).toBe(join('/home/ana', '.config', 'tikscope-web'));
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ana')).toBe(join('/cfg', 'tikscope-web'));
    expect(defaultDataDir({}, 'darwin', '/Users/ana')).toBe(join('/Users/ana', 'Library', 'Application Support', 'tikscope-web'));
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ana')).toBe(
      join('C:\\Users\\ana\\AppData\\Roaming', 'tikscope-web'),
    );
  });
});
