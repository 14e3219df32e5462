/**
 * Symbolic values of the pickle VM. Constants are folded as they are built; anything the VM would
 * compute at load time (an import, a call, an object) stays symbolic so the rules can judge it.
 * Values are shared by reference exactly as the VM shares them (memo, DUP), so a GET bomb costs
 * nothing here; only walks over values (render, rules) must be bounded.
 */

export type PValue =
  | { k: 'none' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: Uint8Array; bytearray?: boolean; offset: number }
  | { k: 'tuple'; items: PValue[] }
  | { k: 'list'; items: PValue[] }
  | { k: 'dict'; entries: [PValue, PValue][] }
  | { k: 'set'; items: PValue[]; frozen: boolean }
  | GlobalValue
  | CallValue
  | { k: 'persid'; pid: PValue; offset: number }
  | { k: 'ext'; code: number; offset: number }
  | { k: 'buffer'; offset: number };

/** A name a GLOBAL/STACK_GLOBAL/INST imports: `module` + (possibly dotted) `name`. */
export interface GlobalValue {
  k: 'global';
  module: string;
  name: string;
  offset: number;
  opcode: string;
}

export type CallKind =
  'REDUCE' | 'INST' | 'OBJ' | 'NEWOBJ' | 'NEWOBJ_EX' | 'BUILD-setstate' | 'SETITEM' | 'APPEND' | 'ADDITEMS';

/** One invocation the VM performs at load time. Its value is the call's result. */
export interface CallValue {
  k: 'call';
  kind: CallKind;
  /** What is called: usually a global; a call result for chains like getattr(…)(…). */
  callee: PValue;
  args: PValue[];
  kwargs?: PValue;
  /** For method-like calls (SETITEM on a non-dict…): the method name. */
  method?: string;
  offset: number;
  /** Attributes set on the result by BUILD (dict or slot state), e.g. a planted `__setstate__`. */
  attrs?: Map<string, PValue>;
  /** States applied by BUILD without a `__setstate__` (kept for the rules: NumpyArrayWrapper…). */
  state?: PValue;
}

export const NONE: PValue = { k: 'none' };

export function isConstant(v: PValue): boolean {
  return v.k !== 'global' && v.k !== 'call' && v.k !== 'persid' && v.k !== 'ext' && v.k !== 'buffer';
}

export function strOf(v: PValue | undefined): string | undefined {
  return v?.k === 'str' ? v.v : undefined;
}

export function intOf(v: PValue | undefined): number | undefined {
  if (v?.k === 'int') return Number(v.v);
  if (v?.k === 'bool') return v.v ? 1 : 0;
  return undefined;
}

/** Looks a string key up in a folded dict. */
export function dictGet(v: PValue | undefined, key: string): PValue | undefined {
  if (v?.k !== 'dict') return undefined;
  for (const [k, val] of v.entries) if (k.k === 'str' && k.v === key) return val;
  return undefined;
}
