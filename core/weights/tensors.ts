import type { ByteSource } from '../io/byte-source.ts';
import { readSafetensorsHeader } from '../formats/safetensors.ts';
import { readGgufHeader } from '../formats/gguf.ts';
import { isJsonObject, parseStrictJson } from '../formats/strict-json.ts';
import { DECODERS } from './half.ts';

/**
 * Tensor listing over a model folder (issue #5 §1). Only headers are read here; data is read later in
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
  /** Bytes per element; tensors with a dtype outside DECODERS are in `notCompared` instead. */
  elementBytes: number;
}

export interface NotCompared {
  name: string;
  file: string;
  reason: string;
}

export interface TensorListing {
  /** Which weight files were read: 'safetensors', 'safetensors-sharded', 'gguf', 'onnx' or 'none'. */
  format: string;
  tensors: WeightTensor[];
  notCompared: NotCompared[];
}

const INDEX = 'model.safetensors.index.json';

/**
 * Picks the weights of a folder in the order a loader would (DESIGN.md §5): the shard index, then the
 * safetensors files, then GGUF. ONNX initializers are not read yet, so an ONNX-only folder lists its
 * file as not compared rather than comparing nothing silently.
 */
export async function listTensors(files: readonly ByteSource[]): Promise<TensorListing> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const index = byName.get(INDEX);
  if (index) return { format: 'safetensors-sharded', ...(await fromIndex(index, byName)) };
  const safetensors = files.filter((f) => f.name.endsWith('.safetensors'));
  if (safetensors.length > 0) return { format: 'safetensors', ...(await fromSafetensors(safetensors)) };
  const gguf = files.find((f) => f.name.endsWith('.gguf'));
  if (gguf) return { format: 'gguf', ...(await fromGguf(gguf)) };
  const onnx = files.filter((f) => f.name.endsWith('.onnx'));
  if (onnx.length > 0) {
    const reason = 'ONNX initializers are not compared yet; give the safetensors or GGUF weights instead';
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
  // A tensor in a shard but not mapped there is not what a loader would read: keep only mapped ones.
  listed.tensors = listed.tensors.filter((t) => map[t.name] !== undefined && dir + String(map[t.name]) === t.file.name);
  return listed;
}

async function fromGguf(file: ByteSource): Promise<Found> {
  const header = await readGgufHeader(file);
  const out: Found = { tensors: [], notCompared: [] };
  for (const t of header.tensors) {
    const decoder = DECODERS[t.typeName];
    if (!decoder) {
      out.notCompared.push({
        name: t.name,
        file: file.name,
        reason: `GGUF type ${t.typeName} (quantized) is not compared`,
      });
      continue;
    }
    const shape = t.dims.map(Number).reverse();
    const start = header.dataStart + Number(t.offset);
    out.tensors.push({ name: t.name, dtype: t.typeName, shape, file, start, elementBytes: decoder.bytes });
  }
  return out;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Elements [from, from + count) as Float32, decoded from the storage dtype. */
export async function readElements(tensor: WeightTensor, from: number, count: number): Promise<Float32Array> {
  const bytes = await tensor.file.read(tensor.start + from * tensor.elementBytes, count * tensor.elementBytes);
  if (bytes.byteLength !== count * tensor.elementBytes) {
    throw new Error(`${tensor.file.name}: tensor '${tensor.name}' runs past the end of the file`);
  }
  return DECODERS[tensor.dtype]!.decode(bytes);
}
