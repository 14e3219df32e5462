import type { DenyEntry, GadgetFamily } from './pickle-denylist.ts';

/**
 * Callables judged by what their NAME says they do, in any module not on the allowlist. The module
 * denylist cannot list every library that wraps `open`, `eval` or `pickle.load` (gzip.open, codecs.open,
 * sqlite3.connect, a framework's `load_checkpoint`…), so a global whose last name is one of these is a
 * gadget wherever it comes from: a pickle of model weights has no reason to import a function that
 * executes, resolves names, touches files, unpickles again or connects, and fail-closed means that such
 * an import is malicious rather than "unknown". Names are matched exactly (case-sensitive).
 */
const BY_FAMILY: Record<Exclude<GadgetFamily, 'ml-gadget' | 'side-effect'>, readonly string[]> = {
  exec: [
    'system', 'popen', 'popen2', 'popen3', 'popen4', 'Popen', 'spawn', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe',
    'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp',
    'execvpe', 'posix_spawn', 'posix_spawnp', 'startfile', 'fork', 'forkpty', 'exec', 'eval', 'execfile', 'compile',
    'run_module', 'run_path', 'runctx', 'runcall', 'runcode', 'runsource', 'getoutput', 'getstatusoutput',
    'check_output', 'check_call', 'interact', 'load_source', 'load_module', 'load_dynamic', 'load_compiled',
    'load_package', 'exec_module', 'import_module', '__import__', 'load_library', 'LoadLibrary', 'CDLL', 'PyDLL',
    'cdll', 'pydll', 'dlopen', '_create_fn', '_eval_type', 'get_type_hints', 'evaluate', 'safe_eval', 'unsafe_eval',
    'breakpoint', 'set_trace', 'post_mortem', 'sympify', 'nsimplify', 'simplify', 'parse_expr', 'lambdify',
  ],
  resolver: [
    'getattr', 'setattr', 'delattr', 'attrgetter', 'methodcaller', 'resolve_name', 'locate', 'find_class',
    'import_string', 'import_object', 'get_object', 'get_callable', 'instantiate', 'call_method', 'globals', 'locals',
    'vars',
  ],
  file: [
    'open', 'open_code', 'fdopen', 'FileIO', 'remove', 'unlink', 'rmdir', 'removedirs', 'rmtree', 'rename',
    'renames', 'chmod', 'chown', 'lchown', 'mkdir', 'makedirs', 'symlink', 'symlink_to', 'hardlink_to', 'link',
    'truncate', 'write_text', 'write_bytes', 'read_text', 'read_bytes', 'touch', 'copyfile', 'copy2', 'copytree',
    'copymode', 'copystat', 'move', 'mkstemp', 'mkdtemp', 'mktemp', 'NamedTemporaryFile', 'TemporaryFile',
    'SpooledTemporaryFile', 'TemporaryDirectory', 'memmap', 'fromfile', 'tofile', 'from_file', 'savetxt', 'loadtxt',
    'genfromtxt', 'savez', 'savez_compressed', 'save', 'dump', 'dump_all', 'writestr', 'extract', 'extractall',
    'connect', 'listdir', 'scandir', 'glob', 'iglob',
  ],
  'nested-pickle': [
    'load', 'loads', 'load_all', 'read_pickle', '_load', '_loads', '_unpickle', 'Unpickler', '_Unpickler',
    'load_checkpoint', 'load_state_dict_from_url', 'load_compatibility', 'unsafe_load', 'full_load',
  ],
  network: [
    'urlopen', 'urlretrieve', 'create_connection', 'create_server', 'socket', 'socketpair', 'fromfd', 'urlcleanup',
    'download', 'download_url', 'hf_hub_download', 'snapshot_download', 'sendall', 'sendto', 'sendmail',
  ],
}; // prettier-ignore

const FAMILY_OF = new Map<string, Exclude<GadgetFamily, 'ml-gadget' | 'side-effect'>>();
for (const [family, names] of Object.entries(BY_FAMILY)) {
  for (const n of names) FAMILY_OF.set(n, family as Exclude<GadgetFamily, 'ml-gadget' | 'side-effect'>);
}

const SOURCE = 'https://docs.python.org/3/library/pickle.html#restricting-globals';

/** The deny entry for a global whose last name is a gadget's, or undefined. */
export function dangerousCallable(path: string, lastName: string): DenyEntry | undefined {
  const family = FAMILY_OF.get(lastName);
  if (!family) return undefined;
  return { module: path, names: [lastName], family, technique: 32, source: SOURCE };
}

/**
 * Words in a function's name that say it runs, loads, writes or fetches something: `dump_svmlight_file`,
 * `assert_run_python_script`, `load_weights_from_url`. Matched as whole words of snake_case or CamelCase
 * names, for names of modules the allowlist does not know.
 */
const VERBS = new Map<string, Exclude<GadgetFamily, 'ml-gadget' | 'side-effect'>>([
  ...(['exec', 'eval', 'system', 'popen', 'spawn', 'shell', 'subprocess', 'run', 'script', 'command', 'cmd', 'compile', 'import', 'install'] as const).map((w) => [w, 'exec'] as const),
  ...(['open', 'write', 'save', 'dump', 'remove', 'unlink', 'delete', 'rmtree', 'mkdir', 'makedirs', 'file', 'tmp', 'temp'] as const).map((w) => [w, 'file'] as const),
  ...(['load', 'loads', 'unpickle', 'deserialize'] as const).map((w) => [w, 'nested-pickle'] as const),
  ...(['fetch', 'download', 'upload', 'connect', 'url', 'http', 'socket', 'request'] as const).map((w) => [w, 'network'] as const),
]); // prettier-ignore

export function dangerousWord(path: string, lastName: string): DenyEntry | undefined {
  // Functions only: class names describe things (SpectralNormLoadStateDictPreHook, MethodMetadataRequest).
  if (!/^_*[a-z]/.test(lastName)) return undefined;
  const words = lastName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\d]+/);
  const family = words.map((w) => VERBS.get(w)).find((f) => f !== undefined);
  return family ? { module: path, names: [lastName], family, technique: 32, source: SOURCE } : undefined;
}
