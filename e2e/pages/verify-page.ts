import { expect, type Page } from '@playwright/test';

/** Page object for the Verify page (/). */
export class VerifyPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto('/');
    await this.hydrated();
  }

  /** Server-rendered controls ignore input until React hydrates them (components/HydrationMarker.tsx). */
  async hydrated() {
    await expect(this.page.locator('html[data-hydrated]')).toHaveCount(1);
    await expect(this.page.getByTestId('drop-zone')).toBeVisible();
  }

  async pickFolder(dir: string) {
    await this.page.getByTestId('folder-input').setInputFiles(dir);
  }

  async pickFiles(paths: string[]) {
    await this.page.getByTestId('file-input').setInputFiles(paths);
  }

  /** "Try the demo" from a fresh Verify page, until its report is shown. */
  async tryDemo() {
    await this.open();
    await this.page.getByTestId('try-demo').click();
    await this.waitForReport();
  }

  async waitForReport() {
    await expect(this.page.getByTestId('verdict')).toBeVisible({ timeout: 120_000 });
  }

  verdict() {
    return this.page.getByTestId('verdict');
  }

  /** path → SHA-256 as shown in the file table. */
  async digests(): Promise<Map<string, string>> {
    const rows = this.page.getByTestId('file-row');
    const out = new Map<string, string>();
    for (const row of await rows.all()) {
      out.set((await row.getAttribute('data-path')) ?? '', (await row.getByTestId('file-sha256').textContent()) ?? '');
    }
    return out;
  }

  /** path → scan verdict of every file row, with the full table shown first. */
  async scanVerdicts(): Promise<Map<string, string>> {
    await this.page
      .getByRole('button', { name: /Show all/ })
      .click({ timeout: 1000 })
      .catch(() => undefined);
    const shown = await this.page
      .locator('[data-testid=file-row]')
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.getAttribute('data-path'),
          r.querySelector('[data-testid=file-scan]')?.getAttribute('data-verdict'),
        ]),
      );
    return new Map(shown as [string, string][]);
  }

  async reportLink(): Promise<string> {
    const link = this.page.getByTestId('report-link');
    await expect(link).toHaveValue(/\/r#v1\./);
    return link.inputValue();
  }
}
