import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { walkMessage } from './protobuf-wire.ts';
import { WindowReader } from './window-reader.ts';

/**
 * PaddlePaddle combined parameters (`.pdiparams`, written by the save_combine operator): LoDTensors one after
 * the other, each as paddle/fluid/framework/lod_tensor.cc SerializeToStream and tensor_util.cc TensorToStream
 * write it, little-endian:
 *   u32 version (0) · u64 lod_level · per level: u64 byte size + that many bytes ·
 *   u32 tensor version (0) · i32 desc size · TensorDesc protobuf {data_type = 1, repeated int64 dims = 2} ·
 *   numel × element size bytes of data.
 * The loader (load_combine) only copies these bytes into tensors; the stream carries no code.
 */

/** Bytes per element of VarType.Type (framework.proto): BOOL … FP64, SIZE_T, UINT8, INT8, BF16, COMPLEX64/128. */
const ELEMENT_BYTES: ReadonlyMap<number, number> = new Map([
  [0, 1], [1, 2], [2, 4], [3, 8], [4, 2], [5, 4], [6, 8], [19, 8], [20, 1], [21, 1], [22, 2], [23, 8], [24, 16],
]); // prettier-ignore

const MAX_DESC_BYTES = 4096;
const MAX_LOD_LEVELS = 16;
const MAX_DIMS = 64;

export interface PaddleParamsLimits {
  maxTensors: number;
}

export interface PaddleTensorHeader {
  dataType: number;
  dims: number[];
  /** Where the tensor data starts and how long it is. */
  dataStart: number;
  dataBytes: number;
}

export interface PaddleParams {
  tensors: number;
  dataBytes: number;
}

export class PaddleParamsLimitError extends Error {}

/** The first tensor header parses and its data lies inside the file. */
export async function looksLikePaddleParams(head: Uint8Array, source: ByteSource): Promise<boolean> {
  if (head.byteLength < 20 || head.subarray(0, 4).some((b) => b !== 0)) return false;
  try {
    const first = await readTensorHeader(new WindowReader(source), 0);
    return first.dataStart + first.dataBytes <= source.size;
  } catch {
    return false;
  }
}

export async function readPaddleParams(
  source: ByteSource,
  limits: PaddleParamsLimits = { maxTensors: 1 << 20 },
): Promise<PaddleParams> {
  const r = new WindowReader(source);
  const out: PaddleParams = { tensors: 0, dataBytes: 0 };
  let pos = 0;
  while (pos < r.size) {
    if (out.tensors >= limits.maxTensors) throw new PaddleParamsLimitError(`more than ${limits.maxTensors} tensors`);
    const t = await readTensorHeader(r, pos);
    const end = t.dataStart + t.dataBytes;
    if (end > r.size) throw new FormatError(`tensor ${out.tensors} at ${pos} runs past the end of the file`, pos);
    out.tensors++;
    out.dataBytes += t.dataBytes;
    pos = end;
  }
  if (out.tensors === 0) throw new FormatError('the file holds no tensor', 0);
  return out;
}

export async function readTensorHeader(r: WindowReader, at: number): Promise<PaddleTensorHeader> {
  const view = async (offset: number, length: number) => {
    const b = await r.bytes(offset, length);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  };
  if ((await view(at, 4)).getUint32(0, true) !== 0) throw new FormatError(`tensor at ${at}: version is not 0`, at);
  const levels = (await view(at + 4, 8)).getBigUint64(0, true);
  if (levels > BigInt(MAX_LOD_LEVELS)) throw new FormatError(`tensor at ${at}: ${levels} LoD levels`, at);
  let pos = at + 12;
  for (let i = 0; i < Number(levels); i++) {
    const size = (await view(pos, 8)).getBigUint64(0, true);
    if (size > BigInt(r.size - pos - 8) || size % 8n !== 0n)
      throw new FormatError(`tensor at ${at}: bad LoD level`, at);
    pos += 8 + Number(size);
  }
  const head = await view(pos, 8);
  if (head.getUint32(0, true) !== 0) throw new FormatError(`tensor at ${at}: tensor version is not 0`, at);
  const descBytes = head.getInt32(4, true);
  if (descBytes < 2 || descBytes > MAX_DESC_BYTES)
    throw new FormatError(`tensor at ${at}: desc of ${descBytes} bytes`, at);
  const desc = await readTensorDesc(r, pos + 8, pos + 8 + descBytes);
  const elements = desc.dims.reduce((n, d) => n * d, 1);
  const dataBytes = elements * ELEMENT_BYTES.get(desc.dataType)!;
  if (!Number.isSafeInteger(dataBytes)) throw new FormatError(`tensor at ${at}: size overflows`, at);
  return { ...desc, dataStart: pos + 8 + descBytes, dataBytes };
}

async function readTensorDesc(r: WindowReader, start: number, end: number) {
  let dataType: number | undefined;
  const dims: number[] = [];
  await walkMessage(r, start, end, (f) => {
    if (f.no === 1 && f.wire === 0) dataType = Number(f.varint);
    else if (f.no === 2 && f.wire === 0 && f.varint <= 0xffffffffn && dims.length < MAX_DIMS)
      dims.push(Number(f.varint));
    else throw new FormatError(`TensorDesc field ${f.no} at ${f.at} is not a data type or a dimension`, f.at);
  });
  if (dataType === undefined || !ELEMENT_BYTES.has(dataType)) {
    throw new FormatError(`TensorDesc at ${start} has no known data type`, start);
  }
  return { dataType, dims };
}
