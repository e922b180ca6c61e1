import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { WorkspacePage } from './WorkspacePage';

export interface ConnectionFields {
  name?: string;
  host?: string;
  port?: string | number;
  transport?: 'plain' | 'tls-verify' | 'tls-pinned' | 'tls-anonymous';
  user?: string;
  password?: string;
  group?: string;
}

/**
 * The whole window: the router sidebar, the connection form, the workspace bar. Locators live here
 * and in WorkspacePage only; specs speak in intents (connect, send, start a table).
 */
export class AppPage {
  /** Uncaught page errors and console errors: any of them fails the test. */
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console error: ${m.text()}`);
    });
  }

  static async open(browser: Browser, url: string, opts: { colorScheme: 'dark' | 'light' }): Promise<AppPage> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: opts.colorScheme,
      acceptDownloads: true,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const app = new AppPage(context, page);
    await page.goto(url);
    await app.ready();
    return app;
  }

  /** The root reports `ready` once the bridge answered. */
  async ready(): Promise<void> {
    try {
      await this.page.locator('[data-app-state="ready"]').waitFor();
    } catch (e) {
      const state = await this.page
        .locator('[data-app-state]')
        .getAttribute('data-app-state')
        .catch(() => 'none');
      throw new Error(`the app did not become ready (data-app-state=${state}); page errors: ${JSON.stringify(this.errors)}`, {
        cause: e,
      });
    }
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  // ---- sidebar

  routerList(): Locator {
    return this.page.getByRole('listbox', { name: 'Routers' });
  }

  router(name: string): Locator {
    return this.routerList().getByRole('option', { name, exact: true });
  }

  /** The state line of a router in the sidebar ("Connected", "Reconnecting in 3 s…", …). */
  routerState(name: string): Locator {
    return this.router(name).locator('.conn-state');
  }

  async waitForState(name: string, text: string | RegExp, timeout?: number): Promise<void> {
    await this.router(name)
      .getByText(text)
      .waitFor(timeout ? { timeout } : undefined);
  }

  action(name: 'Connect' | 'Disconnect' | 'Edit' | 'Duplicate' | 'Delete'): Locator {
    return this.page.getByRole('toolbar', { name: 'Router actions' }).getByRole('button', { name, exact: true });
  }

  async select(name: string): Promise<void> {
    await this.router(name).click();
  }

  /** Selects the router, presses Connect and waits for "Connected" and its workspace. */
  async connect(name: string): Promise<WorkspacePage> {
    await this.select(name);
    await this.action('Connect').click();
    await this.waitForState(name, 'Connected');
    const ws = this.workspace(name);
    await ws.region.waitFor();
    return ws;
  }

  // ---- connection form

  dialog(name: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name });
  }

  async fillConnectionForm(dialog: Locator, f: ConnectionFields): Promise<void> {
    const field = (label: string) => dialog.getByLabel(label, { exact: true });
    if (f.name !== undefined) await field('Name').fill(f.name);
    if (f.host !== undefined) await field('Host').fill(f.host);
    if (f.transport !== undefined) await field('Transport').selectOption(f.transport);
    if (f.port !== undefined) await field('Port').fill(String(f.port));
    if (f.user !== undefined) await field('User').fill(f.user);
    if (f.password !== undefined) await field('Password').fill(f.password);
    if (f.group !== undefined) await field('Group').fill(f.group);
  }

  async addConnection(f: ConnectionFields): Promise<void> {
    await this.page.getByRole('button', { name: 'Add connection', exact: true }).click();
    const dialog = this.dialog('Add connection');
    await this.fillConnectionForm(dialog, f);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    if (f.name) await this.router(f.name).waitFor();
  }

  async editConnection(name: string, f: ConnectionFields): Promise<void> {
    await this.select(name);
    await this.action('Edit').click();
    const dialog = this.dialog(`Edit ${name}`);
    await this.fillConnectionForm(dialog, f);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** Delete asks first (an alertdialog); this confirms it and waits until the router is gone. */
  async deleteConnection(name: string): Promise<void> {
    await this.select(name);
    await this.action('Delete').click();
    await this.alertDialog(`Delete ${name}?`).getByRole('button', { name: 'Delete', exact: true }).click();
    await this.router(name).waitFor({ state: 'detached' });
  }

  /** A confirmation (role alertdialog), e.g. "Delete core-1?". */
  alertDialog(name: string | RegExp): Locator {
    return this.page.getByRole('alertdialog', { name });
  }

  /** The region with the notifications (above the workspaces). */
  notices(): Locator {
    return this.page.getByRole('region', { name: 'Notifications', exact: true });
  }

  /** A notification (status or alert) containing the text. */
  notice(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }

  // ---- workspaces

  workspace(name: string): WorkspacePage {
    return new WorkspacePage(
      this,
      this.page.getByRole('main', { name: 'Workspaces' }).getByRole('region', { name, exact: true }),
    );
  }

  workspaceTab(name: string): Locator {
    return this.page.getByRole('tablist', { name: 'Open routers' }).getByRole('tab', { name, exact: true });
  }

  async sideBySide(): Promise<void> {
    const button = this.page.getByRole('button', { name: 'Side by side', exact: true });
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  }

  /** Opens a JSON Lines trace through "Import trace…"; returns its read-only workspace. */
  async importTrace(fileName: string, content: string): Promise<WorkspacePage> {
    await this.page
      .getByLabel('Import JSON Lines trace', { exact: true })
      .setInputFiles({ name: fileName, mimeType: 'application/x-ndjson', buffer: Buffer.from(content, 'utf8') });
    const ws = this.workspace(`Trace ${fileName}`);
    await ws.region.waitFor();
    return ws;
  }

  /** Picks a theme in the top bar and waits until the window shows it. */
  async setTheme(theme: 'system' | 'light' | 'dark'): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Theme', exact: true }).selectOption(theme);
    const expected =
      theme === 'system'
        ? await this.page.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'))
        : theme;
    await this.page.locator(`[data-app-state="ready"][data-theme="${expected}"]`).waitFor();
  }

  /** Closes every notification (so screenshots show the app, not the toasts). */
  async dismissNotices(): Promise<void> {
    // Under an open dialog the notices are inert with the rest of the window (they show dimmed).
    if ((await this.page.locator('.shell[inert]').count()) > 0) return;
    const buttons = this.page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: /^Dismiss/ });
    while ((await buttons.count()) > 0) await buttons.first().click();
  }

  /** `animations: 'allow'` keeps a running flash visible; by default they are finished first. */
  async screenshot(path: string, opts: { animations?: 'allow' | 'disabled' } = {}): Promise<void> {
    await this.dismissNotices();
    await this.page.screenshot({ path, animations: opts.animations ?? 'disabled' });
  }
}
