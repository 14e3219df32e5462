import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { readCoreml, type CoremlModel } from '../formats/coreml.ts';
import { readMilBlob } from '../formats/mil-blob.ts';
import { parseMlpackageManifest, type MlpackageManifest } from '../formats/mlpackage-manifest.ts';
import { catalogFinding } from './format-catalog.ts';
import { DEVICE_RUNTIME_CODES as CODES } from './device-runtime-codes.ts';
import { externalLocationProblem } from './scan-onnx.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * Core ML checkers: the .mlmodel protobuf, the MIL blob weight file and the .mlpackage manifest. Model types
 * Core ML implements itself (neural networks without custom layers, ML programs, tree ensembles, GLMs, feature
 * engineering…) are parameters for Apple's code; custom models and custom layers need app code, linked models
 * open another file, and ML program weights must stay inside the model.
 */

/** Model types whose payload is opaque model data parsed by an Apple framework (Model.proto, CoreMLModels). */
const OPAQUE_TYPES = new Set(['serializedModel', 'textClassifier', 'wordTagger', 'gazetteer', 'wordEmbedding']);

/** What coremltools writes before a weight file's path; Core ML resolves it inside the compiled model. */
const MODEL_PATH = '@model_path/';

export async function scanCoreml(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let model: CoremlModel;
  try {
    model = await readCoreml(source);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome('coreml', [catalogFinding(CODES, 'coremlInvalid', e.message, { offset: e.offset })], ctx);
  }
  return validatorOutcome('coreml', coremlFindings(model), ctx);
}

export function coremlFindings(m: CoremlModel): ScanFinding[] {
  const findings: ScanFinding[] = [
    ...m.customModels.map((c) => catalogFinding(CODES, 'coremlCustomModel', `custom model class '${c}'`)),
    ...m.customLayers.map((c) => catalogFinding(CODES, 'coremlCustomLayer', `custom layer class '${c}'`)),
    ...m.linkedModels.map((f) => catalogFinding(CODES, 'coremlLinkedModel', `links the compiled model '${f}'`)),
    ...m.types
      .filter((t) => OPAQUE_TYPES.has(t))
      .map((t) => catalogFinding(CODES, 'coremlOpaqueType', `model type ${t}`)),
    ...m.blobFiles.flatMap(weightFindings),
  ];
  if (m.truncated) findings.push(catalogFinding(CODES, 'coremlTooLarge', `the model has ${m.truncated}`));
  findings.push(
    catalogFinding(
      CODES,
      'coremlInventory',
      `specification version ${m.specificationVersion}, model types ${m.types.join(', ')}, ${m.layers} layers, ` +
        `${m.operations} ML program operations, weight files ${m.blobFiles.join(', ') || 'none'}`,
      { evidence: { types: m.types, opTypes: m.opTypes, weightFiles: m.blobFiles } },
    ),
  );
  return findings;
}

/** Why a BlobFileValue.fileName reads outside the model, or nothing when it stays inside. */
export function weightFindings(fileName: string): ScanFinding[] {
  const inside = fileName.startsWith(MODEL_PATH) ? fileName.slice(MODEL_PATH.length) : fileName;
  const problem = externalLocationProblem(inside);
  if (problem) {
    return [
      catalogFinding(CODES, 'coremlWeightEscapes', `weight file '${fileName}' ${problem}`, { evidence: { fileName } }),
    ];
  }
  if (!fileName.startsWith(MODEL_PATH)) {
    return [
      catalogFinding(CODES, 'coremlWeightUnanchored', `weight file '${fileName}' does not start with ${MODEL_PATH}`),
    ];
  }
  return [];
}

export async function scanMilBlob(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  try {
    const s = await readMilBlob(source);
    const detail = `${s.count} tensor blobs, ${s.dataBytes} bytes of tensor data`;
    return validatorOutcome('coreml-weights', [catalogFinding(CODES, 'milBlobInventory', detail)], ctx);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome(
      'coreml-weights',
      [catalogFinding(CODES, 'milBlobInvalid', e.message, { offset: e.offset })],
      ctx,
    );
  }
}

const MAX_MANIFEST = 1 << 20;

export async function scanMlpackageManifest(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let manifest: MlpackageManifest;
  try {
    if (source.size > MAX_MANIFEST) throw new FormatError(`manifest is ${source.size} bytes (limit ${MAX_MANIFEST})`);
    manifest = parseMlpackageManifest(await source.read(0, source.size));
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome('mlpackage-manifest', [catalogFinding(CODES, 'mlpackageManifestInvalid', e.message)], ctx);
  }
  return validatorOutcome('mlpackage-manifest', manifestFindings(manifest), ctx);
}

export function manifestFindings(m: MlpackageManifest): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const [id, item] of Object.entries(m.itemInfoEntries)) {
    const problem = externalLocationProblem(item.path);
    if (problem) {
      findings.push(catalogFinding(CODES, 'mlpackagePathEscapes', `item ${id} path '${item.path}' ${problem}`));
    }
  }
  const root = m.itemInfoEntries[m.rootModelIdentifier]!;
  const items = Object.values(m.itemInfoEntries).map((i) => i.path);
  findings.push(
    catalogFinding(CODES, 'mlpackageInventory', `root model '${root.path}', ${items.length} items`, {
      evidence: { items: items.slice(0, 64), version: m.fileFormatVersion },
    }),
  );
  return findings;
}
