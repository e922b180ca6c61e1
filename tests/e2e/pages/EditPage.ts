import type { Locator } from 'playwright-core';
import type { WorkspacePage } from './WorkspacePage';

/** Editing from the Tables (issue 14): rows, the action buttons and the row-action dialog. */
export class EditPage {
  constructor(readonly ws: WorkspacePage) {}

  /** The live table's row whose cells include `cell` exactly. */
  row(path: string, cell: string): Locator {
    return this.ws
      .table(path)
      .getByRole('row')
      .filter({ has: this.ws.app.page.getByRole('cell', { name: cell, exact: true }) });
  }

  /** The text of `column` in the row that has `cell`. */
  async cellOf(path: string, cell: string, column: string): Promise<string> {
    const headers = await this.ws.table(path).getByRole('columnheader').allTextContents();
    const index = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === column);
    if (index < 0) throw new Error(`no column ${column} in ${headers.join(', ')}`);
    return (await this.row(path, cell).getByRole('cell').nth(index).textContent()) ?? '';
  }

  action(name: 'Add' | 'Edit' | 'Remove' | 'Enable' | 'Disable' | 'Comment'): Locator {
    return this.ws.region.getByRole('group', { name: 'Row actions' }).getByRole('button', { name, exact: true });
  }

  dialog(): Locator {
    return this.ws.app.page.getByRole('dialog');
  }

  sentence(): Locator {
    return this.dialog().getByRole('region', { name: 'API sentence', exact: true });
  }

  field(name: string): Locator {
    return this.dialog().getByLabel(name, { exact: true });
  }

  send(): Locator {
    return this.dialog().getByRole('button', { name: 'Send', exact: true });
  }
}
