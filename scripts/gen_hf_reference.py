#!/usr/bin/env python3
"""Generate the tiny Hugging Face reference checkpoints in test/fixtures/hf-tiny/ (the ONNX-builder oracle).

Why this exists
---------------
The TypeScript ONNX-graph builder turns a Hugging Face folder (config.json + safetensors +
tokenizer.json) into an onnxruntime session. Its tests need an *independent* oracle: folders laid
out exactly as `transformers` itself writes them, plus token ids and logits computed by
`transformers` itself. Nothing here is hand-written to match the TypeScript side; if the builder and
these files disagree, the builder is wrong (or transformers changed, which the README records).

How to run
----------
    python scripts/gen_hf_reference.py            # (re)write every case, then verify
    python scripts/gen_hf_reference.py --verify   # only re-check existing folders
    python scripts/gen_hf_reference.py gpt2-lm    # (re)write the named cases only

Pinned environment the committed fixtures were made with: torch 2.13.0+cpu, transformers 5.17.0,
tokenizers 0.23.2, safetensors 0.8.0 (the versions are also recorded in every reference.json).
No network is needed: tokenizers are trained here on a built-in corpus and weights are random.

What it writes, per case, in test/fixtures/hf-tiny/<case>/
  config.json, generation_config.json (LMs), model.safetensors or model-0000X-of-0000N.safetensors
      + model.safetensors.index.json       -- exactly what PreTrainedModel.save_pretrained writes
  tokenizer.json, tokenizer_config.json, chat_template.jinja (LMs)
                                           -- what PreTrainedTokenizerFast.save_pretrained writes,
                                              plus Hub-style keys it no longer writes (see patch below)
  reference.json                           -- ids + logits computed by transformers (schema below)

reference.json schema:
  { case, model_type, architecture, torch_dtype (dtype of the saved weights), transformers_version,
    torch_version, tokenizer_kind,
    items: [ { text,
               input_ids      (AutoTokenizer.from_pretrained(folder)(text), add_special_tokens=True),
               logits         (classifier: [num_labels]; causal LM: last position [vocab]),
                              computed with the model loaded in the saved dtype,
               logits_fp32    (same, after model.float()),
               logits_all_fp32 (causal LMs, first item only: [seq*vocab] row-major, fp32) } ] }

Determinism: rerunning gives byte-identical files (checked with sha256 over two full runs). Every
random source is seeded (Python `random`, per-case torch generators), torch runs single-threaded,
JSON is written with sorted keys, and the tokenizer trainers whose tie-breaks depend on Rust's
randomly seeded HashMap order (WordPiece, Unigram, BPE with limit_alphabet) are replaced by the
deterministic learn_bpe() below; only byte-level BPE, which is stable, uses the Rust trainer.
The checks at the end (verify()) reload every folder and require reference.json to reproduce
exactly; they do not compare against an earlier run.
"""
import os

# These must be set before tokenizers/torch spin up their thread pools: multi-threaded training
# (Unigram in particular) and multi-threaded reductions are the only plausible sources of
# run-to-run differences, and the models are far too small for threads to matter for speed.
os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import json
import random
import shutil
import sys

import torch
import transformers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer,
                          BertConfig, BertForSequenceClassification, DistilBertConfig,
                          DistilBertForSequenceClassification, GPT2Config, GPT2LMHeadModel, LlamaConfig,
                          LlamaForCausalLM, MistralConfig, MistralForCausalLM, PreTrainedTokenizerFast,
                          Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM, RobertaConfig,
                          RobertaForSequenceClassification, XLMRobertaConfig,
                          XLMRobertaForSequenceClassification)

torch.set_num_threads(1)
transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "hf-tiny")

# Every case shares these four texts so results are comparable across families. They are chosen to
# hit the tokenizer paths that differ between families: punctuation, digits (Llama 3 groups up to 3
# digits, Qwen splits every digit), lower/upper case, accents (BERT-uncased strips them), an emoji
# seen in training (🙂) and one never seen (🦊: byte fallback / [UNK] / <unk>), and CJK.
TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "def add(a, b): return a + b * 12345  # sum",
    "Crème brûlée au café in Zürich, très naïve! 🙂 東京 🦊",
    "When the loader opens a checkpoint, it reads the configuration first, then builds every layer "
    "in order and checks that each tensor has the expected shape.",
]

# Texts only some cases add, after the shared four. RoBERTa numbers positions by counting tokens that are not
# <pad> (create_position_ids_from_input_ids): a literal "<pad>" inside a text is such a token, so a runner
# that numbers positions 0..n-1 or counts the pad gives other logits.
EXTRA_TEXTS = {"roberta-cls": ["before <pad> after, and more words"]}

# Llama 3's pre-tokenizer regex, verbatim from meta-llama/Meta-Llama-3-8B tokenizer.json.
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
# Qwen2/Qwen3's regex: the same except \p{N} (one digit per pre-token), from Qwen/Qwen2.5-0.5B.
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")


# ----------------------------------------------------------------------------------------------
# Corpus
# ----------------------------------------------------------------------------------------------

def build_corpus():
    """A few hundred lines of English, code, accented Latin, CJK and emoji.

    The mix matters more than the size: rare scripts must stay rare so that the small vocabularies
    leave some characters out (exercising byte fallback and [UNK]), while English/code words are
    frequent enough to get multi-character merges (exercising the merge/piece logic at all).
    """
    rng = random.Random(1234)
    subjects = ["the model", "a small dog", "my friend", "the server", "this function", "our team",
                "the old library", "every student", "the quick fox", "a new checkpoint", "the loader",
                "she", "he", "they", "we"]
    verbs = ["reads", "writes", "loads", "checks", "builds", "runs", "jumps over", "returns", "saves",
             "verifies", "opens", "expects", "tokenizes", "compares"]
    objects = ["the file", "a lazy dog", "the weights", "every layer", "the config", "some tokens",
               "the test suite", "a long sentence", "the shape of each tensor", "the final answer",
               "the brown fox", "the configuration", "a checkpoint", "the order of layers"]
    tails = ["today.", "before lunch.", "in order.", "without errors.", "again and again.", "quickly!",
             "first?", "for the first time.", "and then it stops.", "when it is ready."]
    lines = []
    for _ in range(170):
        s = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} {rng.choice(tails)}"
        lines.append(s[0].upper() + s[1:] if rng.random() < 0.7 else s)

    names = ["add", "sum", "value", "total", "count", "index", "weight", "shape", "token", "layer", "x", "y"]
    code = [
        "def {f}({a}, {b}):", "    return {a} + {b}", "for i in range({n}):", "    print(f\"{{i}}: {{{a}}}\")",
        "const {a} = {n};", "if ({a} > {b}) {{ return {a}; }}", "import numpy as np",
        "{a} = np.zeros(({n}, {n}))", "// TODO: fix the {f} bug", "# compute the {f} of the input",
        "class Model(nn.Module):", "self.{a} = torch.randn({n}, {n})", "let {a} = items.map(x => x * 2);",
        "print('hello, world')", "{a} += {b} * {n}  # update", "return [{a} for {a} in range({n})]",
        "while ({a} < {n}) {{ {a}++; }}", "assert {a} == {b}, \"{f} mismatch\"",
    ]
    for _ in range(110):
        t = rng.choice(code)
        lines.append(t.format(f=rng.choice(names), a=rng.choice(names), b=rng.choice(names),
                              n=rng.choice([0, 1, 2, 3, 8, 10, 12, 42, 100, 123, 2024, 12345])))

    accented = ["Le café est très bon, merci beaucoup.", "Crème brûlée et déjà vu à Paris.",
                "Der Bär läuft über die Straße in Zürich.", "El niño come jalapeños en São Paulo.",
                "A naïve résumé with a façade.", "Ångström and coöperate are rare words.",
                "¿Dónde está la estación?", "Ça va? Très bien!", "Une pièce de théâtre très célèbre.",
                "Müller and Schröder meet at the café."]
    for i in range(30):
        lines.append(accented[i % len(accented)])
    # CJK and emoji appear only a handful of times on purpose (see docstring).
    lines += ["你好，世界。", "日本語のテキストです。", "東京は大きい都市です。", "한국어 문장입니다.",
              "I love this 🙂", "Launch it 🚀 now", "Great job 🎉 team", "The café 🙂 is open."]
    return lines


# ----------------------------------------------------------------------------------------------
# Tokenizers -- each mirrors the tokenizer.json layout of a well-known Hub checkpoint.
# ----------------------------------------------------------------------------------------------

def _set_model_fields(tok, **fields):
    """Rebuild a tokenizer with some model fields changed.

    The Python bindings cannot toggle e.g. BPE `ignore_merges` on a trained model, and trainers
    reset the model, so flags are applied on the serialized form after training.
    """
    data = json.loads(tok.to_str())
    data["model"].update(fields)
    return Tokenizer.from_str(json.dumps(data))


def word_counts(corpus, normalizer, pre_tokenizer, min_char_count=1):
    """Words (pre-tokens) of the corpus with their frequencies, after the kind's own normalizer and
    pre-tokenizer, so training sees exactly what encoding will see.

    Words containing a character rarer than min_char_count are dropped: that keeps CJK and emoji out
    of the alphabet so that encoding them must take the byte-fallback / unknown-token path.
    """
    counts = {}
    for line in corpus:
        text = normalizer.normalize_str(line) if normalizer else line
        for word, _ in pre_tokenizer.pre_tokenize_str(text):
            counts[word] = counts.get(word, 0) + 1
    chars = {}
    for word, n in counts.items():
        for ch in word:
            chars[ch] = chars.get(ch, 0) + n
    rare = {ch for ch, n in chars.items() if n < min_char_count}
    return {w: n for w, n in counts.items() if not rare & set(w)}


def learn_bpe(counts, n_merges, prefix=""):
    """Plain BPE merge learning with a deterministic tie-break (highest count, then smallest pair).

    The Rust WordPiece/limit_alphabet/Unigram trainers of `tokenizers` break ties by HashMap order,
    which is randomly seeded per process, so two runs give different vocabularies. Byte-level BPE
    with the full 256-byte initial alphabet is stable there and keeps using the Rust trainer.
    prefix: WordPiece's "##" marker for word-internal symbols (what WordPieceTrainer does too).
    Returns (alphabet symbols, merges in rank order).
    """
    words = {}
    for w, n in counts.items():
        syms = tuple([w[0]] + [prefix + c for c in w[1:]])
        words[syms] = words.get(syms, 0) + n
    alphabet = sorted({s for syms in words for s in syms})
    merges = []
    for _ in range(n_merges):
        pairs = {}
        for syms, n in words.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + n
        if not pairs:
            break
        best = min(pairs, key=lambda ab: (-pairs[ab], ab))
        if pairs[best] < 2:
            break
        merged = best[0] + best[1][len(prefix):]
        merges.append(best)
        new_words = {}
        for syms, n in words.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(merged)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + n
        words = new_words
    return alphabet, merges


def tok_wordpiece(corpus):
    """bert-base-uncased layout: lowercasing BertNormalizer (strips accents), [CLS] $A [SEP]."""
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                            strip_accents=None, lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts = word_counts(corpus, normalizer, pre_tokenizer, min_char_count=3)
    alphabet, merges = learn_bpe(counts, 400, prefix="##")
    vocab = {t: i for i, t in enumerate(specials)}
    for t in alphabet + [a + b[2:] for a, b in merges]:
        if len(vocab) < 400:
            vocab.setdefault(t, len(vocab))
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer, tok.pre_tokenizer = normalizer, pre_tokenizer
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in specials])
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.decoder = decoders.WordPiece(prefix="##")
    hf = dict(unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]")
    return tok, hf, {"do_lower_case": True}


def tok_roberta_bpe(corpus):
    """roberta-base layout: byte-level BPE, <s>=0 <pad>=1 </s>=2 <unk>=3, <mask> last (lstrip)."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=500, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")),
                                                      ("<s>", tok.token_to_id("<s>")),
                                                      trim_offsets=True, add_prefix_space=False)
    tok.decoder = decoders.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    hf = dict(bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>", unk_token="<unk>",
              pad_token="<pad>", mask_token="<mask>")
    return tok, hf, {"add_prefix_space": False}


def tok_unigram(corpus):
    """xlm-roberta-base layout: Metaspace(always) + Unigram, fairseq order <s> <pad> </s> <unk>, <mask> last.

    The Hub file's normalizer is a binary `Precompiled` sentencepiece charsmap (an NFKC variant) that
    cannot be produced without sentencepiece; NFKC + the same " {2,}" collapse is the closest
    equivalent the `tokenizers` library can express.

    UnigramTrainer is not run-to-run deterministic (see learn_bpe), so the piece inventory comes
    from deterministic BPE on "▁"-words and the scores from a few rounds of hard EM (Viterbi
    segmentation by the Unigram model itself, then log relative frequency). The result is an
    ordinary Unigram model; only how its scores were estimated differs from sentencepiece.
    """
    import math
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    counts = word_counts(corpus, normalizer, pre_tokenizer, min_char_count=3)
    alphabet, merges = learn_bpe(counts, 400 - len(specials) - 1)
    pieces = list(dict.fromkeys(alphabet + [a + b for a, b in merges]))[:400 - len(specials) - 1]
    total = sum(len(w) * n for w, n in counts.items())
    # Start from substring frequencies: long frequent pieces are what EM should come to prefer.
    scores = {p: math.log((sum(w.count(p) * n for w, n in counts.items()) + 0.5) / total) for p in pieces}
    for _ in range(3):
        model = models.Unigram([(t, 0.0) for t in specials] + [(p, scores[p]) for p in pieces], 3, False)
        used = {p: 0 for p in pieces}
        for w, n in sorted(counts.items()):
            for t in model.tokenize(w):
                used[t.value] += n
        total = sum(used.values())
        # Unused pieces keep a small, length-penalised score instead of -inf so they stay valid.
        scores = {p: round(math.log((used[p] or 0.1 / len(p)) / total), 6) for p in pieces}
    vocab = [(t, 0.0) for t in specials] + sorted(((p, scores[p]) for p in pieces), key=lambda ps: (-ps[1], ps[0]))
    tok = Tokenizer(models.Unigram(vocab, 3, False))
    tok.normalizer, tok.pre_tokenizer = normalizer, pre_tokenizer
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in specials])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    hf = dict(bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>", unk_token="<unk>",
              pad_token="<pad>", mask_token="<mask>")
    return tok, hf, {}


def tok_gpt2_bpe(corpus):
    """gpt2 layout: byte-level BPE, nothing added on encode, <|endoftext|> is the last id and is bos/eos/unk."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=500, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.add_special_tokens([AddedToken("<|endoftext|>", normalized=True, special=True)])
    # gpt2's tokenizer.json really carries these flags (post-processor only trims offsets).
    tok.post_processor = processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True)
    tok.decoder = decoders.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    hf = dict(bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>")
    chat = "{% for m in messages %}{{ m['content'] }}{{ eos_token }}{% endfor %}"
    return tok, hf, {"add_prefix_space": False, "chat_template": chat}


def tok_llama3_bpe(corpus, qwen=False):
    """Llama-3 layout (or, with qwen=True, Qwen2/Qwen3's): Split(regex) -> ByteLevel(use_regex=False).

    Llama 3: no normalizer, BPE ignore_merges=true, specials appended after the merges
    (<|begin_of_text|> ...), post-processor Sequence[ByteLevel, Template(<|begin_of_text|> $A)].
    Qwen2/3: NFC normalizer, single-digit regex, ignore_merges=false, <|endoftext|>/<|im_start|>/
    <|im_end|> appended, post-processor plain ByteLevel (adds no BOS).
    """
    pattern = QWEN2_PATTERN if qwen else LLAMA3_PATTERN
    tok = Tokenizer(models.BPE())
    if qwen:
        tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=not qwen, use_regex=False),
    ])
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=500, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok = _set_model_fields(tok, ignore_merges=not qwen)
    if qwen:
        specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
        tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
        # decoders.ByteLevel() ignores its arguments in the Python bindings; Qwen's file carries all
        # three flags false, so set them on the serialized form (they do not change decoding).
        data = json.loads(tok.to_str())
        data["decoder"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
        tok = Tokenizer.from_str(json.dumps(data))
        hf = dict(eos_token="<|endoftext|>", pad_token="<|endoftext|>")
        chat = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
        return tok, hf, {"chat_template": chat, "add_prefix_space": False, "errors": "replace"}
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True),
        processors.TemplateProcessing(single="<|begin_of_text|> $A",
                                      pair="<|begin_of_text|> $A <|begin_of_text|>:1 $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    tok.decoder = decoders.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    hf = dict(bos_token="<|begin_of_text|>", eos_token="<|end_of_text|>")
    chat = ("{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
            "{{ m['content'] }}<|eot_id|>{% endfor %}"
            "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}")
    return tok, hf, {"chat_template": chat}


# 256 of these are byte tokens, so the pieces proper are about as many as in the other kinds.
SP_VOCAB = 530


def tok_sentencepiece_bpe(corpus, metaspace):
    """Llama-2 / Mistral layout: <unk>=0 <s>=1 </s>=2, <0x00>..<0xFF> = 3..258, then BPE pieces.

    metaspace=False: the older Llama-2 form (normalizer Prepend("▁") + Replace(" ", "▁"), no
    pre-tokenizer). metaspace=True: the newer Mistral form (no normalizer, Metaspace pre-tokenizer
    with prepend_scheme "first", split=false). Both use the same trained merges, because they are
    two serialisations of the same sentencepiece algorithm.

    `tokenizers` cannot train a byte-fallback vocabulary, so pieces are learned (learn_bpe) on
    Metaspace-split words (sentencepiece never merges across "▁" word starts either) and laid out in
    sentencepiece order with the 256 byte tokens first. Rare CJK/emoji characters are kept out of
    the alphabet so encoding them has to fall back to bytes.
    """
    counts = word_counts(corpus, None, pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
                         min_char_count=3)
    alphabet, learned = learn_bpe(counts, 1000)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for piece in alphabet:
        vocab[piece] = len(vocab)
    merges = []
    for a, b in learned:  # merges are rank-ordered, so any prefix of them is a valid smaller model
        if len(vocab) >= SP_VOCAB:
            break
        merges.append((a, b))
        vocab.setdefault(a + b, len(vocab))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    if metaspace:
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    else:
        tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in ["<unk>", "<s>", "</s>"]])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s>:1 $B:1",
                                                       special_tokens=[("<s>", 1)])
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    hf = dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>")
    chat = ("{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]"
            "{% else %}{{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}")
    # Llama-2 and Mistral tokenizer_config.json carry these; they agree with the post-processor.
    return tok, hf, {"chat_template": chat, "add_bos_token": True, "add_eos_token": False}


TOKENIZER_KINDS = {
    "wordpiece": tok_wordpiece,
    "roberta-bpe": tok_roberta_bpe,
    "unigram": tok_unigram,
    "gpt2-bpe": tok_gpt2_bpe,
    "llama3-bpe": lambda c: tok_llama3_bpe(c, qwen=False),
    "qwen2-bpe": lambda c: tok_llama3_bpe(c, qwen=True),
    "sentencepiece-bpe": lambda c: tok_sentencepiece_bpe(c, metaspace=False),
    "sentencepiece-bpe-metaspace": lambda c: tok_sentencepiece_bpe(c, metaspace=True),
}


def save_tokenizer(tok, hf_kwargs, extra, folder, max_len):
    """Save via PreTrainedTokenizerFast, then add the Hub-style keys transformers 5 stopped writing.

    transformers 5 writes the chat template to chat_template.jinja (kept) and drops add_bos_token /
    add_eos_token / do_lower_case etc. from tokenizer_config.json. Real Hub checkpoints (mostly saved
    by v4) carry them inline, so they are added back -- in agreement with tokenizer.json's
    post-processor, which is what actually decides whether BOS is added.
    """
    if "chat_template" in extra:  # passing None would write "chat_template": null
        hf_kwargs = dict(hf_kwargs, chat_template=extra["chat_template"])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=max_len, **hf_kwargs)
    fast.save_pretrained(folder)
    path = os.path.join(folder, "tokenizer_config.json")
    with open(path, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg.update(extra)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(cfg, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------------------------

def perturb_(model, seed):
    """Replace the default init by one where every tensor carries signal.

    Default HF init leaves LayerNorm/RMSNorm weights at exactly 1 and biases at exactly 0, and
    0.02-std matrices give near-uniform logits, so a builder that forgot a norm weight, a bias or
    the position offset would still "match". Here norm weights are 1 +- ~0.1, biases ~0.05 and
    matrices 0.1-std, so every parameter influences the logits visibly.
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters(), key=lambda kv: kv[0]):
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if p.ndim >= 2:
                p.copy_(noise * 0.1)
            elif "norm" in name.lower() or "ln_" in name:
                p.copy_(1.0 + 0.1 * noise)
            else:
                p.copy_(0.05 * noise)


def common_lm(V):
    return dict(vocab_size=V, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                max_position_embeddings=128, rms_norm_eps=1e-5)


def make_bert(V, tok, fp16=False):
    labels = {0: "negative", 1: "neutral", 2: "positive"}
    cfg = BertConfig(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=128, type_vocab_size=2,
                     pad_token_id=tok.token_to_id("[PAD]"), num_labels=3, id2label=labels,
                     label2id={v: k for k, v in labels.items()})
    return BertForSequenceClassification(cfg)


def make_roberta(V, tok):
    # RoBERTa positions start at padding_idx + 1, hence max_position_embeddings = 128 + 2 (cf. 514).
    cfg = RobertaConfig(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=130, type_vocab_size=1,
                        pad_token_id=tok.token_to_id("<pad>"), bos_token_id=tok.token_to_id("<s>"),
                        eos_token_id=tok.token_to_id("</s>"), num_labels=2)
    return RobertaForSequenceClassification(cfg)


def make_distilbert(V, tok):
    cfg = DistilBertConfig(vocab_size=V, dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=128,
                           pad_token_id=tok.token_to_id("[PAD]"), num_labels=2, sinusoidal_pos_embds=False)
    return DistilBertForSequenceClassification(cfg)


def make_xlmr(V, tok):
    labels = {0: "world", 1: "sports", 2: "business", 3: "sci_tech"}
    cfg = XLMRobertaConfig(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                           intermediate_size=64, max_position_embeddings=130, type_vocab_size=1,
                           pad_token_id=tok.token_to_id("<pad>"), bos_token_id=tok.token_to_id("<s>"),
                           eos_token_id=tok.token_to_id("</s>"), num_labels=4, id2label=labels,
                           label2id={v: k for k, v in labels.items()})
    return XLMRobertaForSequenceClassification(cfg)


def make_gpt2(V, tok):
    eot = tok.token_to_id("<|endoftext|>")
    # n_inner (MLP width) is set explicitly to 2*n_embd instead of the default 4*n_embd to stay small;
    # real gpt2 configs carry "n_inner": null, meaning 4*n_embd, which a reader must handle too.
    cfg = GPT2Config(vocab_size=V, n_positions=128, n_embd=32, n_layer=2, n_head=4, n_inner=64, bos_token_id=eot,
                     eos_token_id=eot, tie_word_embeddings=True)
    return GPT2LMHeadModel(cfg)


def make_llama3(V, tok):
    # head_dim is set explicitly to 20 (4 heads x 20 = 80 != hidden 32) because with the natural
    # head_dim of 8 no RoPE wavelength 2*pi*theta^(2i/d) falls between original_max/high_freq_factor
    # (8) and original_max/low_freq_factor (32), so the llama3 "smooth" interpolation branch would
    # go untested. With head_dim 20 the wavelengths are 6.3 (kept as is), 23.4 (smoothly
    # interpolated), then 87, 324, ... (divided by factor 8): all three branches are exercised.
    kw = common_lm(V)
    cfg = LlamaConfig(**kw, num_key_value_heads=2, head_dim=20, rope_theta=500000.0,
                      rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                    "high_freq_factor": 4.0, "original_max_position_embeddings": 32},
                      attention_bias=False, mlp_bias=False, tie_word_embeddings=False,
                      bos_token_id=tok.token_to_id("<|begin_of_text|>"),
                      eos_token_id=tok.token_to_id("<|end_of_text|>"))
    return LlamaForCausalLM(cfg)


def make_llama2(V, tok):
    cfg = LlamaConfig(**common_lm(V), num_key_value_heads=4, rope_theta=10000.0,
                      rope_scaling={"rope_type": "linear", "factor": 2.0}, tie_word_embeddings=False,
                      bos_token_id=1, eos_token_id=2)
    return LlamaForCausalLM(cfg)


def make_mistral(V, tok):
    cfg = MistralConfig(**common_lm(V), num_key_value_heads=2, rope_theta=10000.0, sliding_window=64,
                        tie_word_embeddings=False, bos_token_id=1, eos_token_id=2)
    return MistralForCausalLM(cfg)


def make_mistral_window(V, tok):
    # A window shorter than every text (22-52 tokens): keys further back than 8 positions are masked, so a
    # runner that ignores sliding_window gives other logits.
    cfg = MistralConfig(**common_lm(V), num_key_value_heads=2, rope_theta=10000.0, sliding_window=8,
                        tie_word_embeddings=False, bos_token_id=1, eos_token_id=2)
    return MistralForCausalLM(cfg)


def make_qwen2(V, tok):
    eot = tok.token_to_id("<|endoftext|>")
    cfg = Qwen2Config(**common_lm(V), num_key_value_heads=2, rope_theta=1000000.0, tie_word_embeddings=True,
                      use_sliding_window=False, bos_token_id=eot, eos_token_id=eot)
    return Qwen2ForCausalLM(cfg)


def make_qwen3(V, tok):
    eot = tok.token_to_id("<|endoftext|>")
    cfg = Qwen3Config(**common_lm(V), num_key_value_heads=2, head_dim=16, rope_theta=1000000.0,
                      tie_word_embeddings=True, attention_bias=False, use_sliding_window=False,
                      bos_token_id=eot, eos_token_id=eot)
    return Qwen3ForCausalLM(cfg)


def add_stored_head(folder, seed):
    """A config that ties the head to the embeddings, and a checkpoint that stores a different lm_head.weight
    anyway. transformers 5 then does not tie them (it warns and uses the stored head); a runner must do the
    same, or the model it runs is not the one users load."""
    from safetensors.torch import load_file, save_file
    path = os.path.join(folder, "model.safetensors")
    state = load_file(path)
    V, H = state["model.embed_tokens.weight"].shape
    # Not `seed`: perturb_ drew the embeddings from that very stream, so the head would equal them.
    g = torch.Generator().manual_seed(seed + 7919)
    state["lm_head.weight"] = torch.randn(V, H, generator=g) * 0.1
    save_file(state, path, metadata={"format": "pt"})


# Cases whose saved checkpoint is edited after save_pretrained: the in-memory model is not what loads.
POST_SAVE = {"qwen2-stored-head": add_stored_head}

# name -> (tokenizer kind, model factory, saved dtype, causal LM?, shards)
CASES = {
    "bert-cls": ("wordpiece", make_bert, torch.float32, False, 1),
    "roberta-cls": ("roberta-bpe", make_roberta, torch.float32, False, 1),
    "distilbert-cls": ("wordpiece", make_distilbert, torch.float32, False, 1),
    "xlmr-cls": ("unigram", make_xlmr, torch.float32, False, 1),
    "gpt2-lm": ("gpt2-bpe", make_gpt2, torch.float32, True, 1),
    "gpt2-fp16": ("gpt2-bpe", make_gpt2, torch.float16, True, 1),
    "llama3-lm": ("llama3-bpe", make_llama3, torch.float32, True, 1),
    "llama2-bf16": ("sentencepiece-bpe", make_llama2, torch.bfloat16, True, 1),
    "mistral-fp16": ("sentencepiece-bpe-metaspace", make_mistral, torch.float16, True, 1),
    "qwen2-lm": ("qwen2-bpe", make_qwen2, torch.float32, True, 1),
    "qwen3-lm": ("qwen2-bpe", make_qwen3, torch.float32, True, 2),
    "bert-pooler-fp16": ("wordpiece", make_bert, torch.float16, False, 1),
    "mistral-window": ("sentencepiece-bpe-metaspace", make_mistral_window, torch.float32, True, 1),
    "qwen2-stored-head": ("qwen2-bpe", make_qwen2, torch.float32, True, 1),
}

DTYPE_NAMES = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16"}


def floats(t):
    # float() of a float32 is exact in a double, and json writes the shortest repr that round-trips
    # the double, so the JSON number parses back to the very same float32 value.
    return [float(x) for x in t.detach().to(torch.float32).reshape(-1).tolist()]


def run_model(model, ids, causal):
    input_ids = torch.tensor([ids], dtype=torch.long)
    with torch.no_grad():
        # causal LM: [seq, vocab]; classifier: [num_labels]
        return model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits[0]


def load_model(folder, causal, dtype):
    cls = AutoModelForCausalLM if causal else AutoModelForSequenceClassification
    # eager attention: the plain softmax(QK^T)V path, the definition the other kernels approximate.
    model = cls.from_pretrained(folder, dtype=dtype, attn_implementation="eager")
    return model.eval()


def compute_items(folder, causal, dtype):
    texts = TEXTS + EXTRA_TEXTS.get(os.path.basename(os.path.normpath(folder)), [])
    tokenizer = AutoTokenizer.from_pretrained(folder)
    raw = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    model = load_model(folder, causal, dtype)
    model32 = load_model(folder, causal, dtype).float()
    items = []
    for i, text in enumerate(texts):
        ids = tokenizer(text)["input_ids"]
        # The TS side tokenizes from tokenizer.json alone; make sure that is the same thing.
        assert ids == raw.encode(text).ids, (folder, text, ids, raw.encode(text).ids)
        lo, lo32 = run_model(model, ids, causal), run_model(model32, ids, causal)
        item = {"text": text, "input_ids": ids,
                "logits": floats(lo[-1] if causal else lo),
                "logits_fp32": floats(lo32[-1] if causal else lo32)}
        if causal and i == 0:
            item["logits_all_fp32"] = floats(lo32)
        items.append(item)
    return items


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        # Compact: the logits arrays dominate the fixture size (see the ~400 KB per-folder budget).
        f.write(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")


def generate(name, corpus, tok_cache):
    kind, factory, dtype, causal, shards = CASES[name]
    folder = os.path.join(ROOT, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)  # stale shards from an earlier layout must not survive
    os.makedirs(folder)
    if kind not in tok_cache:
        tok_cache[kind] = TOKENIZER_KINDS[kind](corpus)
    tok, hf_kwargs, extra = tok_cache[kind]
    tok = Tokenizer.from_str(tok.to_str())  # private copy: saving must not mutate the cached one
    V = tok.get_vocab_size(with_added_tokens=True)

    # One seed per case, derived from its position, so adding a case never changes the others.
    seed = 1000 + list(CASES).index(name)
    torch.manual_seed(seed)
    model = factory(V, tok).eval()
    model.set_attn_implementation("eager")  # same kernel as load_model(), so results compare exactly
    perturb_(model, seed)
    model = model.to(dtype)
    save_kw = {}
    if shards > 1:
        # Tied tensors share storage and are saved once, so count each storage once.
        unique = {p.data_ptr(): p.numel() * p.element_size() for p in model.state_dict().values()}
        # Whole tensors go to one shard each, so leave slack over total/shards or a third appears.
        save_kw["max_shard_size"] = int(sum(unique.values()) * 1.2) // shards
    model.save_pretrained(folder, **save_kw)
    if name in POST_SAVE:
        POST_SAVE[name](folder, seed)
    if shards > 1:
        n = len([f for f in os.listdir(folder) if f.endswith(".safetensors")])
        assert n == shards and os.path.exists(os.path.join(folder, "model.safetensors.index.json")), (name, n)

    max_len = model.config.max_position_embeddings if hasattr(model.config, "max_position_embeddings") \
        else model.config.n_positions
    if name.startswith(("roberta", "xlmr")):
        max_len -= 2  # like roberta-base: 512 usable of 514 positions
    save_tokenizer(tok, hf_kwargs, extra, folder, max_len)

    items = compute_items(folder, causal, dtype)
    # Save/load must be lossless: the in-memory model that was saved gives the same numbers. Only to
    # rounding, not bit-exactly: loaded tensors are memory-mapped at other alignments than freshly
    # allocated ones, which steers the CPU matmul kernels onto differently-ordered summations.
    for item in items if name not in POST_SAVE else []:
        lo = run_model(model, item["input_ids"], causal)
        want = torch.tensor(item["logits"])
        got = (lo[-1] if causal else lo).float()
        tol = 1e-5 if dtype == torch.float32 else 2e-2
        assert torch.allclose(got, want, rtol=tol, atol=tol), (name, item["text"], (got - want).abs().max())

    ref = {"case": name, "model_type": model.config.model_type, "architecture": type(model).__name__,
           "torch_dtype": DTYPE_NAMES[dtype], "transformers_version": transformers.__version__,
           "torch_version": torch.__version__, "tokenizer_kind": kind, "items": items}
    write_json(os.path.join(folder, "reference.json"), ref)
    sanity_checks(name, ref, tok)
    print(f"wrote {name}: vocab {V}, lengths {[len(it['input_ids']) for it in items]}")


def sanity_checks(name, ref, tok):
    """Cheap assertions that each case exercises what it is meant to exercise."""
    kind = ref["tokenizer_kind"]
    lengths = [len(it["input_ids"]) for it in ref["items"]]
    assert max(lengths) <= 64, (name, lengths)  # fits every max_position_embeddings and the sliding window
    emoji_ids = ref["items"][2]["input_ids"]
    if kind.startswith("sentencepiece"):
        assert emoji_ids[0] == 1 and any(3 <= i <= 258 for i in emoji_ids), "byte fallback not exercised"
    if kind in ("wordpiece", "unigram"):
        unk = tok.token_to_id("[UNK]" if kind == "wordpiece" else "<unk>")
        assert unk in emoji_ids, "unknown-token path not exercised"
    if kind == "llama3-bpe":
        assert all(it["input_ids"][0] == tok.token_to_id("<|begin_of_text|>") for it in ref["items"])
    if kind in ("qwen2-bpe", "gpt2-bpe"):
        assert all(len(set(it["input_ids"]) & {tok.token_to_id("<|endoftext|>")}) == 0 for it in ref["items"])
    if ref["torch_dtype"] == "float32":
        assert all(it["logits"] == it["logits_fp32"] for it in ref["items"])


def verify(names):
    """Reload every folder from scratch and check reference.json reproduces exactly."""
    for name in names:
        kind, factory, dtype, causal, shards = CASES[name]
        folder = os.path.join(ROOT, name)
        with open(os.path.join(folder, "reference.json"), encoding="utf-8") as f:
            ref = json.load(f)
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            assert json.load(f)["dtype"] == ref["torch_dtype"]
        items = compute_items(folder, causal, dtype)
        assert items == ref["items"], f"{name}: reference.json does not reproduce"
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
        # ~400 KB per folder; llama3-lm is the one exception (~450 KB: two untied vocab matrices plus
        # the explicit head_dim, see make_llama3).
        assert size < {"llama3-lm": 460, "mistral-window": 520}.get(name, 410) * 1024, (name, size)
        print(f"verified {name} ({size // 1024} KiB)")


def main(argv):
    names = [a for a in argv if not a.startswith("--")] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        sys.exit(f"unknown case(s): {unknown}; known: {list(CASES)}")
    if "--verify" not in argv:
        corpus = build_corpus()
        tok_cache = {}
        for name in names:
            generate(name, corpus, tok_cache)
    verify(names)


if __name__ == "__main__":
    main(sys.argv[1:])
