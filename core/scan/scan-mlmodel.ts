import { externalLocationProblem } from './scan-onnx.ts';
import { z } from 'zod';
import type { ByteSource } from '../io/byte-source.ts';
import { catalogFinding } from './format-catalog.ts';
import { classifyTarget } from './hydra-targets.ts';
import { PACKAGE_CODES } from './package-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { readConfig } from './yaml-findings.ts';

/**
 * An MLflow `MLmodel` file (https://mlflow.org/docs/latest/models.html#storage-format): the `flavors` mapping
 * says how each loader reads the model directory. mlflow.pyfunc.load_model imports
 * `flavors.python_function.loader_module` (after putting `code` on sys.path) and calls its `_load_pyfunc`; the
 * custom-model flavor unpickles `python_model` with cloudpickle (mlflow/pyfunc/__init__.py, model.py).
 */
const FlavorSchema = z.record(z.string(), z.unknown());
const MLmodelSchema = z.object({ flavors: z.record(z.string(), FlavorSchema) }).passthrough();
type Flavor = z.infer<typeof FlavorSchema>;

/**
 * Flavors whose MLflow loader reads data files with the framework's own non-executing loader (ONNX protobuf,
 * transformers/sentence-transformers weights and configs, SavedModel, Keras, XGBoost/LightGBM/CatBoost native
 * files, Prophet JSON, Spark ML pipelines): the files are scanned on their own.
 */
const DATA_FLAVORS = new Set([
  'onnx', 'transformers', 'sentence_transformers', 'tensorflow', 'keras', 'xgboost', 'lightgbm', 'catboost',
  'prophet', 'spark', 'paddle', 'h2o',
]); // prettier-ignore

/** Flavors whose loader unpickles a file (mlflow/<flavor>/__init__.py: pickle, cloudpickle or torch.load). */
const PICKLE_FLAVORS: Record<string, (conf: Flavor) => string | undefined> = {
  sklearn: (c) => (c.serialization_format === 'skops' ? undefined : (str(c.pickled_model) ?? 'model.pkl')),
  pytorch: (c) => `${str(c.model_data) ?? 'data'}/model.pth`,
  statsmodels: (c) => str(c.data) ?? 'model.statsmodels',
  pmdarima: (c) => str(c.pickled_model) ?? 'model.pmd',
  fastai: (c) => str(c.data) ?? 'model.fastai',
  diviner: (c) => str(c.data) ?? 'model.div',
};

/** torch.load's pickle modules that MLflow itself writes (mlflow/pytorch/__init__.py). */
const MLFLOW_PICKLE_MODULES = new Set(['mlflow.pytorch.pickle_module', 'pickle', 'cloudpickle']);

export async function scanMLmodel(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const read = await readConfig(source, source.name || 'MLmodel');
  const findings = [...read.findings];
  if (read.value !== undefined) findings.push(...mlmodelFindings(read.value));
  return validatorOutcome('mlflow-mlmodel', findings, ctx);
}

export function mlmodelFindings(value: unknown): ScanFinding[] {
  const parsed = MLmodelSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = `flavors: ${issue?.message ?? 'wrong layout'} at ${issue?.path.join('.') || '/'}`;
    return [catalogFinding(PACKAGE_CODES, 'mlflowMalformed', detail)];
  }
  const findings: ScanFinding[] = [];
  const known: string[] = [];
  for (const [name, conf] of Object.entries(parsed.data.flavors)) {
    const own = flavorFindings(name, conf);
    if (own === undefined) {
      findings.push(catalogFinding(PACKAGE_CODES, 'mlflowUnknownFlavor', `flavor '${name}'`));
      continue;
    }
    findings.push(...own);
    known.push(name);
  }
  if (known.length > 0) {
    const detail = `flavors: ${known.join(', ')}`;
    findings.push(catalogFinding(PACKAGE_CODES, 'mlflowKnownFlavors', detail, { evidence: { flavors: known } }));
  }
  return findings;
}

/** The findings of one flavor; undefined when this check does not know the flavor. */
function flavorFindings(name: string, conf: Flavor): ScanFinding[] | undefined {
  if (name === 'python_function') return pyfuncFindings(conf);
  if (name === 'pytorch') return [...unpickleFindings(name, conf), ...pickleModuleFindings(conf)];
  if (name in PICKLE_FLAVORS) return unpickleFindings(name, conf);
  return DATA_FLAVORS.has(name) ? [] : undefined;
}

function unpickleFindings(name: string, conf: Flavor): ScanFinding[] {
  if (name === 'sklearn' && !['pickle', 'cloudpickle', 'skops', undefined].includes(str(conf.serialization_format))) {
    const detail = `sklearn serialization_format '${String(conf.serialization_format)}' is not one MLflow reads`;
    return [catalogFinding(PACKAGE_CODES, 'mlflowMalformed', detail)];
  }
  const file = PICKLE_FLAVORS[name]?.(conf);
  if (!file) return [];
  const detail = `the ${name} flavor unpickles '${file}'`;
  return [catalogFinding(PACKAGE_CODES, 'mlflowUnpickles', detail, { evidence: { flavor: name, file } })];
}

/** mlflow.pytorch imports `pickle_module_name` and hands it to torch.load. */
function pickleModuleFindings(conf: Flavor): ScanFinding[] {
  const module = conf.pickle_module_name;
  if (module === undefined) return [];
  if (typeof module !== 'string')
    return [catalogFinding(PACKAGE_CODES, 'mlflowMalformed', 'pickle_module_name is not a string')];
  if (MLFLOW_PICKLE_MODULES.has(module)) return [];
  return [moduleFinding(module, `torch.load uses the pickle module '${module}'`)];
}

function pyfuncFindings(conf: Flavor): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const loader = conf.loader_module;
  if (typeof loader !== 'string' || loader === '') {
    return [catalogFinding(PACKAGE_CODES, 'mlflowMalformed', 'python_function has no loader_module string')];
  }
  if (!loader.startsWith('mlflow.'))
    findings.push(moduleFinding(loader, `python_function imports loader_module '${loader}'`));
  if (conf.python_model !== undefined) {
    const detail = `python_function runs the custom model '${String(conf.python_model)}' (cloudpickle or Python source)`;
    findings.push(
      catalogFinding(PACKAGE_CODES, 'mlflowPythonModel', detail, { evidence: { python_model: conf.python_model } }),
    );
  }
  // pyfunc joins `data` (and a flavor's model_path) to the model folder: an absolute path or `..` makes the
  // loader unpickle a file outside the folder, which this scan never saw.
  for (const key of ['data', 'model_path'] as const) {
    const path = conf[key];
    const problem = typeof path === 'string' ? externalLocationProblem(path) : null;
    if (problem === null) continue;
    const detail = `python_function loads its ${key} '${String(path)}', which ${problem}: that file was not scanned`;
    findings.push(catalogFinding(PACKAGE_CODES, 'mlflowPythonModel', detail, { evidence: { [key]: path } }));
  }
  if (conf.code !== undefined && conf.code !== null) {
    const detail = `python_function puts '${JSON.stringify(conf.code)}' on sys.path before importing ${loader}`;
    findings.push(catalogFinding(PACKAGE_CODES, 'mlflowCodePaths', detail, { evidence: { code: conf.code } }));
  }
  return findings;
}

/** A module imported by name: a gadget module is malicious, any other module outside MLflow is user code. */
function moduleFinding(module: string, detail: string): ScanFinding {
  const cls = classifyTarget(module);
  if (cls.kind === 'dangerous') return catalogFinding(PACKAGE_CODES, 'mlflowDangerousLoader', `${detail}: ${cls.why}`);
  return catalogFinding(PACKAGE_CODES, 'mlflowPythonModel', detail, { evidence: { module } });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
