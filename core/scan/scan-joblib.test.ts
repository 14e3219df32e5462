import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asm, type Asm } from '../formats/pickle/assemble.test-helper.ts';
import { scanBytes } from './scan-bytes.test-helper.ts';

/** A joblib NumpyArrayWrapper as NumpyPickler writes it: NEWOBJ + BUILD(state) then raw bytes (technique 14). */
function wrapper(a: Asm, dtype: string, shape: number[], withAlignment: boolean): Asm {
  a.global('joblib.numpy_pickle', 'NumpyArrayWrapper').op('EMPTY_TUPLE').op('NEWOBJ');
  a.op('EMPTY_DICT').op('MARK');
  a.str('subclass').global('numpy', 'ndarray');
  a.str('shape').op('MARK');
  for (const d of shape) a.int(d);
  a.op('TUPLE');
  a.str('order').str('C');
  a.str('dtype').global('numpy', 'dtype').str(dtype).op('NEWFALSE').op('NEWTRUE').op('TUPLE3').op('REDUCE');
  a.op('MARK').int(3).str('<').op('NONE').op('NONE').op('NONE').int(-1).int(-1).int(0).op('TUPLE').op('BUILD');
  a.str('allow_mmap').op('NEWTRUE');
  if (withAlignment) a.str('numpy_array_alignment_bytes').int(16);
  return a.op('SETITEMS').op('BUILD');
}

function joblibFile(payloadAfterArray: boolean, withAlignment = true, dtype = 'f8'): Uint8Array {
  const a = asm().proto(4).op('EMPTY_LIST');
  wrapper(a, dtype, [2, 3], withAlignment);
  if (withAlignment) a.raw([3, 0xff, 0xff, 0xff]);
  a.raw(new Array(6 * 8).fill(0xff));
  a.op('APPEND');
  if (payloadAfterArray) a.global('os', 'system').str('echo pwned').op('TUPLE1').op('REDUCE').op('APPEND');
  return a.stop().build();
}

describe('joblib (technique 14)', () => {
  it('a benign joblib file with padded raw array bytes is benign', async () => {
    const o = await scanBytes(joblibFile(false));
    assert.equal(o.verdict, 'benign', JSON.stringify(o.findings));
    assert.equal(o.format, 'joblib');
  });
  it('older joblib without the padding byte', async () => {
    assert.equal((await scanBytes(joblibFile(false, false))).verdict, 'benign');
  });
  it('a payload after the raw array bytes is found', async () => {
    const o = await scanBytes(joblibFile(true));
    assert.equal(o.verdict, 'malicious');
    assert.match(o.findings.map((f) => f.detail).join('\n'), /os\.system\('echo pwned'\)/);
  });
  it('object-dtype arrays are pickled inline and scanned', async () => {
    const a = asm().proto(4).op('EMPTY_LIST');
    wrapper(a, 'O8', [1], true);
    a.raw(
      asm()
        .proto(2)
        .call(
          (x) => x.global('os', 'system'),
          (x) => x.str('echo'),
        )
        .stop()
        .build(),
    );
    a.op('APPEND').stop();
    assert.equal((await scanBytes(a.build())).verdict, 'malicious');
  });
  it('a shape larger than the file is an error, not a skip past the end', async () => {
    const a = asm().proto(4).op('EMPTY_LIST');
    wrapper(a, 'f8', [1 << 20, 1 << 20], true);
    a.raw([0]).op('STOP');
    assert.notEqual((await scanBytes(a.build())).verdict, 'benign');
  });
});
