import { FormatError } from './format-error.ts';
import { memorySource } from '../io/byte-source.ts';
import { readString, walkMessage } from './protobuf-wire.ts';
import { WindowReader } from './window-reader.ts';

/**
 * The TensorFlow op a TFLite Flex operator runs. Its custom_options are a FlexBuffer vector
 * [op name, serialized tensorflow.NodeDef]; the Flex delegate builds the op from the NodeDef's `op` field
 * (tensorflow/lite/delegates/flex/kernel.cc), so that field, not the operator code's name, says what runs.
 * The FlexBuffer is read here by its spec (flatbuffers.dev/flexbuffers) because the string bytes must be
 * the raw bytes the delegate parses, which the flexbuffers JS reader only returns re-decoded as text.
 */

/** FlexBuffer value types (flexbuffers.h `Type`). */
const FBT_STRING = 5;
const FBT_VECTOR = 10;

export interface FlexNodeDef {
  /** Element 0: the op name the converter wrote. */
  name: string;
  /** NodeDef.op (field 2): the TensorFlow op the delegate runs. */
  op: string;
}

function uint(bytes: Uint8Array, at: number, width: number): number {
  if (at < 0 || at + width > bytes.byteLength)
    throw new FormatError(`flexbuffer read past its ${bytes.byteLength} bytes`);
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
  return v;
}

function widthOf(packed: number): number {
  return 1 << (packed & 3);
}

/** The raw bytes of a FlexBuffer string whose offset slot (of `slotWidth` bytes) sits at `at`. */
function stringBytes(bytes: Uint8Array, at: number, slotWidth: number, packed: number): Uint8Array {
  if (packed >> 2 !== FBT_STRING) throw new FormatError(`flexbuffer element is type ${packed >> 2}, not a string`);
  const start = at - uint(bytes, at, slotWidth);
  const length = uint(bytes, start - widthOf(packed), widthOf(packed));
  if (start < 0 || start + length > bytes.byteLength) throw new FormatError('flexbuffer string runs past its buffer');
  return bytes.subarray(start, start + length);
}

/** Reads [op name, NodeDef] from a Flex operator's custom_options. Any other shape is a FormatError. */
export async function readFlexNodeDef(options: Uint8Array): Promise<FlexNodeDef> {
  if (options.byteLength < 3) throw new FormatError('flex custom_options are too short for a flexbuffer');
  const rootWidth = options[options.byteLength - 1]!;
  const rootPacked = options[options.byteLength - 2]!;
  if (![1, 2, 4, 8].includes(rootWidth)) throw new FormatError(`flexbuffer root width ${rootWidth}`);
  if (rootPacked >> 2 !== FBT_VECTOR) throw new FormatError(`flexbuffer root is type ${rootPacked >> 2}, not a vector`);
  const rootAt = options.byteLength - 2 - rootWidth;
  const vector = rootAt - uint(options, rootAt, rootWidth);
  const width = widthOf(rootPacked);
  const size = uint(options, vector - width, width);
  if (size !== 2) throw new FormatError(`flex custom_options vector has ${size} elements, the delegate needs 2`);
  const types = vector + size * width;
  const name = stringBytes(options, vector, width, uint(options, types, 1));
  const nodeDef = stringBytes(options, vector + width, width, uint(options, types + 1, 1));
  return { name: new TextDecoder().decode(name), op: await nodeDefOp(nodeDef) };
}

/** NodeDef.op (tensorflow/core/framework/node_def.proto field 2); the last occurrence wins, as in protobuf. */
async function nodeDefOp(bytes: Uint8Array): Promise<string> {
  const r = new WindowReader(memorySource('NodeDef', bytes));
  let op: string | undefined;
  await walkMessage(r, 0, bytes.byteLength, async (f) => {
    if (f.no === 2) op = await readString(r, f, 1024);
  });
  if (op === undefined) throw new FormatError('the NodeDef in the flex custom_options names no op');
  return op;
}
