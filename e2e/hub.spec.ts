import { test, expect, type Page } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';

// A recorded-shape fixture of the Hub's API (test/fixtures/hub, scripts/gen_hub_fixture.ts): the only
// third-party service, served through Playwright routing since nothing may be downloaded here.
const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/hub/tiny-sentiment.json'), 'utf8'));
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Link,X-Error-Code,X-Error-Message,X-Repo-Commit,Retry-After',
  'content-type': 'application/json',
};

async function serveHub(page: Page, mutate: (body: { path: string; lfs?: { oid: string } }[]) => void = () => {}) {
  const requests: string[] = [];
  await page.route('https://huggingface.co/**', async (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url.includes('/revision/')) return route.fulfill({ status: 200, headers: CORS, json: fixture.revision.body });
    const found = fixture.pages.find((p: { url: string }) => p.url === url);
    if (!found) return route.fulfill({ status: 404, headers: { ...CORS, 'x-error-code': 'EntryNotFound' }, json: {} });
    const body = structuredClone(found.body);
    mutate(body);
    return route.fulfill({ status: 200, headers: { ...CORS, ...found.headers }, json: body });
  });
  return requests;
}

async function verifyDemoAgainstHub(page: Page) {
  const verify = new VerifyPage(page);
  await verify.open();
  await page.getByTestId('verify-options').locator('summary').click();
  await page.getByTestId('enable-hub').click();
  await expect(page).toHaveURL(/\?hub=on$/);
  await verify.hydrated();
  await page.getByTestId('verify-options').locator('summary').click();
  await page.getByTestId('opt-hub-repo').fill(fixture.repo);
  await page.getByTestId('opt-hub-revision').fill('main');
  await page.getByTestId('try-demo').click();
  await verify.waitForReport();
  await page.getByRole('button', { name: 'Show details' }).click();
  return verify;
}

test('only the page the user opened for the Hub may contact huggingface.co', async ({ page }) => {
  const plain = await page.goto('/');
  expect(plain?.headers()['content-security-policy']).not.toContain('huggingface.co');
  const hub = await page.goto('/?hub=on');
  expect(hub?.headers()['content-security-policy']).toContain("connect-src 'self' https://huggingface.co blob:");
});

test('the demo matches its Hub revision file by file, resolved from a branch to a commit', async ({ page }) => {
  const requests = await serveHub(page);
  const verify = await verifyDemoAgainstHub(page);
  await expect(verify.verdict()).toHaveText('Pass');
  await expect(page.getByTestId('check-list')).toContainText(`5 of 5 files match the Hub revision`);
  await expect(page.getByTestId('check-list')).toContainText(fixture.commit.slice(0, 7));
  // Both pages of the paginated tree were read, at the commit the branch resolved to.
  expect(requests.filter((u) => u.includes('/tree/'))).toHaveLength(2);
  expect(requests.every((u) => !u.includes('/tree/main'))).toBe(true);
});

test('a file that differs from the Hub revision fails the report and is named', async ({ page }) => {
  await serveHub(page, (body) => {
    const entry = body.find((e) => e.path === 'model.safetensors');
    if (entry?.lfs) entry.lfs.oid = 'f'.repeat(64);
  });
  const verify = await verifyDemoAgainstHub(page);
  await expect(verify.verdict()).toHaveText('Fail');
  await expect(page.getByTestId('findings')).toContainText('model.safetensors');
});
