import type { ByteSource } from '../io/byte-source.ts';
import { FlatReader, type FlatTable, type FlatVector } from './flatbuffer-reader.ts';
import { FormatError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

/**
 * ExecuTorch program reader (.pte): executorch/schema/program.fbs (file identifier "ET12") and the optional
 * extended header of schema/extended_header.h ("eh00" at offset 8: header length, program size, segment base
 * offset). It reads the operators (name + overload) and delegates (backend id + where their processed blob is)
 * of every execution plan, checks each instruction's operator/delegate index and every segment's bounds.
 * Field indices are program.fbs field order; a union takes two (its type, then its value).
 */

export interface ExecutorchOperator {
  name: string;
  overload: string;
}

export interface ExecutorchDelegate {
  id: string;
  /** INLINE: Program.backend_delegate_data; SEGMENT: Program.segments. */
  location: 'inline' | 'segment';
  index: number;
  bytes: number;
}

export interface ExecutorchProgram {
  identifier: string;
  version: number;
  plans: string[];
  operators: ExecutorchOperator[];
  delegates: ExecutorchDelegate[];
  instructions: number;
  segments: number;
  constantOffsets: number;
  truncated?: string;
}

/** The identifier today's runtime accepts (Program::load checks ProgramBufferHasIdentifier). */
export const EXECUTORCH_IDENTIFIER = 'ET12';

const HEADER_AT = 8;
const MIN_HEADER_LENGTH = 24;
const MAX_PLANS = 1024;
const MAX_OPERATORS = 65_536;
const MAX_DELEGATES = 4096;
const MAX_SEGMENTS = 65_536;
const MAX_CHAINS = 4096;
const MAX_INSTRUCTIONS = 1_000_000;
const MAX_NAME = 4096;
const MAX_LISTED = 512;

/** "ET" and two digits at bytes 4–7 (every schema version so far), root offset inside the file. */
export function isExecutorch(head: Uint8Array, size: number): boolean {
  if (head.byteLength < 8 || size < 16 || head[4] !== 0x45 || head[5] !== 0x54) return false;
  if (!isDigit(head[6]!) || !isDigit(head[7]!)) return false;
  const root = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  return root >= 8 && root < size;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

export function executorchIdentifier(head: Uint8Array): string {
  return String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
}

interface Layout {
  programSize: number;
  segmentBase: number;
}

async function readLayout(r: WindowReader): Promise<Layout> {
  const size = r.size;
  if (size < HEADER_AT + MIN_HEADER_LENGTH) return { programSize: size, segmentBase: 0 };
  const head = await r.bytes(HEADER_AT, MIN_HEADER_LENGTH);
  if (String.fromCharCode(...head.subarray(0, 4)) !== 'eh00') return { programSize: size, segmentBase: 0 };
  const view = new DataView(head.buffer, head.byteOffset, MIN_HEADER_LENGTH);
  const length = view.getUint32(4, true);
  const programSize = Number(view.getBigUint64(8, true));
  const segmentBase = Number(view.getBigUint64(16, true));
  if (length < MIN_HEADER_LENGTH) throw new FormatError(`extended header declares ${length} bytes`, HEADER_AT);
  if (programSize > size || programSize < HEADER_AT + length) {
    throw new FormatError(`extended header program size ${programSize} does not fit the ${size}-byte file`, HEADER_AT);
  }
  if (segmentBase > size || (segmentBase !== 0 && segmentBase < programSize)) {
    throw new FormatError(`segment base offset ${segmentBase} is outside the file or inside the program`, HEADER_AT);
  }
  return { programSize, segmentBase };
}

export async function readExecutorch(source: ByteSource): Promise<ExecutorchProgram> {
  const r = new WindowReader(source);
  const layout = await readLayout(r);
  const f = new FlatReader(r, layout.programSize);
  const identifier = executorchIdentifier(await r.bytes(0, 8));
  const program = await f.tableAt(0);
  // Program: version 0, execution_plan 1, constant_buffer 2, backend_delegate_data 3, segments 4,
  // constant_segment 5, mutable_data_segments 6.
  const p: ExecutorchProgram = {
    identifier, version: await f.u32Field(program, 0), plans: [], operators: [], delegates: [], instructions: 0,
    segments: 0, constantOffsets: 0,
  }; // prettier-ignore
  const segments = await readSegments(f, program, layout, source.size);
  p.segments = segments.length;
  const inline = await f.vectorField(program, 3, 4, MAX_DELEGATES);
  const ctx: PlanContext = { f, p, segments, inline };
  await checkSubsegments(f, await f.tableField(program, 5), segments, 'constant segment', p);
  const mutable = await f.vectorField(program, 6, 4, MAX_SEGMENTS);
  for (let i = 0; i < mutable.length; i++) {
    await checkSubsegments(f, await f.elementTable(mutable, i), segments, `mutable data segment ${i}`);
  }
  const plans = await f.vectorField(program, 1, 4, MAX_PLANS);
  if (plans.length === 0) throw new FormatError('the program has no execution plan');
  for (let i = 0; i < plans.length && !p.truncated; i++) await readPlan(ctx, await f.elementTable(plans, i));
  return p;
}

/** Segment sizes, each checked to lie inside the file after the segment base offset. */
async function readSegments(f: FlatReader, program: FlatTable, layout: Layout, size: number): Promise<number[]> {
  const v = await f.vectorField(program, 4, 4, MAX_SEGMENTS);
  if (v.length > 0 && layout.segmentBase === 0) throw new FormatError('segments are listed but no header places them');
  const sizes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    // DataSegment: offset (uint64) 0, size (uint64) 1.
    const t = await f.elementTable(v, i);
    const offset = await f.u64Field(t, 0);
    const length = await f.u64Field(t, 1);
    if (layout.segmentBase + offset + length > size) {
      throw new FormatError(`segment ${i} (${length} bytes at ${offset}) runs past the end of the file`);
    }
    sizes.push(length);
  }
  return sizes;
}

/** SubsegmentOffsets: segment_index (uint) 0, offsets [uint64] 1: each offset inside the segment. */
async function checkSubsegments(
  f: FlatReader,
  t: FlatTable | undefined,
  segments: number[],
  what: string,
  p?: ExecutorchProgram,
): Promise<void> {
  if (!t) return;
  const offsets = await f.vectorField(t, 1, 8, MAX_INSTRUCTIONS);
  if (p) p.constantOffsets = offsets.length;
  if (offsets.length === 0) return;
  const index = await f.u32Field(t, 0);
  const size = segments[index];
  if (size === undefined) throw new FormatError(`${what} points to segment ${index} of ${segments.length}`);
  for (let i = 0; i < offsets.length; i++) {
    const offset = await f.u64(offsets.start + 8 * i);
    if (offset > size) throw new FormatError(`${what} offset ${i} (${offset}) is past its ${size}-byte segment`);
  }
}

interface PlanContext {
  f: FlatReader;
  p: ExecutorchProgram;
  segments: number[];
  inline: FlatVector;
}

async function readPlan(ctx: PlanContext, plan: FlatTable): Promise<void> {
  const { f, p } = ctx;
  // ExecutionPlan: name 0, container_meta_type 1, values 2, inputs 3, outputs 4, chains 5, operators 6, delegates 7.
  const name = (await f.stringField(plan, 0, MAX_NAME)) ?? '';
  if (p.plans.length < MAX_LISTED) p.plans.push(name);
  const operators = await f.vectorField(plan, 6, 4, MAX_OPERATORS);
  for (let i = 0; i < operators.length; i++) {
    const t = await f.elementTable(operators, i);
    const op = {
      name: (await f.stringField(t, 0, MAX_NAME)) ?? '',
      overload: (await f.stringField(t, 1, MAX_NAME)) ?? '',
    };
    if (p.operators.some((o) => o.name === op.name && o.overload === op.overload)) continue;
    // Every distinct operator is checked by the scanner: past the cap the program is not fully followed.
    if (p.operators.length < MAX_LISTED) p.operators.push(op);
    else p.truncated = `more than ${MAX_LISTED} distinct operators`;
  }
  const delegates = await f.vectorField(plan, 7, 4, MAX_DELEGATES);
  for (let i = 0; i < delegates.length; i++) await readDelegate(ctx, await f.elementTable(delegates, i));
  const chains = await f.vectorField(plan, 5, 4, MAX_CHAINS);
  for (let i = 0; i < chains.length && !p.truncated; i++) {
    await checkChain(ctx, await f.elementTable(chains, i), operators.length, delegates.length);
  }
}

async function readDelegate(ctx: PlanContext, t: FlatTable): Promise<void> {
  const { f, p } = ctx;
  // BackendDelegate: id 0, processed 1, compile_specs 2. BackendDelegateDataReference: location (byte) 0, index 1.
  const id = (await f.stringField(t, 0, MAX_NAME)) ?? '';
  const ref = await f.tableField(t, 1);
  if (!ref) throw new FormatError(`delegate '${id}' has no processed data`);
  const location = (await f.u8Field(ref, 0)) === 1 ? 'segment' : 'inline';
  const index = await f.u32Field(ref, 1);
  let bytes: number;
  if (location === 'segment') {
    const size = ctx.segments[index];
    if (size === undefined)
      throw new FormatError(`delegate '${id}' points to segment ${index} of ${ctx.segments.length}`);
    bytes = size;
  } else {
    if (index >= ctx.inline.length) {
      throw new FormatError(`delegate '${id}' points to inline data ${index} of ${ctx.inline.length}`);
    }
    // BackendDelegateInlineData: data [ubyte] 0.
    bytes = (await f.vectorField(await f.elementTable(ctx.inline, index), 0, 1, f.end)).length;
  }
  if (p.delegates.length < MAX_LISTED) p.delegates.push({ id, location, index, bytes });
  else p.truncated = `more than ${MAX_LISTED} delegates`;
}

/** Chain: instructions 2. Instruction: instr_args_type 0, instr_args 1 (KernelCall 1: op_index; DelegateCall 2). */
async function checkChain(ctx: PlanContext, chain: FlatTable, operators: number, delegates: number): Promise<void> {
  const { f, p } = ctx;
  const instructions = await f.vectorField(chain, 2, 4, MAX_INSTRUCTIONS);
  if (p.instructions + instructions.length > MAX_INSTRUCTIONS) {
    p.truncated = `more than ${MAX_INSTRUCTIONS} instructions`;
    return;
  }
  p.instructions += instructions.length;
  for (let i = 0; i < instructions.length; i++) {
    const instruction = await f.elementTable(instructions, i);
    const type = await f.u8Field(instruction, 0);
    if (type !== 1 && type !== 2) continue;
    const args = await f.tableField(instruction, 1);
    const index = args ? await f.i32Field(args, 0) : -1;
    const limit = type === 1 ? operators : delegates;
    if (index < 0 || index >= limit) {
      const what = type === 1 ? 'operator' : 'delegate';
      throw new FormatError(`instruction ${i} calls ${what} ${index} of ${limit}`);
    }
  }
}
