import type { ModelDiff, TensorDiff } from './diff.ts';
import { MAX_OFF_GRID_SHARE } from './quantization-grid.ts';
import { QUANTIZATION_BANDS } from './quantization-bands.ts';
import { CONVERTER_COMPUTED_REASON, UNSUPPORTED_QUANTIZATION } from './tensors.ts';

/** Per ggml type: how its tensors compare with the base's (the Report's `lineage.quantization.types`). */
export interface QuantizedTypeSummary {
  type: string;
  tensors: number;
  elements: number;
  /** Largest relative error ‖dequantized − base‖ / ‖base‖ over its tensors, and the type's limit (bands). */
  largestError: number;
  errorLimit: number | null;
  /** Elements whose base value does not round to their stored level (quantization-grid.ts). */
  offGrid: number;
}

export interface QuantizationOutcome {
  types: QuantizedTypeSummary[];
  /**
   * Every tensor is the base's value rounded to its grid (within its type's band) or to its stored float type,
   * and nothing else differs: a quantization of the base, or with no quantized tensor a conversion (F16, BF16).
   */
  ofTheBase: boolean;
  /** Tensors stored in a quantization the diff does not decode. */
  unsupported: number;
}

/** Undefined when no compared tensor is quantized and none was skipped for its quantization. */
export function quantizationOutcome(diff: ModelDiff, identicalMaxRel: number): QuantizationOutcome | undefined {
  const quantized = diff.tensors.filter((t) => t.quantization);
  const unsupported = diff.notCompared.filter((n) => n.reason.startsWith(UNSUPPORTED_QUANTIZATION)).length;
  // A GGUF model's unquantized tensors carry `rounding`: an all-F16 GGUF file is held to "a conversion" too.
  const converted = diff.tensors.some((t) => t.rounding);
  if (quantized.length === 0 && unsupported === 0 && !converted) return undefined;
  const types = [...new Set(quantized.map((t) => t.quantization!.type))].sort().map((type) =>
    summarize(
      type,
      quantized.filter((t) => t.quantization!.type === type),
    ),
  );
  const structureSame =
    diff.onlyInBase.length + diff.onlyInFinetune.length + diff.shapeMismatches.length === 0 &&
    (diff.appendedRows ?? []).length === 0;
  // Anything left unread (besides what the converter computes) could hold a change: no claim over it.
  const unread = diff.notCompared.filter((n) => n.reason !== CONVERTER_COMPUTED_REASON).length;
  const ofTheBase =
    unread === 0 &&
    structureSame &&
    diff.tensors.every((t) => (t.quantization ? onGridWithinBand(t) : roundedCopy(t, identicalMaxRel)));
  return { types, ofTheBase, unsupported };
}

/** An unquantized tensor of a quantized file: the base's values rounded to its dtype (a tolerance hides edits). */
function roundedCopy(t: TensorDiff, identicalMaxRel: number): boolean {
  const rounded = t.rounding ? t.rounding.notRounded <= MAX_OFF_GRID_SHARE * t.count : true;
  return rounded && t.relChange <= identicalMaxRel;
}

function onGridWithinBand(t: TensorDiff): boolean {
  const band = QUANTIZATION_BANDS[t.quantization!.type];
  return !!band && t.quantization!.offGrid <= MAX_OFF_GRID_SHARE * t.count && t.relChange <= band.limit;
}

function summarize(type: string, tensors: TensorDiff[]): QuantizedTypeSummary {
  return {
    type,
    tensors: tensors.length,
    elements: tensors.reduce((n, t) => n + t.count, 0),
    largestError: Math.max(...tensors.map((t) => t.relChange)),
    errorLimit: QUANTIZATION_BANDS[type]?.limit ?? null,
    offGrid: tensors.reduce((n, t) => n + t.quantization!.offGrid, 0),
  };
}

/** "Q4_K (7 tensors, largest error 0.104 ≤ 0.16), Q6_K (1 tensor, …)". */
export function describeTypes(types: readonly QuantizedTypeSummary[]): string {
  return types
    .map((t) => {
      const limit = t.errorLimit === null ? 'no measured band' : `limit ${t.errorLimit}`;
      const off = t.offGrid > 0 ? `, ${t.offGrid} of ${t.elements} values off the grid` : '';
      return `${t.type} (${t.tensors} tensor${t.tensors === 1 ? '' : 's'}, largest error ${t.largestError.toPrecision(3)}, ${limit}${off})`;
    })
    .join(', ');
}
