import type { Download, Locator } from 'playwright-core';
import type { AppPage } from './AppPage';

/** One router's workspace: header, and its Console / Tables / Trace tabs. */
export class WorkspacePage {
  constructor(
    readonly app: AppPage,
    readonly region: Locator,
  ) {}

  tab(name: 'Console' | 'Tables' | 'Trace' | 'History'): Locator {
    return this.region.getByRole('tablist').getByRole('tab', { name, exact: true });
  }

  async open(name: 'Console' | 'Tables' | 'Trace' | 'History'): Promise<void> {
    await this.tab(name).click();
  }

  header(): Locator {
    return this.region.locator('header.ws-head');
  }

  // ---- console

  sentence(): Locator {
    return this.region.getByRole('textbox', { name: 'Sentence', exact: true });
  }

  /** Types the words (one per line) and sends with Ctrl+Enter. */
  async send(words: string[]): Promise<void> {
    await this.open('Console');
    await this.sentence().fill(words.join('\n'));
    await this.sentence().press('Control+Enter');
  }

  /** The card of the newest command whose first word is `command`. */
  command(command: string): Locator {
    return this.region
      .getByRole('article', { name: new RegExp(`^${command.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')} — `) })
      .last();
  }

  async waitForOutcome(command: string, outcome: string): Promise<Locator> {
    const card = this.command(command);
    await card.locator('.cmd-status').getByText(outcome, { exact: true }).waitFor();
    return card;
  }

  replyKind(card: Locator, kind: string): Locator {
    return card.locator('.w-kind').getByText(kind, { exact: true });
  }

  // ---- tables

  async startTable(path: string): Promise<Locator> {
    await this.open('Tables');
    await this.region.getByRole('textbox', { name: 'Path', exact: true }).fill(path);
    await this.region.getByRole('button', { name: 'Start', exact: true }).click();
    const table = this.table(path);
    await table.waitFor();
    return table;
  }

  table(path: string): Locator {
    return this.region.getByRole('grid', { name: `Live table ${path}` });
  }

  /** Hides columns with the column chooser (remembered per path by the app). */
  async hideColumns(names: string[]): Promise<void> {
    await this.region.getByRole('button', { name: 'Columns', exact: true }).click();
    const chooser = this.region.getByRole('group', { name: /^Columns of / });
    for (const n of names) await chooser.getByRole('checkbox', { name: n, exact: true }).uncheck();
    await chooser.getByRole('button', { name: 'Done', exact: true }).click();
  }

  /** Keeps only these columns visible (in the chooser's order). */
  async showOnlyColumns(keep: string[]): Promise<void> {
    await this.region.getByRole('button', { name: 'Columns', exact: true }).click();
    const chooser = this.region.getByRole('group', { name: /^Columns of / });
    const boxes = chooser.getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i);
      const label = ((await box.locator('xpath=..').textContent()) ?? '').trim();
      if (keep.includes(label)) await box.check();
      else await box.uncheck();
    }
    await chooser.getByRole('button', { name: 'Done', exact: true }).click();
  }

  columnHeaders(table: Locator): Locator {
    return table.getByRole('columnheader');
  }

  cell(table: Locator, text: string): Locator {
    return table.getByRole('cell', { name: text, exact: true }).first();
  }

  /** Clicks an export button and returns the download. */
  async download(button: string): Promise<Download> {
    const [download] = await Promise.all([
      this.app.page.waitForEvent('download'),
      this.region.getByRole('button', { name: button, exact: true }).click(),
    ]);
    return download;
  }

  // ---- trace

  traceList(): Locator {
    return this.region.getByRole('list', { name: /^(Trace|Imported trace)$/ });
  }

  async filterTrace(text: string): Promise<void> {
    await this.region.getByLabel('Text', { exact: true }).fill(text);
  }

  traceItem(text: string): Locator {
    return this.traceList().getByRole('listitem').filter({ hasText: text });
  }
}
