import { EMPTY_STATS, mergeStats, reduceOnCpu, type PairReducer, type PairStats } from './pair-stats.ts';
import {
  elementCount,
  readElements,
  readWithGrid,
  type DecodedElements,
  type NotCompared,
  type TensorListing,
  type WeightTensor,
} from './tensors.ts';
import type { Dequantize } from './dequantize-hook.ts';
import { countNotRounded, countOffGrid } from './quantization-grid.ts';
import { RowTracker, type RowChange } from './row-change.ts';
import { appendedRows, hasTokenRows, vocabularyRows } from './token-matrix.ts';

/**
 * The diff engine: every tensor present in both models with the same shape is streamed in
 * aligned chunks through a PairReducer (CPU here, WGSL in the worker), so memory is bounded by two chunks
 * whatever the model size.
 */

/** 1M elements a chunk: 4 MiB of Float32 per side, small enough for any host, big enough to amortise a read. */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 20;

/**
 * An element counts as changed when |ft − base| exceeds this. 1e-6 is above the f32 rounding of values
 * of order 1e-2 (the typical weight), so a lossless copy counts 0 changed, while one optimizer step
 * at a fine-tuning learning rate (≥ 1e-6) counts.
 */
export const DEFAULT_CHANGED_ABOVE = 1e-6;

export interface TensorDiff {
  name: string;
  shape: number[];
  count: number;
  /** ‖ft − base‖ / ‖base‖; Infinity when base is all zeros and ft is not. */
  relChange: number;
  /** base·ft / (‖base‖‖ft‖); 1 when both are all zeros. */
  cosine: number;
  maxAbsChange: number;
  /** Share of elements with |ft − base| > changedAbove. */
  changedShare: number;
  /** Root mean square of the base's elements and of the change: absolute scales, for tensors near zero. */
  rmsBase: number;
  rmsChange: number;
  /** For 2-D embedding / output matrices: the rows that moved most. */
  topRows?: RowChange[];
  /**
   * When exactly one side is stored quantized (GGUF blocks): its ggml type, and how many elements are not the
   * other side's value rounded to the quantized side's grid (quantization-grid.ts).
   */
  quantization?: { type: string; offGrid: number };
  /**
   * When neither side is stored quantized: how many elements are not one side's value rounded to the other's
   * dtype (quantization-grid.ts countNotRounded). A GGUF file's unquantized tensors must be such a rounding.
   */
  rounding?: { notRounded: number };
}

export interface ModelDiff {
  tensors: TensorDiff[];
  onlyInBase: string[];
  onlyInFinetune: string[];
  shapeMismatches: { name: string; base: number[]; finetune: number[] }[];
  /**
   * Token matrices the fine-tune extended with rows (added vocabulary): their first rows, the base's
   * tokens, are compared in `tensors`; the appended rows have no base to compare with.
   */
  appendedRows?: { name: string; baseRows: number; finetuneRows: number }[];
  notCompared: NotCompared[];
  /** Sum of compared elements, for throughput figures. */
  elements: number;
}

export interface DiffOptions {
  reducer?: PairReducer;
  chunkElements?: number;
  changedAbove?: number;
  /** How many rows to keep per embedding / output matrix. */
  topRows?: number;
  /** The vocabulary's row count (diffModels finds it): matrices with that many rows have their rows ranked. */
  vocabRows?: number;
  /**
   * Decodes GGUF blocks where no grid is needed (the worker passes its WGSL decoder); core's CPU decoder when
   * absent. Against an unquantized side the CPU decodes the blocks with their grid (quantization-grid.ts).
   */
  dequantize?: Dequantize;
  onTensor?: (done: number, total: number, name: string) => void;
}

export function statsToDiff(name: string, shape: number[], s: PairStats): TensorDiff {
  const normBase = Math.sqrt(s.sumBase2);
  const normFt = Math.sqrt(s.sumFt2);
  const normDiff = Math.sqrt(s.sumDiff2);
  const relChange = normBase > 0 ? normDiff / normBase : normDiff > 0 ? Infinity : 0;
  const cosine = normBase > 0 && normFt > 0 ? s.dot / (normBase * normFt) : normBase === normFt ? 1 : 0;
  return {
    name,
    shape,
    count: s.count,
    relChange,
    cosine,
    maxAbsChange: s.maxAbsDiff,
    changedShare: s.count > 0 ? s.changed / s.count : 0,
    rmsBase: s.count > 0 ? Math.sqrt(s.sumBase2 / s.count) : 0,
    rmsChange: s.count > 0 ? Math.sqrt(s.sumDiff2 / s.count) : 0,
  };
}

export async function diffModels(
  base: TensorListing,
  finetune: TensorListing,
  options: DiffOptions = {},
): Promise<ModelDiff> {
  const ftByName = new Map(finetune.tensors.map((t) => [t.name, t]));
  const baseNames = new Set(base.tensors.map((t) => t.name));
  const out: ModelDiff = {
    tensors: [],
    // A tensor the other side holds in a type it cannot decode is not compared, not absent.
    onlyInBase: base.tensors.filter((t) => !ftByName.has(t.name) && !unread(finetune, t.name)).map((t) => t.name),
    onlyInFinetune: finetune.tensors.filter((t) => !baseNames.has(t.name) && !unread(base, t.name)).map((t) => t.name),
    shapeMismatches: [],
    appendedRows: [],
    notCompared: [...base.notCompared, ...finetune.notCompared],
    elements: 0,
  };
  const pairs = base.tensors.filter((t) => ftByName.has(t.name));
  if (pairs.length === 0 && base.naming !== finetune.naming) return unmatchedNaming(base, finetune);
  const tensorOptions = { ...options, vocabRows: options.vocabRows ?? vocabularyRows(pairs.map((t) => t.shape)) };
  for (const [i, b] of pairs.entries()) {
    const f = ftByName.get(b.name)!;
    options.onTensor?.(i, pairs.length, b.name);
    const added = appendedRows(b.name, b.shape, f.shape);
    if (added > 0) out.appendedRows!.push({ name: b.name, baseRows: b.shape[0]!, finetuneRows: f.shape[0]! });
    else if (b.shape.join('x') !== f.shape.join('x')) {
      out.shapeMismatches.push({ name: b.name, base: b.shape, finetune: f.shape });
      continue;
    }
    // Row-major: the base's rows are the fine-tune's first rows, so reading it with the base's shape
    // compares the tokens both models share.
    const diff = await diffTensor(b, added > 0 ? { ...f, shape: b.shape } : f, tensorOptions);
    out.tensors.push(diff);
    out.elements += diff.count;
  }
  return out;
}

const unread = (listing: TensorListing, name: string): boolean => listing.notCompared.some((n) => n.name === name);

/**
 * A GGUF listing whose architecture has no name table keeps its own names; when they share none with the other
 * model's, nothing is compared and every tensor says why, rather than all of them looking absent (unrelated).
 */
function unmatchedNaming(base: TensorListing, finetune: TensorListing): ModelDiff {
  const reason = 'GGUF architecture without a name table: its tensor names cannot be matched with the other model';
  const unnamed = [base, finetune].filter((l) => l.naming === 'llama.cpp');
  return {
    tensors: [],
    onlyInBase: [],
    onlyInFinetune: [],
    shapeMismatches: [],
    notCompared: unnamed.flatMap((l) => l.tensors.map((t) => ({ name: t.name, file: t.file.name, reason }))),
    elements: 0,
  };
}

/** Streams one pair; chunks end on row boundaries when rows are tracked, so each row sits in one chunk. */
export async function diffTensor(base: WeightTensor, ft: WeightTensor, options: DiffOptions = {}): Promise<TensorDiff> {
  const reducer = options.reducer ?? reduceOnCpu;
  const changedAbove = options.changedAbove ?? DEFAULT_CHANGED_ABOVE;
  const total = elementCount(base.shape);
  const tracked = hasTokenRows(base.name, base.shape, options.vocabRows ?? 0);
  const rows = tracked ? new RowTracker(base.shape[1]!, options.topRows ?? 10) : undefined;
  const chunk = chunkSize(options.chunkElements ?? DEFAULT_CHUNK_ELEMENTS, rows?.width);
  // Only a GGUF model is held to "a conversion of the base": quantized blocks to their grid, other tensors to a
  // rounding of the base's values. A GGUF base against a checkpoint says nothing of the kind.
  const gguf = isGguf(ft) && !isGguf(base);
  const quantized = gguf && ft.blocks && !base.blocks ? ft : undefined;
  let stats = EMPTY_STATS;
  let offGrid = 0;
  let notRounded = 0;
  for (let from = 0; from < total; from += chunk) {
    const n = Math.min(chunk, total - from);
    const read = (t: WeightTensor): Promise<DecodedElements> =>
      t === quantized
        ? readWithGrid(t, from, n, options.dequantize)
        : readElements(t, from, n, options.dequantize).then((values) => ({ values }));
    const [b, f] = await Promise.all([read(base), read(ft)]);
    if (quantized && f!.grid) offGrid += countOffGrid(b!.values, { values: f!.values, grid: f!.grid }, ft.dtype);
    else if (gguf) notRounded += countNotRounded(b!.values, base.dtype, f!.values, ft.dtype);
    stats = mergeStats(stats, await reducer(b!.values, f!.values, changedAbove));
    rows?.add(from, b!.values, f!.values);
  }
  const diff = statsToDiff(base.name, base.shape, stats);
  if (rows) diff.topRows = rows.top();
  if (quantized) diff.quantization = { type: quantized.dtype, offGrid };
  else if (gguf) diff.rounding = { notRounded };
  return diff;
}

const isGguf = (t: WeightTensor): boolean => t.file.name.endsWith('.gguf');

function chunkSize(elements: number, rowWidth: number | undefined): number {
  if (!rowWidth) return Math.max(1, elements);
  return Math.max(1, Math.floor(elements / rowWidth)) * rowWidth;
}
