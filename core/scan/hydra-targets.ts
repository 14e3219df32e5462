import { dangerousCallable } from './rules/dangerous-names.ts';
import { PICKLE_DENYLIST, type DenyEntry } from './rules/pickle-denylist.ts';
import { stdlibReach } from './rules/stdlib-policy.ts';
import { TORCH_NN_LAYERS } from './rules/torch-nn-modules.ts';

/**
 * What a Hydra `_target_` path is. hydra.utils.instantiate resolves it with `_locate` (hydra/_internal/utils.py):
 * it imports the longest importable module prefix, then follows the remaining names as attributes, and calls
 * the object it reaches with the config's other keys. So `os.system`, and also `torch.os.system` (an attribute
 * chain through a module that imported `os`), run a command.
 *
 * - `dangerous`: reaches code execution, imports, files, the network or another model loader (malicious).
 * - `allowed`: a class of an allowlisted namespace whose construction only builds objects (benign).
 * - `unknown`: anything else: other code that runs when the config is instantiated (suspicious).
 */
export type TargetClass = { kind: 'dangerous'; why: string } | { kind: 'allowed'; why: string } | { kind: 'unknown' };

/**
 * Methods that load another model, checkpoint or config (each downloads or unpickles in turn) and Hydra's own
 * entry points that instantiate or call a second, nested target (modelaudit's CVE-2025-23304 rules list the
 * same loaders: https://github.com/promptfoo/modelaudit/pull/1021).
 */
const LOADER_NAMES = new Set([
  'restore_from',
  'from_pretrained',
  'load_from_checkpoint',
  'from_config_file',
  'instantiate',
  'call',
  'get_method',
  'get_class',
  'get_object',
  '_locate',
  'import_class_by_path',
]);

/**
 * Roots whose denylist entries also count when reached as an attribute chain inside another path
 * (`nemo.x.os.system`): the modules that run programs, evaluate code, import, unpickle or connect. Other
 * denylisted names (io, types, copy, string…) are common submodule names and count only at the root.
 */
const CHAIN_ROOTS = new Set([
  'os', 'posix', 'nt', 'subprocess', '_posixsubprocess', 'pty', 'builtins', '__builtin__', 'sys', 'runpy',
  'importlib', 'ctypes', '_ctypes', 'socket', '_socket', 'shutil', 'pickle', '_pickle', 'cPickle', 'marshal',
  'pdb', 'multiprocessing', 'webbrowser', 'urllib', 'requests', 'http', 'dill', 'cloudpickle', 'joblib', 'torch',
  'numpy', 'code', 'codeop', 'commands', 'platform', 'asyncio', 'zipimport', 'pkgutil', 'pydoc', 'hydra',
]); // prettier-ignore

/** torch.optim optimizers (torch/optim/__init__.py): constructing one only keeps the parameters. */
const TORCH_OPTIMIZERS = new Set([
  'Adadelta', 'Adafactor', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'ASGD', 'LBFGS', 'NAdam', 'RAdam', 'RMSprop',
  'Rprop', 'SGD', 'SparseAdam',
]); // prettier-ignore

/** torch.optim.lr_scheduler schedulers (torch/optim/lr_scheduler.py __all__). */
const TORCH_SCHEDULERS = new Set([
  'LambdaLR', 'MultiplicativeLR', 'StepLR', 'MultiStepLR', 'ConstantLR', 'LinearLR', 'ExponentialLR',
  'SequentialLR', 'CosineAnnealingLR', 'ChainedScheduler', 'ReduceLROnPlateau', 'CyclicLR',
  'CosineAnnealingWarmRestarts', 'OneCycleLR', 'PolynomialLR', 'LRScheduler',
]); // prettier-ignore

/** torch.nn layer classes, reachable as torch.nn.X and torch.nn.modules.<file>.X. */
const TORCH_NN = new Set<string>();
for (const entry of TORCH_NN_LAYERS) {
  const [module, name] = entry.split(':') as [string, string];
  TORCH_NN.add(`torch.nn.${name}`);
  TORCH_NN.add(`${module}.${name}`);
}

/** `_locate` raises on an empty path and on an empty part ("relative imports are not supported"). */
const DOTTED_PATH = /^[^.\s]+(\.[^.\s]+)*$/;
const CLASS_NAME = /^[A-Z][A-Za-z0-9_]*$/;

/**
 * The allowlist, each prefix with why its classes are harmless to construct:
 * - `nemo.collections.` and `nemo.core.optim.`: the model, module, loss, tokenizer and scheduler classes NeMo
 *   writes into the model_config.yaml of every `.nemo` it saves (ModelPT.save_to); constructing them builds
 *   torch modules from the config values. Loader methods (restore_from, from_pretrained…) are excluded above.
 * - torch.nn layers and torch.optim optimizers/schedulers: exact class names from torch's own module lists.
 * - Lightning callbacks (`pytorch_lightning.callbacks.X`, `lightning.pytorch.callbacks.X`, a class): they act
 *   only during `trainer.fit`; constructing one does no I/O.
 */
function allowedWhy(target: string): string | undefined {
  const parts = target.split('.');
  const last = parts[parts.length - 1]!;
  if (target.startsWith('nemo.collections.') || target.startsWith('nemo.core.optim.')) return 'a NeMo class';
  if (TORCH_NN.has(target)) return 'a torch.nn layer';
  const parent = parts.slice(0, -1).join('.');
  if (parent === 'torch.optim' && TORCH_OPTIMIZERS.has(last)) return 'a torch optimizer';
  if (parent === 'torch.optim.lr_scheduler' && TORCH_SCHEDULERS.has(last)) return 'a torch scheduler';
  const callbacks = parent === 'pytorch_lightning.callbacks' || parent === 'lightning.pytorch.callbacks';
  if (callbacks && CLASS_NAME.test(last)) return 'a Lightning callback';
  return undefined;
}

function denyMatches(entry: DenyEntry, path: string): boolean {
  if (entry.names === '*' || entry.membersOnly) {
    if (path !== entry.module && !path.startsWith(`${entry.module}.`)) return false;
    const next = path.slice(entry.module.length + 1).split('.')[0] ?? '';
    return !(entry.except ?? []).includes(next);
  }
  return entry.names.some((n) => path === `${entry.module}.${n}`);
}

/** Why `target` reaches a gadget, or undefined. */
function dangerousWhy(target: string): string | undefined {
  const parts = target.split('.');
  const last = parts[parts.length - 1]!;
  if (LOADER_NAMES.has(last)) return `'${last}' loads another model or instantiates a second target`;
  if (dangerousCallable(target, last)) return `'${last}' runs code, resolves names, touches files or connects`;
  for (let i = 0; i < parts.length; i++) {
    const sub = parts.slice(i).join('.');
    if (i > 0 && !CHAIN_ROOTS.has(parts[i]!)) continue;
    const entry = PICKLE_DENYLIST.find((e) => denyMatches(e, sub));
    if (entry) return `it reaches ${entry.module} (${entry.family})`;
  }
  const reach = stdlibReach(parts[0]!, target);
  if (reach) return `it imports the standard-library module '${parts[0]}', which reaches the system`;
  return undefined;
}

export function classifyTarget(target: string): TargetClass {
  const dangerous = dangerousWhy(target);
  if (dangerous) return { kind: 'dangerous', why: dangerous };
  const allowed = allowedWhy(target);
  return allowed ? { kind: 'allowed', why: allowed } : { kind: 'unknown' };
}

/** Whether `target` has a shape `_locate` may resolve; anything else raises before importing. */
export function isDottedPath(target: string): boolean {
  return target.length <= 512 && DOTTED_PATH.test(target);
}
