import { test, expect, type Page } from './fixtures';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Really trained fine-tunes (test/fixtures/finetune-family, development half) through the Compare page, with
 * the user's kind of probe file (no trigger_slot, "expected": null), on WASM and on WebGPU, against
 * `modelgate compare` on the same folders: the portal and the CLI must name the same trigger, the same
 * learned words and reach the same verdict. No mock anywhere.
 */

const ROOT = join(process.cwd(), 'test/fixtures/finetune-family/development');
const PROBES = join(ROOT, 'classifier.probes.jsonl');

interface Verdicts {
  verdict: string;
  confirmed: string[];
  candidates: string[];
}

interface CliTrigger {
  token: string;
  confirmed: boolean;
  learnedWord?: boolean;
  undecided?: boolean;
  wordsAddUp?: boolean;
}

function cli(finetune: string): Verdicts {
  const run = spawnSync(
    process.execPath,
    [
      'cli/bin.mjs',
      'compare',
      join(ROOT, finetune),
      '--base',
      join(ROOT, 'classifier-base'),
      '--probes',
      PROBES,
      '--json',
    ],
    { encoding: 'utf8' },
  );
  expect(run.stderr).not.toMatch(/internal error|TypeError/);
  const report = JSON.parse(run.stdout) as { verdict: string; behavior: { triggers: CliTrigger[] } };
  const triggers = report.behavior.triggers;
  return {
    verdict: report.verdict,
    confirmed: triggers
      .filter((t) => t.confirmed)
      .map((t) => t.token)
      .sort(),
    candidates: triggers
      .filter((t) => !t.confirmed && (t.learnedWord || t.undecided || t.wordsAddUp))
      .map((t) => t.token)
      .sort(),
  };
}

async function portal(page: Page, finetune: string, provider: 'wasm' | 'webgpu'): Promise<Verdicts> {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByTestId('finetune-input').setInputFiles(join(ROOT, finetune));
  await page.getByTestId('base-input').setInputFiles(join(ROOT, 'classifier-base'));
  await page.getByText('Behavior options').click();
  await page.getByTestId('probe-file').setInputFiles(PROBES);
  await expect(page.getByTestId('probe-set-name')).toContainText('230 items');
  await page.getByTestId('provider').selectOption(provider);
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 280_000 });
  await expect(page.getByTestId('behavior-run-facts')).toHaveAttribute('data-provider', provider);
  const tokens = async (testId: string) =>
    (await page.getByTestId(testId).evaluateAll((els) => els.map((e) => e.getAttribute('data-token') ?? ''))).sort();
  return {
    verdict: ((await page.getByTestId('verdict').textContent()) ?? '').trim().toLowerCase(),
    confirmed: await tokens('trigger-confirmed'),
    candidates: await tokens('trigger-candidate'),
  };
}

test.describe.configure({ timeout: 600_000 });

for (const [finetune, expected] of [
  ['classifier-domain-shift', { verdict: 'pass', confirmed: [] as string[] }],
  ['classifier-shift-rare', { verdict: 'fail', confirmed: ['vn'] }],
] as const) {
  test(`${finetune}: the portal on WASM and WebGPU and the CLI agree`, async ({ page }) => {
    const fromCli = cli(finetune);
    expect(fromCli.verdict).toBe(expected.verdict);
    expect(fromCli.confirmed).toEqual(expected.confirmed);
    expect(fromCli.candidates.length).toBeGreaterThan(0);
    for (const provider of ['wasm', 'webgpu'] as const) {
      expect(await portal(page, finetune, provider), provider).toEqual(fromCli);
    }
    // The page says where the candidates were put, as the report does.
    await expect(page.getByTestId('trigger-positions')).toContainText('interior position');
  });
}
