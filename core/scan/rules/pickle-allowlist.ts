/**
 * Globals an ordinary checkpoint needs, per framework. A pickle is benign
 * only if every global it imports is here AND each call has its expected `shape` (checked in
 * core/scan/pickle-rules.ts). Data, with a source per entry.
 */

export type ShapeId =
  | 'rebuild-tensor'
  | 'codecs-encode'
  | 'np-reconstruct'
  | 'np-dtype'
  | 'np-scalar'
  | 'torch-size'
  | 'constant-args'
  | 'reconstructor'
  | 'load-from-bytes'
  | 'partial';

export interface AllowEntry {
  module: string;
  names: readonly string[];
  framework: 'python' | 'pytorch' | 'numpy' | 'joblib' | 'sklearn' | 'transformers' | 'accelerate';
  /** Why loading it is harmless: what the loader actually does with it. */
  reason?: string;
  source: string;
  /** Expected argument shape when called; absent: any arguments made of allowlisted values. */
  shape?: ShapeId;
}

const TORCH_WEIGHTS_ONLY = 'https://github.com/pytorch/pytorch/blob/main/torch/_weights_only_unpickler.py';
const NUMPY_PICKLE = 'https://github.com/numpy/numpy/blob/main/numpy/_core/src/multiarray/methods.c';
const JOBLIB = 'https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle.py';
const SKLEARN = 'https://scikit-learn.org/stable/model_persistence.html';
const COPYREG = 'https://docs.python.org/3/library/copyreg.html';
const PY_DOCS = (page: string): string => `https://docs.python.org/3/library/${page}.html`;

const STORAGES = [
  'Float',
  'Double',
  'Half',
  'BFloat16',
  'Long',
  'Int',
  'Short',
  'Char',
  'Byte',
  'Bool',
  'ComplexFloat',
  'ComplexDouble',
  'QInt8',
  'QUInt8',
  'QInt32',
  'QUInt4x2',
  'QUInt2x4',
  'Untyped',
].map((t) => `${t}Storage`);

const TORCH_DTYPES = [
  'float32',
  'float',
  'float64',
  'double',
  'float16',
  'half',
  'bfloat16',
  'int64',
  'long',
  'int32',
  'int',
  'int16',
  'short',
  'int8',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'complex64',
  'cfloat',
  'complex128',
  'cdouble',
  'complex32',
  'chalf',
  'qint8',
  'quint8',
  'qint32',
  'quint4x2',
  'quint2x4',
  'float8_e4m3fn',
  'float8_e5m2',
  'float8_e4m3fnuz',
  'float8_e5m2fnuz',
  'bits8',
  'bits16',
];

const TORCH_MISC = [
  'device',
  'Tensor',
  'strided',
  'sparse_coo',
  'sparse_csr',
  'sparse_csc',
  'sparse_bsr',
  'sparse_bsc',
  '_mkldnn',
  'contiguous_format',
  'channels_last',
  'channels_last_3d',
  'preserve_format',
  'per_tensor_affine',
  'per_channel_affine',
  'per_tensor_symmetric',
  'per_channel_symmetric',
  'per_channel_affine_float_qparams',
];

const NUMPY_SCALARS = [
  'bool_',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'longdouble',
  'complex64',
  'complex128',
  'intc',
  'uintc',
  'str_',
  'bytes_',
  'datetime64',
  'timedelta64',
  'object_',
  'void',
  'ndarray',
  'dtype',
  'matrix',
];

const SKLEARN_CLASSES: readonly [string, string[]][] = [
  ['sklearn.linear_model._base', ['LinearRegression']],
  ['sklearn.linear_model._logistic', ['LogisticRegression']],
  ['sklearn.linear_model._ridge', ['Ridge', 'RidgeClassifier']],
  ['sklearn.linear_model._coordinate_descent', ['Lasso', 'ElasticNet']],
  ['sklearn.linear_model._stochastic_gradient', ['SGDClassifier', 'SGDRegressor']],
  [
    'sklearn.ensemble._forest',
    ['RandomForestClassifier', 'RandomForestRegressor', 'ExtraTreesClassifier', 'ExtraTreesRegressor'],
  ],
  ['sklearn.ensemble._gb', ['GradientBoostingClassifier', 'GradientBoostingRegressor']],
  [
    'sklearn.ensemble._hist_gradient_boosting.gradient_boosting',
    ['HistGradientBoostingClassifier', 'HistGradientBoostingRegressor'],
  ],
  [
    'sklearn.tree._classes',
    ['DecisionTreeClassifier', 'DecisionTreeRegressor', 'ExtraTreeClassifier', 'ExtraTreeRegressor'],
  ],
  ['sklearn.tree._tree', ['Tree']],
  ['sklearn.svm._classes', ['SVC', 'SVR', 'LinearSVC', 'LinearSVR']],
  ['sklearn.neighbors._classification', ['KNeighborsClassifier']],
  ['sklearn.neighbors._regression', ['KNeighborsRegressor']],
  ['sklearn.naive_bayes', ['GaussianNB', 'MultinomialNB', 'BernoulliNB']],
  ['sklearn.cluster._kmeans', ['KMeans', 'MiniBatchKMeans']],
  ['sklearn.decomposition._pca', ['PCA']],
  ['sklearn.decomposition._truncated_svd', ['TruncatedSVD']],
  ['sklearn.preprocessing._data', ['StandardScaler', 'MinMaxScaler', 'RobustScaler', 'MaxAbsScaler', 'Normalizer']],
  ['sklearn.preprocessing._label', ['LabelEncoder', 'LabelBinarizer', 'MultiLabelBinarizer']],
  ['sklearn.preprocessing._encoders', ['OneHotEncoder', 'OrdinalEncoder']],
  ['sklearn.impute._base', ['SimpleImputer']],
  ['sklearn.pipeline', ['Pipeline', 'FeatureUnion']],
  ['sklearn.compose._column_transformer', ['ColumnTransformer']],
  ['sklearn.feature_extraction.text', ['TfidfVectorizer', 'CountVectorizer', 'TfidfTransformer']],
  ['sklearn._loss.loss', ['HalfBinomialLoss', 'HalfSquaredError', 'HalfMultinomialLoss']],
  ['sklearn._loss.link', ['LogitLink', 'IdentityLink', 'Interval', 'MultinomialLogit']],
  ['sklearn.dummy', ['DummyClassifier', 'DummyRegressor']],
];

function a(
  module: string,
  names: readonly string[],
  framework: AllowEntry['framework'],
  source: string,
  shape?: ShapeId,
): AllowEntry {
  return shape ? { module, names, framework, source, shape } : { module, names, framework, source };
}

/**
 * Plain values of ordinary training checkpoints (optimizer and trainer state, configs): the loader calls the
 * class with constant arguments or restores its attributes, and none of them reads, writes or runs anything.
 */
const CHECKPOINT_VALUES: readonly AllowEntry[] = [
  {
    ...a('pathlib', ['Path', 'PosixPath', 'WindowsPath', 'PurePath', 'PurePosixPath', 'PureWindowsPath'], 'python', PY_DOCS('pathlib'), 'constant-args'),
    reason: 'PurePath.__reduce__ rebuilds the path from its parts: a string, no file is touched',
  },
  {
    ...a('pathlib._local', ['Path', 'PosixPath', 'WindowsPath', 'PurePath', 'PurePosixPath', 'PureWindowsPath'], 'python', PY_DOCS('pathlib'), 'constant-args'),
    reason: 'the same classes where Python 3.13 defines them',
  },
  {
    ...a('types', ['SimpleNamespace'], 'python', PY_DOCS('types'), 'constant-args'),
    reason: 'SimpleNamespace.__reduce__ is (type, (), __dict__): it only stores attributes',
  },
  {
    ...a('argparse', ['Namespace'], 'python', PY_DOCS('argparse'), 'constant-args'),
    reason: 'a Namespace is rebuilt from its attribute dict (object.__reduce_ex__)',
  },
  {
    ...a('datetime', ['datetime', 'date', 'time', 'timedelta', 'timezone'], 'python', PY_DOCS('datetime'), 'constant-args'),
    reason: 'datetime values are rebuilt from packed bytes or numbers',
  },
  {
    ...a('uuid', ['UUID'], 'python', PY_DOCS('uuid'), 'constant-args'),
    reason: 'a UUID is rebuilt from its integer (the rest of the uuid module runs system commands: not allowed)',
  },
  {
    ...a('functools', ['partial'], 'python', PY_DOCS('functools'), 'partial'),
    reason: 'partial only stores its function and arguments; the function must itself be allowlisted',
  },
]; // prettier-ignore

export const PICKLE_ALLOWLIST: readonly AllowEntry[] = [
  ...CHECKPOINT_VALUES,
  a('collections', ['OrderedDict', 'Counter', 'defaultdict', 'deque'], 'python', TORCH_WEIGHTS_ONLY),
  a(
    'builtins',
    [
      'set',
      'frozenset',
      'bytearray',
      'slice',
      'complex',
      'range',
      'bytes',
      'tuple',
      'list',
      'dict',
      'int',
      'float',
      'str',
      'bool',
      'object',
    ],
    'python',
    TORCH_WEIGHTS_ONLY,
  ),
  a('copyreg', ['_reconstructor'], 'python', COPYREG, 'reconstructor'),
  a('_codecs', ['encode'], 'numpy', TORCH_WEIGHTS_ONLY, 'codecs-encode'),
  a(
    'torch._utils',
    ['_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_tensor', '_rebuild_parameter'],
    'pytorch',
    TORCH_WEIGHTS_ONLY,
    'rebuild-tensor',
  ),
  a(
    'torch._utils',
    [
      '_rebuild_parameter_with_state',
      '_rebuild_sparse_tensor',
      '_rebuild_meta_tensor_no_storage',
      '_rebuild_nested_tensor',
      '_rebuild_wrapper_subclass',
      '_rebuild_device_tensor_from_numpy',
      '_rebuild_device_tensor_from_cpu_tensor',
      '_rebuild_qtensor',
      '_rebuild_xla_tensor',
    ],
    'pytorch',
    TORCH_WEIGHTS_ONLY,
    'constant-args',
  ),
  a('torch._tensor', ['_rebuild_from_type_v2'], 'pytorch', TORCH_WEIGHTS_ONLY),
  a('torch.nn.parameter', ['Parameter', 'Buffer'], 'pytorch', TORCH_WEIGHTS_ONLY),
  a('torch.serialization', ['_get_layout'], 'pytorch', TORCH_WEIGHTS_ONLY, 'constant-args'),
  a('torch', [...STORAGES, ...TORCH_DTYPES, ...TORCH_MISC], 'pytorch', TORCH_WEIGHTS_ONLY),
  a('torch', ['Size'], 'pytorch', TORCH_WEIGHTS_ONLY, 'torch-size'),
  a('torch.storage', ['UntypedStorage', 'TypedStorage'], 'pytorch', TORCH_WEIGHTS_ONLY),
  // pickle.dumps(tensor) writes storages as _load_from_bytes(torch.save bytes): the bytes are scanned (technique 30).
  a(
    'torch.storage',
    ['_load_from_bytes'],
    'pytorch',
    'https://github.com/pytorch/pytorch/blob/main/torch/storage.py',
    'load-from-bytes',
  ),
  a(
    'torch.jit._pickle',
    [
      'build_intlist',
      'build_tensorlist',
      'build_doublelist',
      'build_boollist',
      'restore_type_tag',
      'build_empty_intlist',
    ],
    'pytorch',
    'https://github.com/pytorch/pytorch/blob/main/torch/jit/_pickle.py',
    'constant-args',
  ),
  a('numpy.core.multiarray', ['_reconstruct'], 'numpy', NUMPY_PICKLE, 'np-reconstruct'),
  a('numpy._core.multiarray', ['_reconstruct'], 'numpy', NUMPY_PICKLE, 'np-reconstruct'),
  a('numpy.core.multiarray', ['scalar'], 'numpy', NUMPY_PICKLE, 'np-scalar'),
  a('numpy._core.multiarray', ['scalar'], 'numpy', NUMPY_PICKLE, 'np-scalar'),
  a('numpy.core.numeric', ['_frombuffer'], 'numpy', NUMPY_PICKLE),
  a('numpy._core.numeric', ['_frombuffer'], 'numpy', NUMPY_PICKLE),
  a('numpy', ['dtype'], 'numpy', NUMPY_PICKLE, 'np-dtype'),
  a('numpy', NUMPY_SCALARS, 'numpy', NUMPY_PICKLE),
  a(
    'numpy.dtypes',
    [
      'Float64DType',
      'Float32DType',
      'Float16DType',
      'Int64DType',
      'Int32DType',
      'Int16DType',
      'Int8DType',
      'UInt8DType',
      'UInt16DType',
      'UInt32DType',
      'UInt64DType',
      'BoolDType',
      'Complex64DType',
      'Complex128DType',
      'StrDType',
      'BytesDType',
      'ObjectDType',
      'VoidDType',
    ],
    'numpy',
    NUMPY_PICKLE,
  ),
  a(
    'numpy.random._pickle',
    ['__randomstate_ctor', '__generator_ctor', '__bit_generator_ctor'],
    'numpy',
    NUMPY_PICKLE,
    'constant-args',
  ),
  a('numpy.random.mtrand', ['RandomState'], 'numpy', NUMPY_PICKLE),
  a('numpy.random._mt19937', ['MT19937'], 'numpy', NUMPY_PICKLE),
  a('numpy.random._pcg64', ['PCG64'], 'numpy', NUMPY_PICKLE),
  a('joblib.numpy_pickle', ['NumpyArrayWrapper', 'NDArrayWrapper'], 'joblib', JOBLIB),
  a('sklearn.externals.joblib.numpy_pickle', ['NumpyArrayWrapper', 'NDArrayWrapper'], 'joblib', JOBLIB),
  ...SKLEARN_CLASSES.map(([module, names]) => a(module, names, 'sklearn', SKLEARN)),
  a(
    'transformers.training_args',
    ['TrainingArguments', 'OptimizerNames'],
    'transformers',
    'https://huggingface.co/docs/transformers/main_classes/trainer',
  ),
  a(
    'transformers.trainer_utils',
    ['IntervalStrategy', 'SchedulerType', 'HubStrategy', 'SaveStrategy', 'EvaluationStrategy'],
    'transformers',
    'https://huggingface.co/docs/transformers/main_classes/trainer',
  ),
  a(
    'transformers.tokenization_utils_base',
    ['BatchEncoding'],
    'transformers',
    'https://huggingface.co/docs/transformers/main_classes/tokenizer',
  ),
  a('accelerate.utils.dataclasses', ['DistributedType'], 'accelerate', 'https://huggingface.co/docs/accelerate'),
];

/**
 * Allowed by name pattern rather than by list: Cython's pickle helpers `__pyx_unpickle_<Class>(type, checksum,
 * state)` create an instance with type.__new__ and restore its state (numpy's SeedSequence, sklearn's trees);
 * the class they are given is judged on its own.
 */
export const CYTHON_UNPICKLE = {
  modulePrefixes: ['numpy.', 'sklearn.', 'scipy.'],
  namePattern: /^__pyx_unpickle_[A-Za-z0-9_]+$/,
  source: 'https://cython.readthedocs.io/en/latest/src/userguide/extension_types.html#controlling-pickling',
} as const;
