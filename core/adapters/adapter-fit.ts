import type { WeightTensor } from '../weights/tensors.ts';
import type { LoraPair, Replacement } from './adapter-tensors.ts';

/**
 * Does a LoRA pair fit its base tensor? nn.Linear stores W as [out, in]: A must be [r, in] and B [out, r].
 * With fan_in_fan_out (GPT-2's Conv1D) W is stored [in, out] and the update is (B·A)ᵀ, so A's in-features are
 * W's first dimension. A replacement (modules_to_save, a saved bias) must have the base tensor's shape.
 * Returns why it does not fit, or undefined.
 */
export function pairMisfit(pair: LoraPair, base: WeightTensor | undefined, fanInFanOut: boolean): string | undefined {
  if (!base) return `the base has no tensor ${pair.baseName}`;
  if (base.shape.length !== 2) return `${pair.baseName} has shape [${base.shape.join(', ')}], not a matrix`;
  const [rows, cols] = base.shape as [number, number];
  const [out, inFeatures] = fanInFanOut ? [cols, rows] : [rows, cols];
  const aIn = pair.a.shape[1];
  const bOut = pair.b.shape[0];
  if (aIn !== inFeatures || bOut !== out)
    return `lora_A [${pair.a.shape.join(', ')}] · lora_B [${pair.b.shape.join(', ')}] need in-features ${aIn} and out-features ${bOut}; ${pair.baseName} has ${inFeatures} and ${out}`;
  return undefined;
}

export function replacementMisfit(r: Replacement, base: WeightTensor | undefined): string | undefined {
  if (!base) return `the base has no tensor ${r.baseName}`;
  const same = base.shape.length === r.tensor.shape.length && base.shape.every((d, i) => d === r.tensor.shape[i]);
  return same ? undefined : `shape [${r.tensor.shape.join(', ')}], the base's is [${base.shape.join(', ')}]`;
}
