import { expect, type Page } from '@playwright/test';

/** Page object for the report link viewer (/r#…). */
export class ReportViewerPage {
  constructor(readonly page: Page) {}

  async open(link: string) {
    await this.page.goto(link);
    await expect(this.status()).not.toHaveAttribute('data-status', 'checking');
  }

  status() {
    return this.page.getByTestId('signature-status');
  }
}
