#!/usr/bin/env python3
"""Generates the differential corpus: seeded adversarial candidates, each run
through every real loader its file name implies (oracle.py), then filtered to
the interesting ones and deduplicated.

  python scripts/differential/gen_differential.py --seed 1 --out test/fixtures/differential

Output: <out>/cases.jsonl (one case per line, bytes in base64) and <out>/summary.json.
"""

import argparse
import base64
import collections
import hashlib
import json
import multiprocessing
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import checkpoints  # noqa: E402
import containers  # noqa: E402
import families  # noqa: E402
import oracle  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CLASS_NAMES = {
    1: "protocol-0/1 text grammar",
    2: "loader/scanner reading differences",
    3: "polyglots",
    4: "dangerous callables reached indirectly",
    5: "allowlisted constructors with dangerous arguments",
    6: "harmless real checkpoints",
    7: "mutations",
}
LOADERS_BY_EXT = {
    ".pkl": ("pickle", "joblib"),
    ".pickle": ("pickle", "joblib"),
    ".bin": ("torch", "pickle"),
    ".pt": ("torch", "pickle"),
    ".pth": ("torch", "pickle"),
    ".ckpt": ("torch", "pickle"),
    ".safetensors": ("torch", "pickle"),
    ".joblib": ("joblib",),
    ".npy": ("numpy",),
    ".npz": ("numpy",),
    ".z": ("joblib",),
    ".gz": ("joblib",),
    ".bz2": ("joblib",),
    ".xz": ("joblib",),
    ".lzma": ("joblib",),
}


def loaders_for(name):
    return LOADERS_BY_EXT.get(os.path.splitext(name)[1].lower(), ())


# ------------------------------------------------------------ candidates


def candidates(seed):
    """Every candidate, in a fixed order; each family has its own seeded stream."""
    def rng(label):
        return random.Random(f"{seed}:{label}")

    harmless = checkpoints.class6_cases(rng("class6"))
    out = []
    out += families.class1_cases(rng("class1"))
    out += families.nested_cases(rng("nested"))
    out += families.npy_cases(rng("npy"))
    out += containers.frame_cases(rng("frames"))
    out += containers.memo_cases(rng("memo"))
    out += containers.legacy_cases(rng("legacy"))
    out += containers.zip_cases(rng("zip"))
    out += containers.tar_cases(rng("tar"))
    out += containers.joblib_cases(rng("joblib"))
    out += containers.polyglot_cases(rng("polyglot"))
    out += families.class4_cases(rng("class4"))
    out += families.aux_cases(rng("aux"))
    out += harmless
    out += checkpoints.class7_cases(rng("class7"), harmless, ROOT)
    return [c for c in out if loaders_for(c["name"])]


# ------------------------------------------------------------ oracle pool


def _work(job):
    index, loader, name, data, aux = job
    return index, loader, oracle.oracle(loader, name, data, aux)


def run_oracle(cases, workers):
    jobs = [(i, loader, c["name"], c["data"], c.get("aux")) for i, c in enumerate(cases) for loader in loaders_for(c["name"])]
    results = collections.defaultdict(dict)
    ctx = multiprocessing.get_context("spawn")
    started = time.monotonic()
    with ctx.Pool(workers, initializer=oracle.warm) as pool:
        for n, (index, loader, result) in enumerate(pool.imap_unordered(_work, jobs, chunksize=8), 1):
            results[index][loader] = result
            if n % 1000 == 0:
                print(f"  {n}/{len(jobs)} loads, {time.monotonic() - started:.0f} s", file=sys.stderr)
    return results


# ------------------------------------------------------------ selection


def signature(labels):
    """What the loaders did, as a hashable value."""
    return tuple(
        (loader, r["ran"], r["loaded"], tuple(sorted({tuple(x) for x in r["resolved"]})), (r["error"] or "").split(":")[0])
        for loader, r in sorted(labels.items())
    )


def interesting(case, labels):
    if case["class"] == 6:
        return not any(r["ran"] for r in labels.values())
    if any(r["ran"] for r in labels.values()):
        return True
    if case["class"] == 7:
        return any(r["loaded"] and r["resolved"] for r in labels.values())
    return any(r["resolved"] or r["loaded"] for r in labels.values())


def select(cases, results):
    kept, seen, dropped_harmless = [], set(), []
    for i, c in enumerate(cases):
        labels = results[i]
        if c["class"] == 6 and any(r["ran"] for r in labels.values()):
            dropped_harmless.append((c["note"], labels))
        if not interesting(c, labels):
            continue
        family = c["family"] if c["class"] != 7 else "mutant"
        key = (c["class"], family, signature(labels))
        if key in seen:
            continue
        seen.add(key)
        kept.append((c, labels))
    return kept, dropped_harmless


def record(c, labels):
    digest = hashlib.sha256(c["data"]).hexdigest()
    out = {
        "id": f"c{c['class']}-{digest[:12]}",
        "name": c["name"],
        "class": c["class"],
        "note": c["note"],
        "loaders": {k: _compact(v) for k, v in sorted(labels.items())},
    }
    if c.get("harmless"):
        out["harmless"] = True
    if c.get("aux"):
        out["aux"] = sorted(c["aux"])
    out["sha256"] = digest
    out["b64"] = base64.b64encode(c["data"]).decode()
    return out


def _compact(r):
    return {"resolved": r["resolved"], "ran": r["ran"], "loaded": r["loaded"], "error": r["error"], "events": r["events"], "timeout": r["timeout"]}


def write(out_dir, records, seed, counts):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "cases.jsonl"), "w") as f:
        for r in sorted(records, key=lambda r: (r["class"], r["id"])):
            f.write(json.dumps(r, ensure_ascii=True, separators=(",", ":")) + "\n")
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump({"seed": seed, "versions": versions(), "classes": CLASS_NAMES, "counts": counts}, f, indent=1, sort_keys=True)
        f.write("\n")


def versions():
    import joblib
    import numpy
    import torch

    return {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": numpy.__version__, "joblib": joblib.__version__}


def counts_of(records):
    per_class = collections.Counter(str(r["class"]) for r in records)
    per_loader = collections.Counter(loader for r in records for loader in r["loaders"])
    ran = collections.Counter(str(r["class"]) for r in records if any(v["ran"] for v in r["loaders"].values()))
    return {"cases": len(records), "per_class": dict(sorted(per_class.items())), "per_loader": dict(sorted(per_loader.items())), "ran_per_class": dict(sorted(ran.items()))}


def main():
    parser = argparse.ArgumentParser(description="generate the differential scan corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=os.path.join(ROOT, "test/fixtures/differential"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N candidates (for a quick look)")
    args = parser.parse_args()
    oracle.warm()
    cases = candidates(args.seed)
    if args.limit:
        cases = cases[: args.limit]
    print(f"{len(cases)} candidates", file=sys.stderr)
    results = run_oracle(cases, args.workers)
    kept, dropped = select(cases, results)
    for note, labels in dropped:
        print(f"harmless case ran, dropped: {note}: {json.dumps(labels)[:300]}", file=sys.stderr)
    records = [record(c, labels) for c, labels in kept]
    counts = counts_of(records)
    write(args.out, records, args.seed, counts)
    print(json.dumps(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
