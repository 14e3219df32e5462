import type { Lineage } from '../weights/lineage-schema.ts';
import type { TensorListing } from '../weights/tensors.ts';
import type { AdapterRecord } from '../weights/lineage-adapter-schema.ts';
import { pairMisfit, replacementMisfit } from './adapter-fit.ts';
import { loraScale } from './lora-scale.ts';
import type { AdapterReading } from './read-adapter.ts';
import { frobeniusNorm, loraUpdateNorm } from './update-norm.ts';

/**
 * The Report's `lineage` of an adapter compared with the base it names. Verdicts:
 * - every LoRA pair and replacement exists in the base with a fitting shape → `derived` ("Adapter for this
 *   base: …"): the adapter's weights *are* the change from the base, so there is nothing else to compare;
 * - anything does not fit → `unrelated` (the lineage check fails): peft refuses a size mismatch and ignores a
 *   module the base lacks, so the adapter was not trained on this base and cannot apply to it as trained —
 *   its `base_model_name_or_path` claim is false, as it is for an unrelated full model;
 * - an unsupported adapter (another peft type, DoRA, unknown tensors) keeps the fit of what could be read, but
 *   the lineage check never passes it (core/weights/lineage-check.ts reviews it: "could not verify").
 */

function layerOfModule(baseName: string): string {
  const parts = baseName.split('.');
  // `model.layers.0.self_attn.q_proj.weight` → `model.layers.0`: the block, as a person counts layers.
  const at = parts.findIndex((p, i) => /^\d+$/.test(p) && i > 0);
  return at > 0 ? parts.slice(0, at + 1).join('.') : parts.slice(0, -2).join('.') || parts[0]!;
}

export async function buildAdapterLineage(reading: AdapterReading, base: TensorListing): Promise<Lineage> {
  const byName = new Map(base.tensors.map((t) => [t.name, t]));
  const config = reading.config;
  const ignored = new Set(reading.ignored.map((i) => i.name));
  const misfits: AdapterRecord['misfits'] = [];
  const nonFinite: string[] = [];
  const targets: AdapterRecord['targets'] = [];
  for (const pair of reading.tensors.pairs) {
    if (ignored.has(pair.a.name)) continue;
    const w = byName.get(pair.baseName);
    const why = pairMisfit(pair, w, config.fan_in_fan_out);
    if (why || !w) {
      misfits.push({ name: pair.baseName, reason: why ?? 'missing' });
      continue;
    }
    const { rank, scale } = loraScale(config, pair.module);
    const update = await loraUpdateNorm(pair.a, pair.b, scale);
    const norm = await frobeniusNorm(w);
    if (!Number.isFinite(update)) {
      // NaN or ±Inf in lora_A / lora_B: the merged weight is not a number, no footprint or behavior to judge.
      nonFinite.push(`${pair.module}: lora_A / lora_B hold non-finite values (NaN or ±Inf)`);
      continue;
    }
    targets.push({ name: pair.baseName, rank, scale, relativeUpdate: norm > 0 ? update / norm : null });
  }
  for (const r of reading.tensors.replacements) {
    const why = replacementMisfit(r, byName.get(r.baseName));
    if (why) misfits.push({ name: r.baseName, reason: why });
  }
  const record: AdapterRecord = {
    peftType: config.peft_type,
    ...(config.base_model_name_or_path ? { declaredBase: config.base_model_name_or_path } : {}),
    ...(config.r !== undefined ? { rank: config.r } : {}),
    ...(config.lora_alpha !== undefined ? { alpha: config.lora_alpha } : {}),
    rslora: config.use_rslora,
    fits: misfits.length === 0 && targets.length + reading.tensors.replacements.length > 0,
    targets,
    layers: [...new Set(targets.map((t) => layerOfModule(t.name)))].sort(),
    replaced: reading.tensors.replacements.map((r) => r.baseName),
    misfits,
    unsupported: [...reading.unsupported, ...nonFinite],
    ignored: reading.ignored,
  };
  return {
    verdict: record.fits ? 'derived' : 'unrelated',
    summary: adapterSummary(record),
    tensors: [],
    changedLayers: record.fits ? [] : [...new Set(misfits.map((m) => m.name))],
    adapter: record,
  };
}

export function adapterSummary(a: AdapterRecord): string {
  const kind = `${a.peftType === 'LORA' ? 'LoRA' : a.peftType}${a.rank !== undefined ? ` r=${a.rank}` : ''}`;
  if (a.unsupported.length > 0) return `Adapter (${kind}) could not be verified: ${a.unsupported[0]}.`;
  if (!a.fits) {
    if (a.misfits.length === 0) return `Adapter (${kind}) holds no LoRA update this base can take.`;
    const first = a.misfits[0]!;
    return `Adapter does not fit this base: ${a.misfits.length} of its tensors do not (${first.name}: ${first.reason}).`;
  }
  const largest = [...a.targets].sort((x, y) => (y.relativeUpdate ?? Infinity) - (x.relativeUpdate ?? Infinity))[0];
  const parts = [`Adapter for this base: ${kind}, ${a.targets.length} targets in ${a.layers.length} layers`];
  if (largest) parts.push(`largest update ${formatShare(largest.relativeUpdate)} of ${largest.name}`);
  if (a.replaced.length > 0) parts.push(`${a.replaced.length} tensors replaced (${a.replaced.slice(0, 5).join(', ')})`);
  return `${parts.join(', ')}.`;
}

function formatShare(x: number | null): string {
  return x === null ? '∞' : `${(x * 100).toPrecision(3)} %`;
}
