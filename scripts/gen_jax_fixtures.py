"""Writes the JAX/Flax model-format corpus: test/fixtures/formats/jax/ and its labels.json.

Run with the venv that has the real libraries (flax, orbax-checkpoint, jax, msgpack):
    python scripts/gen_jax_fixtures.py

Benign files come from the libraries in ordinary use; hostile and malformed ones are built by hand from the
msgpack spec (https://github.com/msgpack/msgpack/blob/master/spec.md) and flax/serialization.py. Every label is
proved with the real library: flax.serialization.msgpack_restore must read the benign msgpack files and refuse
the malformed ones; a pickled leaf is never unpickled (pickletools.dis shows its GLOBAL instead).

Deterministic except the Orbax checkpoint folders: orbax writes timestamps into _CHECKPOINT_METADATA, and
tensorstore names its OCDBT data files (d/<random id>) and splits them differently from run to run, so those
files, their names and their number vary (their structure does not).
"""

import io
import json
import os
import pickletools
import shutil
import struct
import sys
import tempfile

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import flax
import jax
import jax.numpy as jnp
import msgpack
import numpy as np
from flax import linen as nn
from flax import serialization
from flax.training import checkpoints

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "formats", "jax")
FLAX = f"flax {flax.__version__}"
LABELS = []


def label(path, expect, fmt, made_by, what):
    LABELS.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def write(path, data):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    assert len(data) < 200_000, path


def restores(data):
    """True when flax's own loader reads the bytes."""
    try:
        serialization.msgpack_restore(data)
        return True
    except Exception:
        return False


class Mlp(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(16)(x)
        x = nn.LayerNorm()(x)
        return nn.Dense(4)(nn.relu(x))


def mlp_params():
    return Mlp().init(jax.random.PRNGKey(0), jnp.ones((1, 8)))


def pickled_os_system():
    """Protocol-2 pickle that would call os.system('echo pwned') when unpickled; never loaded here."""
    return b"\x80\x02cposix\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."


def global_of(pickle_bytes):
    out = io.StringIO()
    pickletools.dis(pickle_bytes, out=out)
    listing = out.getvalue()
    assert "GLOBAL     'posix system'" in listing, listing
    return "posix system"


def flax_msgpack():
    params = mlp_params()
    benign = serialization.to_bytes(params)
    assert restores(benign)
    write("flax-mlp-params.msgpack", benign)
    label(
        "flax-mlp-params.msgpack",
        "benign",
        "flax-msgpack",
        FLAX,
        "A Flax linen MLP's parameters written by flax.serialization.to_bytes; msgpack_restore reads it back.",
    )

    # Every leaf kind Flax writes: ndarrays (float32, bfloat16, int8, bool), numpy scalars, a native complex,
    # plain ints/floats/strings/None, and nested maps.
    tree = {
        "params": {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": jnp.zeros((3,), jnp.bfloat16)},
        "quant": {"q": np.array([-1, 0, 1], dtype=np.int8), "mask": np.array([True, False])},
        "step": np.int64(7),
        "scale": np.float32(0.5),
        "phase": 1 + 2j,
        "epoch": 3,
        "lr": 0.001,
        "name": "mlp",
        "none": None,
    }
    mixed = serialization.msgpack_serialize(tree)
    assert restores(mixed)
    write("flax-leaf-kinds.msgpack", mixed)
    label(
        "flax-leaf-kinds.msgpack",
        "benign",
        "flax-msgpack",
        FLAX,
        "flax.serialization.msgpack_serialize of every leaf kind Flax writes (ndarrays incl. bfloat16, numpy "
        "scalars, a complex, ints, floats, strings, None); msgpack_restore reads it back.",
    )

    # Legacy (non-Orbax) flax.training.checkpoints.save_checkpoint: a single msgpack file.
    flax.config.update("flax_use_orbax_checkpointing", False)
    with tempfile.TemporaryDirectory() as tmp:
        path = checkpoints.save_checkpoint(tmp, {"params": params, "step": 10}, step=10)
        with open(path, "rb") as f:
            legacy = f.read()
        restored = checkpoints.restore_checkpoint(tmp, target=None)
        assert restored["step"] == 10
    flax.config.update("flax_use_orbax_checkpointing", True)
    write("legacy/checkpoint_10", legacy)
    label(
        "legacy/checkpoint_10",
        "benign",
        "flax-msgpack",
        FLAX,
        "A legacy flax.training.checkpoints.save_checkpoint file (Orbax off); restore_checkpoint reads it back.",
    )

    # A pickled leaf: flax's loader hands the bytes back untouched, but the code that stored a pickle in the
    # tree unpickles it, and that would run os.system.
    evil = pickled_os_system()
    g = global_of(evil)
    hostile = serialization.msgpack_serialize({"params": {"w": np.ones((2,), np.float32)}, "opt_state": evil})
    assert restores(hostile)
    write("pickled-leaf.msgpack", hostile)
    label(
        "pickled-leaf.msgpack",
        "malicious",
        "flax-msgpack",
        "hand-built from flax/serialization.py and the pickle protocol",
        f"A Flax state tree whose opt_state leaf is a pickle; pickletools.dis shows GLOBAL '{g}' (os.system), "
        "never unpickled here.",
    )

    # An ext type Flax does not know: msgpack_restore returns a raw msgpack.ExtType (not an array).
    unknown = msgpack.packb({"params": {"w": msgpack.ExtType(42, b"\x00" * 8)}})
    restored = serialization.msgpack_restore(unknown)
    assert isinstance(restored["params"]["w"], msgpack.ExtType)
    write("unknown-ext.msgpack", unknown)
    label(
        "unknown-ext.msgpack",
        "unverified",
        "flax-msgpack",
        "hand-built from the msgpack spec",
        "A Flax-like tree with a leaf of ext type 42, which msgpack_restore passes through as an unknown ExtType.",
    )

    # Malformed: an ndarray whose buffer is shorter than shape x itemsize (numpy refuses to reshape it).
    bad_arr = msgpack.packb(((4, 4), "float32", b"\x00" * 12), use_bin_type=True)
    short = msgpack.packb({"params": {"w": msgpack.ExtType(1, bad_arr)}})
    assert not restores(short)
    write("short-buffer.msgpack", short)
    label(
        "short-buffer.msgpack",
        "invalid",
        "flax-msgpack",
        "hand-built from flax/serialization.py",
        "An ndarray leaf declaring shape (4, 4) float32 with a 12-byte buffer; msgpack_restore raises.",
    )

    # Malformed: the file is cut in the middle of an array buffer.
    truncated = benign[: len(benign) - 100]
    assert not restores(truncated)
    write("truncated.msgpack", truncated)
    label(
        "truncated.msgpack",
        "invalid",
        "flax-msgpack",
        f"{FLAX} (to_bytes output cut short)",
        "The benign MLP parameters with the last 100 bytes cut off; msgpack_restore raises.",
    )

    # Not-a-dtype: an object dtype name. numpy refuses to build object arrays from a buffer, but a dtype
    # outside the numeric ones Flax writes is not something to call benign.
    obj = msgpack.packb(((1,), "object", b"\x00" * 8), use_bin_type=True)
    odd = msgpack.packb({"params": {"w": msgpack.ExtType(1, obj)}})
    assert not restores(odd)
    write("object-dtype.msgpack", odd)
    label(
        "object-dtype.msgpack",
        ["invalid", "unverified"],
        "flax-msgpack",
        "hand-built from flax/serialization.py",
        "An ndarray leaf with dtype name 'object'; msgpack_restore raises (numpy will not read objects from bytes).",
    )


def same_tree(a, b):
    return jax.tree_util.tree_all(jax.tree_util.tree_map(lambda x, y: bool(np.array_equal(x, y)), a, b))


def orbax_checkpoint():
    import orbax.checkpoint as ocp

    version = f"orbax-checkpoint {ocp.__version__}"
    params = mlp_params()
    with tempfile.TemporaryDirectory() as tmp:
        # StandardCheckpointer: OCDBT storage (the default).
        target = os.path.join(tmp, "standard")
        ckptr = ocp.StandardCheckpointer()
        ckptr.save(target, params)
        ckptr.wait_until_finished()
        assert same_tree(params, ocp.StandardCheckpointer().restore(target))
        copy_orbax_folder(target, "orbax-standard", version, "StandardCheckpointer save",
                          "StandardCheckpointer().restore reads the folder back")

        # PyTreeCheckpointer without OCDBT: one zarr array folder (.zarray + zstd chunk) per leaf.
        target = os.path.join(tmp, "pytree")
        ocp.Checkpointer(ocp.PyTreeCheckpointHandler(use_ocdbt=False)).save(target, params)
        assert same_tree(params, ocp.PyTreeCheckpointer().restore(target))
        copy_orbax_folder(target, "orbax-pytree-zarr", version, "PyTreeCheckpointer save with use_ocdbt=False",
                          "PyTreeCheckpointer().restore reads the folder back")

        # CheckpointManager: a step folder with a named item; item_handlers is a map of item names.
        target = os.path.join(tmp, "manager")
        with ocp.CheckpointManager(target) as manager:
            manager.save(7, args=ocp.args.StandardSave(params))
            manager.wait_until_finished()
        with ocp.CheckpointManager(target) as manager:
            assert same_tree(params, manager.restore(7, args=ocp.args.StandardRestore()))
        copy_orbax_folder(target, "orbax-manager", version, "CheckpointManager save (step 7)",
                          "CheckpointManager.restore(7) reads it back")


def copy_orbax_folder(target, prefix, version, what, proved):
    for root, _, files in os.walk(target):
        for name in sorted(files):
            if name == "commit_success.txt":
                continue  # plain text naming the temporary folder the save went to: nothing to check
            full = os.path.join(root, name)
            rel = os.path.relpath(full, target).replace(os.sep, "/")
            with open(full, "rb") as f:
                data = f.read()
            write(f"{prefix}/{rel}", data)
            describe_orbax_file(f"{prefix}/{rel}", data, version, what, proved)


def describe_orbax_file(path, data, version, what, proved):
    name = path.split("/")[-1]
    if name == "_CHECKPOINT_METADATA":
        json.loads(data)
        label(path, "benign", "orbax-checkpoint-metadata", version,
              f"The checkpoint metadata JSON of an Orbax {what} (its timestamps vary per run); {proved}.")
    elif name == "_METADATA":
        json.loads(data)
        label(path, "benign", "orbax-tree-metadata", version,
              f"The pytree metadata JSON (value type per leaf) of an Orbax {what}; {proved}.")
    elif data[:4] in (OCDBT_MANIFEST, OCDBT_NODE):
        label(path, "unverified", "ocdbt", version,
              f"A tensorstore OCDBT file (intact envelope, contents not followed) of an Orbax {what}; {proved}.")
    elif data[:4] == ZSTD_FRAME:
        label(path, "unverified", "unknown", version,
              f"A zstd-compressed zarr chunk (array bytes; zstd is not read, so unknown content) of an Orbax {what}; "
              f"{proved}.")
    else:
        json.loads(data)  # _sharding, array_metadatas/process_0, .zarray: plain JSON Orbax reads as data
        label(path, "benign", "text", version, f"A plain JSON file of an Orbax {what}; {proved}.")


ZSTD_FRAME = bytes.fromhex("28b52ffd")
OCDBT_MANIFEST = bytes.fromhex("0cdb3a2a")
OCDBT_NODE = bytes.fromhex("0cdb20de")


def orbax_restore_fails(replaced_name, data):
    """Copies the real checkpoint, replaces one file, and shows that Orbax's restore refuses the folder."""
    import orbax.checkpoint as ocp

    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "ckpt")
        shutil.copytree(os.path.join(OUT, "orbax-standard"), folder)
        with open(os.path.join(folder, replaced_name), "wb") as f:
            f.write(data)
        try:
            ocp.StandardCheckpointer().restore(folder)
        except Exception as error:  # noqa: BLE001 - any refusal proves the point
            return type(error).__name__
    raise AssertionError(f"orbax restored a checkpoint with a changed {replaced_name}")


def orbax_hostile():
    """Metadata naming user code, and damaged OCDBT files, made from the real files above."""
    import orbax.checkpoint as ocp

    base = os.path.join(OUT, "orbax-standard")
    version = f"orbax-checkpoint {ocp.__version__}"
    with open(os.path.join(base, "_CHECKPOINT_METADATA")) as f:
        meta = json.load(f)
    meta["item_handlers"] = "my_project.handlers.PickleCheckpointHandler"
    write("orbax-custom-handler/_CHECKPOINT_METADATA", json.dumps(meta).encode())
    label("orbax-custom-handler/_CHECKPOINT_METADATA", "unverified", "orbax-checkpoint-metadata",
          f"{version} (item_handlers changed by hand)",
          "The StandardCheckpointer metadata with item_handlers naming a handler class Orbax does not ship "
          "(user code restores the item).")

    with open(os.path.join(base, "_METADATA")) as f:
        tree = json.load(f)
    first = sorted(tree["tree_metadata"])[0]
    tree["tree_metadata"][first]["value_metadata"]["value_type"] = "my_project.PickledObject"
    custom_type = json.dumps(tree).encode()
    refused = orbax_restore_fails("_METADATA", custom_type)
    write("orbax-custom-type/_METADATA", custom_type)
    label("orbax-custom-type/_METADATA", "unverified", "orbax-tree-metadata", f"{version} (value_type changed by hand)",
          "The StandardCheckpointer tree metadata with one leaf's value_type naming a TypeHandler Orbax does not ship; "
          f"without that user handler registered, StandardCheckpointer().restore raises {refused}.")

    broken = dict(tree)
    broken["tree_metadata"] = {k: {"key_metadata": v["key_metadata"]} for k, v in tree["tree_metadata"].items()}
    broken_bytes = json.dumps(broken).encode()
    refused = orbax_restore_fails("_METADATA", broken_bytes)
    write("orbax-broken/_METADATA", broken_bytes)
    label("orbax-broken/_METADATA", "invalid", "orbax-tree-metadata", f"{version} (value_metadata removed by hand)",
          f"The StandardCheckpointer tree metadata with every value_metadata removed; restore raises {refused}.")

    with open(os.path.join(base, "manifest.ocdbt"), "rb") as f:
        manifest = bytearray(f.read())
    manifest[20] ^= 0xFF
    refused = orbax_restore_fails("manifest.ocdbt", bytes(manifest))
    write("orbax-broken/manifest.ocdbt", bytes(manifest))
    label("orbax-broken/manifest.ocdbt", "invalid", "ocdbt", f"{version} (one byte flipped by hand)",
          "The StandardCheckpointer OCDBT manifest with one body byte flipped: its CRC-32C no longer matches and "
          f"restore raises {refused}.")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    flax_msgpack()
    orbax_checkpoint()
    orbax_hostile()
    with open(os.path.join(OUT, "labels.json"), "w") as f:
        json.dump({"files": LABELS}, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(r, n)) for r, _, fs in os.walk(OUT) for n in fs)
    print(f"{len(LABELS)} files, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
