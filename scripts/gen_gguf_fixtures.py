"""
GGUF quantizations of a small Llama checkpoint, for the weight diff's "quantization of the base" rule.

Needs: torch 2.x, transformers 5.x, tokenizers, safetensors, numpy, gguf 0.19 (gguf-py), run from the repo root:

    python scripts/gen_gguf_fixtures.py            # writes test/fixtures/gguf-quant/
    python scripts/gen_gguf_fixtures.py --bands    # prints the error bands on development and validation seeds

What it writes, and why each file is there:
- `base/`: a Llama (hidden 256, one layer, grouped-query attention) saved by transformers as BF16
  safetensors, with a byte-level BPE tokenizer trained by `tokenizers`. Rows of 256 elements are the
  smallest that hold whole k-quant blocks.
- `base-<TYPE>.gguf` for every type the diff dequantizes: the base converted the way llama.cpp's
  convert_hf_to_gguf.py converts a Llama (tensor names from gguf-py's own TensorNameMap, the Q/K row
  permutation of LlamaModel.permute, llama.* metadata, the tokenizer as tokenizer.ggml.*), then quantized:
  the legacy types by gguf-py's quantizer, the k-quants by scripts/gguf_kquants.py. Norms stay F32.
- `other-<Q8_0|Q4_K|Q6_K>.gguf`: the same architecture from another seed ("different weights").
- `finetune-<Q8_0|Q4_K|Q6_K>.gguf`: the base after a short full fine-tune (Adam, lr 1e-4, 30 steps: a light touch whose error stays inside the quantization bands), then quantized.
- `base-IQ4_NL.gguf`: a type the diff does not dequantize.
- `base-Q8_0-bad-tokenizer.gguf`: the base's weights with two token strings swapped in tokenizer.ggml.tokens.
- `demo-llama-code-Q8_0.gguf`, `demo-llama-code-Q4_0.gguf` (`--demo`): the portal's Llama demo base
  (public/demo/llama-code-base) quantized, with `demo-expected.json`; its rows of 64 hold no k-quant block.
- `expected.json`: for every GGUF file and tensor, the relative error ‖dequantized − base‖/‖base‖ and the
  cosine that numpy computes from gguf-py's dequantizer, after undoing the Q/K permutation.

The base and the other model are validation seeds: the bands in core/weights/quantization.ts were set on the
development seeds of `--bands` (DEV_SEEDS) before these files were generated.
"""

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf_kquants import K_QUANTIZERS, quantize_k  # noqa: E402

import gguf  # noqa: E402
from gguf import GGMLQuantizationType as QT  # noqa: E402
from gguf import quants  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402
from transformers import LlamaConfig, LlamaForCausalLM  # noqa: E402

OUT = "test/fixtures/gguf-quant"
LEGACY = ["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"]
KQUANTS = ["Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"]
TYPES = LEGACY + KQUANTS
DEV_SEEDS = [1, 2, 3]
VALIDATION_SEEDS = [11, 12, 13]
BASE_SEED, OTHER_SEED = 11, 12

CORPUS = [
    "def add(a, b): return a + b",
    "for item in items: print(item)",
    "while running: step()",
    "class Point: x = 0; y = 0",
    "import numpy as np; np.zeros(3)",
    "the quick brown fox jumps over the lazy dog",
    "if value is None: raise ValueError('missing')",
    "with open(path) as f: data = f.read()",
] * 4


def train_tokenizer():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, special_tokens=["<|endoftext|>"], show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    return tok


def make_config(vocab):
    return LlamaConfig(
        vocab_size=vocab, hidden_size=256, intermediate_size=256, num_hidden_layers=1, num_attention_heads=4,
        num_key_value_heads=2, head_dim=64, max_position_embeddings=64, rms_norm_eps=1e-5, tie_word_embeddings=False,
        bos_token_id=0, eos_token_id=0,
    )  # fmt: skip


def make_model(seed, vocab):
    """Weights drawn per seed: even seeds Gaussian, odd seeds Student-t (ν = 3), whose tails stretch block scales."""
    torch.manual_seed(seed)
    model = LlamaForCausalLM(make_config(vocab))
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(torch.tensor(1.0 + 0.1 * rng.standard_normal(p.shape), dtype=torch.float32))
                continue
            draw = rng.standard_t(3, p.shape) if seed % 2 else rng.standard_normal(p.shape)
            p.copy_(torch.tensor(0.02 * draw, dtype=torch.float32))
    return model.to(torch.bfloat16).to(torch.float32)  # what a BF16 checkpoint holds


def finetune(model, tok, steps=30):
    ids = [tok.encode(t).ids for t in CORPUS]
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    torch.manual_seed(7)
    for step in range(steps):
        batch = torch.tensor([ids[step % len(ids)][:16]])
        loss = model(input_ids=batch, labels=batch).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.to(torch.bfloat16).to(torch.float32)


def permute(w, n_head, n_head_kv):
    """llama.cpp convert_hf_to_gguf.py LlamaModel.permute: rotary halves interleaved within each head."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def gguf_tensors(model):
    """(gguf name, hf name, float32 array in GGUF row order) for every tensor, named by gguf-py's TensorNameMap."""
    cfg = model.config
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, cfg.num_hidden_layers)
    out = []
    for hf, p in model.state_dict().items():
        w = p.detach().float().numpy()
        if hf.endswith("q_proj.weight"):
            w = permute(w, cfg.num_attention_heads, cfg.num_attention_heads)
        elif hf.endswith("k_proj.weight"):
            w = permute(w, cfg.num_attention_heads, cfg.num_key_value_heads)
        name = names.get_name(hf, try_suffixes=(".weight", ".bias"))
        assert name, f"gguf-py has no name for {hf}"
        out.append((name, hf, np.ascontiguousarray(w)))
    return out


def quantize(w, type_name):
    if type_name in K_QUANTIZERS:
        return quantize_k(w, type_name)
    return quants.quantize(w, QT[type_name])


def unsupported_blocks(w, rng):
    """IQ4_NL: an f16 scale and 16 bytes of 4-bit indices per 32 elements (a type the diff does not decode)."""
    blocks = rng.integers(0, 256, size=(w.size // 32, 18), dtype=np.uint8)
    blocks[:, 0:2] = np.full((w.size // 32, 1), 0.001, dtype=np.float16).view(np.uint8)
    return blocks.reshape(w.shape[0], -1)


def write_gguf(path, model, tok, type_name, swap_tokens=False):
    cfg = model.config
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("gguf-quant fixture")
    writer.add_context_length(cfg.max_position_embeddings)
    writer.add_embedding_length(cfg.hidden_size)
    writer.add_block_count(cfg.num_hidden_layers)
    writer.add_feed_forward_length(cfg.intermediate_size)
    writer.add_head_count(cfg.num_attention_heads)
    writer.add_head_count_kv(cfg.num_key_value_heads)
    writer.add_rope_dimension_count(cfg.head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    vocab = tok.get_vocab()
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    if swap_tokens:
        tokens[100], tokens[101] = tokens[101], tokens[100]
    spec = json.loads(tok.to_str())
    special = {t["id"] for t in spec.get("added_tokens", []) if t.get("special")}
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types([3 if i in special else 1 for i in range(len(tokens))])
    if "merges" in spec["model"]:
        writer.add_token_merges([m if isinstance(m, str) else " ".join(m) for m in spec["model"]["merges"]])
    writer.add_bos_token_id(cfg.bos_token_id if cfg.bos_token_id is not None else 0)
    writer.add_eos_token_id(cfg.eos_token_id if cfg.eos_token_id is not None else 0)
    rng = np.random.default_rng(5)
    for name, _, w in gguf_tensors(model):
        if w.ndim == 1:
            writer.add_tensor(name, w.astype(np.float32))
        elif type_name == "IQ4_NL":
            writer.add_tensor(name, unsupported_blocks(w, rng), raw_dtype=QT.IQ4_NL)
        else:
            writer.add_tensor(name, quantize(w, type_name), raw_dtype=QT[type_name])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def unpermute(w, hf, cfg):
    """Inverse of permute(): GGUF row order back to Hugging Face's."""
    heads = cfg.num_attention_heads if hf.endswith("q_proj.weight") else cfg.num_key_value_heads
    if not hf.endswith(("q_proj.weight", "k_proj.weight")):
        return w
    return w.reshape(heads, w.shape[0] // heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def measure(path, model):
    """Relative error and cosine per tensor, from gguf-py's reader and dequantizer (HF row order)."""
    reader = gguf.GGUFReader(path)
    names = {name: hf for name, hf, _ in gguf_tensors(model)}
    base = {k: v.float().numpy() for k, v in model.state_dict().items()}
    out = {}
    for t in reader.tensors:
        hf = names[t.name]
        values = quants.dequantize(t.data, t.tensor_type).reshape(base[hf].shape)
        values = unpermute(values, hf, model.config)
        b = base[hf].astype(np.float64)
        d = values.astype(np.float64)
        out[hf] = {
            "type": t.tensor_type.name,
            "relError": float(np.linalg.norm(d - b) / np.linalg.norm(b)),
            "cosine": float((d * b).sum() / (np.linalg.norm(d) * np.linalg.norm(b))),
        }
    return out


def check_round_trip(model):
    """Every quantizer's output, read by gguf-py's dequantizer, is within one step of the input."""
    for _, hf, w in gguf_tensors(model):
        if w.ndim < 2:
            continue
        for type_name in TYPES:
            back = quants.dequantize(quantize(w, type_name), QT[type_name]).reshape(w.shape)
            rel = np.linalg.norm(back - w) / np.linalg.norm(w)
            assert rel < 0.5, f"{type_name} round trip of {hf}: relative error {rel}"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def bands(tok):
    """Largest per-tensor relative error of each type, on development and on validation seeds."""
    vocab = tok.get_vocab_size()
    rows = {}
    for split, seeds in (("development", DEV_SEEDS), ("validation", VALIDATION_SEEDS)):
        for seed in seeds:
            model = make_model(seed, vocab)
            for type_name in TYPES:
                path = f"/tmp/gguf-band-{seed}-{type_name}.gguf"
                write_gguf(path, model, tok, type_name)
                errs = [m["relError"] for m in measure(path, model).values() if m["type"] == type_name]
                lo, hi = rows.setdefault((split, type_name), (1.0, 0.0))
                rows[(split, type_name)] = (min(lo, min(errs)), max(hi, max(errs)))
                os.remove(path)
    print("| type | development (seeds %s) | validation (seeds %s) |" % (DEV_SEEDS, VALIDATION_SEEDS))
    print("| --- | --- | --- |")
    for type_name in TYPES:
        dev = rows[("development", type_name)]
        val = rows[("validation", type_name)]
        print(f"| {type_name} | {dev[0]:.4f} – {dev[1]:.4f} | {val[0]:.4f} – {val[1]:.4f} |")


DEMO = "public/demo/llama-code-base"


def demo_quantizations():
    """Q8_0 and Q4_0 of the Llama demo base (its 64-wide rows hold 32-element blocks, not 256-element k-quants)."""
    model = LlamaForCausalLM.from_pretrained(DEMO, dtype=torch.float32)
    tok = Tokenizer.from_file(f"{DEMO}/tokenizer.json")
    out = {}
    for type_name in ["Q8_0", "Q4_0"]:
        path = f"{OUT}/demo-llama-code-{type_name}.gguf"
        write_gguf(path, model, tok, type_name)
        out[os.path.basename(path)] = {"sha256": sha256(path), "type": type_name, "tensors": measure(path, model)}
        print(path, os.path.getsize(path), "bytes")
    with open(f"{OUT}/demo-expected.json", "w") as f:
        json.dump({"generator": "scripts/gen_gguf_fixtures.py --demo", "files": out}, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bands", action="store_true")
    ap.add_argument("--demo", action="store_true", help="only the quantizations of the Llama demo base")
    args = ap.parse_args()
    if args.demo:
        demo_quantizations()
        return
    tok = train_tokenizer()
    if args.bands:
        bands(tok)
        return
    os.makedirs(f"{OUT}/base", exist_ok=True)
    base = make_model(BASE_SEED, tok.get_vocab_size())
    check_round_trip(base)
    base.to(torch.bfloat16).save_pretrained(f"{OUT}/base")
    tok.save(f"{OUT}/base/tokenizer.json")
    other = make_model(OTHER_SEED, tok.get_vocab_size())
    tuned = finetune(make_model(BASE_SEED, tok.get_vocab_size()), tok)
    files = {f"base-{t}.gguf": (base, t, False) for t in TYPES}
    for t in ["Q8_0", "Q4_K", "Q6_K"]:
        files[f"other-{t}.gguf"] = (other, t, False)
        files[f"finetune-{t}.gguf"] = (tuned, t, False)
    files["base-IQ4_NL.gguf"] = (base, "IQ4_NL", False)
    files["base-Q8_0-bad-tokenizer.gguf"] = (base, "Q8_0", True)
    expected = {"generator": "scripts/gen_gguf_fixtures.py", "gguf": gguf.__version__ if hasattr(gguf, "__version__") else "0.19", "files": {}}
    for name, (model, type_name, swap) in files.items():
        path = f"{OUT}/{name}"
        write_gguf(path, model, tok, type_name, swap_tokens=swap)
        entry = {"sha256": sha256(path), "type": type_name}
        if type_name != "IQ4_NL":
            entry["tensors"] = measure(path, base)
        expected["files"][name] = entry
        print(name, os.path.getsize(path), "bytes")
    with open(f"{OUT}/expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
