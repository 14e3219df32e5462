import type { KerasObjectRef } from '../formats/keras.ts';
import { isJsonObject, type JsonValue } from '../formats/strict-json.ts';
import { externalLocationProblem } from './scan-onnx.ts';
import type { ScanFinding } from './types.ts';
import { REFS, validatorFinding } from './validator-codes.ts';
import { catalogFinding } from './format-catalog.ts';
import { KERAS_CODES } from './keras-codes.ts';
import { lambdaCodes, lambdaFindings, type LambdaContext } from './keras-lambda-rules.ts';
import { isGadgetModule, KERAS_GADGET_FUNCTIONS, KERAS_MODULE } from './rules/keras-gadgets.ts';

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

function moduleFindings(o: KerasObjectRef): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const evidence = { path: o.path, module: o.module, className: o.className, registeredName: o.registeredName };
  const fnName = typeof o.config === 'string' ? o.config : o.className;
  if (o.module !== undefined && !KERAS_MODULE.test(o.module)) {
    const code = isGadgetModule(o.module) ? 'MG-SCAN-263' : 'MG-SCAN-264';
    findings.push(
      validatorFinding(code, `object at ${o.path || '/'} imports '${o.className}' from module '${o.module}'`, {
        reference: REFS.kerasModule,
        evidence,
      }),
    );
  } else if (o.module !== undefined && o.className === 'function' && KERAS_GADGET_FUNCTIONS.has(fnName)) {
    findings.push(
      validatorFinding('MG-SCAN-263', `object at ${o.path || '/'} calls Keras function '${o.module}.${fnName}'`, {
        reference: REFS.kerasModule,
        evidence,
      }),
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
