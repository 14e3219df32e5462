/** A minimal protobuf writer for tests: hand-built messages from the published .proto field numbers. */

export function varint(n: number | bigint): number[] {
  // Negative int32/int64 values are written as their 64-bit two's complement, as protobuf does.
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

export type Part = number[];

export const num = (no: number, n: number | bigint): Part => [...varint((no << 3) | 0), ...varint(n)];
export const bytes = (no: number, payload: Part | Uint8Array): Part => [
  ...varint((no << 3) | 2),
  ...varint(payload.length),
  ...payload,
];
export const str = (no: number, s: string): Part => bytes(no, [...new TextEncoder().encode(s)]);
export const msg = (no: number, ...parts: Part[]): Part => bytes(no, parts.flat());
export const build = (...parts: Part[]): Uint8Array => new Uint8Array(parts.flat());

/** NodeDef { name 1, op 2, input 3, attr 5 } with optional function attribute `f` and string attributes. */
export function nodeDef(
  name: string,
  op: string,
  opts: { inputs?: string[]; func?: string; strings?: Record<string, string> } = {},
): Part {
  const parts: Part[] = [str(1, name), str(2, op), ...(opts.inputs ?? []).map((i) => str(3, i))];
  // AttrValue.func (10) = NameAttrList { name (1) }
  if (opts.func !== undefined) parts.push(msg(5, str(1, 'f'), msg(2, msg(10, str(1, opts.func)))));
  for (const [k, v] of Object.entries(opts.strings ?? {})) parts.push(msg(5, str(1, k), msg(2, str(2, v))));
  return parts.flat();
}

/** FunctionDef { signature (1): OpDef { name (1) }, node_def (3) }. */
export const functionDef = (name: string, nodes: Part[]): Part => [
  ...msg(1, str(1, name)),
  ...nodes.flatMap((n) => bytes(3, n)),
];

/** GraphDef { node (1), library (2): FunctionDefLibrary { function (1) } }. */
export const graphDef = (nodes: Part[], functions: Part[] = []): Part => [
  ...nodes.flatMap((n) => bytes(1, n)),
  ...(functions.length > 0 ? msg(2, ...functions.map((f) => bytes(1, f))) : []),
];
