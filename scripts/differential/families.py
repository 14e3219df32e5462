"""Candidate cases for weakness classes 1-5: payload pickles in many spellings,
wrapped in the layouts the real loaders read.

A case is a dict: name, class, family (coarse variant key used to
deduplicate), note, data (bytes), optional aux ({path: bytes} staged beside
the model folder) and optional harmless flag.
"""

import base64
import zlib

import gadgets as G
import pk
from grammar import TextGrammar

PICKLE_NAMES = ("model.pkl", "data.pickle", "tokenizer.pkl", "config.pkl", "vocab.pickle", "scaler.pkl")
TORCH_NAMES = ("pytorch_model.bin", "model.pt", "weights.pth", "last.ckpt", "training_args.bin", "optimizer.pt")
JOBLIB_NAMES = ("model.joblib", "pipeline.joblib")
ALL_NAMES = PICKLE_NAMES + TORCH_NAMES + JOBLIB_NAMES + ("embeddings.npy",)


def case(cls, family, name, data, note, **extra):
    out = {"class": cls, "family": family, "name": name, "data": data, "note": note}
    out.update(extra)
    return out


def benign_value(rng):
    """A plausible state-dict-ish value to sit next to a payload."""
    keys = ["epoch", "step", "lr", "best_acc", "arch", "config"]
    rng.shuffle(keys)
    return ("dict", [(G.s(keys[0]), G.i(rng.randrange(100))), (G.s(keys[1]), ("f", 0.001)), (G.s(keys[2]), G.s("resnet"))])


def wrap(expr, rng):
    """Places a payload somewhere in an ordinary-looking object."""
    style = rng.choice(("bare", "dict-value", "list", "ordered-dict", "then", "build-state", "tuple"))
    if style == "dict-value":
        return ("dict", [(G.s("state_dict"), benign_value(rng)), (G.s("meta"), expr)]), style
    if style == "list":
        return G.lst(G.i(1), expr, G.s("x")), style
    if style == "ordered-dict":
        return G.call(G.g("collections", "OrderedDict"), G.lst(G.tup(G.s("a"), expr))), style
    if style == "then":
        return ("then", expr, benign_value(rng)), style
    if style == "build-state":
        return ("build", G.call(G.g("collections", "OrderedDict")), expr), style
    if style == "tuple":
        return G.tup(benign_value(rng), expr), style
    return expr, style


def dump(expr, rng, proto, **kw):
    data, used = pk.dumps(expr, rng, proto, **kw)
    return data, used


# ------------------------------------------------------------ class 4


def class4_cases(rng, per_gadget=4):
    out = []
    for tag, expr in G.all_payload_gadgets():
        dotted = tag.startswith("dotted")
        for _ in range(per_gadget):
            proto = rng.choice((4, 5) if dotted else (0, 1, 2, 3, 4, 5))
            out.append(_payload_case(rng, 4, tag, expr, proto, force_stack_global=dotted))
    for root, path, target in _sample(rng, G.dotted_paths(), 160):
        tag, expr = G.dotted_gadget(root, path, target)
        for proto in (4, 5, rng.choice((2, 3))):
            out.append(_payload_case(rng, 4, tag, expr, proto, force_stack_global=proto >= 4))
    for tag, expr in _sample(rng, G.discovered_gadgets(), 260):
        out.append(_payload_case(rng, 4, tag, expr, rng.choice((0, 2, 3, 4))))
    inner = _inner_payload(rng)
    for tag, expr in G.compat_gadgets(inner):
        for proto in (0, 1, 2, rng.choice((3, 4))):
            out.append(_payload_case(rng, 4, tag, expr, proto))
    return out


def _sample(rng, items, n):
    items = list(items)
    return items if len(items) <= n else rng.sample(items, n)


def _payload_case(rng, cls, tag, expr, proto, force_stack_global=False):
    body, style = wrap(expr, rng)
    if force_stack_global:
        data, used = _stack_global_dump(body, rng, proto)
    else:
        data, used = dump(body, rng, proto)
    name = rng.choice(ALL_NAMES)
    family = f"{tag}|p{proto}|{style}|{','.join(sorted(used))}"
    return case(cls, family, name, data, f"{tag} at protocol {proto}, {style} wrapper, opcodes: {','.join(used) or 'plain'}")


def _stack_global_dump(expr, rng, proto):
    """Dotted names only resolve through STACK_GLOBAL (or GLOBAL once PROTO >= 4)."""
    em = pk.Emitter(rng, proto)
    em.global_ = lambda m, n: em.str_(m) + em.str_(n) + pk.STACK_GLOBAL if rng.random() < 0.8 else b"c" + m.encode() + b"\n" + n.encode() + b"\n"
    body = em.emit(expr) + pk.STOP
    if rng.random() < 0.5:
        body = pk.frame(body)
    return pk.header(proto) + body, ["stack_global"]


def _inner_payload(rng, proto=None):
    tag, expr = rng.choice(G.simple_payloads()[:6])
    data, _ = dump(expr, rng, proto if proto is not None else rng.choice((0, 2, 4)))
    return data


# ------------------------------------------------------------ class 1


def class1_cases(rng, count=700):
    out = []
    payloads = G.simple_payloads() + G.direct_gadgets()[:8] + G.file_gadgets()[:6]
    for _ in range(count):
        tag, expr = rng.choice(payloads)
        grammar = TextGrammar(rng)
        body, style = wrap(_with_numbers(expr, rng), rng)
        proto = rng.choice((0, 0, 0, 1, 2))
        data, used = pk.dumps(body, rng, proto, text=True, grammar=grammar)
        name = rng.choice(PICKLE_NAMES + TORCH_NAMES)
        forms = ",".join(sorted(grammar.used | set(used)))
        family = f"{tag}|text|p{proto}|{forms}"
        out.append(case(1, family, name, data, f"{tag}, protocol-0 text opcodes ({style}); odd forms: {forms or 'none'}"))
    out += _config_text_cases(rng)
    return out


def _with_numbers(expr, rng):
    """Puts INT/FLOAT/GET arguments on the payload's path so their spelling matters."""
    choice = rng.random()
    if choice < 0.3:
        pick = G.call(G.g("operator", "getitem"), G.lst(G.s("safe"), expr), G.i(1))
        return pick
    if choice < 0.5:
        return G.lst(("f", rng.choice((1e5, 0.5, float("inf")))), G.i(rng.randrange(-5, 300)), expr)
    return expr


def _config_text_cases(rng):
    """Text files that read like configuration but are protocol-0 pickles."""
    out = []
    for n in range(40):
        grammar = TextGrammar(rng)
        tag, expr = rng.choice(G.simple_payloads())
        entries = [(G.s(k), G.s(v)) for k, v in (("model_type", "bert"), ("hidden_size", "768"), ("vocab", "bert-base"))]
        entries.insert(rng.randrange(len(entries) + 1), (G.s("_name_or_path"), expr))
        data, _ = pk.dumps(("dict", entries), rng, 0, text=True, grammar=grammar)
        name = rng.choice(("config.pkl", "tokenizer_config.pkl", "special_tokens_map.pkl", "training_args.bin"))
        out.append(case(1, f"config-text|{tag}|{n % 8}", name, data, f"config-like protocol-0 dict hiding {tag}"))
    return out


# ------------------------------------------------------------ class 2: nested


def nested_cases(rng, per=5):
    out = []
    for _ in range(per):
        inner = _inner_payload(rng)
        npy = _object_npy(inner)
        for tag, expr in G.nested_gadgets(inner, npy, base64.b64encode(inner).decode(), zlib.compress(inner)):
            out.append(_payload_case(rng, 2, "nested " + tag, expr, rng.choice((2, 3, 4, 5))))
    return out


def _object_npy(pickled):
    """An .npy of dtype object whose array data is the given pickle."""
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (64 - (10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + pickled


def npy_cases(rng, count=60):
    """Object-dtype .npy/.npz with a payload as the array data."""
    import io
    import zipfile

    out = []
    for n in range(count):
        inner = _inner_payload(rng, rng.choice((2, 3, 4, 5)))
        npy = _object_npy(inner)
        if n % 3 == 2:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr(zipfile.ZipInfo("arr_0.npy", date_time=(2024, 1, 1, 0, 0, 0)), npy)
            out.append(case(2, "npz-object", "arrays.npz", buf.getvalue(), "npz member arr_0.npy of dtype object holding a payload pickle"))
        elif n % 3 == 1:
            out.append(case(2, "npy-raw-pickle", rng.choice(("embeddings.npy", "arr.npy")), inner, "a bare pickle named .npy: numpy.load falls back to pickle.load"))
        else:
            out.append(case(2, "npy-object", rng.choice(("embeddings.npy", "arr.npy")), npy, "dtype-object .npy whose data is a payload pickle"))
    return out


# ------------------------------------------------------------ class 5


def aux_cases(rng):
    out = []
    for _ in range(3):
        for tag in [t for t, _ in G.aux_gadgets("x")]:
            rel = _aux_name(tag)
            expr = dict(G.aux_gadgets(rel))[tag]
            c = _payload_case(rng, 5, "outside " + tag, expr, rng.choice((2, 4)))
            c["aux"] = {rel: _aux_content(tag, rng)}
            c["note"] += f"; loads ../{rel}, a payload outside the model folder"
            out.append(c)
    out += _ndarray_wrapper_cases(rng)
    return out


def _aux_name(tag):
    if tag in ("runpy.run_path", "imp.load_source", "torch.hub._import_module"):
        return "evil.py"
    return "evil.ini" if tag == "logging.config.fileConfig" else "evil.bin"


LOGGING_INI = b"""[loggers]
keys=root
[handlers]
keys=h
[formatters]
keys=
[logger_root]
handlers=h
[handler_h]
class=StreamHandler
args=(open('mg-oracle-marker', 'w'),)
"""


def _aux_content(tag, rng):
    """What the outside file holds: Python source, a logging config that evals, or a payload pickle."""
    if tag in ("runpy.run_path", "imp.load_source", "torch.hub._import_module"):
        return G.PY_STMT.encode() + b"\n"
    if tag == "logging.config.fileConfig":
        return LOGGING_INI
    if tag.startswith("tarfile"):
        return _archive("tar")
    if tag.startswith(("zipfile", "shutil")):
        return _archive("zip")
    return _inner_payload(rng)


def _archive(kind):
    """An archive holding just the marker file: extracting it is the payload."""
    import io
    import tarfile
    import zipfile

    buf = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(zipfile.ZipInfo(G.MARKER, date_time=(2024, 1, 1, 0, 0, 0)), b"x")
        return buf.getvalue()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo(G.MARKER)
        info.size, info.mtime = 1, 0
        t.addfile(info, io.BytesIO(b"x"))
    return buf.getvalue()


def _ndarray_wrapper_cases(rng):
    """Old joblib format: NDArrayWrapper.filename is joined to the pickle's folder and np.load'ed with allow_pickle."""
    out = []
    for rel in ("../evil.npy", "../sub/../evil.npy", "./../evil.npy", "..//evil.npy"):
        for proto in (2, 3, 4):
            state = ("dict", [(G.s("filename"), G.s(rel)), (G.s("subclass"), G.g("numpy", "ndarray")), (G.s("allow_mmap"), ("F",))])
            obj = G.call(G.g("copyreg", "_reconstructor"), G.g("joblib.numpy_pickle_compat", "NDArrayWrapper"), G.g("builtins", "object"), ("n",))
            if rng.random() < 0.5:
                obj = ("raw", pk.Emitter(rng, proto).emit(G.g("joblib.numpy_pickle_compat", "NDArrayWrapper")) + b")\x81")
            data, used = dump(("build", obj, state), rng, proto)
            aux = {"evil.npy": _object_npy(_inner_payload(rng, 2))}
            name = rng.choice(("model.pkl", "model.joblib"))
            out.append(case(5, f"ndarraywrapper|{rel}|p{proto}", name, data, f"joblib NDArrayWrapper(filename={rel!r}) → np.load(allow_pickle=True) of a payload outside the folder", aux=aux))
    return out
