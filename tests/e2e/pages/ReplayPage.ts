import type { Download, Locator, Page } from 'playwright-core';
import type { WorkspacePage } from './WorkspacePage';

/** The Replay dialog of a workspace's trace, and the repro bundle dialog. */
export class ReplayPage {
  readonly page: Page;

  constructor(readonly ws: WorkspacePage) {
    this.page = ws.app.page;
  }

  /** Trace tab → Replay…; waits for the list of sentences. */
  async open(): Promise<Locator> {
    await this.ws.open('Trace');
    await this.ws.region.getByRole('button', { name: 'Replay…', exact: true }).click();
    await this.sentences().waitFor();
    return this.dialog();
  }

  dialog(): Locator {
    return this.page.getByRole('dialog', { name: /^Replay the trace of / });
  }

  sentences(): Locator {
    return this.dialog().getByRole('table', { name: 'Sentences to replay' });
  }

  /** The checkbox of a sentence, named by its words joined with spaces. */
  sentence(words: string[]): Locator {
    return this.sentences().getByRole('checkbox', { name: `Replay ${words.join(' ')}`, exact: true });
  }

  /** The row of a sentence in the list. */
  sentenceRow(words: string[]): Locator {
    return this.sentences()
      .getByRole('row')
      .filter({ has: this.page.getByRole('checkbox', { name: `Replay ${words.join(' ')}`, exact: true }) });
  }

  async target(name: string): Promise<void> {
    await this.dialog().getByRole('combobox', { name: 'Target router' }).selectOption({ label: name });
  }

  async showBackground(show: boolean): Promise<void> {
    await this.dialog()
      .getByRole('checkbox', { name: /^Show sentences Tikscope sent itself/ })
      .setChecked(show);
  }

  async setStreamSeconds(seconds: number): Promise<void> {
    await this.dialog().getByRole('spinbutton', { name: '…or after (seconds)' }).fill(String(seconds));
  }

  replayButton(): Locator {
    return this.dialog().getByRole('button', { name: /^(Replay \d+ sentences?|Replay again)$/ });
  }

  confirmation(): Locator {
    return this.page.getByRole('alertdialog');
  }

  results(): Locator {
    return this.dialog().getByRole('table', { name: 'Replay comparison' });
  }

  /** The result row of a sentence (its first cell holds the words). */
  resultRow(words: string[]): Locator {
    return this.results()
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: words.join(' '), exact: true }) });
  }

  /** The cells of a result row as text. */
  async resultCells(words: string[]): Promise<string[]> {
    return (await this.resultRow(words).getByRole('cell').allTextContents()).map((t) => t.trim());
  }

  /** Waits for the summary of a finished replay. */
  async waitForResults(): Promise<string> {
    const summary = this.dialog()
      .getByRole('status')
      .filter({ hasText: /^Replayed / });
    await summary.waitFor();
    return (await summary.textContent()) ?? '';
  }

  async details(words: string[]): Promise<string[]> {
    await this.results()
      .getByRole('button', { name: `differs — details of ${words.join(' ')}` })
      .click();
    return this.results()
      .getByRole('list', { name: `Differences of ${words.join(' ')}` })
      .getByRole('listitem')
      .allTextContents();
  }

  async close(): Promise<void> {
    await this.dialog().getByRole('button', { name: 'Close', exact: true }).click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /** Trace tab → Export repro bundle…, types the description, returns the download. */
  async exportBundle(description: string): Promise<Download> {
    await this.ws.open('Trace');
    await this.ws.region.getByRole('button', { name: 'Export repro bundle…', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: /^Export a repro bundle of / });
    await dialog.getByRole('textbox', { name: 'What happened' }).fill(description);
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export bundle', exact: true }).click(),
    ]);
    await dialog.waitFor({ state: 'detached' });
    return download;
  }
}
