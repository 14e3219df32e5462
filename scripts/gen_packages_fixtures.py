#!/usr/bin/env python3
"""Generate the model-package fixtures: NeMo `.nemo` archives and Hydra configs, MLflow `MLmodel` files,
TorchServe `.mar` archives and llamafiles.

Run:  python3 scripts/gen_packages_fixtures.py   (any Python 3.10+ with PyYAML)

Writes test/fixtures/formats/packages/... and its labels.json. Deterministic: fixed tar/zip timestamps,
sorted members, no randomness.

None of the formats' own libraries can be installed here (nemo_toolkit, mlflow, torch-model-archiver and
llamafile need torch or native builds), so every file is built by hand from the published layouts:
  * NeMo: nemo/core/connectors/save_restore_connector.py (ModelPT.save_to writes a tar of the model folder with
    arcname ".": ./model_config.yaml, ./model_weights.ckpt and the tokenizer files), plain tar (NeMo >= 1.7)
    or gzip'd tar (older releases; restore_from opens both). https://github.com/NVIDIA/NeMo
  * Hydra: https://hydra.cc/docs/advanced/instantiate_objects/overview/ (`_target_`, `_args_`, `_partial_`).
  * MLflow: https://mlflow.org/docs/latest/models.html#storage-format and mlflow/pyfunc/__init__.py (MLmodel keys
    written by mlflow.models.Model.to_yaml).
  * TorchServe: https://github.com/pytorch/serve/blob/master/model-archiver/README.md and
    model-archiver/model_archiver/manifest_components/manifest.py (MAR-INF/MANIFEST.json).
  * llamafile: https://github.com/Mozilla-Ocho/llamafile and https://justine.lol/ape.html (the `MZqFpD='` APE
    header, then a ZIP with absolute offsets holding the .gguf and `.args`); GGUF per
    https://github.com/ggml-org/ggml/blob/master/docs/gguf.md.

SAFETY: nothing here is loaded, instantiated or executed. The oracle for the Hydra targets resolves each dotted
path the way hydra/_internal/utils.py `_locate` does (import the module prefix, getattr the rest) WITHOUT calling
the result, and only for standard-library modules; payloads are harmless (`echo modelgate-test`).
"""
from __future__ import annotations

import gzip
import importlib
import importlib.util
import io
import json
import shutil
import struct
import sys
import tarfile
import zlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test/fixtures/formats/packages"
BENIGN_TORCH_ZIP = ROOT / "test/fixtures/scan/benign/torch-state-dict-zip.pt"
MTIME = 1_700_000_000
ZIP_DATE = (2023, 11, 14, 22, 13, 20)

NEMO_LAYOUT = "hand-built from NeMo's .nemo layout (nemo/core/connectors/save_restore_connector.py), PyYAML " + yaml.__version__
HYDRA_LAYOUT = "hand-built from Hydra's instantiate config layout (hydra.cc/docs/advanced/instantiate_objects), PyYAML " + yaml.__version__
MLFLOW_LAYOUT = "hand-built from MLflow's MLmodel storage format (mlflow.org/docs/latest/models.html#storage-format), PyYAML " + yaml.__version__
MAR_LAYOUT = "hand-built from torch-model-archiver's .mar layout (pytorch/serve model-archiver README, manifest.py)"
LLAMAFILE_LAYOUT = "hand-built from the llamafile/APE layout (Mozilla-Ocho/llamafile, justine.lol/ape.html) and the GGUF spec"

labels: list[dict] = []


def label(path: str, expect, fmt: str, made_by: str, what: str) -> None:
    labels.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def write(rel: str, data: bytes) -> None:
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ---------------------------------------------------------------- oracle: what Hydra's _locate would import

def locate_without_calling(path: str):
    """hydra/_internal/utils.py `_locate`: import the first part, then for each next part getattr, importing
    `prefix.part` as a module when the attribute is missing. Returns the object reached; never calls it."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        if hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


def check_dangerous_target(path: str, expected: object) -> None:
    """The malicious labels name real callables: _locate reaches exactly the function we say it does."""
    root = path.split(".")[0]
    assert root in sys.stdlib_module_names, f"{path}: oracle only resolves standard-library paths"
    assert importlib.util.find_spec(root) is not None, f"{root} is not importable"
    reached = locate_without_calling(path)
    assert reached is expected, f"{path} resolves to {reached!r}, not {expected!r}"


def targets_of(value) -> list[str]:
    """Every `_target_` of a parsed config (what hydra.utils.instantiate would import), via PyYAML."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "_target_":
                found.append(v)
            found.extend(targets_of(v))
    elif isinstance(value, list):
        for v in value:
            found.extend(targets_of(v))
    return found


# ---------------------------------------------------------------- NeMo / Hydra

def nemo_config(extra: dict | None = None) -> dict:
    """A trimmed EncDecCTCModel config as NeMo writes it (examples/asr/conf/conformer/conformer_ctc_bpe.yaml)."""
    cfg = {
        "sample_rate": 16000,
        "target": "nemo.collections.asr.models.ctc_bpe_models.EncDecCTCModelBPE",
        "nemo_version": "1.23.0",
        "tokenizer": {"dir": None, "type": "bpe", "model_path": "nemo:tokenizer.model"},
        "preprocessor": {
            "_target_": "nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor",
            "sample_rate": 16000,
            "normalize": "per_feature",
            "window_size": 0.025,
            "features": 80,
        },
        "spec_augment": {
            "_target_": "nemo.collections.asr.modules.SpectrogramAugmentation",
            "freq_masks": 2,
            "time_masks": 5,
        },
        "encoder": {
            "_target_": "nemo.collections.asr.modules.ConformerEncoder",
            "feat_in": 80,
            "n_layers": 2,
            "d_model": 64,
        },
        "decoder": {
            "_target_": "nemo.collections.asr.modules.ConvASRDecoder",
            "feat_in": 64,
            "num_classes": 128,
        },
        "optim": {
            "name": "adamw",
            "lr": 0.001,
            "sched": {"name": "CosineAnnealing", "warmup_steps": 100},
        },
        "activation": {"_target_": "torch.nn.ReLU"},
        "optimizer": {"_target_": "torch.optim.AdamW", "_partial_": True, "lr": 0.001},
    }
    if extra:
        cfg.update(extra)
    return cfg


def dump_yaml(cfg: dict) -> bytes:
    return yaml.safe_dump(cfg, sort_keys=False).encode()


def tar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        root = tarfile.TarInfo("./")
        root.type, root.mtime, root.mode = tarfile.DIRTYPE, MTIME, 0o755
        tar.addfile(root)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), MTIME, 0o644
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def nemo(config: bytes) -> bytes:
    weights = BENIGN_TORCH_ZIP.read_bytes()
    vocab = b"".join(f"tok{i}\n".encode() for i in range(16))
    return tar_bytes([("./model_config.yaml", config), ("./model_weights.ckpt", weights), ("./vocab.txt", vocab)])


def gen_nemo() -> None:
    benign = nemo_config()
    for t in targets_of(benign):
        assert t.startswith(("nemo.collections.", "torch.nn.", "torch.optim.")), t
    write("nemo/asr-conformer.nemo", nemo(dump_yaml(benign)))
    label("nemo/asr-conformer.nemo", "benign", "nemo", NEMO_LAYOUT,
          "a NeMo ASR archive: config whose targets are NeMo modules, torch.nn and torch.optim; a torch zip state dict")

    evil = nemo_config({"evil": {"_target_": "os.system", "command": "echo modelgate-test"}})
    check_dangerous_target("os.system", __import__("os").system)
    assert "os.system" in targets_of(yaml.safe_load(dump_yaml(evil)))
    write("nemo/target-os-system.nemo", nemo(dump_yaml(evil)))
    label("nemo/target-os-system.nemo", "malicious", "nemo", NEMO_LAYOUT,
          "a NeMo archive whose model_config.yaml has `_target_: os.system` (CVE-2025-23304)")

    nested = nemo_config()
    nested["encoder"]["init"] = {"_target_": "subprocess.Popen", "_args_": [["echo", "modelgate-test"]]}
    check_dangerous_target("subprocess.Popen", __import__("subprocess").Popen)
    write("nemo/nested-popen-gz.nemo", gzip.compress(nemo(dump_yaml(nested)), mtime=MTIME))
    label("nemo/nested-popen-gz.nemo", "malicious", "gzip", NEMO_LAYOUT,
          "a gzip'd NeMo archive (older writers) with `subprocess.Popen` nested inside the encoder config")

    user = nemo_config({"custom": {"_target_": "my_project.models.CustomHead", "size": 4}})
    write("nemo/user-code-target.nemo", nemo(dump_yaml(user)))
    label("nemo/user-code-target.nemo", "suspicious", "nemo", NEMO_LAYOUT,
          "a NeMo archive whose config instantiates a class of a package outside NeMo/PyTorch/Lightning")

    broken = dump_yaml(benign) + b"encoder_extra:\n  _target_: [nemo.collections.asr.modules.ConformerEncoder\n"
    try:
        yaml.safe_load(broken)
        raise AssertionError("the broken config must not parse")
    except yaml.YAMLError:
        pass
    write("nemo/broken-config.nemo", nemo(broken))
    label("nemo/broken-config.nemo", "invalid", "nemo", NEMO_LAYOUT,
          "a NeMo archive whose model_config.yaml is not valid YAML (an unclosed flow sequence)")


def gen_hydra() -> None:
    cfg = {
        "model": {"_target_": "nemo.collections.nlp.models.TextClassificationModel", "num_classes": 2},
        "optim": {"_target_": "torch.optim.SGD", "_partial_": True, "lr": 0.1, "momentum": 0.9},
        "sched": {"_target_": "torch.optim.lr_scheduler.StepLR", "_partial_": True, "step_size": 10},
        "callbacks": [{"_target_": "pytorch_lightning.callbacks.EarlyStopping", "monitor": "val_loss"}],
        "layer": {"_target_": "torch.nn.Linear", "in_features": 8, "out_features": 2},
    }
    write("hydra/train-config.yaml", dump_yaml(cfg))
    label("hydra/train-config.yaml", "benign", "hydra-config", HYDRA_LAYOUT,
          "a Hydra training config: a NeMo model, torch optimizer and scheduler, a Lightning callback, a torch.nn layer")

    exec_cfg = {"model": {"_target_": "builtins.exec", "_args_": ["print('modelgate-test')"]}}
    check_dangerous_target("builtins.exec", exec)
    write("hydra/builtins-exec.yaml", dump_yaml(exec_cfg))
    label("hydra/builtins-exec.yaml", "malicious", "hydra-config", HYDRA_LAYOUT,
          "`_target_: builtins.exec` with `_args_`: instantiate evaluates the string")

    # `"\x5ftarget_"` is `_target_` once the double-quoted escape is read (YAML 1.1 §5.7).
    escaped = b'model:\n  "\\x5ftarget_": posix.system\n  _args_: ["echo modelgate-test"]\n'
    assert yaml.safe_load(escaped) == {"model": {"_target_": "posix.system", "_args_": ["echo modelgate-test"]}}
    if "posix" in sys.builtin_module_names:
        check_dangerous_target("posix.system", __import__("posix").system)
    write("hydra/escaped-target-key.yaml", escaped)
    label("hydra/escaped-target-key.yaml", "malicious", "hydra-config", HYDRA_LAYOUT,
          "the `_target_` key spelled with a YAML escape, naming posix.system (os.system under another name)")

    chain = {"model": {"_target_": "os.path.os.system", "_args_": ["echo modelgate-test"]}}
    check_dangerous_target("os.path.os.system", __import__("os").system)
    write("hydra/attribute-chain.yaml", dump_yaml(chain))
    label("hydra/attribute-chain.yaml", "malicious", "hydra-config", HYDRA_LAYOUT,
          "`os.path.os.system`: _locate follows the attribute chain to os.system")

    bomb = b"_target_: torch.nn.Identity\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        bomb += f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]\n".encode()
    write("hydra/alias-bomb.yaml", bomb)
    label("hydra/alias-bomb.yaml", "unverified", "hydra-config", HYDRA_LAYOUT,
          "a config whose aliases expand to 10^9 nodes (billion laughs): refused past the alias limit")

    tag = b"model:\n  _target_: torch.nn.Identity\npayload: !!python/object/apply:os.system [\"echo modelgate-test\"]\n"
    write("hydra/python-tag.yaml", tag)
    label("hydra/python-tag.yaml", "malicious", "hydra-config", HYDRA_LAYOUT,
          "a config with a `!!python/object/apply:os.system` tag that PyYAML's unsafe loaders execute")

    interp = {"model": {"_target_": "${oc.env:MODEL_CLASS}", "size": 4}}
    write("hydra/interpolated-target.yaml", dump_yaml(interp))
    label("hydra/interpolated-target.yaml", "unverified", "hydra-config", HYDRA_LAYOUT,
          "a `_target_` taken from an environment variable by OmegaConf interpolation")


# ---------------------------------------------------------------- MLflow

def mlmodel(flavors: dict) -> bytes:
    doc = {
        "artifact_path": "model",
        "flavors": flavors,
        "mlflow_version": "2.9.2",
        "model_uuid": "0f3c1d4e6a7b48b9a1c2d3e4f5a6b7c8",
        "run_id": "5c1e9d0b2a3f4e5d6c7b8a9f0e1d2c3b",
        "utc_time_created": "2023-11-14 22:13:20.000000",
    }
    return yaml.safe_dump(doc, sort_keys=False).encode()


def gen_mlflow() -> None:
    write("mlflow/sklearn-model/MLmodel", mlmodel({
        "python_function": {"env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
                            "loader_module": "mlflow.sklearn", "model_path": "model.pkl",
                            "predict_fn": "predict", "python_version": "3.10.12"},
        "sklearn": {"code": None, "pickled_model": "model.pkl", "serialization_format": "cloudpickle",
                    "sklearn_version": "1.3.2"},
    }))
    label("mlflow/sklearn-model/MLmodel", "benign", "mlflow-mlmodel", MLFLOW_LAYOUT,
          "an sklearn model as mlflow.sklearn.log_model writes it: the MLmodel names model.pkl, scanned on its own")

    write("mlflow/onnx-model/MLmodel", mlmodel({
        "onnx": {"code": None, "data": "model.onnx", "onnx_version": "1.15.0", "providers": ["CPUExecutionProvider"]},
        "python_function": {"data": "model.onnx", "env": {"conda": "conda.yaml"}, "loader_module": "mlflow.onnx",
                            "python_version": "3.10.12"},
    }))
    label("mlflow/onnx-model/MLmodel", "benign", "mlflow-mlmodel", MLFLOW_LAYOUT, "an ONNX model logged with mlflow.onnx")

    write("mlflow/custom-pyfunc/MLmodel", mlmodel({
        "python_function": {"cloudpickle_version": "3.0.0", "code": "code", "env": {"conda": "conda.yaml"},
                            "loader_module": "mlflow.pyfunc.model", "python_model": "python_model.pkl",
                            "python_version": "3.10.12"},
    }))
    label("mlflow/custom-pyfunc/MLmodel", "suspicious", "mlflow-mlmodel", MLFLOW_LAYOUT,
          "a custom PythonModel (cloudpickle python_model.pkl) with a code directory: loading runs its code")

    # antigravity's import opens a web browser (Lib/antigravity.py calls webbrowser.open at import time).
    spec = importlib.util.find_spec("antigravity")
    assert spec and spec.origin and "webbrowser.open" in Path(spec.origin).read_text()
    write("mlflow/loader-antigravity/MLmodel", mlmodel({
        "python_function": {"loader_module": "antigravity", "data": "model", "python_version": "3.10.12"},
    }))
    label("mlflow/loader-antigravity/MLmodel", "malicious", "mlflow-mlmodel", MLFLOW_LAYOUT,
          "python_function.loader_module names a standard module whose import opens a network connection")

    write("mlflow/flavors-list/MLmodel", mlmodel(["python_function", "sklearn"]))  # type: ignore[arg-type]
    label("mlflow/flavors-list/MLmodel", "invalid", "mlflow-mlmodel", MLFLOW_LAYOUT,
          "`flavors` is a list, not a mapping: mlflow.models.Model.load fails")

    write("mlflow/unknown-flavor/MLmodel", mlmodel({"acme_flavor": {"data": "model.bin"}}))
    label("mlflow/unknown-flavor/MLmodel", "unverified", "mlflow-mlmodel", MLFLOW_LAYOUT,
          "a third-party flavor whose loader this check does not know")


# ---------------------------------------------------------------- TorchServe

def zip_bytes(members: list[tuple[str, bytes]], prefix: bytes = b"", deflate: bool = True) -> bytes:
    """A ZIP with absolute offsets after `prefix` (what llamafile's zipalign and a plain writer both give)."""
    body = bytearray(prefix)
    central = bytearray()
    dos_time = (ZIP_DATE[3] << 11) | (ZIP_DATE[4] << 5) | (ZIP_DATE[5] // 2)
    dos_date = ((ZIP_DATE[0] - 1980) << 9) | (ZIP_DATE[1] << 5) | ZIP_DATE[2]
    for name, data in members:
        crc = zlib.crc32(data)
        method, stored = (8, zlib.compress(data, 9)[2:-4]) if deflate else (0, data)
        offset = len(body)
        n = name.encode()
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, dos_time, dos_date, crc, len(stored),
                            len(data), len(n), 0) + n + stored
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, dos_time, dos_date, crc,
                               len(stored), len(data), len(n), 0, 0, 0, 0, 0o644 << 16, offset) + n
    cd_offset = len(body)
    body += central
    body += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), cd_offset, 0)
    return bytes(body)


def manifest(handler: str, **model) -> bytes:
    doc = {
        "createdOn": "14/11/2023 22:13:20",
        "runtime": "python",
        "model": {"modelName": "mnist", "serializedFile": "mnist_cnn.pt", "handler": handler, "modelVersion": "1.0",
                  **model},
        "archiverVersion": "0.9.0",
    }
    return json.dumps(doc, indent=4).encode()


HANDLER = b'''"""MNIST digit classifier handler (after pytorch/serve examples/image_classifier/mnist)."""
import io
import os

import torch
from PIL import Image
from torchvision import transforms
from ts.torch_handler.image_classifier import ImageClassifier


class MNISTDigitClassifier(ImageClassifier):
    image_processing = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])

    def preprocess(self, data):
        images = [Image.open(io.BytesIO(row.get("data") or row.get("body"))) for row in data]
        return torch.stack([self.image_processing(i) for i in images])

    def postprocess(self, data):
        return data.argmax(1).tolist()
'''

MODEL_PY = b'''import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        return self.fc(x.flatten(1))
'''

EVIL_HANDLER = b'''import subprocess

from ts.torch_handler.base_handler import BaseHandler


class Handler(BaseHandler):
    def initialize(self, context):
        subprocess.Popen(["sh", "-c", "echo modelgate-test"])
        super().initialize(context)
'''


def gen_torchserve() -> None:
    weights = BENIGN_TORCH_ZIP.read_bytes()
    write("torchserve/builtin-handler.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest("image_classifier")),
        ("mnist_cnn.pt", weights),
    ]))
    label("torchserve/builtin-handler.mar", "benign", "torchserve-mar", MAR_LAYOUT,
          "a model archive served by TorchServe's built-in image_classifier handler: no Python code inside")

    write("torchserve/custom-handler.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest("mnist_handler.py", modelFile="mnist.py")),
        ("mnist.py", MODEL_PY),
        ("mnist_cnn.pt", weights),
        ("mnist_handler.py", HANDLER),
    ]))
    label("torchserve/custom-handler.mar", "suspicious", "torchserve-mar", MAR_LAYOUT,
          "an ordinary archive with a custom handler and model file: Python that runs when served")

    write("torchserve/popen-handler.mar", zip_bytes([
        ("MAR-INF/MANIFEST.json", manifest("handler.py")),
        ("handler.py", EVIL_HANDLER),
        ("mnist_cnn.pt", weights),
    ]))
    label("torchserve/popen-handler.mar", "malicious", "torchserve-mar", MAR_LAYOUT,
          "a handler that starts a shell with subprocess.Popen when the model is initialised")

    broken = manifest("image_classifier")[:-40]
    write("torchserve/truncated-manifest.mar", zip_bytes([("MAR-INF/MANIFEST.json", broken), ("mnist_cnn.pt", weights)]))
    label("torchserve/truncated-manifest.mar", "invalid", "torchserve-mar", MAR_LAYOUT,
          "an archive whose MANIFEST.json is cut short (not JSON)")

    write("torchserve/no-archive/MAR-INF/MANIFEST.json", manifest("mnist_handler.py", requirementsFile="requirements.txt"))
    label("torchserve/no-archive/MAR-INF/MANIFEST.json", "suspicious", "torchserve-manifest", MAR_LAYOUT,
          "the manifest of a `--archive-format no-archive` model folder with a custom handler and requirements")


# ---------------------------------------------------------------- llamafile

def gguf_string(s: str) -> bytes:
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def tiny_gguf(template: str | None) -> bytes:
    """GGUF v3 (docs/gguf.md): header, metadata, one F32 tensor of 4 elements, data aligned to 32 bytes."""
    kvs = [("general.architecture", "llama"), ("general.name", "tiny")]
    if template is not None:
        kvs.append(("tokenizer.chat_template", template))
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, 1, len(kvs)))
    for key, value in kvs:
        out += gguf_string(key) + struct.pack("<I", 8) + gguf_string(value)  # 8 = GGUF_TYPE_STRING
    out += gguf_string("tok_embd.weight") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<IQ", 0, 0)
    out += b"\0" * (-len(out) % 32)
    out += struct.pack("<4f", 0.5, -0.25, 1.0, 0.0)
    return bytes(out)


def ape_prefix() -> bytes:
    """The APE header: `MZqFpD='` opens a DOS/PE header that a shell reads as a string assignment, then a
    shell script; the native program follows (here a few bytes of ELF header standing in for it)."""
    script = b"MZqFpD='\n\x00\x00\x00\x00\x00\x00\x00\x00'\n#'\"\nexec 7<> \"$(command -v \"$0\")\" || exit 121\nexit 1\n"
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
    body = script + elf
    return body + b"\x00" * (-len(body) % 4096)


def gen_llamafile() -> None:
    args = b"-m\ntiny.gguf\n--host\n127.0.0.1\n...\n"
    write("llamafile/tiny.llamafile", zip_bytes([(".args", args), ("tiny.gguf", tiny_gguf(None))], ape_prefix(), deflate=False))
    label("llamafile/tiny.llamafile", "suspicious", "llamafile", LLAMAFILE_LAYOUT,
          "a llamafile: an executable with a clean tiny GGUF and .args in its ZIP tail")

    ssti = "{{ cycler.__init__.__globals__.os.popen('echo modelgate-test').read() }}"
    write("llamafile/template-injection.llamafile",
          zip_bytes([(".args", args), ("tiny.gguf", tiny_gguf(ssti))], ape_prefix(), deflate=False))
    label("llamafile/template-injection.llamafile", "malicious", "llamafile", LLAMAFILE_LAYOUT,
          "a llamafile whose GGUF chat template reaches os.popen (the llama-cpp-python CVE-2024-34359 template)")

    good = zip_bytes([(".args", args), ("tiny.gguf", tiny_gguf(None))], ape_prefix(), deflate=False)
    central = good.index(b"PK\x01\x02")
    bad = bytearray(good)
    bad[central : central + 4] = b"XX\x01\x02"  # the first central-directory header loses its signature
    write("llamafile/bad-directory.llamafile", bytes(bad))
    label("llamafile/bad-directory.llamafile", "invalid", "llamafile", LLAMAFILE_LAYOUT,
          "a llamafile whose ZIP central directory is corrupt (a header signature is overwritten)")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    gen_nemo()
    gen_hydra()
    gen_mlflow()
    gen_torchserve()
    gen_llamafile()
    (OUT / "labels.json").write_text(json.dumps({"files": labels}, indent=2) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(labels)} files, {total} bytes")


if __name__ == "__main__":
    main()
