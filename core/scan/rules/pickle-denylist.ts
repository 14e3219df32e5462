/**
 * Pickle gadgets: callables that run code, resolve arbitrary names, touch files, processes or the network
 * when a pickle is loaded. Used to EXPLAIN a malicious verdict; anything not on the allowlist is already
 * suspicious. Data, with a source per entry (docs/scanner.md, techniques 23–33).
 * `names: '*'` covers the whole module and its submodules.
 */

export type GadgetFamily = 'exec' | 'resolver' | 'file' | 'network' | 'nested-pickle' | 'ml-gadget' | 'side-effect';

export interface DenyEntry {
  /** A module, or `module.Class` for entries about a class's attributes (`membersOnly`). */
  module: string;
  names: readonly string[] | '*';
  /** With `names: '*'`: harmless names of the module, judged by the allowlist instead. */
  except?: readonly string[];
  /** The entry covers attributes reached THROUGH `module` (pathlib.Path.write_text), not `module` itself. */
  membersOnly?: boolean;
  family: GadgetFamily;
  /** Technique number in the scanner's technique list (docs/scanner.md). */
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
  extra: Pick<DenyEntry, 'except' | 'membersOnly'> = {},
): DenyEntry {
  return { module, names, family, technique, source, ...extra };
}

const PY_DOCS = (page: string): string => `https://docs.python.org/3/library/${page}.html`;
const TORCH_SERIALIZATION = 'https://github.com/pytorch/pytorch/blob/main/torch/serialization.py';
const NUMPY_IO = 'https://numpy.org/doc/stable/reference/routines.io.html';
const JOBLIB_PICKLE = 'https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle.py';

/** Path classes: constructing one touches nothing; every method reached through the class may (read_text, unlink…). */
export const PATH_CLASSES = ['Path', 'PosixPath', 'WindowsPath', 'PurePath', 'PurePosixPath', 'PureWindowsPath'];

/** File functions of numpy's top level (numpy.load with allow_pickle unpickles again). */
const NUMPY_FILE_FUNCTIONS = [
  'load', 'save', 'savez', 'savez_compressed', 'savetxt', 'loadtxt', 'fromfile', 'fromregex', 'genfromtxt',
  'memmap', 'recfromcsv', 'recfromtxt', 'DataSource', 'lib', 'ctypeslib', 'rec', 'f2py', 'testing', 'distutils',
]; // prettier-ignore

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
  // FunctionType/CodeType build and run code; SimpleNamespace only holds attributes.
  e('types', '*', 'exec', 26, GHSA('GHSA-9m3x-qqw2-h32h'), { except: ['SimpleNamespace'] }),
  e('marshal', '*', 'exec', 26, GHSA('GHSA-9m3x-qqw2-h32h')),
  e('cloudpickle', '*', 'exec', 26, GHSA('GHSA-9m3x-qqw2-h32h')),
  e('_interpreters', '*', 'exec', 26, GHSA('GHSA-6ggj-6f2q-f7mx')),
  e('_xxsubinterpreters', '*', 'exec', 26, GHSA('GHSA-6ggj-6f2q-f7mx')),
  e('concurrent', '*', 'exec', 26, HIDE_AND_SEEK),
  e('numpy.testing', '*', 'exec', 26, HIDE_AND_SEEK),
  e('numpy.f2py', '*', 'exec', 26, GHSA('GHSA-r8g5-cgf2-4m4m')),
  e('numpy.distutils', '*', 'exec', 26, GHSA('GHSA-r8g5-cgf2-4m4m')),
  e('numpy', NUMPY_FILE_FUNCTIONS, 'file', 28, NUMPY_IO),
  e('numpy.ndarray', ['tofile', 'dump'], 'file', 28, NUMPY_IO, { membersOnly: true }),
  e('numpy.lib.npyio', '*', 'file', 28, NUMPY_IO),
  e('numpy.lib._npyio_impl', '*', 'file', 28, NUMPY_IO),
  e('numpy.lib.format', '*', 'nested-pickle', 30, NUMPY_IO),
  e('numpy.lib._datasource', '*', 'network', 28, NUMPY_IO),
  e('numpy.lib.utils', '*', 'exec', 26, NUMPY_IO),
  e('numpy.ctypeslib', '*', 'exec', 26, 'https://numpy.org/doc/stable/reference/routines.ctypeslib.html'),
  e('numpy.rec', ['fromfile'], 'file', 28, NUMPY_IO),
  e('numpy.core.records', ['fromfile'], 'file', 28, NUMPY_IO),
  e('numpy._core.records', ['fromfile'], 'file', 28, NUMPY_IO),
  e('numpy.core.memmap', '*', 'file', 28, NUMPY_IO),
  e('numpy._core.memmap', '*', 'file', 28, NUMPY_IO),
  // Code evaluators and file openers the standard library keeps outside os/subprocess.
  e('typing', '*', 'exec', 26, PY_DOCS('typing')),
  e('dataclasses', '*', 'exec', 26, PY_DOCS('dataclasses')),
  e('codecs', '*', 'file', 28, PY_DOCS('codecs')),
  e('gzip', '*', 'file', 28, PY_DOCS('gzip')),
  e('bz2', '*', 'file', 28, PY_DOCS('bz2')),
  e('lzma', '*', 'file', 28, PY_DOCS('lzma')),
  e('zipfile', '*', 'file', 28, PY_DOCS('zipfile')),
  e('tarfile', '*', 'file', 28, PY_DOCS('tarfile')),
  e('fileinput', '*', 'file', 28, PY_DOCS('fileinput')),
  e('linecache', '*', 'file', 28, PY_DOCS('linecache')),
  e('mmap', '*', 'file', 28, PY_DOCS('mmap')),
  e('filecmp', '*', 'file', 28, PY_DOCS('filecmp')),
  e('_pyio', '*', 'file', 28, PY_DOCS('io')),
  e('imp', '*', 'exec', 26, PY_DOCS('importlib')),
  e('_imp', '*', 'exec', 26, PY_DOCS('importlib')),
  e('sqlite3', '*', 'file', 28, PY_DOCS('sqlite3')),
  e('_sqlite3', '*', 'file', 28, PY_DOCS('sqlite3')),
  e('_thread', '*', 'exec', 26, PY_DOCS('_thread')),
  e('threading', '*', 'exec', 26, PY_DOCS('threading')),
  e('signal', '*', 'side-effect', 28, PY_DOCS('signal')),
  e('atexit', '*', 'exec', 26, PY_DOCS('atexit')),
  e('gc', '*', 'resolver', 25, PY_DOCS('gc')),
  e('weakref', ['finalize'], 'exec', 26, PY_DOCS('weakref')),
  e('_weakref', '*', 'resolver', 25, PY_DOCS('weakref')),
  e('abc', ['ABCMeta'], 'exec', 26, PY_DOCS('abc')),
  e('copy', '*', 'resolver', 25, PY_DOCS('copy')),
  e('string', ['Formatter'], 'resolver', 25, PY_DOCS('string')),
  e('_string', '*', 'resolver', 25, PY_DOCS('string')),
  e('tokenize', ['open'], 'file', 28, PY_DOCS('tokenize')),
  e('ast', ['literal_eval', 'parse'], 'exec', 26, PY_DOCS('ast')),
  e('xml', '*', 'file', 28, PY_DOCS('xml')),
  e('plistlib', '*', 'file', 28, PY_DOCS('plistlib')),
  e('configparser', '*', 'file', 28, PY_DOCS('configparser')),
  e('netrc', '*', 'file', 28, PY_DOCS('netrc')),
  e('mailbox', '*', 'file', 28, PY_DOCS('mailbox')),
  e('mailcap', '*', 'exec', 26, PY_DOCS('mailcap')),
  e('csv', '*', 'file', 28, PY_DOCS('csv')),
  e('wave', '*', 'file', 28, PY_DOCS('wave')),
  e('encodings', '*', 'file', 28, PY_DOCS('codecs')),
  e('os.path', '*', 'file', 28, PY_DOCS('os.path')),
  e('posixpath', '*', 'file', 28, PY_DOCS('os.path')),
  e('ntpath', '*', 'file', 28, PY_DOCS('os.path')),
  e('genericpath', '*', 'file', 28, PY_DOCS('os.path')),
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
  e('functools', ['reduce', 'singledispatch', 'cached_property', 'lru_cache', 'cache'], 'resolver', 25, HIDE_AND_SEEK),
  e('_functools', ['reduce'], 'resolver', 25, HIDE_AND_SEEK),
  // Files, network, side effects (technique 28).
  e('io', '*', 'file', 23, GHSA('GHSA-9726-w42j-3qjr'), { except: ['BytesIO', 'StringIO'] }),
  e('_io', '*', 'file', 23, GHSA('GHSA-9726-w42j-3qjr'), { except: ['BytesIO', 'StringIO'] }),
  e('shutil', '*', 'file', 28, PY_PICKLE),
  e('tempfile', '*', 'file', 28, HIDE_AND_SEEK),
  e('shelve', '*', 'file', 28, HIDE_AND_SEEK),
  e('dbm', '*', 'file', 28, HIDE_AND_SEEK),
  e('glob', '*', 'file', 24, GHSA('GHSA-5j3x-jp52-966f')),
  e('pathlib', '*', 'file', 28, HIDE_AND_SEEK, { except: PATH_CLASSES }),
  e('pathlib._local', '*', 'file', 28, HIDE_AND_SEEK, { except: PATH_CLASSES }),
  ...['pathlib', 'pathlib._local'].flatMap((module) =>
    PATH_CLASSES.map((cls) => e(`${module}.${cls}`, '*', 'file', 28, PY_DOCS('pathlib'), { membersOnly: true })),
  ),
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
  e('joblib', ['load', 'dump', 'Memory', 'Parallel', 'register_compressor'], 'nested-pickle', 30, PICKLESCAN(25)),
  e('joblib.numpy_pickle', '*', 'nested-pickle', 30, JOBLIB_PICKLE, {
    except: ['NumpyArrayWrapper', 'NDArrayWrapper'],
  }),
  e('joblib.numpy_pickle_compat', '*', 'nested-pickle', 30, JOBLIB_PICKLE, {
    except: ['NDArrayWrapper', 'ZNDArrayWrapper'],
  }),
  e('joblib.numpy_pickle_utils', '*', 'nested-pickle', 30, JOBLIB_PICKLE),
  e('joblib.memory', '*', 'file', 28, JOBLIB_PICKLE),
  e('joblib.parallel', '*', 'exec', 26, JOBLIB_PICKLE),
  e('joblib.externals', '*', 'exec', 26, JOBLIB_PICKLE),
  e('joblib._store_backends', '*', 'file', 28, JOBLIB_PICKLE),
  e('joblib.disk', '*', 'file', 28, JOBLIB_PICKLE),
  e('joblib.pool', '*', 'exec', 26, JOBLIB_PICKLE),
  e('joblib.backports', '*', 'file', 28, JOBLIB_PICKLE),
  e('torch', ['load', 'save', 'from_file', 'compile'], 'nested-pickle', 30, PICKLESCAN(47)),
  e('torch', ['PyTorchFileWriter', 'PyTorchFileReader'], 'file', 28, TORCH_SERIALIZATION),
  e('torch._C', ['PyTorchFileWriter', 'PyTorchFileReader'], 'file', 28, TORCH_SERIALIZATION),
  e('torch.serialization', '*', 'nested-pickle', 30, TORCH_SERIALIZATION, { except: ['_get_layout'] }),
  e('torch.UntypedStorage', ['from_file'], 'file', 28, TORCH_SERIALIZATION, { membersOnly: true }),
  e('torch.utils.model_zoo', '*', 'network', 28, PICKLESCAN(47)),
  e('torch.classes', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.utils.benchmark', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.testing', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.multiprocessing', '*', 'exec', 26, PICKLESCAN(47)),
  e('torch.export', '*', 'ml-gadget', 27, PICKLESCAN(47)),
  e('torch.onnx', '*', 'file', 28, PICKLESCAN(47)),
  e('torch.profiler', '*', 'file', 28, PICKLESCAN(47)),
  e('torch.cuda', ['memory', 'nvtx'], 'ml-gadget', 27, PICKLESCAN(47)),
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
  // Library helpers that fetch, write or run code (dataset fetchers, test runners, remote-code loaders).
  e('sklearn.datasets', '*', 'network', 28, 'https://scikit-learn.org/stable/api/sklearn.datasets.html'),
  e('sklearn.utils._testing', '*', 'exec', 26, 'https://scikit-learn.org/stable/developers/utilities.html'),
  e('sklearn.externals', '*', 'nested-pickle', 30, 'https://scikit-learn.org/stable/model_persistence.html'),
  e('huggingface_hub', '*', 'network', 28, 'https://huggingface.co/docs/huggingface_hub'),
  e('transformers.utils.hub', '*', 'network', 28, 'https://huggingface.co/docs/transformers'),
  e('transformers.dynamic_module_utils', '*', 'exec', 26, 'https://huggingface.co/docs/transformers/custom_models'),
  e('IPython', '*', 'exec', 26, 'https://ipython.readthedocs.io'),
  // sympy parses strings with eval nearly everywhere (sympify), so any of its functions can run code.
  e('sympy', '*', 'exec', 26, 'https://docs.sympy.org/latest/modules/core.html'),
  e('numexpr', '*', 'exec', 26, 'https://numexpr.readthedocs.io'),
  e('torch.utils._sympy', '*', 'exec', 26, 'https://docs.sympy.org/latest/modules/core.html'),
  e('scipy.io', '*', 'file', 28, 'https://docs.scipy.org/doc/scipy/reference/io.html'),
  e('joblib.logger', '*', 'file', 28, JOBLIB_PICKLE),
  e('fsspec', '*', 'file', 28, 'https://filesystem-spec.readthedocs.io'),
  e('filelock', '*', 'file', 28, 'https://py-filelock.readthedocs.io'),
  e('onnxruntime', '*', 'file', 28, 'https://onnxruntime.ai/docs/api/python/api_summary.html'),
  e('keras', ['models', 'saving'], 'ml-gadget', 27, HIDE_AND_SEEK),
  e('tensorflow', ['io', 'py_function', 'numpy_function', 'keras'], 'ml-gadget', 27, HIDE_AND_SEEK),
];
