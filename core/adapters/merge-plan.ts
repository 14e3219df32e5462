import { elementCount, readElements, type TensorListing, type WeightTensor } from '../weights/tensors.ts';
import { pairMisfit, replacementMisfit } from './adapter-fit.ts';
import type { LoraPair } from './adapter-tensors.ts';
import { loraScale } from './lora-scale.ts';
import type { AdapterReading } from './read-adapter.ts';

/**
 * The base tensors an adapter changes, and their float32 values once it is merged: W + scale·B·A for a LoRA
 * target (as peft's merge_and_unload computes it), the adapter's own tensor for a replacement
 * (modules_to_save, saved biases). Only these tensors are materialised, one at a time; every other weight is
 * read from the base checkpoint as stored. An adapter that is unsupported or does not fit the base is refused
 * here: its merged model would not be the one peft runs ("could not verify").
 */
export interface MergePlan {
  names: ReadonlySet<string>;
  values(name: string): Promise<Float32Array>;
}

export function planMerge(reading: AdapterReading, base: TensorListing): MergePlan {
  if (reading.unsupported.length > 0)
    throw new Error(`the adapter could not be verified: ${reading.unsupported.slice(0, 5).join('; ')}`);
  const byName = new Map(base.tensors.map((t) => [t.name, t]));
  const ignored = new Set(reading.ignored.map((i) => i.name));
  const recipes = new Map<string, () => Promise<Float32Array>>();
  const fanInFanOut = reading.config.fan_in_fan_out;
  for (const pair of reading.tensors.pairs) {
    if (ignored.has(pair.a.name)) continue; // peft does not load it either
    const w = byName.get(pair.baseName);
    const why = pairMisfit(pair, w, fanInFanOut);
    if (why || !w) throw new Error(`the adapter does not fit the base: ${pair.baseName}: ${why}`);
    const { scale } = loraScale(reading.config, pair.module);
    recipes.set(pair.baseName, () => mergedLora(w, pair, scale, fanInFanOut));
  }
  for (const r of reading.tensors.replacements) {
    const why = replacementMisfit(r, byName.get(r.baseName));
    if (why) throw new Error(`the adapter does not fit the base: ${r.baseName}: ${why}`);
    recipes.set(r.baseName, () => readElements(r.tensor, 0, elementCount(r.tensor.shape)));
  }
  if (recipes.size === 0) throw new Error('the adapter changes no tensor of the base');
  return {
    names: new Set(recipes.keys()),
    values: (name) => {
      const recipe = recipes.get(name);
      if (!recipe) throw new Error(`${name} is not changed by the adapter`);
      return recipe();
    },
  };
}

/** W + scale·B·A in float32; with fan_in_fan_out W is stored [in, out] and the update is transposed. */
export async function mergedLora(
  w: WeightTensor,
  pair: LoraPair,
  scale: number,
  fanInFanOut: boolean,
): Promise<Float32Array> {
  const merged = await readElements(w, 0, elementCount(w.shape));
  const a = await readElements(pair.a, 0, elementCount(pair.a.shape));
  const b = await readElements(pair.b, 0, elementCount(pair.b.shape));
  for (const [half, values] of [
    ['lora_A', a],
    ['lora_B', b],
  ] as const)
    if (!values.every(Number.isFinite))
      throw new Error(
        `${pair.module}: ${half} holds non-finite values (NaN or ±Inf): the merged weight is not a number`,
      );
  const [rank, inFeatures] = pair.a.shape as [number, number];
  const out = pair.b.shape[0]!;
  const row = new Float64Array(inFeatures);
  for (let o = 0; o < out; o++) {
    row.fill(0);
    for (let k = 0; k < rank; k++) {
      const bk = b[o * rank + k]!;
      if (bk === 0) continue;
      for (let i = 0; i < inFeatures; i++) row[i] = row[i]! + bk * a[k * inFeatures + i]!;
    }
    for (let i = 0; i < inFeatures; i++) {
      const at = fanInFanOut ? i * out + o : o * inFeatures + i;
      merged[at] = merged[at]! + scale * row[i]!;
    }
  }
  return merged;
}
