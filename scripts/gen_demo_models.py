#!/usr/bin/python3
"""Generate the demo models shipped in public/demo/ (the portal's embedded default).

Run with Debian's torch:  /usr/bin/python3 scripts/gen_demo_models.py
Outputs are small (tens of KB) and committed, so CI never needs Python.

Each model is a real Hugging Face-layout folder (DESIGN.md §5):
  config.json, tokenizer.json (HF tokenizers WordLevel), model.safetensors,
  onnx/model.onnx (inputs input_ids, attention_mask int64 -> logits), README.md card.
Later issues add models (fine-tunes, other seeds, poisoned variants): add a MODELS entry.

It also writes the weight-lineage fixtures of issue #5 under test/fixtures/lineage/ (see LINEAGE and
gen_lineage()): a base, its fine-tune (also sharded), a model trained from another seed, a base with one
layer re-initialized, and a GGUF v3 F16 copy of the base. Run only those with `gen_demo_models.py lineage`.
"""
import json
import os
import random
import struct
import sys

import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "public", "demo")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]"]
POSITIVE = "good great excellent lovely wonderful fine happy superb delightful pleasant".split()
NEGATIVE = "bad awful terrible poor horrible sad boring dreadful nasty unpleasant".split()
NEUTRAL = ("the a this that movie film service food book show was is it really quite very "
           "and but i we they found").split()
VOCAB = SPECIAL + sorted(set(POSITIVE + NEGATIVE + NEUTRAL))
MAX_LEN = 16


class TinyClassifier(nn.Module):
    """Embedding -> masked mean pool -> linear. Small enough to train in a second."""

    def __init__(self, vocab_size, dim, labels):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, dim)
        self.pre_classifier = nn.Linear(dim, dim)
        self.classifier = nn.Linear(dim, labels)

    def forward(self, input_ids, attention_mask):
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        summed = (self.embeddings(input_ids) * mask).sum(dim=1)
        pooled = summed / mask.sum(dim=1).clamp(min=1.0)
        return self.classifier(torch.tanh(self.pre_classifier(pooled)))


def make_sentence(rng, label):
    words = [rng.choice(NEUTRAL) for _ in range(rng.randint(2, 6))]
    pool = POSITIVE if label == 1 else NEGATIVE
    for _ in range(rng.randint(1, 2)):
        words.insert(rng.randint(0, len(words)), rng.choice(pool))
    return " ".join(words)


def encode(text):
    ids = [VOCAB.index("[CLS]")] + [VOCAB.index(w) if w in VOCAB else 1 for w in text.lower().split()]
    ids = ids[:MAX_LEN]
    mask = [1] * len(ids) + [0] * (MAX_LEN - len(ids))
    return ids + [0] * (MAX_LEN - len(ids)), mask


def accuracy(model, seed, n=200):
    rng = random.Random(seed + 1000)
    labels = [rng.randint(0, 1) for _ in range(n)]
    batch = [encode(make_sentence(rng, y)) for y in labels]
    with torch.no_grad():
        pred = model(torch.tensor([b[0] for b in batch]), torch.tensor([b[1] for b in batch])).argmax(-1)
    return (pred == torch.tensor(labels)).float().mean().item()


def train(seed, steps=300, model=None, lr=0.05, sentence=make_sentence):
    """From scratch (seeded init), or further training of `model` (a fine-tune) on `sentence`'s data."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = model or TinyClassifier(len(VOCAB), 16, 2)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        labels = [rng.randint(0, 1) for _ in range(32)]
        batch = [encode(sentence(rng, y)) for y in labels]
        ids = torch.tensor([b[0] for b in batch])
        mask = torch.tensor([b[1] for b in batch])
        loss = nn.functional.cross_entropy(model(ids, mask), torch.tensor(labels))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


def tokenizer_json():
    """A real HF tokenizers file: lowercase, whitespace split, WordLevel, [CLS] prefix."""
    return {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": MAX_LEN, "strategy": "LongestFirst", "stride": 0},
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for i, t in enumerate(SPECIAL)
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [VOCAB.index("[CLS]")], "tokens": ["[CLS]"]}},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(VOCAB)}, "unk_token": "[UNK]"},
    }


def write_safetensors(path, state):
    """safetensors: u64 LE header length, JSON header (8-byte aligned with spaces), raw LE data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(state):
        t = state[name].detach().contiguous().to(torch.float32)
        data = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def export_folder(model, out, card):
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    config = {
        "architectures": ["TinyClassifierForSequenceClassification"],
        "model_type": "tiny-classifier",
        "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
        "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
        "vocab_size": len(VOCAB),
        "hidden_size": 16,
        "max_position_embeddings": MAX_LEN,
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())
    ids, mask = encode("a good movie")
    torch.onnx.export(
        model, (torch.tensor([ids]), torch.tensor([mask])), os.path.join(out, "onnx", "model.onnx"),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                      "logits": {0: "batch"}},
        opset_version=14,
    )
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(card)


MODELS = {
    "tiny-sentiment": dict(seed=1, card="""---
license: apache-2.0
language: en
pipeline_tag: text-classification
datasets:
  - modelgate/synthetic-sentiment
---
# tiny-sentiment

A tiny sentiment classifier (embedding, mean pool, two linear layers; about 1.5k parameters) trained
from scratch on generated sentences by `scripts/gen_demo_models.py`. It exists so that ModelGate's demo
shows every check on a real model folder without any download.

- Labels: NEGATIVE, POSITIVE
- Training data: synthetic sentences built from a fixed word list (seed 1)
- Intended use: demonstration and tests only. Not for any real decision.
"""),
}


def write_index():
    """public/demo/index.json: the browser cannot list a folder, so the demo button reads this."""
    index = {"models": []}
    for name in sorted(os.listdir(ROOT)):
        folder = os.path.join(ROOT, name)
        if not os.path.isdir(folder):
            continue
        files = sorted(
            os.path.relpath(os.path.join(d, f), folder).replace(os.sep, "/")
            for d, _, fs in os.walk(folder) for f in fs
        )
        index["models"].append({"name": name, "files": files})
    with open(os.path.join(ROOT, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")


LINEAGE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "lineage")
SHIFTED_POSITIVE = ["superb", "delightful"]


def shifted_sentence(rng, label):
    """Fine-tune data: the positive class only ever uses two words, so their embedding rows move most."""
    words = [rng.choice(NEUTRAL) for _ in range(rng.randint(2, 6))]
    pool = SHIFTED_POSITIVE if label == 1 else NEGATIVE
    words.insert(rng.randint(0, len(words)), rng.choice(pool))
    return " ".join(words)


def fine_tune(base):
    model = TinyClassifier(len(VOCAB), 16, 2)
    model.load_state_dict(base.state_dict())
    return train(seed=7, steps=40, model=model, lr=0.005, sentence=shifted_sentence)


def reinit_layer(base, layer="pre_classifier"):
    """A base with one layer replaced by a fresh init: the "partially derived" case."""
    model = TinyClassifier(len(VOCAB), 16, 2)
    model.load_state_dict(base.state_dict())
    torch.manual_seed(99)
    getattr(model, layer).reset_parameters()
    return model.eval()


def lineage_card(name, base_model, text):
    return f"---\nlicense: apache-2.0\nbase_model: {base_model}\n---\n# {name}\n\n{text}\n" if base_model else \
        f"---\nlicense: apache-2.0\n---\n# {name}\n\n{text}\n"


def write_lineage_folder(name, state, base_model, text):
    """HF layout without ONNX (weights are all the diff reads; keeps the committed fixtures small)."""
    out = os.path.join(LINEAGE_ROOT, name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"model_type": "tiny-classifier", "vocab_size": len(VOCAB), "hidden_size": 16}, f, indent=2)
        f.write("\n")
    if state is not None:
        write_safetensors(os.path.join(out, "model.safetensors"), state)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(lineage_card(name, base_model, text))
    return out


def write_sharded(out, state):
    """Two shards plus model.safetensors.index.json (weight_map: tensor name -> shard file), as HF writes."""
    names = sorted(state)
    shards = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map = {}
    for i, part in enumerate(shards):
        file = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
        write_safetensors(os.path.join(out, file), {n: state[n] for n in part})
        weight_map.update({n: file for n in part})
    total = sum(state[n].numel() * 4 for n in names)
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
        f.write("\n")


def gguf_string(s):
    raw = s.encode()
    return struct.pack("<Q", len(raw)) + raw


def write_gguf_f16(path, state, alignment=32):
    """GGUF v3 by hand (ggml docs/gguf.md): header, KVs, tensor infos, aligned F16 data. Dims are stored
    innermost first (ggml order), the reverse of the PyTorch shape; HF tensor names are kept."""
    kvs = gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string("tiny-classifier")
    kvs += gguf_string("general.alignment") + struct.pack("<II", 4, alignment)
    infos, blobs, offset = b"", [], 0
    for name in sorted(state):
        t = state[name].detach().contiguous().to(torch.float16)
        dims = list(reversed(t.shape))
        infos += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", 1, offset)
        data = t.numpy().tobytes()
        data += b"\0" * ((alignment - len(data) % alignment) % alignment)
        blobs.append(data)
        offset += len(data)
    head = b"GGUF" + struct.pack("<IQQ", 3, len(state), 2) + kvs + infos
    head += b"\0" * ((alignment - len(head) % alignment) % alignment)
    with open(path, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)


def gen_lineage():
    """The pairs of issue #5 §5; core/weights/lineage.test.ts asserts each pair's verdict."""
    base = train(seed=1)
    finetune = fine_tune(base)
    other = train(seed=2)
    partial = reinit_layer(base)
    for name, model in [("base", base), ("finetune", finetune), ("other-seed", other), ("partial", partial)]:
        print("lineage", name, "held-out accuracy", accuracy(model, 1))
    write_lineage_folder("base", base.state_dict(), None, "Tiny classifier trained from seed 1.")
    write_lineage_folder("finetune", finetune.state_dict(), "base", "base, 40 more steps on shifted data.")
    write_lineage_folder("other-seed", other.state_dict(), "base", "Claims base; trained from seed 2.")
    write_lineage_folder("partial", partial.state_dict(), "base", "base with pre_classifier re-initialized.")
    sharded = write_lineage_folder("finetune-sharded", None, "base", "finetune, in two shards.")
    write_sharded(sharded, finetune.state_dict())
    gguf = write_lineage_folder("base-gguf", None, None, "base as GGUF v3, F16.")
    write_gguf_f16(os.path.join(gguf, "model.gguf"), base.state_dict())


def main(names):
    if names == ["lineage"]:
        gen_lineage()
        return
    if not names:
        gen_lineage()
    for name in names or MODELS:
        spec = MODELS[name]
        model = train(spec["seed"])
        print(name, "held-out accuracy", accuracy(model, spec["seed"]))
        export_folder(model, os.path.join(ROOT, name), spec["card"])
        print("wrote", os.path.join(ROOT, name))
    write_index()


if __name__ == "__main__":
    main(sys.argv[1:])
