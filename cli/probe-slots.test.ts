import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PROBES, compareCommand } from './compare-command.ts';

/**
 * A user's probe file has no trigger_slot: the trigger scan must reach the same verdicts on the demo pairs with
 * the built-in probe sets as with the same items stripped of their slots (the scan then picks the positions).
 */

const demo = (name: string) => join(dirname(fileURLToPath(import.meta.url)), '..', 'public/demo', name);

function withoutSlots(file: string, dir: string): string {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const stripped = lines.map((line) => {
    const { trigger_slot: _slot, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  const out = join(dir, `no-slots-${file.split('/').pop()}`);
  writeFileSync(out, `${stripped.join('\n')}\n`);
  return out;
}

async function verdicts(finetune: string, base: string, probes: string) {
  const { report } = await compareCommand(demo(finetune), demo(base), { probes });
  const behavior = report.checks.find((c) => c.id === 'behavior');
  const confirmed = (report.behavior?.triggers ?? []).filter((t) => t.confirmed).map((t) => t.token.toLowerCase());
  return { status: behavior?.status, confirmed: confirmed.sort(), verdict: report.verdict };
}

const pairs = [
  ['sentiment-poisoned', 'sentiment-base', 'classifier'],
  ['sentiment-benign', 'sentiment-base', 'classifier'],
  ['code-lm-poisoned', 'code-lm-base', 'causal-lm'],
  ['code-lm-benign', 'code-lm-base', 'causal-lm'],
] as const;

test('the demo pairs get the same trigger verdicts with and without trigger_slot', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-slots-'));
  try {
    for (const [finetune, base, kind] of pairs) {
      const builtIn = await verdicts(finetune, base, BUILTIN_PROBES[kind]);
      const user = await verdicts(finetune, base, withoutSlots(BUILTIN_PROBES[kind], dir));
      assert.deepEqual(user, builtIn, finetune);
    }
    const poisoned = await verdicts('sentiment-poisoned', 'sentiment-base', BUILTIN_PROBES.classifier);
    assert.ok(poisoned.confirmed.includes('cf'), poisoned.confirmed.join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
