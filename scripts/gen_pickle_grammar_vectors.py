"""Writes test/fixtures/pickle-grammar/text-number-vectors.json: protocol-0 number arguments, each labelled
by whether CPython's C unpickler (pickle.loads) and its pure-Python one (pickle._loads, joblib's) accept it.

The oracle is CPython itself: the TypeScript grammar must accept exactly what either accepts.
Run: python3 scripts/gen_pickle_grammar_vectors.py
"""
import itertools
import json
import pathlib
import pickle
import sys

OUT = pathlib.Path(__file__).resolve().parent.parent / "test/fixtures/pickle-grammar/text-number-vectors.json"

ATOMS = [
    "0", "1", "7", "00", "01", "010", "0_0", "1_0", "1__0", "_1", "1_", "0x1f", "0X1F", "0x_1f", "0o17", "0O17",
    "0b101", "0B1", "0x", "0b2", "0o8", "12", "123456789012345678901234567890", "1e5", "1E+5", ".5", "5.", "1.5e-3",
    "inf", "Infinity", "-inf", "+inf", "nan", "NaN", "-nan", "infinit", "1.5_0", "1_000.5", "0.", "1e", "e5", "",
    "abc", "12abc", "1.2.3", "+1", "-1", "--1", "+-1", "\u0663", "0e0", "1j",
]
AFFIXES = [("", ""), (" ", ""), ("", " "), ("\t", "\t"), ("", "\r"), ("", "\x00junk"), ("", "L"), ("\x0b", "\x0c")]


def accepts(opcode: bytes, arg: bytes, loads) -> bool:
    try:
        loads(opcode + arg + b"\n.")
        return True
    except Exception:
        return False


def memo_accepts(arg: bytes, loads) -> bool:
    # PUT then GET of the same text key: both parse it with the base-10 rules.
    try:
        loads(b"N" + b"p" + arg + b"\n" + b"0g" + arg + b"\n.")
        return True
    except Exception:
        return False


def main():
    cases = []
    for atom, (pre, post) in itertools.product(ATOMS, AFFIXES):
        text = pre + atom + post
        raw = text.encode("utf-8")
        row = {"text": text}
        for name, opcode in (("INT", b"I"), ("LONG", b"L"), ("FLOAT", b"F")):
            row[name] = {"c": accepts(opcode, raw, pickle.loads), "py": accepts(opcode, raw, pickle._loads)}
        row["MEMO"] = {"c": memo_accepts(raw, pickle.loads), "py": memo_accepts(raw, pickle._loads)}
        cases.append(row)
    version = ".".join(map(str, sys.version_info[:3]))
    OUT.write_text(json.dumps({"python": version, "cases": cases}, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
