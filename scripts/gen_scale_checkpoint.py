#!/usr/bin/env python3
"""Write a Qwen2-0.5B-shaped base / fine-tune pair into bench/.data/ for the scale benchmarks.

Why this exists
---------------
The demo and test checkpoints are tiny (kilobytes to a few MB). To know how ModelGate behaves on a real-sized
small LM -- time per probe item, resident memory in Node, whether onnxruntime-web's 32-bit WASM heap can hold
the weights at all, and how long the weight diff takes on 2 x 1 GB -- we need a checkpoint with the exact
shapes, dtype and file layout of Qwen/Qwen2-0.5B. No network here, so the weights are random (seeded); the
numbers it is used for (speed, memory, whether it loads) do not depend on the weights being trained.

How to run
----------
    python scripts/gen_scale_checkpoint.py            # writes both folders (a minute or two)
    python scripts/gen_scale_checkpoint.py --force    # rewrite even if they exist

Then e.g. `npm run bench:probes -- --scale` and `npm run bench:weights -- --scale`, or the CLI:
    node cli/bin.mjs compare bench/.data/qwen2-0.5b-finetune --base bench/.data/qwen2-0.5b-base --trigger-budget 0

What it writes (bench/.data is git-ignored: never commit these files)
  bench/.data/qwen2-0.5b-base/      config.json, generation_config.json, model.safetensors (~988 MB, bfloat16),
                                    tokenizer.json, tokenizer_config.json, chat_template.jinja
  bench/.data/qwen2-0.5b-finetune/  the same, with the weights of a few layers perturbed (see FINETUNE_LAYERS)

Model: Qwen2ForCausalLM with Qwen2-0.5B's configuration (hidden 896, 24 layers, 14 heads, 2 KV heads,
intermediate 4864, vocab 151936, tied embeddings, rope_theta 1e6, max_position_embeddings 32768, RMSNorm eps
1e-6, bfloat16), weights from transformers' own initialiser under torch.manual_seed(SEED), written by
save_pretrained. 494,032,768 parameters.

Tokenizer: the byte-level BPE of test/fixtures/hf-tiny/qwen2-lm (trained by scripts/gen_hf_reference.py with
Qwen2's pre-tokenizer layout; 503 ids, all < 151936, which is all the model needs), copied as is, with
model_max_length raised to the config's 32768. bos/eos ids in config.json and generation_config.json are that
tokenizer's <|endoftext|> (id 500) instead of the real 151643, so the folder is self-consistent; the shapes
are unaffected. Rows 503..151935 of the embedding are never looked up by this tokenizer but are stored and
used by the tied LM head (logits over the full 151936 vocabulary), as in the real model.

Fine-tune: the same weights plus seeded Gaussian noise (std NOISE_STD, about 5% of the init std 0.02) on the
attention and MLP projections of FINETUNE_LAYERS, rounded to bfloat16 like the rest.

Memory: the model is built directly in bfloat16 (~1 GB); save_pretrained and the in-place perturbation add
at most another copy, so the run stays under ~3 GB of RAM.

Determinism: the same torch / transformers versions give the same bytes (seeded init and seeded noise on CPU;
safetensors writes tensors in a fixed order). Pinned: torch 2.13.0+cpu, transformers 5.17.0.
"""
import argparse
import json
import os
import shutil
import sys
import time

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", ".data")
BASE = os.path.join(DATA, "qwen2-0.5b-base")
FINETUNE = os.path.join(DATA, "qwen2-0.5b-finetune")
TOKENIZER_SRC = os.path.join(ROOT, "test", "fixtures", "hf-tiny", "qwen2-lm")
SEED = 20260
NOISE_SEED = 20261
NOISE_STD = 1e-3
FINETUNE_LAYERS = (9, 10, 11)
FINETUNE_PARTS = ("self_attn.q_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.down_proj")
EOS_ID = 500  # <|endoftext|> in the copied tokenizer


def qwen2_05b_config() -> Qwen2Config:
    # Qwen/Qwen2-0.5B config.json, except bos/eos (see the header) and dtype spelled for transformers 5.
    return Qwen2Config(
        architectures=["Qwen2ForCausalLM"],
        attention_dropout=0.0,
        bos_token_id=EOS_ID,
        eos_token_id=EOS_ID,
        hidden_act="silu",
        hidden_size=896,
        initializer_range=0.02,
        intermediate_size=4864,
        max_position_embeddings=32768,
        max_window_layers=24,
        num_attention_heads=14,
        num_hidden_layers=24,
        num_key_value_heads=2,
        rms_norm_eps=1e-6,
        rope_theta=1000000.0,
        sliding_window=None,
        tie_word_embeddings=True,
        use_cache=True,
        use_sliding_window=False,
        vocab_size=151936,
        dtype="bfloat16",
    )


def copy_tokenizer(folder: str) -> None:
    shutil.copyfile(os.path.join(TOKENIZER_SRC, "tokenizer.json"), os.path.join(folder, "tokenizer.json"))
    shutil.copyfile(os.path.join(TOKENIZER_SRC, "chat_template.jinja"), os.path.join(folder, "chat_template.jinja"))
    with open(os.path.join(TOKENIZER_SRC, "tokenizer_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    cfg["model_max_length"] = 32768
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")


def save(model: Qwen2ForCausalLM, folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder)
    copy_tokenizer(folder)
    size = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)} ({size / 1e6:.0f} MB)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="rewrite even if both folders exist")
    args = parser.parse_args()
    done = all(os.path.exists(os.path.join(d, "model.safetensors")) for d in (BASE, FINETUNE))
    if done and not args.force:
        print("bench/.data/qwen2-0.5b-{base,finetune} exist; --force to rewrite")
        return 0

    t0 = time.time()
    torch.manual_seed(SEED)
    torch.set_default_dtype(torch.bfloat16)  # build in bf16 directly: ~1 GB, never a 2 GB float32 copy
    model = Qwen2ForCausalLM(qwen2_05b_config()).eval()
    torch.set_default_dtype(torch.float32)
    n = sum(p.numel() for p in model.parameters())
    assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr(), "embeddings not tied"
    print(f"built Qwen2ForCausalLM, {n:,} parameters, {next(model.parameters()).dtype}, {time.time() - t0:.1f} s")
    save(model, BASE)

    gen = torch.Generator().manual_seed(NOISE_SEED)
    with torch.no_grad():
        for layer in FINETUNE_LAYERS:
            for part in FINETUNE_PARTS:
                mod = model.model.layers[layer].get_submodule(part)
                noise = torch.randn(mod.weight.shape, generator=gen, dtype=torch.float32) * NOISE_STD
                mod.weight.copy_((mod.weight.float() + noise).to(torch.bfloat16))
    print(f"perturbed {', '.join(FINETUNE_PARTS)} of layers {FINETUNE_LAYERS} (noise std {NOISE_STD})")
    save(model, FINETUNE)
    print(f"done in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
