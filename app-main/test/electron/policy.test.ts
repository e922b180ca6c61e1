import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HOSTILE_URLS } from './hostile-urls';
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  buildWebPreferences,
  checkSender,
  hasUnsafeUrlChars,
  isAllowedNavigation,
  isAppUrl,
  type FrameLike,
} from '../../src/electron/policy';

describe('buildWebPreferences', () => {
  it('isolates, sandboxes and leaves the dangerous switches at their safe defaults', () => {
    const prefs = buildWebPreferences('/opt/tikscope/resources/app.asar/out/preload/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
    expect(prefs.webSecurity).not.toBe(false);
    for (const key of ['allowRunningInsecureContent', 'experimentalFeatures', 'enableBlinkFeatures', 'webSecurity']) {
      expect(prefs, key).not.toHaveProperty(key);
    }
    expect(prefs.preload).toBe('/opt/tikscope/resources/app.asar/out/preload/preload.cjs');
  });

  it('wants an absolute preload path', () => {
    expect(() => buildWebPreferences('out/preload/preload.cjs')).toThrow(/absolute/);
  });

  it('registers the app scheme as standard and secure', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });
});

describe('isAllowedNavigation', () => {
  it('allows our own pages', () => {
    for (const url of [APP_ENTRY_URL, 'app://tikscope/', 'app://tikscope/index.html#/console', 'app://tikscope/other.html?x=1']) {
      expect(isAllowedNavigation(url), url).toBe(true);
    }
  });

  it('refuses the hostile corpus', () => {
    for (const url of HOSTILE_URLS) expect(isAllowedNavigation(url), JSON.stringify(url)).toBe(false);
    for (const value of [undefined, null, 42, {}, ['app://tikscope/']]) expect(isAllowedNavigation(value)).toBe(false);
  });

  it('refuses every web URL, including ones that start with our origin text (seeded)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withFragments: true, withQueryParameters: true }), (url) => {
        expect(isAllowedNavigation(url)).toBe(false);
        expect(isAllowedNavigation(url.replace(/^https?:\/\//, 'app://tikscope.'))).toBe(false);
        expect(isAllowedNavigation(url.replace(/^https?:\/\//, 'app://tikscope@'))).toBe(false);
      }),
      { seed: 1_337, numRuns: 1000 },
    );
  });

  it('allows any path on our origin and nothing once the authority is altered (seeded)', () => {
    fc.assert(
      fc.property(fc.webPath(), fc.string({ maxLength: 12 }), (path, junk) => {
        expect(isAllowedNavigation(`app://tikscope${path.startsWith('/') ? path : '/' + path}`)).toBe(!hasUnsafeUrlChars(path));
        // A lone ':' is an empty port, which is the same origin.
        if (!/^:?([/?#]|$)/.test(junk)) expect(isAppUrl(`app://tikscope${junk}/`)).toBe(false);
      }),
      { seed: 7_331, numRuns: 1000 },
    );
  });
});

describe('checkSender', () => {
  const ours = { id: 'ours' };
  const isOurs = (sender: unknown) => sender === ours;
  const top: FrameLike = { url: 'app://tikscope/index.html', parent: null };

  it('accepts the top frame of our window at our origin', () => {
    expect(checkSender({ sender: ours, senderFrame: top }, isOurs)).toBeNull();
  });

  it('refuses a missing frame, a sub-frame, a foreign window and a foreign origin', () => {
    const cases = [
      { sender: ours, senderFrame: null },
      { sender: ours, senderFrame: { url: 'app://tikscope/frame.html', parent: top } },
      { sender: { id: 'devtools' }, senderFrame: top },
      ...HOSTILE_URLS.map((url) => ({ sender: ours, senderFrame: { url, parent: null } })),
    ];
    for (const event of cases) {
      const refused = checkSender(event, isOurs);
      expect(refused?.code, JSON.stringify(event.senderFrame?.url)).toBe('FORBIDDEN');
      expect(refused?.message).toMatch(/^Bridge call refused: /);
    }
  });
});
