import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTILE_URLS } from './hostile-urls';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);
const { isAllowedExternalUrl, openExternalUrl } = await import('../../src/electron/external');
const { resetFakeElectron, shell } = await import('./fake-electron');

describe('external links', () => {
  beforeEach(() => resetFakeElectron());

  it('allows https links to the documentation hosts only', () => {
    for (const url of [
      'https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API',
      'https://HELP.MikroTik.com/x',
      'https://mikrotik.com/',
      'https://tikscope.invalid/',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(true);
    }
    for (const url of [
      ...HOSTILE_URLS,
      'http://help.mikrotik.com/',
      'https://help.mikrotik.com.evil.com/',
      'https://help.mikrotik.com./',
      'https://evil.com/?https://help.mikrotik.com/',
      'https://user@help.mikrotik.com/',
      'https://help.mikrotik.com@evil.com/',
      'https://help.mikrotik.com:8443/',
      'https://hеlp.mikrotik.com/',
      'https://help.mikrotik.com\n.evil/',
      'file:///C:/Windows/System32/calc.exe',
      'smb://evil/share',
      'ms-msdt:/id PCWDiagnostic',
    ]) {
      expect(isAllowedExternalUrl(url), JSON.stringify(url)).toBe(false);
    }
  });

  it('hands only allowed URLs to the shell', async () => {
    expect(await openExternalUrl('https://evil.example/')).toBe(false);
    expect(await openExternalUrl('https://help.mikrotik.com/docs/')).toBe(true);
    expect(shell.opened).toEqual(['https://help.mikrotik.com/docs/']);
  });

  it('is the only module that calls openExternal', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && /\bopenExternal\s*\(/.test(readFileSync(path, 'utf8')))
          offenders.push(relative(src, path));
      }
    };
    walk(src);
    expect(offenders).toEqual(['electron/external.ts']);
  });
});
