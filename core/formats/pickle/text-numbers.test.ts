import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emulate } from './emulator.ts';

// CPython is the oracle (scripts/gen_pickle_grammar_vectors.py): every protocol-0 number argument that
// either of its unpicklers accepts must be accepted by the emulator, or a scanner would stop reading where
// the loader goes on; what both refuse must stop it.
interface Verdicts {
  c: boolean;
  py: boolean;
}
interface Case {
  text: string;
  INT: Verdicts;
  LONG: Verdicts;
  FLOAT: Verdicts;
  MEMO: Verdicts;
}
const { cases } = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/pickle-grammar/text-number-vectors.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
};

function completes(stream: string): boolean {
  const bytes = new Uint8Array(Buffer.from(stream, 'utf8'));
  return emulate(bytes, 0, { budget: { maxPickleOps: 100, used: { pickleOps: 0 } } }).completed;
}

const STREAMS: Record<Exclude<keyof Case, 'text'>, (arg: string) => string> = {
  INT: (arg) => `I${arg}\n.`,
  LONG: (arg) => `L${arg}\n.`,
  FLOAT: (arg) => `F${arg}\n.`,
  MEMO: (arg) => `Np${arg}\n0g${arg}\n.`,
};

for (const op of Object.keys(STREAMS) as (keyof typeof STREAMS)[]) {
  test(`${op} arguments: accepted exactly when CPython's C or Python unpickler accepts them`, () => {
    const wrong = cases
      .filter((c) => completes(STREAMS[op](c.text)) !== (c[op].c || c[op].py))
      .map((c) => `${JSON.stringify(c.text)} (C ${c[op].c}, Python ${c[op].py})`);
    assert.deepEqual(wrong, []);
  });
}

test('the vectors include forms only one of the two unpicklers accepts', () => {
  assert.ok(cases.some((c) => c.INT.c !== c.INT.py));
  assert.ok(cases.some((c) => c.FLOAT.c !== c.FLOAT.py));
});
