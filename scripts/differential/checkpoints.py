"""Class 6 (ordinary checkpoints, made by the real libraries) and class 7
(byte-level mutations of those and of the older scan corpus).
"""

import argparse
import collections
import datetime
import decimal
import fractions
import functools
import io
import os
import pathlib
import pickle
import random
import types
import uuid

import containers as C
import gadgets as G
from families import case


def _models(torch):
    nn = torch.nn
    return {
        "linear": lambda: nn.Linear(4, 2),
        "mlp": lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 2)),
        "conv-bn": lambda: nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()),
        "lstm": lambda: nn.LSTM(3, 4, batch_first=True),
        "gru": lambda: nn.GRU(3, 2),
        "embed-ln": lambda: nn.Sequential(nn.Embedding(10, 4), nn.LayerNorm(4)),
        "transformer": lambda: nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16),
        "multihead": lambda: nn.MultiheadAttention(4, 2),
        "weight-norm": lambda: torch.nn.utils.weight_norm(nn.Linear(3, 2)),
        "spectral-norm": lambda: torch.nn.utils.spectral_norm(nn.Linear(3, 2)),
        "param-list": lambda: nn.ParameterDict({"a": nn.Parameter(torch.ones(2)), "b": nn.Parameter(torch.zeros(1), requires_grad=False)}),
        "quantized-linear": lambda: torch.ao.nn.quantized.Linear(4, 2),
    }


def _extras(torch, np):
    """Objects real training scripts put beside the weights."""
    return {
        "pathlib": {"output_dir": pathlib.PurePosixPath("runs/exp1"), "path": pathlib.Path("data")},
        "simplenamespace": {"args": types.SimpleNamespace(lr=0.1, layers=[1, 2], name="x")},
        "argparse": {"args": argparse.Namespace(lr=0.01, epochs=3, model="bert", fp16=False)},
        "datetime": {"saved": datetime.datetime(2024, 5, 1, 12, 0), "day": datetime.date(2024, 5, 1), "took": datetime.timedelta(seconds=90)},
        "partial": {"act": functools.partial(torch.nn.functional.gelu, approximate="tanh"), "norm": functools.partial(torch.nn.functional.normalize, dim=1)},
        "ordereddict": collections.OrderedDict([("a", torch.zeros(2)), ("b", torch.ones(1))]),
        "numpy": {"mean": np.array([0.5, 0.25], dtype=np.float32), "count": np.int64(7), "scale": np.float32(1.5), "table": np.arange(6).reshape(2, 3)},
        "torch-meta": {"size": torch.Size([2, 3]), "dtype": torch.float16, "device": torch.device("cpu"), "gen": torch.Generator().get_state()},
        "collections": {"dd": collections.defaultdict(list, a=[1]), "counter": collections.Counter("aab"), "dq": collections.deque([1, 2])},
        "numbers": {"dec": decimal.Decimal("1.5"), "frac": fractions.Fraction(1, 3), "id": uuid.UUID(int=7), "r": range(3), "sl": slice(1, 5), "ba": bytearray(b"xy")},
        "rng-state": {"python": random.getstate(), "numpy": np.random.get_state(), "cpu": torch.random.get_rng_state()},
        "rng-objects": {"gen": np.random.default_rng(0), "rs": np.random.RandomState(0), "py": random.Random(0)},
        "distributions": {"normal": torch.distributions.Normal(torch.zeros(2), torch.ones(2)), "cat": torch.distributions.Categorical(torch.ones(3))},
        "enums": {"qscheme": torch.per_tensor_affine, "dt": np.dtype("float32"), "bf16": torch.bfloat16},
        "mixed": {"epoch": 3, "losses": [0.5, 0.25], "tags": ("a", "b"), "seen": {1, 2}, "frozen": frozenset({3}), "blob": b"\x00\x01", "c": 1 + 2j},
    }


def _tensors(torch):
    x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    return {
        "quantized": {"q": torch.quantize_per_tensor(x, 0.1, 0, torch.qint8), "qc": torch.quantize_per_channel(x, torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0, 0, 0]), 0, torch.quint8)},
        "sparse-coo": {"s": x.to_sparse()},
        "sparse-csr": {"s": x.to_sparse_csr()},
        "dtypes": {"h": x.half(), "b": x.bfloat16(), "i": x.long(), "bool": x > 3, "u8": x.to(torch.uint8), "cplx": torch.complex(x, x)},
        "views": {"base": x, "view": x[1:, ::2], "t": x.t()},
    }


def _optimizer_state(torch, kind):
    model = torch.nn.Linear(3, 2)
    opt = {"sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), "adam": lambda p: torch.optim.Adam(p), "adamw": lambda p: torch.optim.AdamW(p, weight_decay=0.01)}[kind](model.parameters())
    model(torch.ones(1, 3)).sum().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, 1)
    return {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "epoch": 1}


def torch_objects(torch, np):
    torch.manual_seed(0)
    objs = {}
    for name, make in _models(torch).items():
        objs[f"state_dict-{name}"] = make().state_dict()
        objs[f"module-{name}"] = make()
    for kind in ("sgd", "adam", "adamw"):
        objs[f"optimizer-{kind}"] = _optimizer_state(torch, kind)
    for name, value in {**_extras(torch, np), **_tensors(torch)}.items():
        objs[f"extra-{name}"] = {"state_dict": {"w": torch.ones(2)}, "extra": value}
    return objs


def torch_save(torch, obj, protocol, legacy):
    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol, _use_new_zipfile_serialization=not legacy)
    return C.stable_storage_keys(buf.getvalue()) if legacy else buf.getvalue()


def class6_cases(rng):
    import numpy as np
    import torch

    out = []
    for key, obj in torch_objects(torch, np).items():
        for proto in (2, 4, 5) if not key.startswith("module") else (2, 5):
            for legacy in (False, True):
                data = torch_save(torch, obj, proto, legacy)
                name = rng.choice(("pytorch_model.bin", "model.pt", "checkpoint.pth", "last.ckpt", "optimizer.pt"))
                layout = "legacy" if legacy else "zip"
                out.append(case(6, f"torch|{key}|p{proto}|{layout}", name, data, f"torch.save({key}, pickle_protocol={proto}, {layout})", harmless=True))
    out += _plain_pickles(rng, np)
    out += _sklearn_cases(rng)
    out += _numpy_cases(rng, np)
    return out


def _plain_pickles(rng, np):
    import torch

    out = []
    for key, value in _extras(torch, np).items():
        if key in ("partial",):
            continue
        for proto in range(6):
            data = pickle.dumps(value, protocol=proto)
            out.append(case(6, f"pickle|{key}|p{proto}", rng.choice(("config.pkl", "data.pickle", "meta.pkl")), data, f"pickle.dumps({key}, protocol={proto})", harmless=True))
    return out


def sklearn_estimators():
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]] * 3)
    y = np.array([0, 1, 1, 0] * 3)
    return {
        **_more_estimators(x, y),
        "logreg": LogisticRegression().fit(x, y),
        "scaler": StandardScaler().fit(x),
        "pipeline": Pipeline([("s", StandardScaler()), ("m", LogisticRegression())]).fit(x, y),
        "tree": DecisionTreeClassifier(max_depth=2).fit(x, y),
        "forest": RandomForestClassifier(n_estimators=2, max_depth=2, random_state=0).fit(x, y),
        "kmeans": KMeans(n_clusters=2, n_init=1, random_state=0).fit(x),
        "pca": PCA(n_components=1).fit(x),
    }


def _more_estimators(x, y):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.svm import SVC

    return {
        "svc": SVC().fit(x, y),
        "gnb": GaussianNB().fit(x, y),
        "knn": KNeighborsClassifier(n_neighbors=2).fit(x, y),
        "hgb": HistGradientBoostingClassifier(max_iter=2).fit(x, y),
        "tfidf": TfidfVectorizer().fit(["a cat", "a dog", "the cat sat"]),
        "func-transformer": FunctionTransformer(np.log1p).fit(x),
    }


def _sklearn_cases(rng):
    import joblib

    out = []
    for key, est in sklearn_estimators().items():
        for proto in (2, 4, 5):
            for compress in (0, ("zlib", 3), ("gzip", 3), ("xz", 1)):
                if compress and rng.random() < 0.5:
                    continue
                buf = io.BytesIO()
                joblib.dump(est, buf, protocol=proto, compress=compress)
                label = compress[0] if compress else "raw"
                out.append(case(6, f"joblib|{key}|p{proto}|{label}", rng.choice(("model.joblib", "model.pkl", "classifier.joblib")), buf.getvalue(), f"joblib.dump(sklearn {key}, protocol={proto}, compress={label})", harmless=True))
    return out


def _numpy_cases(rng, np):
    out = []
    arrays = {"float": np.linspace(0, 1, 8, dtype=np.float32), "int": np.arange(10), "struct": np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]), "object": np.array([{"a": 1}, [1, 2], "s"], dtype=object)}
    for key, arr in arrays.items():
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=True)
        out.append(case(6, f"numpy|{key}", rng.choice(("embeddings.npy", "arr.npy")), buf.getvalue(), f"numpy.save({key} array)", harmless=True))
        buf = io.BytesIO()
        np.savez(buf, a=arr, b=np.ones(2))
        out.append(case(6, f"numpy-npz|{key}", "arrays.npz", buf.getvalue(), f"numpy.savez({key} array)", harmless=True))
    return out


# ------------------------------------------------------------ class 7


def scan_corpus_seeds(root):
    base = os.path.join(root, "test/fixtures/scan")
    seeds = []
    for folder, _, files in os.walk(base):
        for f in sorted(files):
            if f in ("labels.json", "README.md"):
                continue
            path = os.path.join(folder, f)
            if os.path.getsize(path) <= 200_000:
                with open(path, "rb") as fh:
                    seeds.append((os.path.relpath(path, base), f, fh.read()))
    return sorted(seeds)


def mutate(data, rng):
    op = rng.choice(("flip", "insert", "truncate", "splice", "splice", "duplicate-tail"))
    if op == "flip" and data:
        at = rng.randrange(len(data))
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:], f"flip@{at}"
    if op == "insert":
        at = rng.randrange(len(data) + 1)
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6)))
        return data[:at] + blob + data[at:], f"insert {len(blob)}@{at}"
    if op == "truncate" and len(data) > 2:
        at = rng.randrange(1, len(data))
        return data[:at], f"truncate@{at}"
    if op == "duplicate-tail":
        at = rng.randrange(len(data) + 1)
        return data + data[at:], f"duplicate-tail@{at}"
    return _splice(data, rng)


def _splice(data, rng):
    tag, pay = C.payload_pickle(rng, rng.choice((0, 2, 4)))
    if data[:2] == b"\x80\x02" or data[:2] == b"\x80\x04" or data[:1] in (b"(", b"c", b"}", b"]"):
        try:
            out, where = C.inject(data, G.emit_body(G.simple_payloads()[0][1], rng, 2), rng)
            return out, f"splice os.system {where}"
        except Exception:  # noqa: BLE001 - not a single clean pickle; fall back to raw placement
            pass
    at = rng.randrange(len(data) + 1)
    return data[:at] + pay + data[at:], f"splice {tag} pickle@{at}"


def class7_cases(rng, harmless, root, count=700):
    seeds = [(c["family"], c["name"], c["data"]) for c in harmless if len(c["data"]) < 60_000]
    seeds += [("scan:" + rel, name, data) for rel, name, data in scan_corpus_seeds(root)]
    out = []
    for _ in range(count):
        origin, name, data = rng.choice(seeds)
        mutated, how = mutate(data, rng)
        if rng.random() < 0.3:
            mutated, how2 = mutate(mutated, rng)
            how += "; " + how2
        out.append(case(7, f"mutant|{origin.split('|')[0]}", name, mutated, f"mutation of {origin}: {how}", origin=origin))
    return out
