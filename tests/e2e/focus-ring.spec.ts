import { describe, expect, it } from 'vitest';
import { e2eSuite } from './fixtures';

/**
 * A clearly visible focus ring everywhere (issue 14, "Also"): Tab through the window with a router
 * connected and a live table running; every control that takes the focus shows a 2 px outline
 * that stands out from its background.
 */
describe('focus ring', () => {
  const suite = e2eSuite();

  it('every control reached with Tab shows a 2 px outline', async () => {
    const { app } = await suite.open();
    const ws = await app.connect('Demo router');
    await ws.send(['/interface/print']);
    await ws.waitForOutcome('/interface/print', 'done');
    await app.page.locator('body').click({ position: { x: 5, y: 5 } });
    const faults = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await app.page.keyboard.press('Tab');
      const r = await app.page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return undefined;
        const st = getComputedStyle(el);
        const name = `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}”`;
        return { name, style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
      });
      if (!r) continue;
      seen.add(r.name);
      if (r.style === 'none' || r.width < 2) faults.add(`${r.name}: outline ${r.style} ${r.width}px`);
    }
    expect(seen.size).toBeGreaterThan(15);
    expect([...faults]).toEqual([]);
  });
});
