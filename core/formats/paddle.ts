import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { readString, walkMessage, type WireField } from './protobuf-wire.ts';
import { WindowReader } from './window-reader.ts';

/**
 * PaddlePaddle `.pdmodel` reader: a ProgramDesc protobuf (paddle/fluid/framework/framework.proto, proto2):
 * ProgramDesc{blocks=1, op_compatible_map=3, version=4, op_version_map=5}, BlockDesc{idx=1, parent_idx=2,
 * vars=3, ops=4, forward_block_idx=5}, OpDesc{inputs=1, outputs=2, type=3, attrs=4, is_target=5},
 * OpDesc.Attr{name=1, type=2, …, s=5, …}. It reads each operator's type and its string attributes (file
 * paths, endpoints) and skips everything else by length.
 */

export interface PaddleOp {
  type: string;
  block: number;
  /** Offset of the OpDesc in the file. */
  at: number;
  /** String attributes (`file_path`, `endpoints`, …), name → value. */
  strings: Record<string, string>;
}

export interface PaddleProgram {
  blocks: number;
  vars: number;
  ops: PaddleOp[];
  version?: bigint;
}

export interface PaddleLimits {
  maxBlocks: number;
  maxVars: number;
  maxOps: number;
  maxAttrs: number;
}

export const DEFAULT_PADDLE_LIMITS: PaddleLimits = {
  maxBlocks: 4096,
  maxVars: 1 << 20,
  maxOps: 1 << 20,
  maxAttrs: 4096,
};

/** A limit was crossed: the program was not read to its end. */
export class PaddleLimitError extends Error {}

const MAX_STRING = 1 << 16;

/** The int32 -1 of the main block's parent_idx, as protobuf writes a negative int32 (10-byte varint). */
const MINUS_ONE = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];

/**
 * A ProgramDesc as Paddle's C++ serializer writes it (fields in number order): first a `blocks` entry whose
 * BlockDesc opens with idx = 0 and parent_idx = -1, then vars (field 3), ops (field 4) or its end. ONNX
 * (0x08 ir_version), TensorFlow GraphDef (a NodeDef opening with its name, 0x0a) and CoreML (0x08) open
 * differently.
 */
export function looksLikePaddleProgram(head: Uint8Array, size: number): boolean {
  if (head[0] !== 0x0a) return false;
  let pos = 1;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = head[pos++];
    if (b === undefined || shift > 28) return false;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  // A block longer than the file is still claimed: the reader reports the truncation.
  if (length === 0 || size < pos || head[pos] !== 0x08 || head[pos + 1] !== 0x00 || head[pos + 2] !== 0x10)
    return false;
  if (!MINUS_ONE.every((b, k) => head[pos + 3 + k] === b)) return false;
  const after = pos + 3 + MINUS_ONE.length;
  return after === pos + length || [0x1a, 0x22, 0x28].includes(head[after] ?? -1);
}

export async function readPaddleProgram(
  source: ByteSource,
  limits: PaddleLimits = DEFAULT_PADDLE_LIMITS,
): Promise<PaddleProgram> {
  const r = new WindowReader(source);
  const program: PaddleProgram = { blocks: 0, vars: 0, ops: [] };
  await walkMessage(r, 0, r.size, async (f) => {
    if (f.no === 1) {
      expectWire(f, 2);
      if (++program.blocks > limits.maxBlocks) throw new PaddleLimitError(`more than ${limits.maxBlocks} blocks`);
      await readBlock(r, f, program, limits);
    } else if (f.no === 4) {
      expectWire(f, 2);
      await walkMessage(r, f.start, f.end, (v) => {
        if (v.no === 1 && v.wire === 0) program.version = v.varint;
      });
    } else if (f.no === 3 || f.no === 5) {
      expectWire(f, 2); // op_compatible_map, op_version_map: op names and versions only
    } else {
      throw new FormatError(`field ${f.no} at ${f.at} is not a ProgramDesc field`, f.at);
    }
  });
  if (program.blocks === 0) throw new FormatError('the program has no blocks', 0);
  return program;
}

function expectWire(f: WireField, wire: WireField['wire']): void {
  if (f.wire !== wire) throw new FormatError(`field ${f.no} at ${f.at} has wire type ${f.wire}, not ${wire}`, f.at);
}

async function readBlock(r: WindowReader, block: WireField, program: PaddleProgram, limits: PaddleLimits) {
  let idx: number | undefined;
  await walkMessage(r, block.start, block.end, async (f) => {
    if (f.no === 1 || f.no === 2 || f.no === 5) {
      expectWire(f, 0);
      if (f.no === 1) idx = Number(BigInt.asIntN(32, f.varint));
    } else if (f.no === 3) {
      expectWire(f, 2);
      if (++program.vars > limits.maxVars) throw new PaddleLimitError(`more than ${limits.maxVars} variables`);
      await readVar(r, f);
    } else if (f.no === 4) {
      expectWire(f, 2);
      if (program.ops.length >= limits.maxOps) throw new PaddleLimitError(`more than ${limits.maxOps} operators`);
      program.ops.push(await readOp(r, f, idx ?? -1, limits));
    } else {
      throw new FormatError(`field ${f.no} at ${f.at} is not a BlockDesc field`, f.at);
    }
  });
  if (idx === undefined) throw new FormatError(`block at ${block.at} has no idx`, block.at);
}

async function readVar(r: WindowReader, v: WireField): Promise<void> {
  let named = false;
  let typed = false;
  await walkMessage(r, v.start, v.end, async (f) => {
    if (f.no === 1) named = (await readString(r, f, MAX_STRING)).length > 0;
    if (f.no === 2) typed = f.wire === 2;
  });
  if (!named || !typed) throw new FormatError(`variable at ${v.at} lacks its name or type`, v.at);
}

async function readOp(r: WindowReader, op: WireField, block: number, limits: PaddleLimits): Promise<PaddleOp> {
  const out: PaddleOp = { type: '', block, at: op.at, strings: {} };
  let attrs = 0;
  await walkMessage(r, op.start, op.end, async (f) => {
    if (f.no === 3) out.type = await readString(r, f, MAX_STRING);
    else if (f.no === 4) {
      expectWire(f, 2);
      if (++attrs > limits.maxAttrs)
        throw new PaddleLimitError(`an operator with more than ${limits.maxAttrs} attributes`);
      const attr = await readAttr(r, f);
      if (attr.value !== undefined) out.strings[attr.name] = attr.value;
    } else if (f.no === 1 || f.no === 2) expectWire(f, 2);
  });
  if (!out.type) throw new FormatError(`operator at ${op.at} has no type`, op.at);
  return out;
}

/** An attribute's name and, for STRING attributes, its value (OpDesc.Attr.s = 5). */
async function readAttr(r: WindowReader, a: WireField): Promise<{ name: string; value?: string }> {
  let name = '';
  let value: string | undefined;
  await walkMessage(r, a.start, a.end, async (f) => {
    if (f.no === 1) name = await readString(r, f, MAX_STRING);
    else if (f.no === 5) value = await readString(r, f, MAX_STRING);
  });
  return value === undefined ? { name } : { name, value };
}
