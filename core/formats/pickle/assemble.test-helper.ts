import { OPCODES } from './opcodes.ts';

/** A tiny pickle assembler for hand-built test vectors (payloads are inert bytes; nothing is loaded). */
const CODE = new Map(OPCODES.map((o) => [o.name, o.code]));
const enc = new TextEncoder();

export class Asm {
  readonly out: number[] = [];

  op(name: string, ...arg: number[]): this {
    const c = CODE.get(name);
    if (c === undefined) throw new Error(`no opcode ${name}`);
    this.out.push(c, ...arg);
    return this;
  }
  raw(data: string | Uint8Array | number[]): this {
    this.out.push(...(typeof data === 'string' ? enc.encode(data) : data));
    return this;
  }
  u32(n: number): number[] {
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  }
  u64(n: number): number[] {
    return [...this.u32(n % 2 ** 32), ...this.u32(Math.floor(n / 2 ** 32))];
  }
  proto(n: number): this {
    return this.op('PROTO', n);
  }
  str(s: string): this {
    const b = enc.encode(s);
    return b.length < 256
      ? this.op('SHORT_BINUNICODE', b.length).raw(b)
      : this.op('BINUNICODE', ...this.u32(b.length)).raw(b);
  }
  bytes(b: Uint8Array): this {
    return this.op('BINBYTES', ...this.u32(b.length)).raw(b);
  }
  int(n: number): this {
    return n >= 0 && n < 256 ? this.op('BININT1', n) : this.op('BININT', ...this.u32(n));
  }
  global(module: string, name: string): this {
    return this.op('GLOBAL').raw(`${module}\n${name}\n`);
  }
  stackGlobal(module: string, name: string): this {
    return this.str(module).str(name).op('STACK_GLOBAL');
  }
  /** callee(args…) with REDUCE: `emitArgs` pushes the arguments. */
  call(emitCallee: (a: this) => void, ...args: ((a: this) => void)[]): this {
    emitCallee(this);
    this.op('MARK');
    for (const a of args) a(this);
    return this.op('TUPLE').op('REDUCE');
  }
  stop(): this {
    return this.op('STOP');
  }
  build(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export const asm = (): Asm => new Asm();

/** The canonical payload: os.system('echo pwned') via GLOBAL + REDUCE (protocol 2). */
export function osSystemPickle(proto = 2): Uint8Array {
  return asm()
    .proto(proto)
    .call(
      (a) => a.global('os', 'system'),
      (a) => a.str('echo pwned'),
    )
    .stop()
    .build();
}
