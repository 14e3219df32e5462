#!/usr/bin/env python3
"""Real-loader oracle: what do CPython's own loaders do with one file?

Each load runs in a forked process (cwd = the model folder inside a fresh temp
dir, 10 s limit). The
heavy imports (torch, numpy, joblib, sklearn) happen once in the parent, which
are also what the audit hook treats as "already imported". Forking is slow on
small machines, so one forked session serves load after load while they stay
clean: a load that ran anything, timed out, or resolved a global outside the
ordinary checkpoint families ends its session, and the next load gets a fresh
fork.

Recorded per load:
  resolved  every (module, name) an unpickler was asked to resolve, raw as the
            stream gave it (before _compat_pickle or torch's own renaming),
            in order, including nested unpickling started by the payload
  ran       the payload executed: a marker file appeared in cwd, or the audit
            hook saw a dangerous event (process spawn, string exec, write, ...)
  events    the dangerous audit events seen (capped)
  loaded    the loader returned without raising
  error     exception type and message (short)
  timeout   the load was killed after the time limit

CLI: python oracle.py --loader pickle|torch|joblib|numpy FILE  → one JSON line.
"""

import argparse
import gc
import io
import json
import os
import re
import resource
import select
import shutil
import signal
import struct
import sys
import tempfile
import threading
import time

MARKER = "mg-oracle-marker"
LOADERS = ("pickle", "torch", "joblib", "numpy")
TIMEOUT_S = 10.0
MAX_RESOLVED = 200
MAX_EVENTS = 24

# Audit events that only happen when loading ran code the file chose.
DANGEROUS_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "os.putenv", "os.unsetenv",
    "os.chdir", "socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo",
    "socket.gethostbyname", "urllib.Request", "http.client.connect", "ftplib.connect",
    "smtplib.connect", "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function", "ctypes.cdata",
    "ctypes.string_at", "ctypes.addressof", "code.__new__", "function.__new__", "builtins.input",
    "webbrowser.open", "sqlite3.connect", "sys.settrace", "sys.setprofile",
    "cpython.run_command", "cpython.run_file", "cpython.run_module", "cpython.run_startup",
}
# Filesystem changes; torch's legacy tar reader makes (and removes) its own
# temp dir, so changes under the system temp dir but outside cwd are not flagged.
PATH_EVENTS = {
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.symlink", "os.link", "os.truncate",
    "os.mkfifo", "os.mknod", "os.chmod", "os.chown", "os.utime", "shutil.copyfile",
    "shutil.copymode", "shutil.copystat", "shutil.copytree", "shutil.move", "shutil.rmtree",
    "shutil.chown", "shutil.make_archive", "shutil.unpack_archive", "tempfile.mkstemp",
    "tempfile.mkdtemp",
}
# Importing a fresh module from these families is what a model load may do;
# importing anything else runs module code the file chose.
SAFE_IMPORT_ROOTS = {
    "torch", "numpy", "sklearn", "scipy", "joblib", "threadpoolctl", "collections", "pathlib",
    "argparse", "datetime", "types", "functools", "fractions", "decimal", "uuid", "enum", "re",
    "copyreg", "typing", "dataclasses", "ipaddress", "array", "_codecs", "codecs", "encodings",
    "zoneinfo", "_pydatetime", "_strptime", "_datetime", "_decimal", "_pydecimal", "numbers",
    "safetensors", "_collections", "_functools", "_struct", "struct", "math", "cmath",
    "_compat_pickle", "copy", "weakref", "_weakrefset", "operator", "_operator",
    # utilities the loaders' own error paths import (tokenize for numpy's header, ...)
    "unicodedata", "tokenize", "token", "ast", "textwrap", "string", "pprint", "reprlib", "traceback",
    "linecache", "inspect", "dis", "opcode", "keyword", "locale", "gettext", "heapq", "bisect",
    "hashlib", "base64", "binascii", "json", "_json", "difflib",
}
PREIMPORT = (
    "torch", "torch.nn", "torch.optim", "torch.serialization", "torch.ao.quantization",
    "numpy", "joblib", "joblib.numpy_pickle", "joblib.numpy_pickle_compat", "sklearn",
    "sklearn.linear_model", "sklearn.tree", "sklearn.ensemble", "sklearn.preprocessing",
    "sklearn.pipeline", "sklearn.neighbors", "sklearn.cluster", "sklearn.decomposition",
    "sklearn.naive_bayes", "sklearn.svm", "pathlib", "argparse", "datetime", "types",
    "functools", "collections", "fractions", "decimal", "uuid", "enum", "copyreg", "typing",
    "dataclasses", "gzip", "bz2", "lzma", "zlib", "tarfile", "zipfile", "_compat_pickle",
    "pickle", "_pickle", "safetensors", "safetensors.torch",
)


_KNOWN_MODULES = {"names": frozenset()}


def warm():
    """Imports everything a benign load may need, once, before any fork."""
    import importlib
    import warnings

    warnings.filterwarnings("ignore")
    for name in PREIMPORT:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an optional module may be absent
            pass
    import torch

    torch.set_num_threads(1)
    _warm_loaders()
    # Snapshot once here: copying sys.modules in every child would touch (and so
    # copy-on-write) every module object.
    _KNOWN_MODULES["names"] = frozenset(sys.modules)
    gc.freeze()


def _warm_loaders():
    """Runs each loader once on good and bad input so lazy imports happen here."""
    import pickle

    import joblib
    import numpy
    import torch

    work = tempfile.mkdtemp(prefix="mg-oracle-warm-")
    try:
        good, bad = os.path.join(work, "good"), os.path.join(work, "bad")
        torch.save({"w": torch.zeros(2)}, good)
        with open(bad, "wb") as f:
            f.write(pickle.dumps([1]))
        attempts = (
            lambda: torch.load(good, weights_only=False),
            lambda: torch.load(bad, weights_only=False),
            lambda: joblib.load(bad),
            lambda: numpy.load(bad, allow_pickle=True),
        )
        for attempt in attempts:
            try:
                attempt()
            except Exception:  # noqa: BLE001 - only the side effect matters
                pass
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- child side


class Recorder:
    """Collects resolved globals and dangerous audit events inside the child."""

    def __init__(self, cwd):
        self.resolved = []
        self.events = []
        self.dangerous = False
        self.in_override = threading.local()
        self.known_modules = _KNOWN_MODULES["names"]
        self.pending_imports = []
        self.cwd = cwd

    def record_global(self, module, name):
        if len(self.resolved) < MAX_RESOLVED:
            self.resolved.append([_text(module), _text(name)])

    def flag(self, event):
        self.dangerous = True
        if len(self.events) < MAX_EVENTS and event not in self.events:
            self.events.append(event)

    def audit(self, event, args):
        if event == "pickle.find_class":
            if not getattr(self.in_override, "active", False):
                self.record_global(*args[:2])
        elif event == "import":
            self._audit_import(args[0])
        elif event == "open":
            self._audit_open(args)
        elif event == "exec":
            self._audit_exec(args[0])
        elif event in DANGEROUS_EVENTS:
            self.flag(event)
        elif event in PATH_EVENTS and self._outside_own_temp(args[0] if args else None):
            self.flag(event)

    def _audit_import(self, module):
        if isinstance(module, str) and module not in self.known_modules:
            if module.split(".")[0] not in SAFE_IMPORT_ROOTS:
                self.pending_imports.append(module)

    def finish(self):
        """An import counts once it succeeded: a missing module ran nothing."""
        for module in self.pending_imports:
            if module in sys.modules:
                self.flag("import:" + module)

    def _audit_open(self, args):
        path, mode, flags = (list(args) + [None, None, None])[:3]
        writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            writing = True
        if not writing:
            return
        if self._outside_own_temp(path):
            self.flag("open-write")

    def _outside_own_temp(self, path):
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        if not text:
            return True
        full = os.path.abspath(text)
        in_temp = full.startswith(tempfile.gettempdir() + os.sep)
        return not in_temp or full.startswith(self.cwd + os.sep) or full == self.cwd

    def _audit_exec(self, code):
        filename = getattr(code, "co_filename", "")
        if not (filename.endswith(".py") or filename.startswith("<frozen")):
            self.flag("exec")


def _text(value):
    return value if isinstance(value, str) else repr(value)


_CURRENT = {"rec": None}


def _audit(event, args):
    rec = _CURRENT["rec"]
    if rec is not None:
        rec.audit(event, args)


def _recording(find_class):
    def find_class_recorded(self, module, name):
        rec = _CURRENT["rec"]
        if rec is None:
            return find_class(self, module, name)
        outer = getattr(rec.in_override, "active", False)
        if not outer:  # a subclass override calling super() is one lookup
            rec.record_global(module, name)
        rec.in_override.active = True
        try:
            return find_class(self, module, name)
        finally:
            rec.in_override.active = outer

    return find_class_recorded


def install_recording():
    """Routes every unpickler in the process through the current recorder."""
    import pickle
    import _pickle

    base = _pickle.Unpickler

    class RecordingUnpickler(base):
        # torch subclasses the Unpickler it is given and renames modules in its
        # own find_class before calling ours, so wrap the subclass's override too.
        def __init_subclass__(cls, **kw):
            super().__init_subclass__(**kw)
            if "find_class" in cls.__dict__:
                cls.find_class = _recording(cls.__dict__["find_class"])

        find_class = _recording(base.find_class)

    def load(file, **kw):
        return RecordingUnpickler(file, **kw).load()

    def loads(data, /, **kw):
        return RecordingUnpickler(io.BytesIO(data), **kw).load()

    for module in (pickle, _pickle):
        module.Unpickler, module.load, module.loads = RecordingUnpickler, load, loads
    _patch_joblib()
    return _PickleModule(RecordingUnpickler, load)


def _patch_joblib():
    try:
        from joblib import numpy_pickle
    except ImportError:
        return
    import pickle

    numpy_pickle.NumpyUnpickler.find_class = _recording(pickle._Unpickler.find_class)


class _PickleModule:
    """What torch.load accepts as pickle_module: the recording unpickler."""

    def __init__(self, unpickler, load):
        self.Unpickler = unpickler
        self.load = load
        self.__name__ = "pickle"


def run_loader(loader, path, pickle_module):
    if loader == "pickle":
        with open(path, "rb") as f:
            return pickle_module.load(f)
    if loader == "torch":
        import torch

        return torch.load(path, weights_only=False, pickle_module=pickle_module)
    if loader == "joblib":
        import joblib

        return joblib.load(path)
    if loader == "numpy":
        import numpy

        result = numpy.load(path, allow_pickle=True)
        if hasattr(result, "files"):  # npz members unpickle lazily, on access
            return {key: result[key] for key in result.files}
        return result
    raise ValueError(loader)


# Globals of ordinary checkpoints: a load that resolved only these leaves the
# session fit for the next load.
CLEAN_ROOTS = {
    "torch", "numpy", "collections", "joblib", "sklearn", "scipy", "_codecs", "copyreg", "copy_reg",
    "datetime", "argparse", "pathlib", "types", "fractions", "decimal", "uuid", "enum",
}
CLEAN_BUILTINS = {"set", "frozenset", "complex", "slice", "bytearray", "object", "range", "bytes", "int", "float", "str", "list", "dict", "tuple"}


def _clean(result):
    if result["dangerous"] or len(result["resolved"]) > 100:
        return False
    for module, name in result["resolved"]:
        root = module.split(".")[0]
        if root in ("builtins", "__builtin__") and name in CLEAN_BUILTINS:
            continue
        if root not in CLEAN_ROOTS or (root == "torch" and name in ("load", "save")):
            return False
    return True


def load_once(loader, path, work, pickle_module):
    rec = Recorder(work)
    result = {"loaded": False, "error": None}
    # Caches a payload may fill (~/scikit_learn_data, ~/.cache/torch) land in the temp dir too.
    for var in ("HOME", "XDG_CACHE_HOME", "SCIKIT_LEARN_DATA", "TORCH_HOME", "TMPDIR"):
        os.environ[var] = work
    os.chdir(os.path.dirname(path))  # the model folder: "../x" leaves it
    _CURRENT["rec"] = rec
    try:
        run_loader(loader, path, pickle_module)
        result["loaded"] = True
    except BaseException as exc:  # noqa: BLE001 - any failure is data here
        # addresses vary from run to run; the corpus should not
        result["error"] = re.sub(r"0x[0-9a-f]+", "0x…", f"{type(exc).__name__}: {exc}")[:160]
    finally:
        _CURRENT["rec"] = None
        os.chdir("/")
    rec.finish()
    result.update(resolved=rec.resolved, events=rec.events, dangerous=rec.dangerous)
    return result


def session_main(jobs_fd, out_fd):
    """Serves loads until one leaves the process unfit for another."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
    pickle_module = install_recording()
    sys.addaudithook(_audit)
    while True:
        job = _read_message(jobs_fd)
        if job is None:
            os._exit(0)
        result = load_once(job["loader"], job["path"], job["work"], pickle_module)
        result["clean"] = _clean(result)
        _write_message(out_fd, result)
        if not result["clean"]:
            os._exit(0)


def _write_message(fd, obj):
    data = json.dumps(obj).encode()
    os.write(fd, struct.pack("<I", len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd, n, deadline=None):
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_message(fd, deadline=None):
    size = _read_exact(fd, 4, deadline)
    if size is None:
        return None
    data = _read_exact(fd, struct.unpack("<I", size)[0], deadline)
    return None if data is None else json.loads(data)


# --------------------------------------------------------------- parent side


class Session:
    """A forked child that serves loads over two pipes."""

    def __init__(self):
        jobs_r, self.jobs_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.jobs_w)
            os.close(self.out_r)
            os.setsid()
            try:
                session_main(jobs_r, out_w)
            finally:
                os._exit(3)
        os.close(jobs_r)
        os.close(out_w)

    def load(self, loader, path, work, timeout):
        try:
            _write_message(self.jobs_w, {"loader": loader, "path": path, "work": work})
            return _read_message(self.out_r, time.monotonic() + timeout), False
        except TimeoutError:
            return None, True
        except OSError:
            return None, False

    def close(self, kill=False):
        if kill:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.close(self.jobs_w)
        os.close(self.out_r)
        _ZOMBIES.append(self.pid)
        _reap()


_ZOMBIES = []


def _let_spawned_finish(pid, limit=0.5):
    """Waits briefly for processes a payload spawned, so whether the marker appears does not race the kill."""
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.01)


def _reap():
    """Collects finished sessions without waiting for a dying one to unmap its memory."""
    for pid in list(_ZOMBIES):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _ZOMBIES.remove(pid)


_SESSION = {"current": None}


def _stage(work, name, data, aux):
    """Writes the case as <work>/model/<name>, its auxiliary files beside model/."""
    model = os.path.join(work, "model")
    os.makedirs(model)
    path = os.path.join(model, os.path.basename(name))
    with open(path, "wb") as f:
        f.write(data)
    for rel, content in (aux or {}).items():
        target = os.path.join(work, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(content)
    return path


def oracle(loader, name, data, aux=None, timeout=TIMEOUT_S):
    """Loads `data` (saved as `name`) with `loader` in a forked session."""
    work = tempfile.mkdtemp(prefix="mg-oracle-")
    try:
        path = _stage(work, name, data, aux)
        return _load_in_session(loader, path, work, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load_in_session(loader, path, work, timeout):
    session = _SESSION["current"] or Session()
    child, timed_out = session.load(loader, path, work, timeout)
    if timed_out or child is None or not child.get("clean"):
        if not timed_out:
            _let_spawned_finish(session.pid)
        session.close(kill=True)
        _SESSION["current"] = None
    else:
        _SESSION["current"] = session
    return _result(child or {}, timed_out, _marker_present(work))


def _marker_present(work):
    for root, dirs, files in os.walk(work):
        if any(n.startswith(MARKER) for n in dirs + files):
            return True
    return False


def _result(child, timed_out, marker):
    events = child.get("events", [])
    if marker:
        events = events + ["marker"]
    error = child.get("error")
    if not child and not timed_out:
        error = "crash: the loader process died without a result"
    return {
        "resolved": child.get("resolved", []),
        "ran": bool(marker or child.get("dangerous")),
        "events": sorted(set(events))[:MAX_EVENTS],
        "loaded": bool(child.get("loaded")),
        "error": "timeout" if timed_out else error,
        "timeout": timed_out,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loader", choices=LOADERS, required=True)
    parser.add_argument("file")
    args = parser.parse_args()
    with open(args.file, "rb") as f:
        data = f.read()
    warm()
    print(json.dumps(oracle(args.loader, os.path.basename(args.file), data)))


if __name__ == "__main__":
    main()
