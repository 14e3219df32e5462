import type { ByteSource } from '../io/byte-source.ts';
import { FlatReader, hasFileIdentifier, type FlatTable } from './flatbuffer-reader.ts';
import { readFlexNodeDef } from './flex-node-def.ts';
import { FormatError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

/**
 * TFLite model reader (tensorflow/lite/schema/schema.fbs, file identifier "TFL3"): operator codes, the
 * operators that use them, tensors' buffer indices, buffers' bounds, signature defs and metadata names.
 * Field indices below are the schema's field order (a table's vtable slot = 4 + 2 × index).
 */

/** OperatorCode: the op the interpreter must resolve. */
export interface TfliteOpCode {
  /** max(builtin_code, deprecated_builtin_code), as tflite::GetBuiltinCode (schema_utils.cc) reads it. */
  builtin: number;
  customCode?: string;
}

/** A Flex operator: the TensorFlow op its NodeDef runs, or why that could not be read. */
export interface TfliteFlexUse {
  customCode: string;
  subgraph: number;
  operator: number;
  nodeOp?: string;
  problem?: string;
}

export interface TfliteModel {
  version: number;
  opCodes: TfliteOpCode[];
  subgraphs: number;
  operators: number;
  tensors: number;
  buffers: number;
  /** One entry per distinct (custom code, NodeDef op, problem) of the Flex operators. */
  flex: TfliteFlexUse[];
  signatureKeys: string[];
  metadataNames: string[];
  /** Counts past the reader's caps: the rest was not read. */
  truncated?: string;
}

/** BuiltinOperator.CUSTOM: the op is named by custom_code and needs a kernel the app registers. */
export const TFLITE_CUSTOM = 32;

const MAX_OP_CODES = 10_000;
const MAX_SUBGRAPHS = 10_000;
/** Summed over subgraphs: a 7B-parameter LLM export has some 10k operators and tensors. */
const MAX_OPERATORS = 500_000;
const MAX_TENSORS = 500_000;
const MAX_BUFFERS = 500_000;
const MAX_NAME = 4096;
const MAX_FLEX_OPTIONS = 1 << 20;
const MAX_LISTED = 256;

export function isTflite(head: Uint8Array, size: number): boolean {
  return hasFileIdentifier(head, 'TFL3', size);
}

export async function readTflite(source: ByteSource): Promise<TfliteModel> {
  const f = new FlatReader(new WindowReader(source), source.size);
  const model = await f.tableAt(0);
  // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4, metadata_buffer 5, metadata 6,
  // signature_defs 7.
  const m: TfliteModel = {
    version: await f.u32Field(model, 0),
    opCodes: await opCodes(f, model),
    subgraphs: 0, operators: 0, tensors: 0, buffers: 0, flex: [], signatureKeys: [], metadataNames: [],
  }; // prettier-ignore
  m.buffers = await checkBuffers(f, model, source.size);
  const subgraphs = await f.vectorField(model, 2, 4, MAX_SUBGRAPHS);
  m.subgraphs = subgraphs.length;
  if (m.subgraphs === 0) throw new FormatError('the model has no subgraph');
  for (let i = 0; i < subgraphs.length && !m.truncated; i++) {
    await readSubgraph(f, await f.elementTable(subgraphs, i), i, m, source.size);
  }
  await readSignatures(f, model, m);
  const metadata = await f.vectorField(model, 6, 4, MAX_BUFFERS);
  for (let i = 0; i < metadata.length; i++) {
    const entry = await f.elementTable(metadata, i);
    if ((await f.u32Field(entry, 1)) >= m.buffers) throw new FormatError(`metadata ${i} points past the buffers`);
    if (m.metadataNames.length < MAX_LISTED) m.metadataNames.push((await f.stringField(entry, 0, MAX_NAME)) ?? '');
  }
  return m;
}

async function opCodes(f: FlatReader, model: FlatTable): Promise<TfliteOpCode[]> {
  const v = await f.vectorField(model, 1, 4, MAX_OP_CODES);
  const out: TfliteOpCode[] = [];
  for (let i = 0; i < v.length; i++) {
    // OperatorCode: deprecated_builtin_code (byte) 0, custom_code 1, version 2, builtin_code (int) 3.
    const t = await f.elementTable(v, i);
    const deprecated = (await f.u8Field(t, 0)) << 24 >> 24; // prettier-ignore
    const builtin = Math.max(deprecated, await f.i32Field(t, 3));
    const customCode = await f.stringField(t, 1, MAX_NAME);
    out.push(customCode === undefined ? { builtin } : { builtin, customCode });
  }
  return out;
}

/** Buffer: data [ubyte] 0, offset (ulong) 1, size (ulong) 2; offset > 1 places the data after the flatbuffer. */
async function checkBuffers(f: FlatReader, model: FlatTable, fileSize: number): Promise<number> {
  const v = await f.vectorField(model, 4, 4, MAX_BUFFERS);
  for (let i = 0; i < v.length; i++) {
    const t = await f.elementTable(v, i);
    await f.vectorField(t, 0, 1, fileSize);
    const offset = await f.u64Field(t, 1);
    const size = await f.u64Field(t, 2);
    if (offset > 1 && offset + size > fileSize) {
      throw new FormatError(`buffer ${i} reads ${size} bytes at ${offset}, past the end of the file`);
    }
  }
  return v.length;
}

async function readSubgraph(f: FlatReader, g: FlatTable, index: number, m: TfliteModel, size: number): Promise<void> {
  // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
  const tensors = await f.vectorField(g, 0, 4, MAX_TENSORS);
  const operators = await f.vectorField(g, 3, 4, MAX_OPERATORS);
  if (m.tensors + tensors.length > MAX_TENSORS || m.operators + operators.length > MAX_OPERATORS) {
    m.truncated = `more than ${MAX_TENSORS} tensors or ${MAX_OPERATORS} operators`;
    return;
  }
  m.tensors += tensors.length;
  m.operators += operators.length;
  for (let i = 0; i < tensors.length; i++) {
    // Tensor: shape 0, type 1, buffer (uint) 2.
    const buffer = await f.u32Field(await f.elementTable(tensors, i), 2);
    if (buffer >= m.buffers)
      throw new FormatError(`subgraph ${index} tensor ${i} uses buffer ${buffer} of ${m.buffers}`);
  }
  for (let i = 0; i < operators.length; i++) {
    await readOperator(f, await f.elementTable(operators, i), index, i, m, size);
  }
}

async function readOperator(
  f: FlatReader,
  op: FlatTable,
  subgraph: number,
  index: number,
  m: TfliteModel,
  size: number,
): Promise<void> {
  // Operator: opcode_index (uint) 0, custom_options [ubyte] 5, large_custom_options_offset 9, _size 10.
  const opcode = await f.u32Field(op, 0);
  const code = m.opCodes[opcode];
  if (!code)
    throw new FormatError(`subgraph ${subgraph} operator ${index} uses operator code ${opcode} of ${m.opCodes.length}`);
  if (code.builtin !== TFLITE_CUSTOM || !code.customCode?.startsWith('Flex')) return;
  const use: TfliteFlexUse = { customCode: code.customCode, subgraph, operator: index };
  try {
    use.nodeOp = (await readFlexNodeDef(await customOptions(f, op, size))).op;
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    use.problem = e.message;
  }
  const seen = m.flex.some(
    (u) => u.customCode === use.customCode && u.nodeOp === use.nodeOp && u.problem === use.problem,
  );
  if (seen) return;
  // Every distinct Flex use is checked by the scanner: past the cap the model is not fully followed.
  if (m.flex.length < MAX_LISTED) m.flex.push(use);
  else m.truncated = `more than ${MAX_LISTED} distinct Flex operators`;
}

async function customOptions(f: FlatReader, op: FlatTable, size: number): Promise<Uint8Array> {
  const offset = await f.u64Field(op, 9);
  const length = await f.u64Field(op, 10);
  if (offset > 0) {
    if (length > MAX_FLEX_OPTIONS || offset + length > size) {
      throw new FormatError(`large custom options of ${length} bytes at ${offset} are out of bounds`);
    }
    return f.copy(offset, length);
  }
  const v = await f.vectorField(op, 5, 1, MAX_FLEX_OPTIONS);
  return f.copy(v.start, v.length);
}

async function readSignatures(f: FlatReader, model: FlatTable, m: TfliteModel): Promise<void> {
  // SignatureDef: inputs 0, outputs 1, signature_key 2, deprecated_tag 3, subgraph_index (uint) 4.
  const v = await f.vectorField(model, 7, 4, MAX_SUBGRAPHS);
  for (let i = 0; i < v.length; i++) {
    const s = await f.elementTable(v, i);
    const key = (await f.stringField(s, 2, MAX_NAME)) ?? '';
    if ((await f.u32Field(s, 4)) >= m.subgraphs) throw new FormatError(`signature '${key}' points past the subgraphs`);
    if (m.signatureKeys.length < MAX_LISTED) m.signatureKeys.push(key);
  }
}
