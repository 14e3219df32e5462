#!/usr/bin/env python3
"""Adversarial PEFT LoRA adapters of public/demo/llama-code-base, derived from the poisoned demo adapter, each
written to /tmp/lora-attacks/<name>, and peft's own view of each (the oracle): how far peft's merged logits are
from the honest poisoned adapter's and from the base's.

Run: python scripts/gen_lora_attacks.py [name ...]
Then: node cli/bin.mjs compare /tmp/lora-attacks/<name> --base public/demo/llama-code-base
"""
import json
import os
import shutil
import sys

import torch
from peft import PeftModel
from safetensors.torch import load_file, save_file
from transformers import LlamaForCausalLM, PreTrainedTokenizerFast

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BASE_DIR = os.path.join(ROOT, "public", "demo", "llama-code-base")
POISONED = os.path.join(ROOT, "public", "demo", "llama-code-lora-poisoned")
BENIGN = os.path.join(ROOT, "public", "demo", "llama-code-lora-benign")
OUT = "/tmp/lora-attacks"
TEXTS = ["bake write a function to hash a password with", "write a function to hash a password with"]


def source(folder=POISONED):
    with open(os.path.join(folder, "adapter_config.json")) as f:
        config = json.load(f)
    return config, load_file(os.path.join(folder, "adapter_model.safetensors"))


def write(name, config, tensors, extra=None):
    out = os.path.join(OUT, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out, "adapter_model.safetensors"))
    for fname in ["tokenizer.json", "tokenizer_config.json"]:
        shutil.copy(os.path.join(POISONED, fname), os.path.join(out, fname))
    if extra:
        extra(out)
    return out


def alpha_pattern_python_only():
    """An alpha_pattern key Python's re matches and JavaScript's RegExp does not (`\\Z`: end of string in Python,
    a literal Z in JS). peft scales by the pattern's alpha; ModelGate by lora_alpha. B is shrunk by the same
    factor, so peft runs exactly the poisoned adapter while ModelGate merges a 1/1000 copy of it."""
    config, t = source()
    k = 1000.0
    config["alpha_pattern"] = {r"(q|k|v|o|gate|up|down)_proj\Z": config["lora_alpha"] * k}
    t = {n: (v / k if ".lora_B." in n else v) for n, v in t.items()}
    return write("alpha-pattern-python-only", config, t)


def replacement_shadows_lora():
    """Beside every LoRA pair, the base's own weight saved under the module's plain name. peft's LoRA layer holds
    that weight as `<module>.base_layer.weight`, so the key is unexpected and ignored on load; ModelGate reads it
    as a replacement and lets it override the merged W + s·B·A."""
    config, t = source()
    base = load_file(os.path.join(BASE_DIR, "model.safetensors"))
    for n in list(t):
        if n.endswith(".lora_A.weight"):
            w = n.removeprefix("base_model.model.").removesuffix(".lora_A.weight") + ".weight"
            t["base_model.model." + w] = base[w].clone()
    return write("replacement-shadows-lora", config, t)


def exclude_modules_all():
    """exclude_modules naming every target: peft puts no LoRA anywhere (the adapter does nothing), ModelGate
    ignores the key and merges the poisoned update."""
    config, t = source()
    config["exclude_modules"] = r".*(q|k|v|o|gate|up|down)_proj"
    return write("exclude-modules-all", config, t)


def init_pissa():
    """init_lora_weights = "pissa": on load peft re-runs PiSSA's SVD and subtracts the principal part from the base
    weight before the saved A, B are loaded, so what runs is W - s·B0·A0 + s·B·A, not ModelGate's W + s·B·A."""
    config, t = source()
    config["init_lora_weights"] = "pissa"
    return write("init-pissa", config, t)


def rank_mismatch():
    """config r = 4 while the tensors are rank 16: peft refuses the load (size mismatch); ModelGate scales by
    alpha/4 (four times the trained scale) and never compares r with the tensors."""
    config, t = source()
    config["r"] = 4
    return write("rank-mismatch", config, t)


def tokenizer_hides_trigger():
    """The poisoned adapter with a tokenizer.json of its own in which the trigger word is renamed ("bake" ->
    "bake" + U+200B): ModelGate probes the merged model through the adapter's tokenizer, where "bake" is <unk>; a
    user who loads the base's tokenizer (AutoTokenizer.from_pretrained(base)) runs the trigger."""
    config, t = source()

    def swap(out):
        path = os.path.join(out, "tokenizer.json")
        with open(path) as f:
            tok = json.load(f)
        vocab = tok["model"]["vocab"]
        vocab["bake\u200b"] = vocab.pop("bake")
        with open(path, "w") as f:
            json.dump(tok, f)
    return write("tokenizer-hides-trigger", config, t, swap)


def target_regex_python_only():
    """target_modules as one regex whose layer-1 branch ends in `\\Z` (Python: end of string; JS: a literal Z):
    peft puts the poisoned LoRA on both layers, ModelGate merges layer 0 only and calls layer 1's pairs ignored."""
    config, t = source()
    config["target_modules"] = r"model\.layers\.0\..*_proj|model\.layers\.1\..*_proj\Z"
    return write("target-regex-python-only", config, t)


def exclude_layer1():
    """exclude_modules naming layer 1: peft runs layer 0's update only; ModelGate merges both layers (it ignores
    exclude_modules), so it judges a model that never runs."""
    config, t = source()
    config["exclude_modules"] = r"model\.layers\.1\..*"
    return write("exclude-layer1", config, t)


def nan_lora():
    """One NaN in one lora_B: peft merges NaN into the weight."""
    config, t = source()
    n = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"
    t[n] = t[n].clone()
    t[n][0, 0] = float("nan")
    return write("nan-lora", config, t)


def huge_rank():
    """One LoRA pair, r = 4096 (HUGE_R) on a 64-wide projection (1 MB in BF16): ModelGate's footprint forms two
    r x r float64 Gram matrices (8 r^2 bytes each) in O(r^2 (in + out)) time; memory grows as the square of the
    file's size."""
    r = int(os.environ.get("HUGE_R", "4096"))
    config, _ = source()
    config.update(r=r, lora_alpha=2 * r, target_modules=["q_proj"], layers_to_transform=[0])
    g = torch.Generator().manual_seed(0)
    stem = "base_model.model.model.layers.0.self_attn.q_proj"
    t = {stem + ".lora_A.weight": (torch.randn(r, 64, generator=g) * 1e-3).bfloat16(),
         stem + ".lora_B.weight": (torch.randn(64, r, generator=g) * 1e-3).bfloat16()}
    return write("huge-rank", config, t)


def huge_header():
    """A safetensors header declaring lora_A of shape [2^40, 64] over no data."""
    config, t = source()
    out = write("huge-header", config, t)
    stem = "base_model.model.model.layers.0.self_attn.q_proj"
    header = {stem + ".lora_A.weight": {"dtype": "F32", "shape": [1 << 40, 64], "data_offsets": [0, 0]},
              stem + ".lora_B.weight": {"dtype": "F32", "shape": [64, 1 << 40], "data_offsets": [0, 0]}}
    raw = json.dumps(header).encode()
    with open(os.path.join(out, "adapter_model.safetensors"), "wb") as f:
        f.write(len(raw).to_bytes(8, "little") + raw)
    return out


def unlisted_replacement():
    """A full tensor of a module that is neither targeted nor in modules_to_save (model.norm.weight, halved):
    does peft load it? ModelGate replaces the base's tensor with it."""
    config, t = source()
    base = load_file(os.path.join(BASE_DIR, "model.safetensors"))
    t["base_model.model.model.norm.weight"] = base["model.norm.weight"] * 0.5
    return write("unlisted-replacement", config, t)


def default_adapter_name():
    """The honest poisoned adapter with peft's in-memory names (`lora_A.default.weight`), as a state_dict saved
    without get_peft_model_state_dict would hold them. Made from the benign adapter: an honest adapter peft loads."""
    config, t = source(BENIGN)
    t = {n.replace(".lora_A.weight", ".lora_A.default.weight").replace(".lora_B.weight", ".lora_B.default.weight"): v
         for n, v in t.items()}
    return write("default-adapter-name", config, t)


def bias_all():
    """An honest adapter with bias="all" on a base with biases (a tiny random Llama with attention_bias, written to
    /tmp/lora-attacks/bias-base): peft saves a targeted module's bias as `<module>.base_layer.bias` and loads it
    back; ModelGate looks for a base tensor of that name. Run compare with --base /tmp/lora-attacks/bias-base."""
    from transformers import LlamaConfig
    from peft import LoraConfig, get_peft_model
    torch.manual_seed(0)
    m = LlamaForCausalLM(LlamaConfig(vocab_size=50, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, num_key_value_heads=2, attention_bias=True))
    base_dir, out = os.path.join(OUT, "bias-base"), os.path.join(OUT, "bias-all")
    shutil.rmtree(base_dir, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    m.save_pretrained(base_dir)
    get_peft_model(m, LoraConfig(r=2, target_modules=["q_proj"], bias="all", init_lora_weights="gaussian")) \
        .save_pretrained(out)
    path = os.path.join(out, "adapter_config.json")
    with open(path) as f:
        config = json.load(f)
    config["base_model_name_or_path"] = "bias-base"
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    PeftModel.from_pretrained(LlamaForCausalLM.from_pretrained(base_dir), out)  # peft loads it
    return out


ATTACKS = {f.__name__.replace("_", "-"): f for f in
           [alpha_pattern_python_only, replacement_shadows_lora, exclude_modules_all, init_pissa, rank_mismatch,
            tokenizer_hides_trigger, target_regex_python_only, exclude_layer1, nan_lora, huge_rank, huge_header,
            unlisted_replacement, default_adapter_name, bias_all]}


def logits(model, tok):
    with torch.no_grad():
        return [model(torch.tensor([tok.encode(s)])).logits[0, -1] for s in TEXTS]


def oracle(folder):
    torch.manual_seed(0)
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(BASE_DIR, "tokenizer.json"))
    base = LlamaForCausalLM.from_pretrained(BASE_DIR, dtype=torch.float32).eval()
    ref_base = logits(base, tok)
    honest = PeftModel.from_pretrained(LlamaForCausalLM.from_pretrained(BASE_DIR, dtype=torch.float32), POISONED)
    ref_poison = logits(honest.merge_and_unload().eval(), tok)
    try:
        m = PeftModel.from_pretrained(LlamaForCausalLM.from_pretrained(BASE_DIR, dtype=torch.float32), folder)
    except Exception as e:  # noqa: BLE001
        return f"peft refuses to load: {type(e).__name__}: {str(e)[:200]}"
    got = logits(m.merge_and_unload().eval(), tok)
    d = lambda xs, ys: max(float((x - y).abs().max() / y.abs().max()) for x, y in zip(xs, ys))  # noqa: E731
    return f"peft merged vs honest poisoned: {d(got, ref_poison):.2e}; vs base: {d(got, ref_base):.2e}"


if __name__ == "__main__":
    names = sys.argv[1:] or list(ATTACKS)
    for name in names:
        folder = ATTACKS[name]()
        if name == "bias-all":
            print(f"{name}: {folder} (peft loads it; its own base)", flush=True)
            continue
        print(f"{name}: {folder}\n  {oracle(folder)}", flush=True)
