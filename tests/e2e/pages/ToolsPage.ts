import type { Download, Locator } from 'playwright-core';
import type { AppPage } from './AppPage';

/** The multi-router tools: Broadcast and Compare tables, opened from the workspace bar. */
export class ToolsPage {
  constructor(readonly app: AppPage) {}

  private get page() {
    return this.app.page;
  }

  button(name: 'Broadcast' | 'Compare tables'): Locator {
    return this.page.getByRole('group', { name: 'Multi-router tools' }).getByRole('button', { name, exact: true });
  }

  region(name: 'Broadcast' | 'Compare tables'): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  async open(name: 'Broadcast' | 'Compare tables'): Promise<Locator> {
    if ((await this.button(name).getAttribute('aria-pressed')) !== 'true') await this.button(name).click();
    const region = this.region(name);
    await region.waitFor();
    return region;
  }

  /** Checks exactly these routers in the tool's router group (unchecks the others). */
  async chooseRouters(region: Locator, group: 'Send to' | 'Compare', names: string[]): Promise<void> {
    const boxes = region.getByRole('group', { name: group, exact: true }).getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) if (await boxes.nth(i).isChecked()) await boxes.nth(i).uncheck();
    // In the given order: a broadcast with "stop on first error" goes through them in this order.
    for (const n of names)
      await region
        .getByRole('group', { name: group, exact: true })
        .getByRole('checkbox', { name: new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) })
        .check();
  }

  // ---- broadcast

  async typeSentence(words: string[]): Promise<void> {
    await this.region('Broadcast').getByRole('textbox', { name: 'Sentence', exact: true }).fill(words.join('\n'));
  }

  async setStopOnFirstError(on: boolean): Promise<void> {
    await this.region('Broadcast').getByRole('checkbox', { name: 'Stop on first error', exact: true }).setChecked(on);
  }

  async setSnapshotBefore(on: boolean): Promise<void> {
    await this.region('Broadcast').getByRole('checkbox', { name: 'Snapshot before write', exact: true }).setChecked(on);
  }

  async pressSend(): Promise<void> {
    await this.region('Broadcast').getByRole('button', { name: 'Send to selected', exact: true }).click();
  }

  confirmation(): Locator {
    return this.page.getByRole('alertdialog');
  }

  results(): Locator {
    return this.region('Broadcast').getByRole('table', { name: 'Broadcast results', exact: true });
  }

  /** The result row of a router (its first cell starts with the router's name). */
  resultRow(name: string): Locator {
    return this.results()
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) }) });
  }

  /** The outcome cell (second) of a router's row, once its text starts with `outcome`. */
  async waitForOutcome(name: string, outcome: string): Promise<Locator> {
    const cell = this.resultRow(name).getByRole('cell').nth(1);
    await cell.filter({ hasText: new RegExp(`^${outcome}`) }).waitFor();
    return cell;
  }

  // ---- diff

  async compare(path: string, opts: { query?: string; properties?: string } = {}): Promise<Locator> {
    const region = this.region('Compare tables');
    await region.getByRole('textbox', { name: 'Path', exact: true }).fill(path);
    await region.getByRole('textbox', { name: 'Query', exact: true }).fill(opts.query ?? '');
    await region.getByRole('textbox', { name: 'Properties', exact: true }).fill(opts.properties ?? '');
    const button = region.getByRole('button', { name: /^(Compare|Refresh)$/ });
    await button.click();
    const table = region.getByRole('table', { name: `Diff ${path}`, exact: true });
    await table.waitFor();
    return table;
  }

  async matchBy(key: string): Promise<void> {
    await this.region('Compare tables').getByRole('combobox', { name: 'Match rows by', exact: true }).selectOption(key);
  }

  /** The rows of one key (a row group: one row per router). */
  group(table: Locator, key: string): Locator {
    return table.getByRole('rowgroup').filter({ has: this.page.getByRole('rowheader', { name: key, exact: true }) });
  }

  async download(region: Locator, button: string): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      region.getByRole('button', { name: button, exact: true }).click(),
    ]);
    return download;
  }
}
