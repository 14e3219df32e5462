import type { ByteSource } from '../io/byte-source.ts';
import { readSafetensorsHeader } from '../formats/safetensors.ts';
import { readGgufHeader } from '../formats/gguf.ts';
import { GGML_TYPES } from '../formats/ggml-types.ts';
import { isJsonObject, parseStrictJson } from '../formats/strict-json.ts';
import { readOnnxModel, type OnnxInitializer, type OnnxModel } from '../formats/onnx.ts';
import { FormatError } from '../formats/format-error.ts';
import { DECODERS } from './half.ts';
import { DEQUANTIZED_TYPES, dequantize as dequantizeOnCpu, dequantizeWithGrid } from '../formats/ggml-dequant.ts';
import type { Dequantize } from './dequantize-hook.ts';
import { CONVERTER_COMPUTED, huggingFaceName, MAPPED_ARCHITECTURES, permutedHeads, storedRow } from './gguf-names.ts';

/**
 * Tensor listing over a model folder. Only headers are read here; data is read later in
 * bounded chunks by readElements, so listing a 100 GB model costs a few header reads.
 */

export interface WeightTensor {
  name: string;
  /** Storage dtype (F32, F16, BF16, or what could not be compared). */
  dtype: string;
  /** Row-major (PyTorch order); GGUF's innermost-first dims are reversed to match. */
  shape: number[];
  file: ByteSource;
  /** Absolute byte offset of the first element in `file`. */
  start: number;
  /** Bytes per element (0 for quantized blocks); tensors with a dtype decoded by neither are in `notCompared`. */
  elementBytes: number;
  /** GGUF quantized blocks (`dtype` names the ggml type): decoded by core/formats/ggml-dequant.ts or a WGSL twin. */
  blocks?: { elements: number; bytes: number };
  /**
   * Rows of this many per attention head stored in llama.cpp's interleaved order (gguf-names.ts permutedHeads):
   * reads return Hugging Face's row order.
   */
  headDim?: number;
}

/** Reason prefixes of `notCompared` that the lineage reads: a quantization it cannot decode, a converter's tensor. */
export const UNSUPPORTED_QUANTIZATION = 'unsupported quantization';
export const CONVERTER_COMPUTED_REASON =
  'computed by the GGUF converter from the config; the checkpoint has no such tensor';

export interface NotCompared {
  name: string;
  file: string;
  reason: string;
}

export interface TensorListing {
  /** Which weight files were read: 'safetensors', 'safetensors-sharded', 'gguf', 'onnx' or 'none'. */
  format: string;
  /**
   * 'llama.cpp' when the names are GGUF's own because the architecture has no name table: such a listing is
   * compared only with another one named the same way.
   */
  naming?: 'llama.cpp';
  tensors: WeightTensor[];
  notCompared: NotCompared[];
}

const INDEX = 'model.safetensors.index.json';
const SINGLE = 'model.safetensors';

/**
 * Picks the weights of a folder in the order a loader would: the shard index, then the
 * safetensors files, then GGUF, then the initializers of the ONNX model (`model.onnx`, else
 * `onnx/model.onnx`, else the only .onnx file), inline `raw_data` or external data.
 */
export async function listTensors(files: readonly ByteSource[]): Promise<TensorListing> {
  const byName = new Map(files.map((f) => [f.name, f]));
  // from_pretrained loads model.safetensors when there is one and never reads an index beside it.
  const single = byName.get(SINGLE);
  if (single) return { format: 'safetensors', ...(await fromSafetensors([single])) };
  const index = byName.get(INDEX);
  if (index) return { format: 'safetensors-sharded', ...(await fromIndex(index, byName)) };
  const safetensors = files.filter((f) => f.name.endsWith('.safetensors'));
  if (safetensors.length > 0) return { format: 'safetensors', ...(await fromSafetensors(safetensors)) };
  const gguf = files.find((f) => f.name.endsWith('.gguf'));
  if (gguf) return { format: 'gguf', ...(await fromGguf(gguf)) };
  const onnx = files.filter((f) => f.name.endsWith('.onnx'));
  const model = byName.get('model.onnx') ?? byName.get('onnx/model.onnx') ?? (onnx.length === 1 ? onnx[0] : undefined);
  if (model) return { format: 'onnx', ...(await fromOnnx(model, byName)) };
  if (onnx.length > 0) {
    const reason = 'several ONNX files and none is model.onnx: which one holds the weights is ambiguous';
    return { format: 'onnx', tensors: [], notCompared: onnx.map((f) => ({ name: '*', file: f.name, reason })) };
  }
  return { format: 'none', tensors: [], notCompared: [] };
}

type Found = Omit<TensorListing, 'format'>;

async function fromSafetensors(sources: readonly ByteSource[]): Promise<Found> {
  const out: Found = { tensors: [], notCompared: [] };
  for (const file of sources) {
    const header = await readSafetensorsHeader(file);
    for (const t of header.tensors) {
      const decoder = DECODERS[t.dtype];
      if (!decoder) {
        out.notCompared.push({ name: t.name, file: file.name, reason: `dtype ${t.dtype} is not compared` });
        continue;
      }
      const start = header.dataStart + t.dataOffsets[0];
      out.tensors.push({ name: t.name, dtype: t.dtype, shape: t.shape, file, start, elementBytes: decoder.bytes });
    }
  }
  return out;
}

/** The index maps tensor name → shard file; every shard it names must be present. */
async function fromIndex(index: ByteSource, byName: ReadonlyMap<string, ByteSource>): Promise<Found> {
  const text = new TextDecoder().decode(await index.read(0, Math.min(index.size, 64 << 20)));
  const { value } = parseStrictJson(text, { maxDepth: 8 });
  const map = isJsonObject(value) ? value['weight_map'] : undefined;
  if (!isJsonObject(map)) throw new Error(`${index.name}: no weight_map object`);
  const dir = index.name.includes('/') ? index.name.slice(0, index.name.lastIndexOf('/') + 1) : '';
  const shardNames = [...new Set(Object.values(map).filter((v): v is string => typeof v === 'string'))].sort();
  const missing = shardNames.filter((s) => !byName.has(dir + s));
  if (missing.length > 0)
    throw new Error(`${index.name} names shards that are not in the folder: ${missing.join(', ')}`);
  const listed = await fromSafetensors(shardNames.map((s) => byName.get(dir + s)!));
  // from_pretrained (transformers 5) loads every tensor of every shard the index names, whatever the map says
  // about it, and a later shard's copy replaces an earlier one: a name stored in two shards is ambiguous.
  const seen = new Map<string, string>();
  for (const t of [...listed.tensors, ...listed.notCompared.map((n) => ({ name: n.name, file: { name: n.file } }))]) {
    const other = seen.get(t.name);
    if (other !== undefined && other !== t.file.name)
      throw new Error(
        `${index.name}: tensor ${t.name} is stored in both ${other} and ${t.file.name}; which copy is loaded depends on the loader`,
      );
    seen.set(t.name, t.file.name);
  }
  return listed;
}

async function fromGguf(file: ByteSource): Promise<Found & Pick<TensorListing, 'naming'>> {
  const header = await readGgufHeader(file);
  // Two tensors of one name: which one a loader uses is its choice, so the comparison would be a guess.
  if (header.duplicateTensors.length > 0)
    throw new Error(
      `${file.name}: tensor ${header.duplicateTensors[0]!.name} is stored twice; which copy is loaded depends on the loader`,
    );
  const metadata = new Map(header.kvs.map((kv) => [kv.key, kv.value]));
  const architecture = String(metadata.get('general.architecture') ?? '');
  const mapped = MAPPED_ARCHITECTURES.has(architecture);
  const heads = attentionHeads(metadata, architecture);
  const out: Found & Pick<TensorListing, 'naming'> = {
    tensors: [],
    notCompared: [],
    ...(mapped ? {} : { naming: 'llama.cpp' }),
  };
  for (const t of header.tensors) {
    // Named as the other model names it where the table knows the tensor, so it is "not compared", not "absent".
    const skip = (reason: string) =>
      out.notCompared.push({ name: (mapped && huggingFaceName(t.name)) || t.name, file: file.name, reason });
    if (CONVERTER_COMPUTED.has(t.name)) {
      skip(CONVERTER_COMPUTED_REASON);
      continue;
    }
    const name = mapped ? huggingFaceName(t.name) : t.name;
    if (name === undefined) {
      skip(`GGUF tensor name not in the ${architecture} name table`);
      continue;
    }
    const shape = t.dims.map(Number).reverse();
    const start = header.dataStart + Number(t.offset);
    const block = ggufBlock(t.typeName);
    if (!block) {
      skip(`${UNSUPPORTED_QUANTIZATION}: GGUF type ${t.typeName} is not dequantized`);
      continue;
    }
    const headCount = heads && permutedHeads(architecture, t.name, heads);
    const headDim = headCount ? permutedHeadDim(t.name, shape, headCount) : undefined;
    out.tensors.push({ name, dtype: t.typeName, shape, file, start, ...block, ...(headDim ? { headDim } : {}) });
  }
  return out;
}

/** How a GGUF tensor type is read: 16/32-bit floats element by element, quantized types block by block. */
function ggufBlock(typeName: string): Pick<WeightTensor, 'elementBytes' | 'blocks'> | undefined {
  const float = DECODERS[typeName];
  if (float) return { elementBytes: float.bytes };
  const block = [...GGML_TYPES.values()].find((t) => t.name === typeName)?.block;
  return DEQUANTIZED_TYPES.has(typeName) && block ? { elementBytes: 0, blocks: block } : undefined;
}

function attentionHeads(
  metadata: ReadonlyMap<string, unknown>,
  architecture: string,
): { query: number; keyValue: number } | undefined {
  const query = Number(metadata.get(`${architecture}.attention.head_count`));
  const keyValue = Number(metadata.get(`${architecture}.attention.head_count_kv`) ?? query);
  return query > 0 && keyValue > 0 ? { query, keyValue } : undefined;
}

/** Rows per head of a permuted Q/K tensor; the permutation pairs rows, so a head must hold an even count. */
function permutedHeadDim(name: string, shape: readonly number[], heads: number): number {
  const rows = shape[0] ?? 0;
  const headDim = rows / heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0)
    throw new Error(`GGUF tensor ${name}: ${rows} rows do not split into ${heads} heads of an even size`);
  return headDim;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Decoded elements; `grid` (quantized tensors only) is each element's level spacing and code-range end (−1/0/+1). */
export interface DecodedElements {
  values: Float32Array;
  grid?: { step: Float32Array; edge: Int8Array };
}

/** Elements [from, from + count) as Float32, in Hugging Face's row order, decoded from the storage dtype. */
export async function readElements(
  tensor: WeightTensor,
  from: number,
  count: number,
  dequantize?: Dequantize,
): Promise<Float32Array> {
  return (await readDecoded(tensor, from, count, { dequantize })).values;
}

/**
 * The same elements with their quantization grid (quantized tensors only), decoded by `dequantize` when given,
 * else on the CPU.
 */
export function readWithGrid(
  tensor: WeightTensor,
  from: number,
  count: number,
  dequantize?: Dequantize,
): Promise<DecodedElements> {
  return readDecoded(tensor, from, count, { grid: true, dequantize });
}

interface DecodeOptions {
  grid?: boolean;
  dequantize?: Dequantize;
}

async function readDecoded(t: WeightTensor, from: number, count: number, o: DecodeOptions): Promise<DecodedElements> {
  if (!t.headDim) return readStored(t, from, count, o);
  // A permuted tensor's rows only move within their head: read the heads that hold the range, then reorder.
  const width = t.shape.length > 1 ? elementCount(t.shape.slice(1)) : 1;
  const span = t.headDim * width;
  const start = Math.floor(from / span) * span;
  const end = Math.min(elementCount(t.shape), Math.ceil((from + count) / span) * span);
  const stored = await readStored(t, start, end - start, o);
  const pick = <A extends Float32Array | Int8Array>(a: A, out: A): A => {
    for (let e = from; e < from + count;) {
      const row = Math.floor(e / width);
      const rowEnd = Math.min((row + 1) * width, from + count);
      const src = (storedRow(row, t.headDim!) - start / width) * width + (e - row * width);
      out.set(a.subarray(src, src + rowEnd - e), e - from);
      e = rowEnd;
    }
    return out;
  };
  const values = pick(stored.values, new Float32Array(count));
  if (!stored.grid) return { values };
  return {
    values,
    grid: { step: pick(stored.grid.step, new Float32Array(count)), edge: pick(stored.grid.edge, new Int8Array(count)) },
  };
}

/** Elements [from, from + count) in storage order; quantized tensors are read in whole blocks and trimmed. */
async function readStored(t: WeightTensor, from: number, count: number, o: DecodeOptions): Promise<DecodedElements> {
  if (!t.blocks) {
    const bytes = await readExactly(t, t.start + from * t.elementBytes, count * t.elementBytes);
    return { values: DECODERS[t.dtype]!.decode(bytes) };
  }
  const per = t.blocks.elements;
  const first = Math.floor(from / per) * per;
  const end = Math.ceil((from + count) / per) * per;
  const bytes = await readExactly(t, t.start + (first / per) * t.blocks.bytes, ((end - first) / per) * t.blocks.bytes);
  const trim = <A extends Float32Array | Int8Array>(a: A): A => a.subarray(from - first, from - first + count) as A;
  const n = end - first;
  const grid = o.grid === true;
  const decoded = o.dequantize ? await o.dequantize(t.dtype, bytes, n, grid) : decodeOnCpu(t.dtype, bytes, n, grid);
  // Fail closed: a hook that drops the grid or elements would leave values unread or the grid uncounted.
  const lengths = [decoded.values, ...(grid ? [decoded.grid?.step, decoded.grid?.edge] : [])].map((a) => a?.length);
  if (lengths.some((l) => l !== n)) throw new Error(`tensor '${t.name}': the decoder returned ${lengths} of ${n}`);
  if (!grid) return { values: trim(decoded.values) };
  const { step, edge } = decoded.grid!;
  return { values: trim(decoded.values), grid: { step: trim(step), edge: trim(edge) } };
}

function decodeOnCpu(typeName: string, bytes: Uint8Array, elements: number, grid: boolean): DecodedElements {
  if (!grid) return { values: dequantizeOnCpu(typeName, bytes, elements) };
  const { values, step, edge } = dequantizeWithGrid(typeName, bytes, elements);
  return { values, grid: { step, edge } };
}

async function readExactly(t: WeightTensor, at: number, length: number): Promise<Uint8Array> {
  const bytes = await t.file.read(at, length);
  if (bytes.byteLength !== length) throw new Error(`${t.file.name}: tensor '${t.name}' runs past the end of the file`);
  return bytes;
}

/** TensorProto.DataType → dtype name of DECODERS, for the types the diff compares. */
const ONNX_DTYPES: Readonly<Record<number, string>> = { 1: 'F32', 10: 'F16', 16: 'BF16' };
const ONNX_TYPE_NAMES: Readonly<Record<number, string>> = {
  2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING', 9: 'BOOL',
  11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128',
}; // prettier-ignore

async function fromOnnx(file: ByteSource, byName: ReadonlyMap<string, ByteSource>): Promise<Found> {
  let model: OnnxModel;
  try {
    model = await readOnnxModel(file, { initializers: true });
  } catch (error) {
    // A malformed ONNX file compares nothing; say so instead of failing the whole compare.
    if (!(error instanceof FormatError)) throw error;
    return {
      tensors: [],
      notCompared: [{ name: '*', file: file.name, reason: `ONNX model unreadable: ${error.message}` }],
    };
  }
  const dir = file.name.includes('/') ? file.name.slice(0, file.name.lastIndexOf('/') + 1) : '';
  const out: Found = { tensors: [], notCompared: [] };
  for (const init of model.initializers ?? []) {
    const placed = onnxPlacement(init, file, dir, byName);
    if (typeof placed === 'string') out.notCompared.push({ name: init.name, file: file.name, reason: placed });
    else out.tensors.push(placed);
  }
  return out;
}

/** Where an initializer's elements lie, or why it is not compared. */
function onnxPlacement(
  init: OnnxInitializer,
  file: ByteSource,
  dir: string,
  byName: ReadonlyMap<string, ByteSource>,
): WeightTensor | string {
  const dtype = ONNX_DTYPES[init.dataType];
  if (!dtype) return `ONNX data type ${ONNX_TYPE_NAMES[init.dataType] ?? init.dataType} is not compared`;
  if (init.dims.some((d) => d < 0)) return 'invalid dims';
  const elementBytes = DECODERS[dtype]!.bytes;
  const shape = init.dims;
  const bytes = elementCount(shape) * elementBytes;
  const location = init.external.find((e) => e.key === 'location')?.value;
  if (init.externalLocation || location !== undefined) {
    if (location === undefined) return 'external data without a location';
    const target = resolveExternal(dir, location);
    if (target === undefined) return `external data location '${location}' leaves the model folder`;
    const data = byName.get(target);
    if (!data) return `external data file '${target}' is not in the folder`;
    const offset = numberKey(init, 'offset') ?? 0;
    const length = numberKey(init, 'length') ?? bytes;
    if (Number.isNaN(offset) || Number.isNaN(length)) return 'external data offset/length is not a number';
    if (length !== bytes) return `external data length ${length} ≠ ${bytes} bytes for shape [${shape.join(', ')}]`;
    if (offset + length > data.size) return `external data runs past the end of '${target}'`;
    return { name: init.name, dtype, shape, file: data, start: offset, elementBytes };
  }
  if (init.raw) {
    if (init.raw.length !== bytes) return `raw_data is ${init.raw.length} bytes, shape needs ${bytes}`;
    return { name: init.name, dtype, shape, file, start: init.raw.start, elementBytes };
  }
  if (init.typedData) return 'values in typed fields (float_data, ...) are not compared; only raw_data';
  if (bytes === 0) return { name: init.name, dtype, shape, file, start: 0, elementBytes };
  return 'no data (neither raw_data nor external data)';
}

/** Parses a decimal `offset`/`length` key: undefined when absent, NaN when malformed. */
function numberKey(init: OnnxInitializer, key: string): number | undefined {
  const value = init.external.find((e) => e.key === key)?.value;
  if (value === undefined) return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : NaN;
}

/** `location` relative to the .onnx file's folder; undefined for absolute paths or `..` segments. */
function resolveExternal(dir: string, location: string): string | undefined {
  if (location === '' || location.startsWith('/') || location.includes('\\') || /^[A-Za-z]:/.test(location))
    return undefined;
  const parts = location.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return dir + parts.join('/');
}
