#!/usr/bin/env python3
"""Writes ggml block-dequantization vectors into test/fixtures/gguf-dequant/, with gguf-py as the oracle.

Needs numpy and gguf (gguf-py, tested with 0.19.0):  python scripts/gen_dequant_vectors.py
For each type: blocks of seeded random bytes whose f16 scale fields are overwritten by finite values (one block
with zero scales, one with negative scales, one with a subnormal d, the rest moderate random), plus, for the types
gguf-py can quantize, one block made by gguf-py's own `quantize`. Writes `<type>.blocks` (raw block bytes) and
`<type>.f32` (what `gguf.quants.dequantize` returns, float32 little-endian) and `manifest.json`.

The manifest also holds, for a sample of elements, the rounding grid: `step`, the distance between adjacent
levels, measured with gguf-py by setting the (sub-)block minimum to zero, moving that one element's code to the
next level in the bytes and dequantizing again; and `edge`, -1/+1 where the code is the lowest/highest of its
range. The generator asserts that only that element changed and that gguf-py's value is step × (code − offset),
so the bit positions it edits are the ones gguf-py reads.
"""
import hashlib
import importlib.metadata
import json
import os
import re

import numpy as np
from gguf import GGMLQuantizationType, quants
from gguf.constants import GGML_QUANT_SIZES

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'gguf-dequant')
SEED = 20261207
SAMPLES_PER_BLOCK = 6


def bits(at, shift, width):
    return [(at, shift, width)]


# Where each element's code lives, low bits first: (byte offset in the block, bit shift, width), from the
# block_* layouts of ggml-common.h.
def q8_0(e):
    return bits(2 + e, 0, 8)


def legacy(nibbles_at, high_at):
    def locate(e):
        low = bits(nibbles_at + (e & 15), 0 if e < 16 else 4, 4)
        return low if high_at is None else low + bits(high_at + e // 8, e % 8, 1)

    return locate


def two_bit(codes_at, e):
    return bits(codes_at + (e >> 7) * 32 + (e & 31), 2 * ((e >> 5) & 3), 2)


def k_nibble(codes_at, e):
    return bits(codes_at + (e >> 6) * 32 + (e & 31), 4 * ((e >> 5) & 1), 4)


def high_bit(bits_at, e):
    return bits(bits_at + (e & 31), e >> 5, 1)


def q6_k(e):
    return bits((e >> 7) * 64 + (e & 63), 4 * ((e >> 6) & 1), 4) + two_bit(128, e)


T = GGMLQuantizationType
# type: (code locator, lowest and highest level, f16 scale fields (the first is d), f16 minimum fields, zeroed
# for the step oracle). Levels are codes minus the type's offset; Q8_0's code is a two's-complement int8.
TYPES = {
    'Q8_0': (q8_0, (-128, 127), [0], []),
    'Q4_0': (legacy(2, None), (-8, 7), [0], []),
    'Q4_1': (legacy(4, None), (0, 15), [0, 2], [2]),
    'Q5_0': (legacy(6, 2), (-16, 15), [0], []),
    'Q5_1': (legacy(8, 4), (0, 31), [0, 2], [2]),
    'Q2_K': (lambda e: two_bit(16, e), (0, 3), [80, 82], [82]),
    'Q3_K': (lambda e: two_bit(32, e) + high_bit(0, e), (-4, 3), [108], []),
    'Q4_K': (lambda e: k_nibble(16, e), (0, 15), [0, 2], [2]),
    'Q5_K': (lambda e: k_nibble(48, e) + high_bit(16, e), (0, 31), [0, 2], [2]),
    'Q6_K': (q6_k, (-32, 31), [208], []),
}
QUANTIZABLE = {'Q8_0', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1'}
RANDOM_BLOCKS = {32: 12, 256: 6}


def read_code(block, where):
    code, used = 0, 0
    for at, shift, width in where:
        code |= ((int(block[at]) >> shift) & ((1 << width) - 1)) << used
        used += width
    return code


def write_code(block, where, code):
    for at, shift, width in where:
        mask = ((1 << width) - 1) << shift
        block[at] = (int(block[at]) & ~mask) | ((code & ((1 << width) - 1)) << shift)
        code >>= width


def read_level(name, block, e):
    locate, (low, high), _, _ = TYPES[name]
    code = read_code(block, locate(e))
    if low == -128:  # Q8_0: a two's-complement int8
        return code - 256 if code >= 128 else code
    return code + low  # elsewhere code 0 is the lowest level


def write_level(name, block, e, level):
    locate, (low, _), _, _ = TYPES[name]
    write_code(block, locate(e), level & 0xFF if low == -128 else level - low)


def dequant(qtype, block):
    return quants.dequantize(block.reshape(1, -1), qtype).reshape(-1).astype(np.float32)


def set_f16(block, at, value):
    block[at : at + 2] = np.array([value], dtype='<f2').view(np.uint8)


def scale_value(rng, block_index, field_index):
    """Block 0: zero scales; block 1: negative; block 2: a subnormal f16 d; others: moderate, random sign."""
    magnitude = 2.0 ** rng.uniform(-12, 1)
    if block_index == 0:
        return 0.0
    if block_index == 1:
        return -magnitude
    if block_index == 2 and field_index == 0:
        return 2.0**-20
    return magnitude * rng.choice([-1.0, 1.0])


def random_blocks(rng, name, n):
    _, size = GGML_QUANT_SIZES[T[name]]
    blocks = rng.integers(0, 256, size=(n, size), dtype=np.uint8)
    for i, block in enumerate(blocks):
        for k, at in enumerate(TYPES[name][2]):
            set_f16(block, at, scale_value(rng, i, k))
    return blocks


def quantized_block(rng, name):
    elements, _ = GGML_QUANT_SIZES[T[name]]
    data = rng.normal(0, 0.05, size=(1, elements)).astype(np.float32)
    return quants.quantize(data, T[name]).reshape(1, -1)


def grid_sample(qtype, name, block, e):
    """(step, edge) of element e, measured with gguf-py after zeroing the minimum and moving e's level by one."""
    _, (low, high), _, min_fields = TYPES[name]
    base = block.copy()
    for at in min_fields:
        set_f16(base, at, 0.0)
    level = read_level(name, base, e)
    delta = 1 if level < high else -1
    moved = base.copy()
    write_level(name, moved, e, level + delta)
    assert read_level(name, moved, e) == level + delta
    before, after = dequant(qtype, base), dequant(qtype, moved)
    changed = np.flatnonzero(before != after)
    assert set(changed.tolist()) <= {e}, (name, e, changed)
    scale = (float(after[e]) - float(before[e])) / delta
    assert float(before[e]) == scale * level, (name, e, before[e], scale, level)
    assert np.float32(scale) == scale
    return abs(scale), -1 if level == low else 1 if level == high else 0


def sample_elements(rng, name, block, elements):
    """A few random elements, plus the first at the lowest and the first at the highest level when there are any."""
    low, high = TYPES[name][1]
    levels = [read_level(name, block, e) for e in range(elements)]
    picked = set(rng.choice(elements, size=SAMPLES_PER_BLOCK - 2, replace=False).tolist())
    for edge in (low, high):
        picked |= set([e for e, level in enumerate(levels) if level == edge][:1])
    return sorted(picked)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def build(rng, name):
    qtype = T[name]
    elements, size = GGML_QUANT_SIZES[qtype]
    blocks = random_blocks(rng, name, RANDOM_BLOCKS[elements])
    if name in QUANTIZABLE:
        blocks = np.concatenate([blocks, quantized_block(rng, name)])
    values = quants.dequantize(blocks, qtype).reshape(-1).astype('<f4')
    assert np.all(np.isfinite(values)), name
    grid = []
    for b, block in enumerate(blocks):
        for e in sample_elements(rng, name, block, elements):
            step, edge = grid_sample(qtype, name, block, e)
            grid.append([b * elements + e, step, edge])
    raw, f32 = blocks.tobytes(), values.tobytes()
    for suffix, data in (('blocks', raw), ('f32', f32)):
        with open(os.path.join(OUT, f'{name}.{suffix}'), 'wb') as f:
            f.write(data)
    return {
        'type': name,
        'elements': int(values.size),
        'quantizedByGgufPy': name in QUANTIZABLE,
        'blocks': {'file': f'{name}.blocks', 'sha256': sha256(raw)},
        'values': {'file': f'{name}.f32', 'sha256': sha256(f32)},
        'grid': grid,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    manifest = {
        'generator': {
            'script': 'scripts/gen_dequant_vectors.py',
            'seed': SEED,
            'gguf': importlib.metadata.version('gguf'),
            'numpy': np.__version__,
        },
        'gridColumns': ['index', 'step', 'edge'],
        'types': [build(rng, name) for name in TYPES],
    }
    # One line per grid sample: arrays of scalars are joined onto one line.
    def one_line(match):
        return '[' + re.sub(r'\s*\n\s*', ' ', match.group(1)) + ']'

    text = re.sub(r'\[\s+([^\[\]{}]*?)\s+\]', one_line, json.dumps(manifest, indent=1))
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        f.write(text + '\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    assert total < 200_000, total
    print(f'wrote {len(TYPES)} types, {total} bytes')


if __name__ == '__main__':
    main()
