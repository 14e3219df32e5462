import type { KerasObjectRef } from '../formats/keras.ts';
import { isJsonObject, type JsonValue } from '../formats/strict-json.ts';
import { externalLocationProblem } from './scan-onnx.ts';
import type { ScanFinding } from './types.ts';
import { REFS, validatorFinding } from './validator-codes.ts';
import { catalogFinding } from './format-catalog.ts';
import { KERAS_CODES } from './keras-codes.ts';
import { lambdaCodes, lambdaFindings, type LambdaContext } from './keras-lambda-rules.ts';
import { isGadgetModule, KERAS_GADGET_FUNCTIONS, KERAS_MODULE } from './rules/keras-gadgets.ts';
import { KERAS_KNOWN_CLASSES, KERAS_KNOWN_FUNCTIONS } from './rules/keras-known-classes.ts';
import { dangerousCallable, dangerousWord } from './rules/dangerous-names.ts';

/**
 * Rules over every serialized object of a Keras config (techniques 34–35). Kept as data: modules that
 * Keras ships, modules that are code-execution gadgets, and Keras-internal functions that defeat
 * safe_mode when named in a config.
 */

/** Where a configuration was read from: decides what safe_mode does about it (keras-lambda-rules.ts). */
export type KerasContainer = LambdaContext['container'];

export function kerasFindings(objects: KerasObjectRef[], container: KerasContainer = 'keras'): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const o of objects) {
    findings.push(
      ...lambdaFindings(o, { container }),
      ...namedLambdaFindings(o),
      ...moduleFindings(o),
      ...tfsmFindings(o),
      ...vocabularyFindings(o),
      ...unknownClassFindings(o),
    );
    if (findings.length >= 50) break;
  }
  return findings;
}

function isLambda(o: KerasObjectRef): boolean {
  return o.className === 'Lambda' || /(^|>)Lambda$/.test(o.registeredName ?? '');
}

/**
 * A Lambda layer whose function is not bytecode: a named function. Keras 3 writes it as a nested
 * {module, class_name: "function", config: name} object (checked by moduleFindings); Keras 2 / tf_keras as
 * config.function = name with config.module, and its from_config resolves the name in that module's globals
 * (tf_keras/layers/core/lambda_layer.py), so a gadget module there is as dangerous as a `module` key.
 */
function namedLambdaFindings(o: KerasObjectRef): ScanFinding[] {
  if (!isLambda(o) || lambdaCodes(o).length > 0) return [];
  const cfg = isJsonObject(o.config) ? o.config : {};
  const fn: JsonValue | undefined = cfg.function;
  if (isJsonObject(fn) && fn.class_name === '__lambda__') return []; // the nested __lambda__ object is judged
  const evidence = { path: o.path, name: typeof cfg.name === 'string' ? cfg.name : undefined };
  const module = typeof cfg.module === 'string' ? cfg.module : undefined;
  if (typeof fn === 'string' && module !== undefined && !KERAS_MODULE.test(module) && isGadgetModule(module)) {
    const detail = `Lambda layer at ${o.path || '/'} calls '${fn}' from module '${module}'`;
    return [
      validatorFinding('MG-SCAN-263', detail, { reference: REFS.kerasModule, evidence: { ...evidence, module } }),
    ];
  }
  return [
    validatorFinding('MG-SCAN-262', `Lambda layer at ${o.path || '/'} calls a Python function`, {
      reference: REFS.kerasLambda,
      evidence,
    }),
  ];
}

/**
 * A function of a keras module must be one of Keras' modeling functions (activations, losses, metrics, ops …):
 * any other public Keras function is a potential gadget (CVE-2025-8747 used keras.utils.get_file), malicious
 * when its name says it runs, loads, writes or fetches something, else unknown code.
 */
function kerasFunctionFindings(o: KerasObjectRef, fnName: string): ScanFinding[] {
  if (KERAS_KNOWN_FUNCTIONS.has(fnName)) return [];
  const evidence = { path: o.path, module: o.module, function: fnName };
  if (dangerousCallable(o.module ?? '', fnName) || dangerousWord(o.module ?? '', fnName)) {
    const detail = `object at ${o.path || '/'} calls Keras function '${o.module}.${fnName}', which is not a modeling function`;
    return [validatorFinding('MG-SCAN-263', detail, { reference: REFS.kerasModule, evidence })];
  }
  const detail = `object at ${o.path || '/'} names function '${o.module}.${fnName}', which Keras does not ship as a modeling function`;
  return [catalogFinding(KERAS_CODES, 'unknownClass', detail, { evidence })];
}

/**
 * Special objects of keras/src/saving/serialization_lib.py `deserialize_keras_object`, and of tf.keras 2's
 * saving/saved_model/json_utils.py `_decode_helper` (tuples, TensorShape, TypeSpec), decoded in place.
 */
const SPECIAL_CLASSES = new Set([
  '__keras_tensor__', '__tensor__', '__numpy__', '__bytes__', '__ellipsis__', '__slice__', '__typespec__', '__lambda__',
  '__tuple__', 'TensorShape', 'TypeSpec',
]); // prettier-ignore

/**
 * Positive proof for Keras' own objects: an object without a module (legacy .h5 configs) or in a keras
 * namespace must name a class Keras ships, else the loader resolves it from user-registered code. Named
 * functions ({class_name: "function"}) are judged by moduleFindings; keras_hub / keras_cv / keras_nlp
 * classes are Keras packages whose classes this list does not hold.
 */
function unknownClassFindings(o: KerasObjectRef): ScanFinding[] {
  if (o.className === 'function' || SPECIAL_CLASSES.has(o.className)) return [];
  if (o.registeredName?.includes('>')) return []; // a registered custom object: moduleFindings
  const kerasProper = o.module === undefined || /^(keras|tf_keras|tensorflow\.keras)(\.|$)/.test(o.module);
  // tf.keras 2.11–2.12 wrote its optimizers as "Custom>Adam" in training configs.
  const className = o.module === undefined ? o.className.replace(/^Custom>/, '') : o.className;
  if (!kerasProper || KERAS_KNOWN_CLASSES.has(className)) return [];
  const from = o.module === undefined ? '' : ` in module '${o.module}'`;
  const detail = `object at ${o.path || '/'} is a '${o.className}'${from}, which Keras does not ship`;
  return [catalogFinding(KERAS_CODES, 'unknownClass', detail, { evidence: { path: o.path, className: o.className } })];
}

/**
 * Lookup layers open a string `vocabulary` with tf.io.gfile when built (keras/src/layers/preprocessing/
 * index_lookup.py `set_vocabulary`); Keras saves the vocabulary as an archive asset and never a path there.
 */
function vocabularyFindings(o: KerasObjectRef): ScanFinding[] {
  const cfg = isJsonObject(o.config) ? o.config : undefined;
  if (!cfg || typeof cfg.vocabulary !== 'string') return [];
  const detail = `${o.className} at ${o.path || '/'} reads its vocabulary from '${cfg.vocabulary}' when loaded`;
  return [
    catalogFinding(KERAS_CODES, 'vocabularyFile', detail, { evidence: { path: o.path, vocabulary: cfg.vocabulary } }),
  ];
}

/**
 * What safe_mode does about a module outside Keras (keras/src/saving/serialization_lib.py
 * `_retrieve_class_or_fn`): Keras < 3.9 imports any module even with safe_mode=True (CVE-2025-1550); later
 * versions import only keras, keras_hub, keras_cv and keras_nlp, but a user who registers custom objects or
 * loads with an older Keras or tf_keras is not protected. Never a reason to call the file clean.
 */
const SAFE_MODE_GADGET = 'Keras before 3.9 imports it even with safe_mode=True (CVE-2025-1550); later ones refuse it';
const SAFE_MODE_CUSTOM = 'safe_mode does not cover custom objects: the loader needs code that is not in the file';

function moduleFindings(o: KerasObjectRef): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const evidence = { path: o.path, module: o.module, className: o.className, registeredName: o.registeredName };
  const fnName = typeof o.config === 'string' ? o.config : o.className;
  if (o.module !== undefined && !KERAS_MODULE.test(o.module)) {
    const gadget = isGadgetModule(o.module);
    const what =
      o.className === 'function'
        ? `calls '${o.module}.${fnName}'`
        : `imports '${o.className}' from module '${o.module}'`;
    const detail = `object at ${o.path || '/'} ${what}; ${gadget ? SAFE_MODE_GADGET : SAFE_MODE_CUSTOM}`;
    findings.push(
      validatorFinding(gadget ? 'MG-SCAN-263' : 'MG-SCAN-264', detail, {
        reference: REFS.kerasModule,
        evidence: { ...evidence, safeMode: gadget ? SAFE_MODE_GADGET : SAFE_MODE_CUSTOM },
      }),
    );
  } else if (o.module !== undefined && o.className === 'function' && !KERAS_GADGET_FUNCTIONS.has(fnName)) {
    findings.push(...kerasFunctionFindings(o, fnName));
  } else if (o.module !== undefined && o.className === 'function' && KERAS_GADGET_FUNCTIONS.has(fnName)) {
    findings.push(
      validatorFinding(
        'MG-SCAN-263',
        `object at ${o.path || '/'} calls Keras function '${o.module}.${fnName}'; Keras 3.0–3.10 run it even with safe_mode=True (CVE-2025-8747, CVE-2025-9906)`,
        { reference: REFS.kerasModule, evidence },
      ),
    );
  }
  const reg = o.registeredName;
  if (reg !== undefined && reg.includes('>')) {
    const pkg = reg.split('>')[0] ?? '';
    if (!KERAS_MODULE.test(pkg)) {
      const code = isGadgetModule(pkg) ? 'MG-SCAN-263' : 'MG-SCAN-264';
      findings.push(
        validatorFinding(code, `object at ${o.path || '/'} is registered as '${reg}', outside Keras`, {
          reference: REFS.kerasModule,
          evidence,
        }),
      );
    }
  }
  return findings;
}

function tfsmFindings(o: KerasObjectRef): ScanFinding[] {
  if (o.className !== 'TFSMLayer' && !/(^|>)TFSMLayer$/.test(o.registeredName ?? '')) return [];
  const cfg = isJsonObject(o.config) ? o.config : {};
  const path = typeof cfg.filepath === 'string' ? cfg.filepath : '';
  const problem =
    path === '' ? null : /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? 'is remote' : externalLocationProblem(path);
  const evidence = { path: o.path, filepath: path };
  if (problem) {
    return [
      validatorFinding(
        'MG-SCAN-269',
        `TFSMLayer at ${o.path || '/'} loads a SavedModel from '${path}', which ${problem}`,
        { reference: REFS.kerasTfsm, evidence },
      ),
    ];
  }
  return [
    validatorFinding('MG-SCAN-265', `TFSMLayer at ${o.path || '/'} loads the SavedModel '${path}'`, {
      reference: REFS.kerasTfsm,
      evidence,
    }),
  ];
}
