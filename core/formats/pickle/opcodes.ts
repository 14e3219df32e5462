/**
 * The pickle opcode table of protocols 0–5, as data (CPython Lib/pickletools.py is the reference).
 * Each entry names how its argument is encoded in the stream; the disassembler decodes by `arg`.
 */

/** How an opcode's argument is laid out after the opcode byte. */
export type ArgKind =
  | 'none'
  | 'u1' // unsigned 1-byte int
  | 'u2' // unsigned 2-byte little-endian int
  | 'i4' // signed 4-byte little-endian int
  | 'u4' // unsigned 4-byte little-endian int
  | 'u8' // unsigned 8-byte little-endian int
  | 'f8' // big-endian IEEE double (BINFLOAT)
  | 'decimal-line' // protocol-0 number text up to "\n" (INT, LONG, FLOAT, PUT, GET)
  | 'string-line' // protocol-0 Python repr of a str, quoted (STRING)
  | 'unicode-line' // protocol-0 raw-unicode-escape text (UNICODE)
  | 'ascii-line' // protocol-0 text (PERSID)
  | 'two-lines' // "module\nname\n" (GLOBAL, INST)
  | 'long1' // u1 length + two's complement little-endian bytes
  | 'long4' // i4 length + two's complement little-endian bytes
  | 'bytes-u1' // u1 length + raw bytes
  | 'bytes-u4' // u4 length + raw bytes
  | 'bytes-i4' // i4 length + raw bytes (BINSTRING: negative is an error)
  | 'bytes-u8'; // u8 length + raw bytes

export interface OpcodeInfo {
  name: string;
  code: number;
  arg: ArgKind;
  /** Protocol that introduced the opcode. */
  proto: number;
}

const TABLE: readonly [string, string | number, ArgKind, number][] = [
  ['MARK', '(', 'none', 0],
  ['STOP', '.', 'none', 0],
  ['POP', '0', 'none', 0],
  ['POP_MARK', '1', 'none', 1],
  ['DUP', '2', 'none', 0],
  ['FLOAT', 'F', 'decimal-line', 0],
  ['INT', 'I', 'decimal-line', 0],
  ['BININT', 'J', 'i4', 1],
  ['BININT1', 'K', 'u1', 1],
  ['LONG', 'L', 'decimal-line', 0],
  ['BININT2', 'M', 'u2', 1],
  ['NONE', 'N', 'none', 0],
  ['PERSID', 'P', 'ascii-line', 0],
  ['BINPERSID', 'Q', 'none', 1],
  ['REDUCE', 'R', 'none', 0],
  ['STRING', 'S', 'string-line', 0],
  ['BINSTRING', 'T', 'bytes-i4', 1],
  ['SHORT_BINSTRING', 'U', 'bytes-u1', 1],
  ['UNICODE', 'V', 'unicode-line', 0],
  ['BINUNICODE', 'X', 'bytes-u4', 1],
  ['APPEND', 'a', 'none', 0],
  ['BUILD', 'b', 'none', 0],
  ['GLOBAL', 'c', 'two-lines', 0],
  ['DICT', 'd', 'none', 0],
  ['EMPTY_DICT', '}', 'none', 1],
  ['APPENDS', 'e', 'none', 1],
  ['GET', 'g', 'decimal-line', 0],
  ['BINGET', 'h', 'u1', 1],
  ['INST', 'i', 'two-lines', 0],
  ['LONG_BINGET', 'j', 'u4', 1],
  ['LIST', 'l', 'none', 0],
  ['EMPTY_LIST', ']', 'none', 1],
  ['OBJ', 'o', 'none', 1],
  ['PUT', 'p', 'decimal-line', 0],
  ['BINPUT', 'q', 'u1', 1],
  ['LONG_BINPUT', 'r', 'u4', 1],
  ['SETITEM', 's', 'none', 0],
  ['TUPLE', 't', 'none', 0],
  ['EMPTY_TUPLE', ')', 'none', 1],
  ['SETITEMS', 'u', 'none', 1],
  ['BINFLOAT', 'G', 'f8', 1],
  ['PROTO', 0x80, 'u1', 2],
  ['NEWOBJ', 0x81, 'none', 2],
  ['EXT1', 0x82, 'u1', 2],
  ['EXT2', 0x83, 'u2', 2],
  ['EXT4', 0x84, 'i4', 2],
  ['TUPLE1', 0x85, 'none', 2],
  ['TUPLE2', 0x86, 'none', 2],
  ['TUPLE3', 0x87, 'none', 2],
  ['NEWTRUE', 0x88, 'none', 2],
  ['NEWFALSE', 0x89, 'none', 2],
  ['LONG1', 0x8a, 'long1', 2],
  ['LONG4', 0x8b, 'long4', 2],
  ['BINBYTES', 'B', 'bytes-u4', 3],
  ['SHORT_BINBYTES', 'C', 'bytes-u1', 3],
  ['SHORT_BINUNICODE', 0x8c, 'bytes-u1', 4],
  ['BINUNICODE8', 0x8d, 'bytes-u8', 4],
  ['BINBYTES8', 0x8e, 'bytes-u8', 4],
  ['EMPTY_SET', 0x8f, 'none', 4],
  ['ADDITEMS', 0x90, 'none', 4],
  ['FROZENSET', 0x91, 'none', 4],
  ['NEWOBJ_EX', 0x92, 'none', 4],
  ['STACK_GLOBAL', 0x93, 'none', 4],
  ['MEMOIZE', 0x94, 'none', 4],
  ['FRAME', 0x95, 'u8', 4],
  ['BYTEARRAY8', 0x96, 'bytes-u8', 5],
  ['NEXT_BUFFER', 0x97, 'none', 5],
  ['READONLY_BUFFER', 0x98, 'none', 5],
];

export const OPCODES: readonly OpcodeInfo[] = TABLE.map(([name, c, arg, proto]) => ({
  name,
  code: typeof c === 'string' ? c.charCodeAt(0) : c,
  arg,
  proto,
}));

/** Opcode byte → info; undefined for bytes that are not opcodes. */
export const OPCODE_BY_CODE: readonly (OpcodeInfo | undefined)[] = (() => {
  const byCode: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  for (const op of OPCODES) byCode[op.code] = op;
  return byCode;
})();

/** Highest protocol this table knows (PROTO with a larger number is refused by CPython). */
export const HIGHEST_PROTOCOL = 5;
