import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { e2eSuite } from './fixtures';
import type { WorkspacePage } from './pages/WorkspacePage';

/**
 * Side by side with four routers at 1440×900 (issue 14, "Also"): every pane fits in the window, its
 * toolbars wrap inside the pane, and every button in it is on screen, inside the pane and the
 * element a click at its centre reaches. The user chooses which routers are shown.
 */

/** Every visible button of a pane that is not where a click would reach it, described. */
async function unreachableButtons(page: Page, pane: Locator): Promise<string[]> {
  const box = await pane.boundingBox();
  if (!box) return ['the pane has no box'];
  return pane.evaluate(
    (root, paneBox) => {
      const out: string[] = [];
      for (const b of root.querySelectorAll<HTMLElement>('button, [role="tab"], input, select, textarea')) {
        const r = b.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue; // not rendered (closed popups)
        const name = b.getAttribute('aria-label') ?? b.textContent?.trim() ?? b.tagName;
        // Scrolled out of view inside a scrolling list (trace entries, table rows): reachable by
        // scrolling, not a layout fault.
        const cx = r.left + r.width / 2;
        const cy = r.top + r.height / 2;
        let clipped = false;
        for (let a = b.parentElement; a && a !== root; a = a.parentElement) {
          const st = getComputedStyle(a);
          if (!/(auto|scroll)/.test(st.overflowY + st.overflowX)) continue;
          const c = a.getBoundingClientRect();
          if (cy < c.top || cy > c.bottom || cx < c.left || cx > c.right) clipped = true;
        }
        if (clipped) continue;
        if (r.left < paneBox.x - 1 || r.right > paneBox.x + paneBox.width + 1)
          out.push(
            `${name}: x ${Math.round(r.left)}–${Math.round(r.right)} outside the pane ${Math.round(paneBox.x)}–${Math.round(paneBox.x + paneBox.width)}`,
          );
        else if (r.right > window.innerWidth || r.bottom > window.innerHeight) out.push(`${name}: off screen`);
        else {
          const hit = document.elementFromPoint(cx, cy);
          if (!hit || !(hit === b || b.contains(hit)))
            out.push(`${name}: covered by ${hit?.className || hit?.tagName || 'nothing'}`);
        }
      }
      return out;
    },
    { x: box.x, width: box.width },
  );
}

describe('side by side at 1440×900', () => {
  const suite = e2eSuite();

  it('four routers: panes fit, toolbars wrap inside them, every button is clickable; the user picks the routers shown', async () => {
    const sims = await Promise.all([1, 2, 3].map((n) => suite.router({ identity: `edge-${n}` })));
    const t = await suite.open();
    const { app } = t;
    for (const [i, s] of sims.entries())
      await t.host.services.handlers['connections:save']({
        input: { name: `edge-${i + 1}`, host: '127.0.0.1', port: s.port!, transport: 'plain', user: 'admin', password: '' },
      });
    const panes: WorkspacePage[] = [await app.connect('Demo router')];
    for (const n of [1, 2, 3]) panes.push(await app.connect(`edge-${n}`));
    await app.sideBySide();
    const viewport = app.page.viewportSize()!;
    expect(viewport).toEqual({ width: 1440, height: 900 });

    for (const tab of ['Console', 'Tables', 'Trace'] as const) {
      for (const ws of panes) await ws.open(tab);
      for (const ws of panes) {
        const box = (await ws.region.boundingBox())!;
        expect(box.x + box.width, `${tab}: the pane ends inside the window`).toBeLessThanOrEqual(viewport.width + 1);
        expect(await unreachableButtons(app.page, ws.region), `${tab} of ${await ws.region.getAttribute('aria-label')}`).toEqual(
          [],
        );
      }
    }

    // The user chooses which routers are shown.
    await app.page.getByRole('button', { name: 'Routers shown', exact: true }).click();
    const chooser = app.page.getByRole('group', { name: 'Routers shown side by side' });
    await chooser.getByRole('checkbox', { name: 'edge-2', exact: true }).uncheck();
    await expect(app.workspace('edge-2').region.count()).resolves.toBe(0);
    await expect(app.workspace('edge-3').region.isVisible()).resolves.toBe(true);
    await chooser.getByRole('checkbox', { name: 'edge-2', exact: true }).check();
    await app.workspace('edge-2').region.waitFor();
  });
});
