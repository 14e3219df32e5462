/**
 * Pickle gadgets: callables that run code, resolve arbitrary names, touch files, processes or the network
 * when a pickle is loaded. Used to EXPLAIN a malicious verdict; anything not on the allowlist is already
 * suspicious. Data, with a source per entry (research/scanner-techniques.md §4 items 23–33).
 * `names: '*'` covers the whole module and its submodules.
 */

export type GadgetFamily = 'exec' | 'resolver' | 'file' | 'network' | 'nested-pickle' | 'ml-gadget' | 'side-effect';

export interface DenyEntry {
  module: string;
  names: readonly string[] | '*';
  family: GadgetFamily;
  /** Technique number in research/scanner-techniques.md §4. */
  technique: number;
  /** Advisory id or URL. */
  source: string;
}

const GHSA = (id: string): string => `https://github.com/advisories/${id}`;
const PICKLESCAN = (n: number): string => `https://github.com/mmaitre314/picklescan/issues/${n}`;
const MODELSCAN = (n: number): string => `https://github.com/protectai/modelscan/issues/${n}`;
const HIDE_AND_SEEK = 'https://arxiv.org/abs/2508.19774';
const PY_PICKLE = 'https://docs.python.org/3/library/pickle.html#restricting-globals';

function e(
  module: string,
  names: readonly string[] | '*',
  family: GadgetFamily,
  technique: number,
  source: string,
): DenyEntry {
  return { module, names, family, technique, source };
}

export const PICKLE_DENYLIST: readonly DenyEntry[] = [
  // Process and code execution; posix/nt are os under another name (technique 23).
  e('os', '*', 'exec', 23, PY_PICKLE),
  e('posix', '*', 'exec', 23, PICKLESCAN(54)),
  e('nt', '*', 'exec', 23, PICKLESCAN(54)),
  e('_posixsubprocess', '*', 'exec', 23, PICKLESCAN(54)),
  e('subprocess', '*', 'exec', 26, PY_PICKLE),
  e('commands', '*', 'exec', 23, PY_PICKLE),
  e('popen2', '*', 'exec', 23, PY_PICKLE),
  e('pty', '*', 'exec', 26, PICKLESCAN(54)),
  e('platform', ['popen'], 'exec', 26, HIDE_AND_SEEK),
  e(
    'builtins',
    ['eval', 'exec', 'compile', 'execfile', 'breakpoint', 'input', 'help', 'exit', 'quit'],
    'exec',
    25,
    PY_PICKLE,
  ),
  e(
    'builtins',
    ['getattr', 'setattr', 'delattr', '__import__', 'globals', 'locals', 'vars'],
    'resolver',
    25,
    PY_PICKLE,
  ),
  e('builtins', ['open', 'file'], 'file', 28, PY_PICKLE),
  e('_sitebuiltins', '*', 'exec', 26, HIDE_AND_SEEK),
  e('sys', '*', 'resolver', 25, HIDE_AND_SEEK),
  e('runpy', '*', 'exec', 26, HIDE_AND_SEEK),
  e('code', '*', 'exec', 26, HIDE_AND_SEEK),
  e('codeop', '*', 'exec', 26, HIDE_AND_SEEK),
  e('bdb', '*', 'exec', 26, HIDE_AND_SEEK),
  e('pdb', '*', 'exec', 26, HIDE_AND_SEEK),
  e('cProfile', '*', 'exec', 26, HIDE_AND_SEEK),
  e('profile', '*', 'exec', 26, HIDE_AND_SEEK),
  e('timeit', '*', 'exec', 26, HIDE_AND_SEEK),
  e('trace', '*', 'exec', 26, HIDE_AND_SEEK),
  e('doctest', '*', 'exec', 26, HIDE_AND_SEEK),
  e('idlelib', '*', 'exec', 26, HIDE_AND_SEEK),
  e('lib2to3', '*', 'exec', 26, HIDE_AND_SEEK),
  e(
    'uuid',
    ['_get_command_stdout', '_popen', '_find_mac', '_find_mac_near_keyword', '_find_mac_under_heading'],
    'exec',
    26,
    HIDE_AND_SEEK,
  ),
  e('_osx_support', '*', 'exec', 26, HIDE_AND_SEEK),
  e('_aix_support', '*', 'exec', 26, HIDE_AND_SEEK),
  e('imaplib', ['IMAP4_stream'], 'exec', 26, HIDE_AND_SEEK),
  e('venv', '*', 'exec', 26, HIDE_AND_SEEK),
  e('ensurepip', '*', 'exec', 26, HIDE_AND_SEEK),
  e('pip', '*', 'exec', 26, 'https://nvd.nist.gov/vuln/detail/CVE-2025-1716'),
  e('asyncio', '*', 'exec', 26, GHSA('GHSA-f7qq-56ww-84cr')),
  e('multiprocessing', '*', 'exec', 26, HIDE_AND_SEEK),
  e('ctypes', '*', 'exec', 26, GHSA('GHSA-4675-36f9-wf6r')),
  e('_ctypes', '*', 'exec', 26, GHSA('GHSA-4675-36f9-wf6r')),
  e('types', '*', 'exec', 26, GHSA('GHSA-9m3x-qqw2-h32h')),
  e('marshal', '*', 'exec', 26, GHSA('GHSA-9m3x-qqw2-h32h')),
  e('cloudpickle', '*', 'exec', 26, GHSA('GHSA-9m3x-qqw2-h32h')),
  e('_interpreters', '*', 'exec', 26, GHSA('GHSA-6ggj-6f2q-f7mx')),
  e('_xxsubinterpreters', '*', 'exec', 26, GHSA('GHSA-6ggj-6f2q-f7mx')),
  e('concurrent', '*', 'exec', 26, HIDE_AND_SEEK),
  e('numpy.testing', '*', 'exec', 26, HIDE_AND_SEEK),
  e('numpy.f2py', '*', 'exec', 26, GHSA('GHSA-r8g5-cgf2-4m4m')),
  e('numpy.distutils', '*', 'exec', 26, GHSA('GHSA-r8g5-cgf2-4m4m')),
  e(
    'numpy',
    ['load', 'save', 'savez', 'savetxt', 'loadtxt', 'fromfile', 'genfromtxt', 'memmap'],
    'file',
    28,
    HIDE_AND_SEEK,
  ),
  e('yaml', ['load', 'unsafe_load', 'full_load', 'load_all', 'unsafe_load_all'], 'exec', 26, HIDE_AND_SEEK),
  e('jinja2', '*', 'exec', 26, HIDE_AND_SEEK),
  // Name resolvers: turn strings into any callable (technique 25).
  e('importlib', '*', 'resolver', 25, 'https://huggingface.co/xry6/huntr-picklescan-bypass-poc'),
  e('pkgutil', '*', 'resolver', 25, GHSA('GHSA-vvpj-8cmc-gx39')),
  e('pydoc', '*', 'resolver', 25, GHSA('GHSA-84r2-jw7c-4r5q')),
  e('operator', '*', 'resolver', 25, GHSA('GHSA-84r2-jw7c-4r5q')),
  e('_operator', '*', 'resolver', 23, GHSA('GHSA-9726-w42j-3qjr')),
  e('inspect', '*', 'resolver', 25, 'https://huggingface.co/xry6/huntr-picklescan-bypass-poc'),
  e('zipimport', '*', 'resolver', 25, HIDE_AND_SEEK),
  e('site', '*', 'resolver', 25, HIDE_AND_SEEK),
  e('functools', ['reduce'], 'resolver', 25, HIDE_AND_SEEK),
  // Files, network, side effects (technique 28).
  e('io', ['open', 'open_code', 'FileIO'], 'file', 23, GHSA('GHSA-9726-w42j-3qjr')),
  e('_io', ['open', 'open_code', 'FileIO'], 'file', 23, GHSA('GHSA-9726-w42j-3qjr')),
  e('shutil', '*', 'file', 28, PY_PICKLE),
  e('tempfile', '*', 'file', 28, HIDE_AND_SEEK),
  e('shelve', '*', 'file', 28, HIDE_AND_SEEK),
  e('dbm', '*', 'file', 28, HIDE_AND_SEEK),
  e('glob', '*', 'file', 24, GHSA('GHSA-5j3x-jp52-966f')),
  e('pathlib', '*', 'file', 28, HIDE_AND_SEEK),
  e('distutils', '*', 'file', 28, GHSA('GHSA-m273-6v24-x4m4')),
  e('setuptools', '*', 'file', 28, GHSA('GHSA-m273-6v24-x4m4')),
  e(
    'logging',
    ['FileHandler', 'handlers', 'config', 'basicConfig'],
    'file',
    28,
    'https://www.cve.org/CVERecord?id=CVE-2026-56304',
  ),
  e('logging.handlers', '*', 'file', 28, 'https://www.cve.org/CVERecord?id=CVE-2026-56304'),
  e('logging.config', '*', 'exec', 28, 'https://www.cve.org/CVERecord?id=CVE-2026-56304'),
  e('socket', '*', 'network', 28, PY_PICKLE),
  e('_socket', '*', 'network', 28, PY_PICKLE),
  e('socketserver', '*', 'network', 28, PY_PICKLE),
  e('ssl', '*', 'network', 28, PY_PICKLE),
  e('urllib', '*', 'network', 28, PY_PICKLE),
  e('urllib2', '*', 'network', 28, PY_PICKLE),
  e('http', '*', 'network', 28, 'https://huggingface.co/docs/hub/security-pickle'),
  e('httplib', '*', 'network', 28, PY_PICKLE),
  e('ftplib', '*', 'network', 28, PY_PICKLE),
  e('smtplib', '*', 'network', 28, PY_PICKLE),
  e('telnetlib', '*', 'network', 28, PY_PICKLE),
  e('xmlrpc', '*', 'network', 28, PY_PICKLE),
  e('webbrowser', '*', 'network', 26, PY_PICKLE),
  e('requests', '*', 'network', 28, HIDE_AND_SEEK),
  e('aiohttp', '*', 'network', 28, HIDE_AND_SEEK),
  e(
    'pandas',
    [
      'read_csv',
      'read_pickle',
      'read_json',
      'read_html',
      'read_sql',
      'read_sql_query',
      'read_sql_table',
      'read_parquet',
      'read_excel',
      'read_table',
      'read_fwf',
      'read_xml',
      'read_hdf',
      'read_feather',
      'read_orc',
      'read_sas',
      'read_spss',
      'read_stata',
      'read_clipboard',
      'read_gbq',
    ],
    'network',
    27,
    MODELSCAN(338),
  ),
  e('pandas.io', '*', 'network', 27, MODELSCAN(338)),
  // Pickle-in-pickle (technique 30): the inner bytes are scanned too.
  e('pickle', '*', 'nested-pickle', 30, PICKLESCAN(25)),
  e('_pickle', '*', 'nested-pickle', 30, PICKLESCAN(25)),
  e('cPickle', '*', 'nested-pickle', 30, PICKLESCAN(25)),
  e('dill', '*', 'nested-pickle', 30, 'https://github.com/protectai/modelscan/issues/28'),
  e('joblib', ['load'], 'nested-pickle', 30, PICKLESCAN(25)),
  e('torch', ['load'], 'nested-pickle', 30, PICKLESCAN(47)),
  e('torch.serialization', ['load', '_load'], 'nested-pickle', 30, PICKLESCAN(47)),
  e('torch.utils.data.datapipes', '*', 'nested-pickle', 30, PICKLESCAN(47)),
  e('torch._inductor', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  // ML libraries that reach exec (technique 27).
  e('torch.utils.collect_env', '*', 'ml-gadget', 27, GHSA('GHSA-5j3x-jp52-966f')),
  e('torch.jit.unsupported_tensor_ops', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.jit._script', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.jit.frontend', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.jit.annotations', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.jit._serialization', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.jit', ['load', 'script', 'compile', 'CompilationUnit'], 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch._dynamo', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.fx', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.package', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.hub', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.utils.cpp_extension', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.distributed', '*', 'ml-gadget', 27, HIDE_AND_SEEK),
  e(
    'torch._C',
    ['_jit_pass_inline', '_import_ir_module_from_package', 'import_ir_module'],
    'ml-gadget',
    27,
    PICKLESCAN(47),
  ),
  e('torch.library', '*', 'ml-gadget', 24, MODELSCAN(338)),
  e('torch.ops', '*', 'ml-gadget', 27, HIDE_AND_SEEK),
  e('mlflow', '*', 'ml-gadget', 27, MODELSCAN(338)),
  e('keras', ['models', 'saving'], 'ml-gadget', 27, HIDE_AND_SEEK),
  e('tensorflow', ['io', 'py_function', 'numpy_function', 'keras'], 'ml-gadget', 27, HIDE_AND_SEEK),
];

/** Python 2 names and C-accelerator twins that a loader maps onto the same module (technique 23). */
export const MODULE_ALIASES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  exceptions: 'builtins',
  copy_reg: 'copyreg',
  UserDict: 'collections',
};
