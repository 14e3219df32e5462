"""Writes test/fixtures/formats/tree-models/: LightGBM, XGBoost, CatBoost, skops and scikit-learn joblib models.

Run with the project's Python venv (lightgbm 4.7, scikit-learn 1.9, joblib, numpy, flatbuffers):
    python scripts/gen_tree_model_fixtures.py
Deterministic: fixed seeds, fixed ZIP timestamps, sorted keys where the writers sort them.

Where the format's own library is installed (lightgbm, scikit-learn/joblib) it writes the benign files and
is run again in a subprocess as the oracle of every label: it loads and predicts with the benign files, and
what it does with each corrupted one is recorded in the label's `what`. XGBoost, CatBoost and skops are not
installable here: their files are built by hand from the published formats, cited at each builder.
"""

import io
import json
import os
import pickle
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test/fixtures/formats/tree-models"
LABELS = []

XGB_SCHEMA = "hand-built from the XGBoost JSON model schema (doc/model.schema, dmlc/xgboost)"
UBJ_SPEC = "hand-built from the XGBoost model schema, encoded per the UBJSON spec (ubjson.org) as XGBoost's UBJWriter writes it"
XGB_LEGACY = "hand-built from Learner::LoadModel(dmlc::Stream*) in xgboost src/learner.cc (binf, LearnerModelParamLegacy, names)"
CBM_SCHEMA = "hand-built from catboost/libs/model/flatbuffers/model.fbs and TFullModel::Save (CBM1 frame) with flatbuffers"
SKOPS_FORMAT = "hand-built from the skops persistence format (skops/io/_general.py, _numpy.py; skops.readthedocs.io persistence)"


def write(rel, data, expect, fmt, made_by, what):
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    LABELS.append({"path": rel, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def oracle(code):
    """Runs `code` in a fresh interpreter: 'ok: <stdout>', 'fails: <last error line>', 'crashes' or 'hangs'."""
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "hangs (killed after 30 s)"
    if r.returncode == 0:
        return "ok: " + r.stdout.strip()
    if r.returncode < 0:
        return f"crashes (signal {-r.returncode})"
    last = [l for l in r.stderr.strip().splitlines() if l.strip()][-1:] or ["?"]
    return "fails: " + last[0][:160]


# ---------------------------------------------------------------------------------------------- LightGBM


def lightgbm_files():
    import lightgbm as lgb
    import pandas as pd

    made = f"lightgbm {lgb.__version__}"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    params = {"objective": "binary", "num_leaves": 4, "verbose": -1, "seed": 1, "deterministic": True, "num_threads": 1}
    booster = lgb.train(params, lgb.Dataset(X, y), num_boost_round=3)
    binary = booster.model_to_string()
    df = pd.DataFrame({"colour": pd.Categorical(rng.choice(["red", "green", "blue"], 300)), "x": rng.normal(size=300)})
    yc = rng.integers(0, 3, 300)
    multi = lgb.train(
        {"objective": "multiclass", "num_class": 3, "num_leaves": 4, "verbose": -1, "deterministic": True,
         "num_threads": 1, "min_data_per_group": 5, "cat_smooth": 1},
        lgb.Dataset(df, yc), num_boost_round=2,
    )
    tmp = OUT / "lightgbm/.tmp.txt"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    multi.save_model(str(tmp))
    categorical = tmp.read_text()
    tmp.unlink()
    assert "num_cat=1" in categorical or "num_cat=2" in categorical, "expected a categorical split"

    Xl = rng.normal(size=(500, 3))
    yl = Xl[:, 0] * 2 + Xl[:, 1] + rng.normal(size=500) * 0.1
    linear = lgb.train(
        {"objective": "regression", "linear_tree": True, "num_leaves": 4, "verbose": -1, "deterministic": True,
         "num_threads": 1, "seed": 1},
        lgb.Dataset(Xl, yl), num_boost_round=3,
    ).model_to_string()
    assert "num_features=1" in linear, "expected linear leaves with a feature"
    constant = lgb.train(
        {"objective": "regression", "num_leaves": 4, "verbose": -1, "num_threads": 1, "deterministic": True},
        lgb.Dataset(Xl, np.ones(500)), num_boost_round=2,
    ).model_to_string()
    assert "num_leaves=1" in constant

    def load(rel):
        return oracle(
            "import lightgbm as lgb, numpy as np\n"
            f"b = lgb.Booster(model_file={str(OUT / rel)!r})\n"
            "print(b.num_trees(), b.predict(np.zeros((2, b.num_feature())))[0])"
        )

    def add(rel, text, expect, what):
        if "end of trees" in text:
            text = fix_tree_sizes(text)
        write(rel, text, expect, "lightgbm", made, what)
        LABELS[-1]["what"] += f" Oracle lightgbm.Booster(model_file=...) + predict: {load(rel)}"

    add("lightgbm/binary.txt", binary, "benign", "Binary classifier, 3 trees of 4 leaves (Booster.model_to_string).")
    add("lightgbm/multiclass-categorical.txt", categorical, "benign",
        "3-class model on a pandas categorical column (Booster.save_model): categorical splits and a pandas_categorical trailer.")
    add("lightgbm/linear-tree.txt", linear, "benign",
        "Regression with linear_tree=True: linear leaves with their features and coefficients.")
    add("lightgbm/constant.txt", constant, "benign",
        "A model trained on a constant label: one-leaf trees whose optional arrays are empty.")
    # Corruptions of the real model text, each one field.
    add("lightgbm/child-out-of-range.txt", binary.replace("left_child=1 -1 -3", "left_child=1 -1 -9", 1).replace(
        "left_child=1 -1", "left_child=7 -1", 1), "invalid",
        "The first tree's left_child points past its nodes (an out-of-bounds read when predicting).")
    add("lightgbm/split-feature-out-of-range.txt", replace_tree_key(binary, "split_feature", "0 1 40"), "invalid",
        "A split on feature 40 of a 4-feature model.")
    add("lightgbm/cycle.txt", replace_tree_key(replace_tree_key(binary, "left_child", "1 -1 1"), "right_child", "-2 2 -4"),
        "invalid", "Node 2's left child is node 1, its own parent (a cycle in the tree).")
    last_tree = linear.rindex("Tree=")
    feat_at = linear.index("leaf_features=", last_tree)
    feat_end = linear.index("\n", feat_at)
    bad_linear = linear[:feat_at] + "leaf_features=" + linear[feat_at + 14:feat_end].replace("0", "7", 1) + linear[feat_end:]
    add("lightgbm/linear-feature-out-of-range.txt", bad_linear, "invalid",
        "A linear leaf of the last tree uses feature 7 of a 3-feature model.")
    add("lightgbm/truncated.txt", binary[: len(binary) // 3], "invalid", "The model text cut at a third.")
    add("lightgbm/missing-header-key.txt", binary.replace("max_feature_idx=3\n", ""), "invalid",
        "The header lacks max_feature_idx.")
    add("lightgbm/forced-splits-parameter.txt",
        binary.replace("[forcedsplits_filename: ]", "[forcedsplits_filename: /etc/passwd]"), "suspicious",
        "An otherwise ordinary model whose parameters name a file that further training would read.")
    add("lightgbm/bad-pandas-trailer.txt", categorical.replace('pandas_categorical:[', 'pandas_categorical:[[', 1),
        "invalid", "The pandas_categorical trailer is not valid JSON (lightgbm's Python package json.loads it).")


def fix_tree_sizes(text):
    """Recomputes the header's tree_sizes (bytes of each "Tree=" block) so one corruption tests one rule."""
    start, end = text.index("Tree=0"), text.index("end of trees")
    blocks = ["Tree=" + b for b in text[start:end].split("Tree=")[1:]]
    sizes = " ".join(str(len(b.encode())) for b in blocks)
    head = text[:start]
    at = head.index("tree_sizes=")
    head = head[:at] + "tree_sizes=" + sizes + head[head.index("\n", at):]
    return head + text[start:]


def replace_tree_key(text, key, value):
    """Replaces `key=` in the first tree only."""
    start = text.index("Tree=0")
    at = text.index(f"\n{key}=", start) + 1
    end = text.index("\n", at)
    return text[:at] + f"{key}={value}" + text[end:]


# ----------------------------------------------------------------------------------------------- XGBoost


def xgb_tree(tid, num_feature, left, right, parents, split_indices, leaf_values, categorical=None):
    n = len(left)
    split_type = [0] * n
    cats = {"categories": [], "categories_nodes": [], "categories_segments": [], "categories_sizes": []}
    if categorical:
        node, values = categorical
        split_type[node] = 1
        cats = {"categories": values, "categories_nodes": [node], "categories_segments": [0],
                "categories_sizes": [len(values)]}
    return {
        "base_weights": [float(v) for v in leaf_values],
        **cats,
        "default_left": [0] * n,
        "id": tid,
        "left_children": left,
        "loss_changes": [1.5 if l != -1 else 0.0 for l in left],
        "parents": parents,
        "right_children": right,
        "split_conditions": [0.25 if l != -1 else v for l, v in zip(left, leaf_values)],
        "split_indices": split_indices,
        "split_type": split_type,
        "sum_hessian": [10.0] * n,
        "tree_param": {"num_deleted": "0", "num_feature": str(num_feature), "num_nodes": str(n), "size_leaf_vector": "1"},
    }


def xgb_model(trees, num_feature=4, booster="gbtree", attributes=None, num_class=0):
    """An XGBoost 2.1 document: keys sorted as its JSON writer (std::map) emits them."""
    gbtree = {
        "model": {
            "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": str(len(trees))},
            "iteration_indptr": list(range(len(trees) + 1)),
            "tree_info": [0] * len(trees),
            "trees": trees,
        },
        "name": "gbtree",
    }
    if booster == "dart":
        gb = {"gbtree": gbtree, "name": "dart", "weight_drop": [1.0] * len(trees)}
    elif booster == "gblinear":
        gb = {"model": {"weights": [0.1] * (num_feature + 1)}, "name": "gblinear"}
    else:
        gb = gbtree
    return {
        "learner": {
            "attributes": attributes or {},
            "feature_names": [f"f{i}" for i in range(num_feature)],
            "feature_types": ["float"] * num_feature,
            "gradient_booster": gb,
            "learner_model_param": {"base_score": "5E-1", "boost_from_average": "1", "num_class": str(num_class),
                                    "num_feature": str(num_feature), "num_target": "1"},
            "objective": {"name": "binary:logistic", "reg_loss_param": {"scale_pos_weight": "1"}},
        },
        "version": [2, 1, 0],
    }


def small_trees():
    return [
        xgb_tree(0, 4, [1, -1, -1], [2, -1, -1], [2147483647, 0, 0], [0, 0, 0], [0.0, -0.4, 0.4]),
        xgb_tree(1, 4, [1, 3, -1, -1, -1], [2, 4, -1, -1, -1], [2147483647, 0, 0, 1, 1], [2, 1, 0, 0, 0],
                 [0.0, 0.1, 0.3, -0.2, 0.2]),
    ]


def xgb_json(doc):
    return json.dumps(doc, separators=(",", ":"))


# UBJSON (ubjson.org type reference): big-endian; XGBoost's UBJWriter (src/common/json.cc) writes string and
# key lengths as 'L' int64, integers as 'L', numbers as 'd' float32, and typed arrays as [$<t>#L<count>.
F32_KEYS = {"base_weights", "loss_changes", "split_conditions", "sum_hessian", "weights", "weight_drop"}
I32_KEYS = {"left_children", "right_children", "parents", "split_indices", "categories", "categories_nodes"}
U8_KEYS = {"default_left", "split_type"}
I64_KEYS = {"categories_segments", "categories_sizes", "iteration_indptr", "tree_info"}


def ubj(value, key=None):
    if isinstance(value, dict):
        out = b"{"
        for k, v in value.items():
            kb = k.encode()
            out += b"L" + struct.pack(">q", len(kb)) + kb + ubj(v, k)
        return out + b"}"
    if isinstance(value, list):
        typed = {**{k: ("d", ">f") for k in F32_KEYS}, **{k: ("l", ">i") for k in I32_KEYS},
                 **{k: ("U", ">B") for k in U8_KEYS}, **{k: ("L", ">q") for k in I64_KEYS}}
        if key in typed:
            marker, fmt = typed[key]
            return b"[$" + marker.encode() + b"#L" + struct.pack(">q", len(value)) + b"".join(
                struct.pack(fmt, v) for v in value)
        return b"[" + b"".join(ubj(v) for v in value) + b"]"
    if isinstance(value, bool):
        return b"T" if value else b"F"
    if isinstance(value, int):
        return b"L" + struct.pack(">q", value)
    if isinstance(value, float):
        return b"d" + struct.pack(">f", value)
    if isinstance(value, str):
        b = value.encode()
        return b"S" + b"L" + struct.pack(">q", len(b)) + b
    if value is None:
        return b"Z"
    raise TypeError(value)


class OsSystem:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def xgboost_files():
    ok = xgb_model(small_trees())
    write("xgboost/gbtree.json", xgb_json(ok), "benign", "xgboost-json", XGB_SCHEMA,
          "A 2-tree binary:logistic gbtree model laid out as XGBoost 2.1 save_model('*.json') writes it.")
    write("xgboost/gbtree.ubj", ubj(ok), "benign", "xgboost-ubj", UBJ_SPEC,
          "The same model as XGBoost 2.1 save_model('*.ubj') encodes it (typed arrays, int64 lengths).")
    cat_tree = xgb_tree(0, 4, [1, -1, -1], [2, -1, -1], [2147483647, 0, 0], [3, 0, 0], [0.0, -0.4, 0.4], (0, [1, 4]))
    write("xgboost/categorical.json", xgb_json(xgb_model([cat_tree])), "benign", "xgboost-json", XGB_SCHEMA,
          "One tree with a categorical split on feature 3 (categories 1 and 4).")
    write("xgboost/dart.json", xgb_json(xgb_model(small_trees(), booster="dart")), "benign", "xgboost-json",
          XGB_SCHEMA, "A dart booster wrapping the same gbtree, one drop weight per tree.")
    write("xgboost/gblinear.json", xgb_json(xgb_model([], booster="gblinear")), "benign", "xgboost-json",
          XGB_SCHEMA, "A gblinear model: (num_feature + 1) weights.")
    meta = xgb_model(small_trees(), attributes={"best_iteration": "1", "best_score": "0.25"})
    write("xgboost/with-attributes.json", xgb_json(meta), "benign", "xgboost-json", XGB_SCHEMA,
          "A model with the attributes early stopping writes (best_iteration, best_score).")

    bad_child = xgb_model(small_trees())
    bad_child["learner"]["gradient_booster"]["model"]["trees"][1]["left_children"] = [1, 9, -1, -1, -1]
    write("xgboost/child-out-of-range.json", xgb_json(bad_child), "invalid", "xgboost-json", XGB_SCHEMA,
          "Tree 1's node 1 has left child 9 in a 5-node tree (an out-of-bounds read when predicting).")
    write("xgboost/child-out-of-range.ubj", ubj(bad_child), "invalid", "xgboost-ubj", UBJ_SPEC,
          "The same out-of-range child, UBJSON-encoded.")
    bad_split = xgb_model(small_trees())
    bad_split["learner"]["gradient_booster"]["model"]["trees"][0]["split_indices"] = [99, 0, 0]
    write("xgboost/split-index-out-of-range.json", xgb_json(bad_split), "invalid", "xgboost-json", XGB_SCHEMA,
          "The root splits on feature 99 of a 4-feature model.")
    cycle = xgb_model(small_trees())
    t = cycle["learner"]["gradient_booster"]["model"]["trees"][1]
    t["left_children"], t["parents"] = [1, 0, -1, -1, -1], [2147483647, 0, 0, 1, 1]
    write("xgboost/cycle.json", xgb_json(cycle), "invalid", "xgboost-json", XGB_SCHEMA,
          "Node 1's left child is the root: prediction would loop.")
    short = xgb_model(small_trees())
    short["learner"]["gradient_booster"]["model"]["trees"][0]["parents"] = [2147483647, 0]
    write("xgboost/unequal-arrays.json", xgb_json(short), "invalid", "xgboost-json", XGB_SCHEMA,
          "Tree 0's parents array has 2 entries for 3 nodes.")
    count = xgb_model(small_trees())
    count["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"] = "5"
    write("xgboost/num-trees-mismatch.json", xgb_json(count), "invalid", "xgboost-json", XGB_SCHEMA,
          "gbtree_model_param says 5 trees, the model holds 2.")
    payload = pickle.dumps(OsSystem(), protocol=4)
    import base64

    evil = xgb_model(small_trees(), attributes={"sklearn_wrapper": base64.b64encode(payload).decode()})
    write("xgboost/pickle-attribute.json", xgb_json(evil), "malicious", "xgboost-json", XGB_SCHEMA,
          "An attribute holding a base64 pickle that calls os.system('echo pwned') when unpickled.")
    enc = ubj(ok)
    write("xgboost/truncated.ubj", enc[: len(enc) // 2], "invalid", "xgboost-ubj", UBJ_SPEC,
          "The UBJSON model cut in half.")
    major = b"[L" + struct.pack(">q", 2)  # the untyped "version": [2, 1, 0]
    assert enc.count(major) == 1
    hp = enc.replace(major, b"[HL" + struct.pack(">q", 1) + b"2", 1)
    write("xgboost/high-precision.ubj", hp, "unverified", "xgboost-ubj", UBJ_SPEC,
          "The version's major number written as a UBJSON high-precision number ('H'), which the check does not interpret.")
    # "binf", LearnerModelParamLegacy (base_score, num_feature, num_class, contain_extra_attrs,
    # contain_eval_metrics, major_version, minor_version, reserved[27]: 136 bytes), then the
    # objective and booster names as uint64 length + bytes, then the booster's own (unfollowed) parameters.
    param = struct.pack("<fIiiiII", 0.5, 4, 0, 0, 0, 0, 90) + bytes(4 * 27)
    assert len(param) == 136
    named = lambda s: struct.pack("<Q", len(s)) + s.encode()
    legacy = b"binf" + param + named("binary:logistic") + named("gbtree") + bytes(160)
    write("xgboost/legacy.bin", legacy, "unverified", "xgboost-legacy", XGB_LEGACY,
          "A legacy binary model header (XGBoost < 1.0): recognised, its trees not followed.")
    write("xgboost/not-json.json", xgb_json(ok)[:-3] + "}", "invalid", "xgboost-json", XGB_SCHEMA,
          "The JSON model with its closing brackets damaged.")


# ---------------------------------------------------------------------------------------------- CatBoost


def catboost_files():
    import flatbuffers

    # model.fbs: table TModelCore { FormatVersion:string; ModelTrees:TModelTrees; InfoMap:[TKeyValue];
    # ModelPartIds:[string]; }  table TKeyValue { Key:string (key); Value:string; }
    b = flatbuffers.Builder(0)
    key, value = b.CreateString("model_guid"), b.CreateString("00000000-0000-0000-0000-000000000000")
    b.StartObject(2)
    b.PrependUOffsetTRelativeSlot(0, key, 0)
    b.PrependUOffsetTRelativeSlot(1, value, 0)
    kv = b.EndObject()
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(kv)
    info = b.EndVector()
    version = b.CreateString("FlabuffersModel_v1")
    b.StartObject(4)
    b.PrependUOffsetTRelativeSlot(0, version, 0)
    b.PrependUOffsetTRelativeSlot(2, info, 0)
    b.Finish(b.EndObject())
    core = bytes(b.Output())
    frame = b"CBM1" + struct.pack("<I", len(core)) + core
    write("catboost/model.cbm", frame, "unverified", "catboost", CBM_SCHEMA,
          "A CBM1 frame around a TModelCore with FormatVersion and an InfoMap: the frame is sound, the trees are not followed.")
    write("catboost/core-size-too-large.cbm", b"CBM1" + struct.pack("<I", 1 << 20) + core, "invalid", "catboost",
          CBM_SCHEMA, "The header claims a 1 MiB core in a file of a few hundred bytes.")
    bad_root = b"CBM1" + struct.pack("<I", len(core)) + struct.pack("<I", 4096) + core[4:]
    write("catboost/root-out-of-range.cbm", bad_root, "invalid", "catboost", CBM_SCHEMA,
          "The FlatBuffers root offset points past the core.")


# ------------------------------------------------------------------------------------------------- skops


def json_node(value):
    return {"__class__": type(value).__name__, "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True}


class SkopsWriter:
    """The subset of skops.io get_state (skops/io/_general.py, _numpy.py) an ordinary linear model needs."""

    def __init__(self, zf):
        self.zf, self.arrays = zf, 0

    def state(self, obj):
        if isinstance(obj, np.ndarray) or (isinstance(obj, np.generic) and not isinstance(obj, (float, int))):
            buf = io.BytesIO()
            np.save(buf, np.asarray(obj), allow_pickle=False)
            name = f"{self.arrays:04d}.npy"
            self.arrays += 1
            write_member(self.zf, name, buf.getvalue())
            return {"__class__": type(obj).__name__, "__module__": "numpy", "__loader__": "NdArrayNode",
                    "type": "numpy", "file": name}
        if isinstance(obj, dict):
            return {"__class__": "dict", "__module__": "builtins", "__loader__": "DictNode",
                    "content": {k: self.state(v) for k, v in obj.items()},
                    "key_types": {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode",
                                  "content": [{"__class__": "str", "__module__": "builtins", "__loader__": "TypeNode"}
                                              for _ in obj]}}
        if isinstance(obj, (list, tuple)):
            try:
                json.dumps(obj)
                return json_node(obj)
            except TypeError:
                kind = "list" if isinstance(obj, list) else "tuple"
                return {"__class__": kind, "__module__": "builtins", "__loader__": kind.capitalize() + "Node",
                        "content": [self.state(v) for v in obj]}
        try:
            json.dumps(obj)
            return json_node(obj)
        except TypeError:
            pass
        return {"__class__": type(obj).__name__, "__module__": type(obj).__module__, "__loader__": "ObjectNode",
                "content": self.state(obj.__getstate__())}


def write_member(zf, name, data):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def skops_file(schema_of, extra_members=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        schema = schema_of(SkopsWriter(zf))
        schema["protocol"] = 2
        schema["_skops_version"] = "0.11.0"
        for name, data in extra_members:
            write_member(zf, name, data)
        write_member(zf, "schema.json", json.dumps(schema, indent=2))
    return buf.getvalue()


def skops_files():
    import sklearn
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    model = LogisticRegression(max_iter=200).fit(X, (X[:, 0] > 0).astype(int))
    made = f"{SKOPS_FORMAT}, state of a scikit-learn {sklearn.__version__} LogisticRegression"
    write("skops/logistic-regression.skops", skops_file(lambda w: w.state(model)), "benign", "zip", made,
          "A fitted LogisticRegression: ObjectNode of a default-trusted estimator, dicts, JSON values and .npy arrays.")

    def with_attr(node):
        def build(w):
            state = w.state(model)
            state["content"]["content"]["callback_"] = node
            return state

        return build

    system = {"__class__": "system", "__module__": "posix", "__loader__": "FunctionNode"}
    write("skops/function-os-system.skops", skops_file(with_attr(system)), "malicious", "zip", made,
          "An attribute whose FunctionNode imports posix.system.")
    caller = {"__class__": "methodcaller", "__module__": "operator", "__loader__": "OperatorFuncNode",
              "attrs": json_node(["system", "echo pwned"])}
    write("skops/operator-methodcaller.skops", skops_file(with_attr(caller)), "malicious", "zip", made,
          "An OperatorFuncNode building operator.methodcaller('system', ...) (the CVE-2025-54412 gadget family).")
    untrusted = {"__class__": "Counter", "__module__": "collections", "__loader__": "ObjectNode",
                 "content": json_node({})}
    write("skops/untrusted-type.skops", skops_file(with_attr(untrusted)), "suspicious", "zip", made,
          "An attribute of type collections.Counter, outside skops' default trusted list (load needs trusted=[...]).")
    unknown = {"__class__": "Thing", "__module__": "mylib", "__loader__": "MysteryNode"}
    write("skops/unknown-loader.skops", skops_file(with_attr(unknown)), "unverified", "zip", made,
          "A node with a __loader__ skops does not define.")

    def no_protocol(w):
        state = w.state(model)
        return state

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        write_member(zf, "schema.json", json.dumps(SkopsWriter(zf).state(model), indent=2))
    write("skops/no-protocol.skops", buf.getvalue(), "invalid", "zip", made,
          "schema.json without the protocol key skops.io.load reads first.")


# ------------------------------------------------------------------------------------- scikit-learn joblib


def joblib_files():
    import joblib
    import sklearn
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    model = RandomForestClassifier(n_estimators=2, max_depth=2, random_state=0).fit(X, (X[:, 0] > 0).astype(int))
    made = f"scikit-learn {sklearn.__version__}, joblib {joblib.__version__}"
    path = OUT / "joblib/random-forest.joblib"
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    LABELS.append({"path": "joblib/random-forest.joblib", "expect": "benign", "format": "joblib", "madeBy": made,
                   "what": "A 2-tree RandomForestClassifier saved with joblib.dump. Oracle joblib.load + predict: "
                   + oracle(f"import joblib, numpy as np\nm = joblib.load({str(path)!r})\nprint(m.predict(np.zeros((1, 3))))")})
    evil = OUT / "joblib/os-system.joblib"
    joblib.dump({"model": model, "hook": OsSystem()}, evil)
    LABELS.append({"path": "joblib/os-system.joblib", "expect": "malicious", "format": "joblib", "madeBy": made,
                   "what": "The same forest in a dict with an object whose __reduce__ is os.system('echo pwned')."})


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    lightgbm_files()
    xgboost_files()
    catboost_files()
    skops_files()
    joblib_files()
    LABELS.sort(key=lambda l: l["path"])
    (OUT / "labels.json").write_text(json.dumps({"files": LABELS}, indent=2) + "\n")
    print(f"wrote {len(LABELS)} files")


if __name__ == "__main__":
    main()
