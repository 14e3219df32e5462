import { expect, type Page } from '@playwright/test';

/** Page object for the model registry (/registry). */
export class RegistryPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto('/registry');
    await expect(this.page.getByRole('heading', { name: 'Model registry' })).toBeVisible();
  }

  entries() {
    return this.page.getByTestId('registry-entry');
  }

  entry(name: string, version: string) {
    return this.page.locator(`[data-testid=registry-entry][data-name="${name}"][data-version="${version}"]`);
  }

  /** Clicks Export and returns the downloaded file's path. */
  async export(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('registry-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('modelgate-registry.json');
    return file.path();
  }

  async import(path: string) {
    await this.page.getByTestId('registry-import').setInputFiles(path);
    await expect(this.page.getByTestId('registry-import-result')).toBeVisible();
  }

  importResult() {
    return this.page.getByTestId('registry-import-result');
  }
}
