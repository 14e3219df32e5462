"""Odd but accepted spellings of protocol-0 text arguments.

CPython's C unpickler parses INT with strtol(base 0) falling back to
PyLong_FromString(base 0) (so hex, octal, binary, '+', whitespace and
underscores), LONG with PyLong_FromString(base 0) after dropping a trailing
'L', FLOAT with PyOS_string_to_double (inf, nan, exponents), GET/PUT with
PyLong_FromString(base 10), STRING by unescaping a quoted repr and UNICODE with
raw-unicode-escape. Some spellings here are rejected by CPython; the oracle
records which, so the corpus says what really happens.
"""

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


class TextGrammar:
    def __init__(self, rng, weird=0.6):
        self.rng, self.weird = rng, weird
        self.used = set()

    def _odd(self):
        return self.rng.random() < self.weird

    def _use(self, form):
        self.used.add(form)
        return form

    # ------------------------------------------------------------ numbers

    def int_arg(self, n, em):
        if not self._odd():
            return str(n).encode()
        forms = ["plus", "lead-space", "trail-space", "tab", "hex", "oct", "bin", "c-octal", "underscore", "zeros", "arabic", "cr", "plus-hex", "upper-hex"]
        form = self._use("int-" + self.rng.choice(forms))
        return _int_text(n, form[4:]).encode("utf-8")

    def float_arg(self, x, em):
        if not self._odd():
            return repr(x).encode()
        forms = ["exp", "plus", "lead-space", "trail-space", "upper-inf", "infinity", "nan", "underscore", "no-int", "cr", "upper-exp"]
        form = self._use("float-" + self.rng.choice(forms))
        return _float_text(x, form[6:]).encode()

    def memo_arg(self, idx, em):
        if not self._odd():
            return str(idx).encode()
        forms = ["plus", "lead-space", "trail-space", "zeros", "underscore", "arabic", "tab"]
        form = self._use("memo-" + self.rng.choice(forms))
        return _memo_text(idx, form[5:]).encode("utf-8")

    # ------------------------------------------------------------ strings

    def str_arg(self, s, em):
        if not s.isascii():
            return b"V" + s.encode("raw-unicode-escape") + b"\n"
        form = self.rng.choice(["S-single", "S-double", "S-hex", "S-octal", "V-raw", "V-u-escape", "V-U-escape", "S-mixed"])
        if not self._odd():
            form = "S-single"
        self._use("str-" + form)
        return _str_text(s, form, self.rng)

    def global_arg(self, module, name, em):
        if self.rng.random() < 0.04:
            form = self.rng.choice(["lead-space", "trail-space", "tab", "cr", "name-space"])
            self._use("global-" + form)
            return b"c" + _odd_global(module, name, form) + b"\n"
        if module == "os" and self._odd():
            module = self._use("posix-for-os") and "posix"
        elif module == "builtins" and self._odd():
            module = self._use("py2-builtin") and "__builtin__"
        return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _int_text(n, form):
    digits = str(abs(n))
    sign = "-" if n < 0 else ""
    table = {
        "plus": lambda: ("+" + digits) if n >= 0 else str(n),
        "lead-space": lambda: " " + str(n),
        "trail-space": lambda: str(n) + " ",
        "tab": lambda: "\t" + str(n),
        "hex": lambda: sign + "0x" + format(abs(n), "x"),
        "upper-hex": lambda: sign + "0X" + format(abs(n), "X"),
        "plus-hex": lambda: (sign or "+") + "0x" + format(abs(n), "x"),
        "oct": lambda: sign + "0o" + format(abs(n), "o"),
        "bin": lambda: sign + "0b" + format(abs(n), "b"),
        "c-octal": lambda: sign + "0" + format(abs(n), "o"),
        "underscore": lambda: sign + "_".join(digits) if len(digits) > 1 else sign + "0_" + digits,
        "zeros": lambda: sign + "00" + digits,
        "arabic": lambda: sign + "".join(ARABIC_DIGITS[int(d)] for d in digits),
        "cr": lambda: str(n) + "\r",
    }
    return table[form]()


def _float_text(x, form):
    table = {
        "exp": lambda: f"{x:e}",
        "upper-exp": lambda: f"{x:E}",
        "plus": lambda: "+" + repr(x),
        "lead-space": lambda: " " + repr(x),
        "trail-space": lambda: repr(x) + " ",
        "upper-inf": lambda: "INF",
        "infinity": lambda: "-Infinity",
        "nan": lambda: "nan",
        "underscore": lambda: "1_000.5",
        "no-int": lambda: ".5",
        "cr": lambda: repr(x) + "\r",
    }
    return table[form]()


def _memo_text(idx, form):
    table = {
        "plus": lambda: "+" + str(idx),
        "lead-space": lambda: " " + str(idx),
        "trail-space": lambda: str(idx) + " ",
        "zeros": lambda: "00" + str(idx),
        "underscore": lambda: "0_" + str(idx),
        "arabic": lambda: "".join(ARABIC_DIGITS[int(d)] for d in str(idx)),
        "tab": lambda: "\t" + str(idx),
    }
    return table[form]()


def _str_text(s, form, rng):
    if form == "S-double" and '"' not in s and "\\" not in s:
        return b'S"' + s.encode() + b'"\n'
    if form == "S-hex":
        return b"S'" + "".join(f"\\x{ord(c):02x}" for c in s).encode() + b"'\n"
    if form == "S-octal":
        return b"S'" + "".join(f"\\{ord(c):03o}" for c in s).encode() + b"'\n"
    if form == "S-mixed":
        return b"S'" + "".join(f"\\x{ord(c):02x}" if rng.random() < 0.5 else _sq(c) for c in s).encode() + b"'\n"
    if form == "V-raw" and "\\" not in s and "\n" not in s:
        return b"V" + s.encode() + b"\n"
    if form == "V-u-escape":
        return b"V" + "".join(f"\\u{ord(c):04x}" for c in s).encode() + b"\n"
    if form == "V-U-escape":
        return b"V" + "".join(f"\\U{ord(c):08x}" for c in s).encode() + b"\n"
    return b"S" + _single_quoted(s).encode() + b"\n"


def _sq(c):
    return {"'": "\\'", "\\": "\\\\", "\n": "\\n"}.get(c, c)


def _single_quoted(s):
    return "'" + "".join(_sq(c) for c in s) + "'"


def _odd_global(module, name, form):
    """Whitespace CPython does not strip: the import or attribute lookup fails."""
    table = {
        "lead-space": " " + module + "\n" + name,
        "trail-space": module + " \n" + name,
        "tab": module + "\t\n" + name,
        "cr": module + "\r\n" + name + "\r",
        "name-space": module + "\n " + name,
    }
    return table[form].encode()
