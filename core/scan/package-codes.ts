import type { FormatCatalog } from './format-catalog.ts';

/**
 * Finding codes MG-SCAN-480 … 509: model packages that carry code or configs that instantiate code: NeMo
 * `.nemo` archives and Hydra/OmegaConf configs, MLflow `MLmodel` files, TorchServe `.mar` archives and
 * llamafile executables. Codes are stable: never renumber or reuse one.
 */

const HYDRA_INSTANTIATE = 'https://hydra.cc/docs/advanced/instantiate_objects/overview/';
const NEMO_CVE = 'https://nvd.nist.gov/vuln/detail/CVE-2025-23304';
const PYYAML_CVE = 'https://nvd.nist.gov/vuln/detail/CVE-2017-18342';
const MLFLOW_PYFUNC = 'https://mlflow.org/docs/latest/python_api/mlflow.pyfunc.html';
const MLFLOW_STORAGE = 'https://mlflow.org/docs/latest/models.html#storage-format';
const TORCHSERVE_ARCHIVER = 'https://github.com/pytorch/serve/blob/master/model-archiver/README.md';
const TORCHSERVE_HANDLERS = 'https://pytorch.org/serve/custom_service.html';
const LLAMAFILE = 'https://github.com/Mozilla-Ocho/llamafile';

export const PACKAGE_CODES = {
  yamlUnreadable: {
    code: 'MG-SCAN-480',
    severity: 'medium',
    verdict: 'invalid',
    title: 'The YAML config cannot be parsed',
    explanation:
      'The loaders read these configs with a PyYAML safe loader, which refuses this text (syntax error or an unknown tag): nothing in it is loaded.',
    reference: 'https://pyyaml.org/wiki/PyYAMLDocumentation',
  },
  yamlNotFollowed: {
    code: 'MG-SCAN-481',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The YAML config is too large or too deeply nested to check',
    explanation:
      'The config is over the size, alias-expansion or nesting limits of the check, so what it would instantiate could not be verified.',
  },
  hydraDangerousTarget: {
    code: 'MG-SCAN-482',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This config would run a command or load code when the model is loaded',
    explanation:
      'hydra.utils.instantiate imports the `_target_` path and calls it. This target reaches a function that runs programs, evaluates code, imports modules, touches files or the network, or loads another model (the NeMo `.nemo` attack of CVE-2025-23304).',
    reference: NEMO_CVE,
  },
  hydraUnknownTarget: {
    code: 'MG-SCAN-483',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'This config instantiates a class outside the known NeMo, PyTorch and Lightning namespaces',
    explanation:
      'hydra.utils.instantiate imports and calls the `_target_` path. It is not on the allowlist of known model, optimizer and callback classes: it is other code (user code or a third-party package) that runs when the config is instantiated.',
    reference: HYDRA_INSTANTIATE,
  },
  hydraKnownTargets: {
    code: 'MG-SCAN-484',
    severity: 'info',
    verdict: 'benign',
    title: 'Every class this config instantiates is a known NeMo, PyTorch or Lightning class',
    explanation:
      'All `_target_` paths are on the allowlist of model, optimizer, scheduler and callback classes that build objects from their arguments.',
    reference: HYDRA_INSTANTIATE,
  },
  hydraUnresolvedTarget: {
    code: 'MG-SCAN-485',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A `_target_` is computed when the config is loaded',
    explanation:
      'The target is an OmegaConf interpolation (`${…}`): the class it names depends on other keys or on the environment, so it could not be verified.',
    reference: 'https://omegaconf.readthedocs.io/en/latest/usage.html#variable-interpolation',
  },
  hydraBadTarget: {
    code: 'MG-SCAN-486',
    severity: 'low',
    verdict: 'invalid',
    title: 'A `_target_` is not a dotted import path',
    explanation:
      'hydra.utils.instantiate raises on a target that is not a string naming a Python object: the config cannot be instantiated.',
    reference: HYDRA_INSTANTIATE,
  },
  yamlPythonTag: {
    code: 'MG-SCAN-487',
    severity: 'critical',
    verdict: 'malicious',
    title: 'The YAML carries a Python object tag',
    explanation:
      'A `!!python/object/apply` (or similar) tag imports and calls Python code when the YAML is read with PyYAML’s unsafe loaders (yaml.load without a safe Loader, yaml.unsafe_load). No model config needs one.',
    reference: PYYAML_CVE,
  },
  yamlDuplicateKey: {
    code: 'MG-SCAN-488',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The YAML config repeats a key',
    explanation:
      'OmegaConf refuses a repeated key while PyYAML’s safe_load keeps the last one, so two tools read two different configs from the same file (a way to hide a value from a checker).',
  },
  yamlMultiDocument: {
    code: 'MG-SCAN-489',
    severity: 'low',
    verdict: 'invalid',
    title: 'The YAML config holds more than one document',
    explanation: 'OmegaConf and yaml.safe_load read exactly one document and raise on a second one.',
  },
  mlflowPythonModel: {
    code: 'MG-SCAN-490',
    severity: 'high',
    verdict: 'suspicious',
    title: 'Loading this MLflow model runs its own Python code',
    explanation:
      'The python_function flavor names a custom python_model (a cloudpickle file, or a Python file for "models from code") or a loader module outside MLflow: mlflow.pyfunc.load_model unpickles or imports it and runs it.',
    reference: MLFLOW_PYFUNC,
  },
  mlflowDangerousLoader: {
    code: 'MG-SCAN-491',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This MLflow model imports a system module when loaded',
    explanation:
      'mlflow.pyfunc.load_model imports `loader_module` (or torch.load imports `pickle_module_name`) by name. This one is a standard-library or gadget module that runs programs, touches files or the network: no MLflow model names one.',
    reference: MLFLOW_PYFUNC,
  },
  mlflowCodePaths: {
    code: 'MG-SCAN-492',
    severity: 'high',
    verdict: 'suspicious',
    title: 'This MLflow model puts its own code directory on the import path',
    explanation:
      'The `code` entry of python_function is added to sys.path before the loader module is imported, so Python files shipped with the model run when it is loaded.',
    reference: MLFLOW_PYFUNC,
  },
  mlflowUnpickles: {
    code: 'MG-SCAN-493',
    severity: 'info',
    verdict: 'benign',
    title: 'This MLflow flavor unpickles a model file',
    explanation:
      'The flavor loads the named file with pickle, cloudpickle or torch.load. That file is scanned on its own: its verdict is the one that counts.',
    reference: MLFLOW_STORAGE,
  },
  mlflowUnknownFlavor: {
    code: 'MG-SCAN-494',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The MLmodel names a flavor this check does not know',
    explanation:
      'What the flavor’s loader does with the files it names could not be verified (a third-party flavor, or a built-in one whose loader runs code ModelGate does not follow).',
    reference: MLFLOW_STORAGE,
  },
  mlflowKnownFlavors: {
    code: 'MG-SCAN-495',
    severity: 'info',
    verdict: 'benign',
    title: 'The MLmodel names only known MLflow flavors',
    explanation: 'Every flavor is one of MLflow’s own, loaded by MLflow’s code from the files it names.',
    reference: MLFLOW_STORAGE,
  },
  mlflowMalformed: {
    code: 'MG-SCAN-496',
    severity: 'medium',
    verdict: 'invalid',
    title: 'The MLmodel file does not have the layout MLflow writes',
    explanation: 'flavors must be a mapping of flavor names to mappings: mlflow.models.Model.load fails on this file.',
    reference: MLFLOW_STORAGE,
  },
  marManifestMalformed: {
    code: 'MG-SCAN-497',
    severity: 'medium',
    verdict: 'invalid',
    title: 'The TorchServe manifest does not have the layout torch-model-archiver writes',
    explanation:
      'MAR-INF/MANIFEST.json must be a JSON object with a `model` object naming the handler: TorchServe cannot register this archive.',
    reference: TORCHSERVE_ARCHIVER,
  },
  marHandlerCode: {
    code: 'MG-SCAN-498',
    severity: 'high',
    verdict: 'suspicious',
    title: 'TorchServe runs this Python code when it serves the model',
    explanation:
      'The manifest names a custom handler, a model definition file or a requirements file: TorchServe imports the handler and model files (and may pip-install the requirements) when the archive is registered.',
    reference: TORCHSERVE_HANDLERS,
  },
  marBuiltinHandler: {
    code: 'MG-SCAN-499',
    severity: 'info',
    verdict: 'benign',
    title: 'The archive uses one of TorchServe’s built-in handlers',
    explanation: 'The handler is a module TorchServe ships (ts.torch_handler), not code carried by the archive.',
    reference: TORCHSERVE_HANDLERS,
  },
  marPythonSource: {
    code: 'MG-SCAN-500',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The model archive carries Python source code',
    explanation:
      'TorchServe extracts the archive and puts it on the import path of the model worker: its Python files run when imported by the handler. The first lines are shown.',
    reference: TORCHSERVE_ARCHIVER,
  },
  marPythonDangerous: {
    code: 'MG-SCAN-501',
    severity: 'critical',
    verdict: 'malicious',
    title: 'Python code in the model archive runs programs, evaluates code or opens network connections',
    explanation:
      'A Python file of the archive calls os.system/os.popen/os.exec*, subprocess, pty, socket, eval/exec/__import__, ctypes or a URL download: it does this when TorchServe loads the model.',
    reference: TORCHSERVE_HANDLERS,
  },
  llamafileExecutable: {
    code: 'MG-SCAN-502',
    severity: 'high',
    verdict: 'suspicious',
    title: 'This file is a program (a llamafile), not only model weights',
    explanation:
      'A llamafile is an Actually Portable Executable: a shell script, Windows and Linux program with the weights in a ZIP at its end. Running it runs native code that this check does not verify; the weights inside were scanned.',
    reference: LLAMAFILE,
  },
} satisfies FormatCatalog;

export type PackageCode = keyof typeof PACKAGE_CODES;
