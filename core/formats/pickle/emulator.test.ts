import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emulate } from './emulator.ts';
import { disassemble, frameAnomalies } from './disassemble.ts';
import { OPCODES } from './opcodes.ts';
import { render } from './render.ts';
import { asm } from './assemble.test-helper.ts';

const budget = () => ({ maxPickleOps: 1_000_000, used: { pickleOps: 0 } });
const enc = new TextEncoder();

describe('opcode table', () => {
  it('has the 68 opcodes of protocols 0-5 with unique bytes', () => {
    assert.equal(OPCODES.length, 68);
    assert.equal(new Set(OPCODES.map((o) => o.code)).size, 68);
  });
});

describe('disassembler', () => {
  it('decodes offsets and arguments linearly', () => {
    const d = disassemble(asm().proto(4).str('ab').int(300).stop().build());
    assert.deepEqual(
      d.ops.map((o) => [o.offset, o.info.name]),
      [
        [0, 'PROTO'],
        [2, 'SHORT_BINUNICODE'],
        [6, 'BININT'],
        [11, 'STOP'],
      ],
    );
    assert.equal(d.ops[2]?.arg, 300);
  });
  it('reports frame anomalies (technique 17)', () => {
    const b = asm()
      .proto(4)
      .op('FRAME', ...asm().u64(2))
      .str('abcd')
      .stop()
      .build();
    const d = disassemble(b);
    assert.equal(frameAnomalies(d.ops, b.length).length, 1);
  });
});

describe('emulator', () => {
  it('folds constants of every type', () => {
    const r = emulate(enc.encode("(I01\nI42\nL7L\nF2.5\nS'a\\nb'\nVx\\u00e9\nNtp0\n."), 0, { budget: budget() });
    assert.ok(r.completed);
    assert.equal(r.proto, null);
    assert.equal(render(r.result!), "(True, 42, 7, 2.5, 'a\\nb', 'xé', None)");
  });
  it('records every call with its offset, even popped ones', () => {
    const b = asm().proto(2).global('a', 'f').op('EMPTY_TUPLE').op('REDUCE').op('POP').op('NONE').stop().build();
    const r = emulate(b, 0, { budget: budget() });
    assert.equal(r.calls.length, 1);
    assert.equal(r.calls[0]?.offset, 8);
  });
  it('POP with an empty stack pops a mark, as CPython does', () => {
    const r = emulate(asm().proto(2).op('NONE').op('MARK').op('POP').stop().build(), 0, { budget: budget() });
    assert.ok(r.completed);
  });
  it('STACK_GLOBAL with a non-str operand is an error', () => {
    const r = emulate(asm().proto(4).int(1).str('x').op('STACK_GLOBAL').stop().build(), 0, { budget: budget() });
    assert.ok(!r.completed && r.error);
  });
  it('unsupported protocol is refused', () => {
    assert.ok(emulate(Uint8Array.from([0x80, 9, 0x2e]), 0, { budget: budget() }).error);
  });
  it('a self-referencing list renders in bounded time and length', () => {
    const b = asm().proto(2).op('EMPTY_LIST').op('BINPUT', 0).op('BINGET', 0).op('APPEND').stop().build();
    const r = emulate(b, 0, { budget: budget() });
    const s = render(r.result!);
    assert.ok(s.length <= 600 && s.includes('…'));
  });
  it('stack cap stops a stack bomb', () => {
    const a = asm().proto(2);
    for (let i = 0; i < 5000; i++) a.op('NONE');
    const r = emulate(a.stop().build(), 0, { budget: budget(), maxStack: 1000 });
    assert.ok(r.budgetExceeded);
  });
  it('random bytes never throw or hang (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const r = emulate(bytes, 0, { budget: budget() });
        if (r.result) render(r.result);
        for (const c of r.calls) render(c);
        return r.end <= bytes.length;
      }),
      { numRuns: 3000 },
    );
  });
  it('random op sequences never throw (property)', () => {
    const codes = OPCODES.map((o) => o.code);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...codes, 0, 1, 2, 0x0a), { maxLength: 300 }), (ops) => {
        const r = emulate(Uint8Array.from([0x80, 4, ...ops]), 0, { budget: budget() });
        for (const c of r.calls) render(c);
        return true;
      }),
      { numRuns: 3000 },
    );
  });
});

describe('render', () => {
  it('truncates long strings with an ellipsis', () => {
    const s = render({ k: 'str', v: 'x'.repeat(500) });
    assert.ok(s.length < 100 && s.endsWith("…'"));
  });
});
