"""A small pickle assembler: expression trees → opcode bytes, with seeded
choices between the equivalent encodings CPython accepts, so that one payload
comes out in many spellings.

Expressions are tuples:
  ('g', module, name)            a global (GLOBAL, STACK_GLOBAL or INST)
  ('s', text) ('b', bytes) ('i', int) ('f', float) ('n',) ('T',) ('F',)
  ('tup', [e]) ('list', [e]) ('dict', [(k, v)])
  ('call', f, [e])               f(*args) via REDUCE or OBJ
  ('inst', module, name, [e])    INST: module.name(*args)
  ('build', obj, state)          BUILD (calls obj.__setstate__ when it has one)
  ('then', first, second)        first, POP, second (a payload before the real value)
  ('raw', bytes)                 opcodes pushing exactly one value
"""

import struct

PROTO, STOP, FRAME, MARK = b"\x80", b".", b"\x95", b"("
TUPLE, REDUCE, BUILD, OBJ = b"t", b"R", b"b", b"o"
TUPLE1, TUPLE2, TUPLE3, EMPTY_TUPLE = b"\x85", b"\x86", b"\x87", b")"
STACK_GLOBAL, MEMOIZE = b"\x93", b"\x94"
NONE, NEWTRUE, NEWFALSE = b"N", b"\x88", b"\x89"


class Emitter:
    """Emits one expression tree at one protocol; `text` keeps to protocol-0 opcodes."""

    def __init__(self, rng, proto, text=False, memo=True, grammar=None, noisy=True):
        self.rng, self.proto, self.text, self.memo_on, self.noisy = rng, proto, text, memo, noisy
        self.grammar = grammar  # optional callbacks that spell text arguments oddly
        self.memo_next = 0
        self.used = []

    def pick(self, *options):
        return self.rng.choice(options)

    def note(self, tag):
        if tag not in self.used:
            self.used.append(tag)

    # ------------------------------------------------------------ primitives

    def text_int(self, n):
        if self.grammar:
            return self.grammar.int_arg(n, self)
        return str(n).encode()

    def int_(self, n):
        if self.text or self.proto < 1:
            if n in (0, 1) and self.rng.random() < 0.3:
                return b"I0" + str(n).encode() + b"\n"
            op = self.pick(b"I", b"L")
            arg = self.text_int(n)
            return op + arg + (b"L" if op == b"L" and self.rng.random() < 0.5 else b"") + b"\n"
        if 0 <= n < 256 and self.rng.random() < 0.6:
            return b"K" + bytes([n])
        if 0 <= n < 65536 and self.rng.random() < 0.5:
            return b"M" + struct.pack("<H", n)
        if -(2**31) <= n < 2**31:
            return b"J" + struct.pack("<i", n)
        raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
        return b"\x8a" + bytes([len(raw)]) + raw

    def float_(self, x):
        if self.text or self.proto < 1:
            arg = self.grammar.float_arg(x, self) if self.grammar else repr(x).encode()
            return b"F" + arg + b"\n"
        return b"G" + struct.pack(">d", x)

    def str_(self, s):
        if self.text or self.proto < 1:
            return self._text_str(s)
        raw = s.encode("utf-8", "surrogatepass")
        options = [b"X" + struct.pack("<I", len(raw)) + raw]
        if self.proto >= 4 and len(raw) < 256:
            options.append(b"\x8c" + bytes([len(raw)]) + raw)
        if self.proto >= 4:
            options.append(b"\x8d" + struct.pack("<Q", len(raw)) + raw)
        if self.proto < 3 and s.isascii():
            options.append(self._binstring(raw))
        return self.rng.choice(options)

    def _binstring(self, raw):
        if len(raw) < 256 and self.rng.random() < 0.5:
            return b"U" + bytes([len(raw)]) + raw
        return b"T" + struct.pack("<i", len(raw)) + raw

    def _text_str(self, s):
        if self.grammar:
            return self.grammar.str_arg(s, self)
        if s.isascii() and self.rng.random() < 0.5:
            return b"S" + repr(s).encode() + b"\n"
        return b"V" + s.encode("raw-unicode-escape") + b"\n"

    def bytes_(self, b):
        if self.proto >= 3 and not self.text:
            if len(b) < 256 and self.rng.random() < 0.5:
                return b"C" + bytes([len(b)]) + b
            if self.proto >= 5 and self.rng.random() < 0.2:
                return self.emit(("call", ("g", "builtins", "bytes"), [("raw", self._bytearray8(b))]))
            return b"B" + struct.pack("<I", len(b)) + b
        # protocols < 3 spell bytes the way CPython's pickler does
        return self.emit(("call", ("g", "_codecs", "encode"), [("s", b.decode("latin-1")), ("s", "latin1")]))

    def _bytearray8(self, b):
        return b"\x96" + struct.pack("<Q", len(b)) + b

    # ------------------------------------------------------------ structure

    def global_(self, module, name):
        if self.proto >= 4 and not self.text and self.rng.random() < 0.7:
            self.note("stack_global")
            return self.str_(module) + self.str_(name) + STACK_GLOBAL
        if self.grammar:
            return self.grammar.global_arg(module, name, self)
        return b"c" + module.encode() + b"\n" + name.encode() + b"\n"

    def seq(self, items):
        return b"".join(self.emit(e) for e in items)

    def tuple_(self, items):
        if not self.text and self.proto >= 2 and len(items) <= 3 and self.rng.random() < 0.7:
            return self.seq(items) + [EMPTY_TUPLE, TUPLE1, TUPLE2, TUPLE3][len(items)]
        if not items and not self.text and self.proto >= 1:
            return EMPTY_TUPLE
        return MARK + self.seq(items) + TUPLE

    def list_(self, items):
        if self.text or self.proto < 1 or self.rng.random() < 0.3:
            return MARK + self.seq(items) + b"l"
        return b"]" + (MARK + self.seq(items) + b"e" if items else b"")

    def dict_(self, pairs):
        body = b"".join(self.emit(k) + self.emit(v) for k, v in pairs)
        if self.text or self.proto < 1 or self.rng.random() < 0.3:
            return MARK + body + b"d"
        return b"}" + (MARK + body + b"u" if pairs else b"")

    def call(self, func, args):
        if not self.text and self.proto >= 1 and self.rng.random() < 0.15:
            self.note("obj")
            return MARK + self.emit(func) + self.seq(args) + OBJ
        return self.emit(func) + self.tuple_(args) + REDUCE

    def inst(self, module, name, args):
        self.note("inst")
        return MARK + self.seq(args) + b"i" + module.encode() + b"\n" + name.encode() + b"\n"

    def memoize(self, code):
        """Sometimes stores a value in the memo and fetches it back again."""
        if not self.memo_on or self.rng.random() > 0.25:
            return code
        idx = self.memo_next
        self.memo_next += 1
        if self.proto >= 4 and not self.text and self.rng.random() < 0.5:
            return code + MEMOIZE + b"0" + self.get(idx)
        return code + self.put(idx) + b"0" + self.get(idx)

    def put(self, idx):
        if self.text or self.proto < 1:
            return b"p" + self._memo_arg(idx) + b"\n"
        return b"q" + bytes([idx]) if idx < 256 else b"r" + struct.pack("<I", idx)

    def get(self, idx):
        if self.text or self.proto < 1:
            return b"g" + self._memo_arg(idx) + b"\n"
        return b"h" + bytes([idx]) if idx < 256 else b"j" + struct.pack("<I", idx)

    def _memo_arg(self, idx):
        return self.grammar.memo_arg(idx, self) if self.grammar else str(idx).encode()

    def emit(self, e):
        kind = e[0]
        if kind == "raw":
            return e[1]
        code = self._emit_kind(kind, e)
        if kind in ("g", "call", "s"):
            code = self.memoize(code)
        return self.noise(code)

    def noise(self, code):
        """Stack no-ops a reader must emulate: DUP+POP after, or MARK junk POP_MARK before."""
        if not self.noisy or self.rng.random() > 0.1:
            return code
        if self.rng.random() < 0.5:
            self.note("dup")
            return code + b"20"
        self.note("pop_mark")
        junk = self.int_(self.rng.randrange(300)) + self.str_("junk")
        return MARK + junk + b"1" + code

    def _emit_kind(self, kind, e):
        simple = {"n": NONE, "T": NEWTRUE if self.proto >= 2 and not self.text else b"I01\n"}
        simple["F"] = NEWFALSE if self.proto >= 2 and not self.text else b"I00\n"
        if kind in simple:
            return simple[kind]
        handlers = {
            "g": lambda: self.global_(e[1], e[2]),
            "s": lambda: self.str_(e[1]),
            "b": lambda: self.bytes_(e[1]),
            "i": lambda: self.int_(e[1]),
            "f": lambda: self.float_(e[1]),
            "tup": lambda: self.tuple_(e[1]),
            "list": lambda: self.list_(e[1]),
            "dict": lambda: self.dict_(e[1]),
            "call": lambda: self.call(e[1], e[2]),
            "inst": lambda: self.inst(e[1], e[2], e[3]),
            "build": lambda: self.emit(e[1]) + self.emit(e[2]) + BUILD,
            "then": lambda: self.emit(e[1]) + b"0" + self.emit(e[2]),
        }
        return handlers[kind]()


def frame(body):
    return FRAME + struct.pack("<Q", len(body)) + body


def header(proto):
    return PROTO + bytes([proto]) if proto >= 2 else b""


def dumps(expr, rng, proto, text=False, framed=None, grammar=None):
    """One complete pickle (header, optional FRAME, body, STOP) and the variant tags used."""
    em = Emitter(rng, proto, text=text, grammar=grammar)
    body = em.emit(expr) + STOP
    if framed is None:
        framed = proto >= 4 and rng.random() < 0.6
    if framed:
        body = frame(body)
    return header(proto) + body, em.used
