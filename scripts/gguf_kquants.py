"""
Round-to-nearest quantizers for the ggml k-quant types Q2_K, Q3_K, Q4_K, Q5_K and Q6_K, in numpy.

gguf-py (0.19) dequantizes every k-quant type but quantizes none of them, so the GGUF fixture generator
(scripts/gen_gguf_fixtures.py) needs its own writer. These follow the block layouts of llama.cpp's
ggml-common.h and the structure of its reference quantizers (quantize_row_q*_K_ref in ggml-quants.c): one
scale (and, for Q2_K/Q4_K/Q5_K, one min) per sub-block, the scales themselves quantized against a per-block
f16 super-scale, then every code chosen as the nearest level under the *stored* scales, clamped to the
type's code range. They do not search scales the way llama.cpp does (make_qkx2_quants), so their error is a
little larger than llama.cpp's; what they share with it is the property the lineage rule tests: each code is
the nearest level of its own stored grid.

The outputs are checked against gguf-py's independent dequantizer by the generator (round trip within the
grid's half step), so a packing mistake here cannot go unnoticed.
"""

import numpy as np

QK_K = 256


def _f16(x):
    return np.asarray(x, dtype=np.float32).astype(np.float16)


def _safe_div(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def _nearest(x):
    # roundf: halves away from zero, as llama.cpp's nearest_int does for the values involved.
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _scale_min_k4(sc, mn):
    """Packs 8 six-bit scales and mins into 12 bytes (llama.cpp get_scale_min_k4 in reverse)."""
    sc = sc.astype(np.uint8)
    mn = mn.astype(np.uint8)
    out = np.zeros((sc.shape[0], 12), dtype=np.uint8)
    out[:, 0:4] = (sc[:, 0:4] & 63) | ((sc[:, 4:8] >> 4) << 6)
    out[:, 4:8] = (mn[:, 0:4] & 63) | ((mn[:, 4:8] >> 4) << 6)
    out[:, 8:12] = (sc[:, 4:8] & 0xF) | ((mn[:, 4:8] & 0xF) << 4)
    return out


def _affine_subblocks(x, sub, levels, scale_bits):
    """Per sub-block scale and min (min ≤ 0) quantized against f16 super-scales; returns codes and packed parts."""
    n = x.shape[0]
    xs = x.reshape(n, -1, sub)
    lo = np.minimum(xs.min(axis=-1), 0.0)
    hi = xs.max(axis=-1)
    scale = (hi - lo) / levels
    qmax = (1 << scale_bits) - 1
    d = _f16(scale.max(axis=-1) / qmax)
    dmin = _f16((-lo).max(axis=-1) / qmax)
    sc = np.clip(_nearest(_safe_div(scale, d.astype(np.float32)[:, None])), 0, qmax)
    mn = np.clip(_nearest(_safe_div(-lo, dmin.astype(np.float32)[:, None])), 0, qmax)
    step = d.astype(np.float32)[:, None] * sc
    offset = dmin.astype(np.float32)[:, None] * mn
    q = np.clip(_nearest(_safe_div(xs + offset[..., None], step[..., None])), 0, levels)
    return q.reshape(n, -1).astype(np.uint8), d, dmin, sc, mn


def _symmetric_subblocks(x, sub, lo_code, hi_code, scale_lo, scale_hi):
    """Per sub-block signed scale (llama.cpp: the largest magnitude maps to the lowest code), int scales vs f16 d."""
    n = x.shape[0]
    xs = x.reshape(n, -1, sub)
    idx = np.abs(xs).argmax(axis=-1)
    signed_max = np.take_along_axis(xs, idx[..., None], axis=-1)[..., 0]
    scale = signed_max / lo_code
    big = np.take_along_axis(scale, np.abs(scale).argmax(axis=-1)[:, None], axis=-1)[:, 0]
    d = _f16(big / scale_lo)
    sc = np.clip(_nearest(_safe_div(scale, d.astype(np.float32)[:, None])), scale_lo, scale_hi)
    step = d.astype(np.float32)[:, None] * sc
    q = np.clip(_nearest(_safe_div(xs, step[..., None])), lo_code, hi_code)
    return q.reshape(n, -1).astype(np.int32), d, sc.astype(np.int32)


def quantize_q4_k(x):
    q, d, dmin, sc, mn = _affine_subblocks(x, 32, 15, 6)
    qs = q.reshape(-1, 4, 2, 32)
    packed = (qs[:, :, 0, :] | (qs[:, :, 1, :] << 4)).reshape(-1, 128)
    return np.concatenate([d[:, None].view(np.uint8), dmin[:, None].view(np.uint8), _scale_min_k4(sc, mn), packed], axis=1)


def quantize_q5_k(x):
    q, d, dmin, sc, mn = _affine_subblocks(x, 32, 31, 6)
    low = (q & 0xF).reshape(-1, 4, 2, 32)
    packed = (low[:, :, 0, :] | (low[:, :, 1, :] << 4)).reshape(-1, 128)
    high = (q >> 4).reshape(-1, 8, 32)
    qh = np.zeros((q.shape[0], 32), dtype=np.uint8)
    for bit in range(8):
        qh |= (high[:, bit, :] << bit).astype(np.uint8)
    return np.concatenate(
        [d[:, None].view(np.uint8), dmin[:, None].view(np.uint8), _scale_min_k4(sc, mn), qh, packed], axis=1
    )


def quantize_q2_k(x):
    q, d, dmin, sc, mn = _affine_subblocks(x, 16, 3, 4)
    qs = q.reshape(-1, 2, 4, 32)
    packed = np.zeros((q.shape[0], 2, 32), dtype=np.uint8)
    for j in range(4):
        packed |= (qs[:, :, j, :] << (2 * j)).astype(np.uint8)
    scales = (sc.astype(np.uint8) | (mn.astype(np.uint8) << 4)).astype(np.uint8)
    return np.concatenate([scales, packed.reshape(-1, 64), d[:, None].view(np.uint8), dmin[:, None].view(np.uint8)], axis=1)


def quantize_q6_k(x):
    q, d, sc = _symmetric_subblocks(x, 16, -32, 31, -128, 127)
    u = (q + 32).astype(np.uint8).reshape(-1, 2, 4, 32)  # [half, quarter, lane]
    ql = np.zeros((u.shape[0], 2, 64), dtype=np.uint8)
    ql[:, :, 0:32] = (u[:, :, 0, :] & 0xF) | ((u[:, :, 2, :] & 0xF) << 4)
    ql[:, :, 32:64] = (u[:, :, 1, :] & 0xF) | ((u[:, :, 3, :] & 0xF) << 4)
    qh = np.zeros((u.shape[0], 2, 32), dtype=np.uint8)
    for s in range(4):
        qh |= ((u[:, :, s, :] >> 4) << (2 * s)).astype(np.uint8)
    return np.concatenate(
        [ql.reshape(-1, 128), qh.reshape(-1, 64), sc.astype(np.int8).view(np.uint8), d[:, None].view(np.uint8)], axis=1
    )


def quantize_q3_k(x):
    q, d, sc = _symmetric_subblocks(x, 16, -4, 3, -32, 31)
    u = (q + 4).astype(np.uint8)  # 0..7: low two bits in qs, bit 2 in hmask
    low = (u & 3).reshape(-1, 2, 4, 32)
    qs = np.zeros((u.shape[0], 2, 32), dtype=np.uint8)
    for j in range(4):
        qs |= (low[:, :, j, :] << (2 * j)).astype(np.uint8)
    high = (u >> 2).reshape(-1, 8, 32)
    hmask = np.zeros((u.shape[0], 32), dtype=np.uint8)
    for bit in range(8):
        hmask |= (high[:, bit, :] << bit).astype(np.uint8)
    s = (sc + 32).astype(np.uint8)  # six bits, stored with an offset of 32
    scales = np.zeros((u.shape[0], 12), dtype=np.uint8)
    scales[:, 0:8] = (s[:, 0:8] & 0xF) | ((s[:, 8:16] & 0xF) << 4)
    for k in range(4):
        scales[:, 8:12] |= ((s[:, 4 * k : 4 * k + 4] >> 4) << (2 * k)).astype(np.uint8)
    return np.concatenate([hmask, qs.reshape(-1, 64), scales, d[:, None].view(np.uint8)], axis=1)


K_QUANTIZERS = {
    "Q2_K": quantize_q2_k,
    "Q3_K": quantize_q3_k,
    "Q4_K": quantize_q4_k,
    "Q5_K": quantize_q5_k,
    "Q6_K": quantize_q6_k,
}


def quantize_k(values, type_name):
    """Quantizes a 2-D float32 array whose rows are whole 256-element blocks; returns uint8 (rows, bytes)."""
    rows, width = values.shape
    assert width % QK_K == 0, f"{type_name} needs rows of whole {QK_K}-element blocks, not {width}"
    blocks = K_QUANTIZERS[type_name](values.reshape(-1, QK_K).astype(np.float32))
    return blocks.reshape(rows, -1)
