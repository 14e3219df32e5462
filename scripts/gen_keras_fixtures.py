"""Keras fixtures for the model-format corpus: test/fixtures/formats/keras/ and its labels.json.

Run with a Python that has keras 3.15, tensorflow-cpu and h5py:  python scripts/gen_keras_fixtures.py

Every benign file is an ordinary model saved by Keras itself (model.save / save_weights). The hostile ones
are built with Keras too (the Lambda bytecode is real CPython bytecode from func_dump) or are a Keras file
whose config.json was edited in one place, said so in `what`. The generator proves each label with the real
library without running any payload:
- benign files load back with keras.saving.load_model(safe_mode=True);
- Lambda files are refused by load_model(safe_mode=True), and the os.system one is NEVER loaded with
  safe_mode=False: its code object is read with marshal and disassembled with dis to show os.system;
- the string-vocabulary file is refused under safe_mode=True, and a copy pointing at a scratch file shows
  that Keras reads the file when safe_mode is off;
- the module-injection and custom-object files are refused by load_model (no such Keras object);
- malformed files are refused by load_model.
.keras archives are re-packed with fixed timestamps, a fixed metadata date and renumbered shared-object ids so
reruns give the same bytes; only virtual-dataset.h5 (libver="latest" object headers carry times) differs per run.
"""

import base64
import dis
import io
import json
import marshal
import os
import re
import sys
import tempfile
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "formats", "keras")
MADE_BY = f"keras {keras.__version__} (tensorflow backend), h5py {h5py.__version__}"
LABELS = []
TMP = tempfile.mkdtemp(prefix="keras-fixtures-")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
ATTR_OPS = ("LOAD_ATTR", "LOAD_METHOD")  # CPython 3.11 loads a called attribute with LOAD_METHOD


def label(path, expect, fmt, what, made_by=MADE_BY):
    LABELS.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def seed():
    keras.utils.set_random_seed(0)


def sequential():
    seed()
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax")],
        name="sequential",
    )


def functional():
    seed()
    inp = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inp)
    x = keras.layers.BatchNormalization()(x)
    y = keras.layers.MaxPooling2D()(x)
    y = keras.layers.Flatten()(y)
    z = keras.layers.GlobalAveragePooling2D()(x)
    out = keras.layers.Dense(3, activation="softmax", kernel_regularizer=keras.regularizers.L2(1e-4))(
        keras.layers.Concatenate()([y, z])
    )
    model = keras.Model(inp, out, name="functional")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def layer_zoo():
    """Many ordinary layer, cell, wrapper, optimizer, schedule, loss and metric classes in one small model."""
    seed()
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(50, 8)(tokens)
    x = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True))(x)
    x = keras.layers.LSTM(8, return_sequences=True, recurrent_dropout=0.0)(x)
    att = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = keras.layers.LayerNormalization()(keras.layers.Add()([x, att]))
    x = keras.layers.TimeDistributed(keras.layers.Dense(8, kernel_initializer="he_normal"))(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Conv1D(4, 3, padding="causal", kernel_constraint=keras.constraints.MaxNorm(2.0))(x)
    x = keras.layers.GlobalMaxPooling1D()(x)
    x = keras.layers.Reshape((2, 2))(x)
    x = keras.layers.Flatten()(x)
    out = keras.layers.Dense(5, activation="gelu")(x)
    model = keras.Model(tokens, out, name="layer_zoo")
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=100)
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(), keras.metrics.SparseTopKCategoricalAccuracy(k=2)],
    )
    return model


def repack(raw, edit=None):
    """Same members in the same order, fixed timestamps and metadata date; `edit(name, bytes)` may change one."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "metadata.json":
                meta = json.loads(data)
                meta["date_saved"] = "2026-01-01@00:00:00"
                data = json.dumps(meta).encode()
            if info.filename == "config.json":
                data = stable_ids(data)
            if edit:
                data = edit(info.filename, data)
            out = zipfile.ZipInfo(info.filename, FIXED_DATE)
            out.compress_type = info.compress_type
            out.external_attr = 0o644 << 16
            dst.writestr(out, data)
    return buf.getvalue()


def stable_ids(config):
    """Keras writes Python object ids ("shared_object_id": 140616633954704) to tie shared objects: renumber them."""
    seen = {}

    def renumber(m):
        return b'"shared_object_id": %d' % seen.setdefault(m.group(1), len(seen) + 1)

    return re.sub(rb'"shared_object_id": (\d+)', renumber, config)


def save_keras(model, name, edit=None):
    tmp = os.path.join(TMP, name)
    model.save(tmp)
    with open(tmp, "rb") as f:
        data = repack(f.read(), edit)
    write(name, data)
    return os.path.join(OUT, name)


def write(name, data):
    assert len(data) < 200 * 1024, (name, len(data))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def edit_config(change):
    def edit(name, data):
        if name != "config.json":
            return data
        cfg = json.loads(data)
        change(cfg)
        return json.dumps(cfg).encode()

    return edit


def refused(path, why, **kw):
    """load_model must raise; returns the message (the oracle for non-benign labels)."""
    try:
        keras.saving.load_model(path, **kw)
    except Exception as e:  # noqa: BLE001 - any refusal is the point
        return f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
    raise AssertionError(f"{path}: keras loaded it, expected a refusal ({why})")


def refused_weights(model, path):
    try:
        model.load_weights(path)
    except Exception as e:  # noqa: BLE001 - any refusal is the point
        return f"{type(e).__name__}: " + " ".join(str(e).split())[:160]
    raise AssertionError(f"{path}: keras loaded the weights, expected a refusal")


def loads_safely(path):
    model = keras.saving.load_model(path, safe_mode=True, compile=False)
    assert model is not None
    return model


def lambda_code_of_config(cfg):
    """The base64 func_dump of the first __lambda__ in a config, found without deserializing anything."""
    stack = [cfg]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if v.get("class_name") == "__lambda__":
                c = v["config"]
                return c.get("code") or c["value"][0]
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    raise AssertionError("no __lambda__ in config")


def calls_in_bytecode(b64):
    """What the marshalled code loads by name, read with marshal + dis (nothing is executed)."""
    code = marshal.loads(base64.b64decode(b64))
    ops = [(i.opname, i.argval) for i in dis.get_instructions(code)]
    return code.co_names, ops


def payload(x):  # noqa: ARG001 - placeholder signature, replaced below
    return x


def build_lambda_model(fn, seq_input=(4,)):
    """A Sequential with a Lambda, built with a harmless function; `fn` is swapped in only for saving."""
    seed()
    lam = keras.layers.Lambda(lambda x: x, name="lambda")
    model = keras.Sequential([keras.Input(seq_input), keras.layers.Dense(4), lam], name="with_lambda")
    lam.function = fn  # never called: get_config only func_dumps its code object
    return model


def weights_pointing_elsewhere(path, how, target_dir):
    """sequential.weights.h5 whose first kernel reads another file; `target_dir` holds that file."""
    model = sequential()
    model.save_weights(path)
    kernel_path = "layers/dense/vars/0"
    with h5py.File(path, "r+") as f:
        kernel = f[kernel_path][()]
        del f[kernel_path]
        other = os.path.join(target_dir, "other.h5")
        if how == "link":
            with h5py.File(other, "w") as o:
                o["kernel"] = np.full_like(kernel, 7.0)
            f[kernel_path] = h5py.ExternalLink("other.h5", "/kernel")
        elif how == "storage":
            raw = os.path.join(target_dir, "kernel.raw")
            np.full_like(kernel, 7.0).tofile(raw)
            f.create_dataset(kernel_path, shape=kernel.shape, dtype=kernel.dtype,
                             external=[("kernel.raw", 0, kernel.nbytes)])
    return model, kernel.shape


def hdf5_external_fixtures():
    for name, how, kind in (("external-link.weights.h5", "link", "an h5py.ExternalLink to other.h5:/kernel"),
                            ("external-storage.weights.h5", "storage", "external raw storage in kernel.raw")):
        # Proof in a scratch folder holding the other file: h5py hands back the OTHER file's bytes, and
        # Keras 3.15 refuses the file for that reason (its guard against CVE-2026-1669); older Keras and
        # tf_keras read it as the kernel.
        scratch = tempfile.mkdtemp(dir=TMP)
        probe = os.path.join(scratch, name)
        model, _ = weights_pointing_elsewhere(probe, how, scratch)
        cwd = os.getcwd()
        os.chdir(scratch)  # external storage paths resolve against the working directory
        try:
            with h5py.File(probe, "r") as f:
                assert float(f["layers/dense/vars/0"][0, 0]) == 7.0
            why = refused_weights(model, probe)
        finally:
            os.chdir(cwd)
        with open(probe, "rb") as f:
            write(name, f.read())
        label(name, "malicious", "hdf5",
              f"Weights written by save_weights with the first Dense kernel replaced by {kind} (h5py): reading "
              "the kernel with h5py returns the other file's content (shown with a scratch copy); Keras 3.15 "
              f"refuses it ({why}), older Keras and tf_keras read it (CVE-2026-1669)")

    path = os.path.join(OUT, "virtual-dataset.h5")
    with h5py.File(path, "w", libver="latest") as f:
        layout = h5py.VirtualLayout(shape=(4,), dtype="f4")
        layout[:] = h5py.VirtualSource("other.h5", "/kernel", shape=(4,))
        f.create_virtual_dataset("kernel", layout, fillvalue=0)
    with h5py.File(path, "r") as f:
        assert f["kernel"].is_virtual and f["kernel"].virtual_sources()[0].file_name == "other.h5"
    label("virtual-dataset.h5", "malicious", "hdf5",
          "h5py virtual dataset (libver latest: superblock v3, new-style groups) mapping /kernel from other.h5; "
          "h5py reports is_virtual and the source file; Keras 3.15 refuses virtual datasets in weights "
          "(CVE-2026-1669)")


def hdf5_layout_fixtures():
    """HDF5 layouts h5py writes that Keras does not: multi-level group B-trees, soft links, dense link storage."""
    path = os.path.join(OUT, "deep-btree.h5")
    with h5py.File(path, "w") as f:
        group = f.create_group("weights")
        # 300 soft links fill more than 32 symbol-table nodes, so the group's B-tree gets a second level
        # (HDF5's default fan-out); the one dataset sorts last, in the last leaf.
        for i in range(300):
            group[f"a{i:03d}"] = h5py.SoftLink("/weights/zzz")
        group.create_dataset("zzz", data=np.arange(4, dtype="f4"), track_times=False)
    with h5py.File(path, "r") as f:
        assert len(f["weights"]) == 301 and float(f["weights/a123"][1]) == 1.0
    label("deep-btree.h5", "benign", "hdf5",
          "h5py file whose group holds 300 soft links and one dataset: a symbol-table B-tree of two levels, all "
          "walked; the links stay inside the file; no model configuration")

    path = os.path.join(OUT, "dense-links.h5")
    with h5py.File(path, "w", libver="latest") as f:
        group = f.create_group("weights")
        for i in range(20):
            group.create_dataset(f"w{i:02d}", data=np.arange(2, dtype="f4"), track_times=False)
    label("dense-links.h5", "unverified", "hdf5",
          "h5py file written with libver='latest' whose group of 20 datasets uses dense link storage (fractal heap "
          "+ v2 B-tree), which the check does not follow: could not verify, never benign")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))

    # ---- benign: ordinary models, saved by Keras, loaded back with safe_mode=True.
    p = save_keras(sequential(), "sequential.keras")
    loads_safely(p)
    label("sequential.keras", "benign", "keras",
          "Sequential (Input, Dense relu, Dense softmax) saved with model.save: config.json, metadata.json and a "
          "real HDF5 model.weights.h5; loads back with load_model(safe_mode=True)")
    p = save_keras(functional(), "functional.keras")
    loads_safely(p)
    label("functional.keras", "benign", "keras",
          "Compiled functional model (Conv2D, BatchNormalization, pooling, Concatenate, L2 regularizer, Adam) "
          "saved with model.save; loads back with load_model(safe_mode=True)")

    p = save_keras(layer_zoo(), "layer-zoo.keras")
    loads_safely(p)
    label("layer-zoo.keras", "benign", "keras",
          "Compiled functional model with Embedding, Bidirectional(GRU), LSTM, MultiHeadAttention, "
          "LayerNormalization, TimeDistributed, Conv1D with MaxNorm, AdamW with a CosineDecay schedule, "
          "SparseCategoricalCrossentropy and two metrics, saved with model.save; loads with safe_mode=True")

    for name, make in (("sequential.h5", sequential), ("functional.h5", functional), ("layer-zoo.h5", layer_zoo)):
        path = os.path.join(OUT, name)
        make().save(path)
        loads_safely(path)
        with h5py.File(path, "r") as f:
            assert "model_config" in f.attrs
        label(name, "benign", "hdf5",
              f"Legacy HDF5 model ({make.__name__}) saved with model.save('{name}'): model_config and "
              "training_config attributes at the root plus the weights; loads back with load_model(safe_mode=True)")

    path = os.path.join(OUT, "sequential.weights.h5")
    sequential().save_weights(path)
    with h5py.File(path, "r") as f:
        assert "model_config" not in f.attrs
    label("sequential.weights.h5", "benign", "hdf5",
          "Weights only, written by model.save_weights (the same layout as model.weights.h5 inside a .keras): "
          "no model configuration, nothing that could run code")

    # ---- HDF5 that makes h5py read other files (Keras reads weights by path, so loading reads them).
    hdf5_external_fixtures()
    hdf5_layout_fixtures()

    # ---- Lambda bytecode. The os.system lambda is never called and never loaded with safe_mode=False.
    evil = lambda x: __import__("os").system("echo modelgate-test") or x  # noqa: E731
    model = build_lambda_model(evil)
    p = save_keras(model, "lambda-os-system.keras")
    why = refused(p, "lambda under safe_mode", safe_mode=True)
    assert "lambda" in why.lower(), why
    with zipfile.ZipFile(p) as z:
        names, ops = calls_in_bytecode(lambda_code_of_config(json.loads(z.read("config.json"))))
    assert names == ("__import__", "system"), names
    assert ("LOAD_CONST", "os") in ops and any(op in ATTR_OPS and arg == "system" for op, arg in ops), ops
    label("lambda-os-system.keras", "malicious", "keras",
          "Lambda layer whose function is `lambda x: __import__('os').system('echo modelgate-test') or x` "
          f"(real func_dump bytecode, CPython {sys.version_info[0]}.{sys.version_info[1]}); load_model(safe_mode=True) "
          f"refuses it ({why}); marshal + dis show co_names {list(names)} with LOAD_CONST 'os' and "
          "LOAD_METHOD system; never loaded with safe_mode=False")

    path = os.path.join(OUT, "lambda-os-system.h5")
    build_lambda_model(evil).save(path)
    why = refused(path, "lambda under safe_mode", safe_mode=True)
    with h5py.File(path, "r") as f:
        names, ops = calls_in_bytecode(lambda_code_of_config(json.loads(f.attrs["model_config"])))
    assert "system" in names and any(op in ATTR_OPS and arg == "system" for op, arg in ops), ops
    label("lambda-os-system.h5", "malicious", "hdf5",
          "The same os.system Lambda saved as a legacy .h5 (model_config attribute). Keras 3.15 refuses it under "
          f"safe_mode=True ({why}); Keras 2, tf_keras and Keras 3.0-3.11.2 would run it (CVE-2025-9905). "
          "marshal + dis show LOAD_METHOD system")

    harmless = lambda x: x * 2.0 + 1.0  # noqa: E731
    p = save_keras(build_lambda_model(harmless), "lambda-math.keras")
    why = refused(p, "lambda under safe_mode", safe_mode=True)
    loaded = keras.saving.load_model(p, safe_mode=False)  # harmless arithmetic: safe to run
    assert float(loaded.layers[-1].function(np.float32(1.0))) == 3.0
    label("lambda-math.keras", "suspicious", "keras",
          "Lambda layer with harmless arithmetic (`lambda x: x * 2.0 + 1.0`, real bytecode): load_model(safe_mode=True) "
          f"refuses it ({why}), so a user must turn safe mode off; safe_mode=False loads it and it computes 2x+1")

    # ---- configs naming code outside Keras (one edit of a Keras-written config.json).
    def os_activation(cfg):
        dense = cfg["config"]["layers"][1]["config"]
        dense["activation"] = {"module": "os", "class_name": "function", "config": "system", "registered_name": None}

    p = save_keras(sequential(), "module-os-system.keras", edit_config(os_activation))
    why = refused(p, "os is not a Keras module", safe_mode=True)
    label("module-os-system.keras", "malicious", "keras",
          "Keras-written Sequential whose Dense activation was edited to {module: 'os', class_name: 'function', "
          "config: 'system'}: Keras < 3.9 imports it even in safe mode (CVE-2025-1550); Keras 3.15 refuses it "
          f"({why})")

    def vocabulary_file(target):
        def change(cfg):
            cfg["config"]["layers"].insert(1, {
                "module": "keras.layers", "class_name": "StringLookup", "registered_name": None,
                "config": {"name": "lookup", "vocabulary": target, "output_mode": "int", "dtype": "int64"},
            })
            cfg["config"]["layers"] = cfg["config"]["layers"][:2]
        return change

    seed()
    base = keras.Sequential([keras.Input((1,), dtype="string")], name="lookup_model")
    p = save_keras(base, "vocabulary-file.keras", edit_config(vocabulary_file("/etc/passwd")))
    why = refused(p, "vocabulary file under safe_mode", safe_mode=True)
    scratch = os.path.join(TMP, "vocab.txt")
    with open(scratch, "w") as f:
        f.write("read-by-keras\n")
    probe = os.path.join(TMP, "probe.keras")
    base.save(probe)
    with open(probe, "rb") as f:
        probe_bytes = repack(f.read(), edit_config(vocabulary_file(scratch)))
    with open(probe, "wb") as f:
        f.write(probe_bytes)
    vocab = keras.saving.load_model(probe, safe_mode=False).layers[0].get_vocabulary()
    assert "read-by-keras" in vocab, vocab
    label("vocabulary-file.keras", "malicious", "keras",
          "Keras-written model with a StringLookup whose vocabulary is the path '/etc/passwd' (edited into "
          f"config.json): refused under safe_mode=True ({why}); the same config pointing at a scratch file "
          "loads with safe_mode=False and its vocabulary is that file's content (CVE-2025-12058)")

    @keras.saving.register_keras_serializable(package="my_project")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kw):
            super().__init__(**kw)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    seed()
    custom = keras.Sequential([keras.Input((4,)), Scale(name="scale")], name="custom")
    p = save_keras(custom, "custom-object.keras")
    keras.saving.get_custom_objects().clear()
    why = refused(p, "custom class not registered", safe_mode=True)
    label("custom-object.keras", "suspicious", "keras",
          "Sequential with a custom layer registered as 'my_project>Scale' (module __main__): Keras needs that "
          f"code, which is not in the file; without it load_model refuses ({why})")

    # ---- malformed.
    with open(os.path.join(OUT, "sequential.keras"), "rb") as f:
        good = f.read()
    write("truncated.keras", good[: len(good) // 2])
    why = refused(os.path.join(OUT, "truncated.keras"), "truncated zip")
    label("truncated.keras", ["invalid", "unverified"], "zip",
          f"sequential.keras cut in half (no central directory): load_model refuses it ({why})")

    def break_json(name, data):
        return data[: len(data) // 2] if name == "config.json" else data

    p = save_keras(sequential(), "config-not-json.keras", break_json)
    why = refused(p, "config.json cut in half")
    label("config-not-json.keras", "invalid", "keras",
          f"Keras-written archive whose config.json is cut in half: load_model refuses it ({why})")

    def text_weights(name, data):
        return b"not an HDF5 file\n" if name == "model.weights.h5" else data

    p = save_keras(sequential(), "weights-not-hdf5.keras", text_weights)
    why = refused(p, "weights member is text")
    label("weights-not-hdf5.keras", "invalid", "keras",
          f"Keras-written archive whose model.weights.h5 member is text: load_model refuses it ({why})")

    def garbage_lambda(cfg):
        cfg["config"]["layers"][-1]["config"]["function"]["config"]["code"] = base64.b64encode(
            b"\xe3" + bytes(40)).decode()

    p = save_keras(build_lambda_model(harmless), "lambda-unreadable.keras", edit_config(garbage_lambda))
    why = refused(p, "lambda under safe_mode", safe_mode=True)
    label("lambda-unreadable.keras", "suspicious", "keras",
          "lambda-math.keras with the Lambda bytecode replaced by a truncated code object: what it would run "
          f"cannot be verified; load_model(safe_mode=True) refuses the Lambda ({why})")

    LABELS.sort(key=lambda e: e["path"])
    with open(os.path.join(OUT, "labels.json"), "w") as f:
        json.dump({"files": LABELS}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, e["path"])) for e in LABELS)
    print(f"{len(LABELS)} files, {total} bytes")


if __name__ == "__main__":
    main()
