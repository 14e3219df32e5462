import type { ByteSource } from '../io/byte-source.ts';
import { readLightgbm, type LightgbmModel, type LightgbmProblemKind } from '../formats/lightgbm.ts';
import { parseStrictJson } from '../formats/strict-json.ts';
import { FormatError } from '../formats/format-error.ts';
import { treeFinding, type TreeModelCode } from './tree-model-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

export { looksLikeLightgbm } from '../formats/lightgbm.ts';

/** LightGBM text models are read whole; past this the file is "could not verify". */
const MAX_MODEL_BYTES = 256 << 20;

/**
 * Parameters naming a file or a host: prediction ignores them, but training on the model (init_model,
 * refit) or the CLI reads, writes or connects to them (LightGBM Parameters.html, "IO Parameters").
 * An ordinary saved model leaves every one empty.
 */
const FILE_PARAMETERS = new Set([
  'data',
  'valid',
  'input_model',
  'output_model',
  'output_result',
  'convert_model',
  'initscore_filename',
  'valid_data_initscores',
  'forcedsplits_filename',
  'forcedbins_filename',
  'machine_list_filename',
  'machines',
  'parser_config_file',
]);

const PROBLEM_CODES: Record<LightgbmProblemKind, TreeModelCode> = {
  malformed: 'lightgbmMalformed',
  'out-of-range': 'lightgbmOutOfRange',
  'too-large': 'lightgbmTooLarge',
};

/** A LightGBM text model: benign only when every part the loader reads was read and is consistent. */
export async function scanLightgbm(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const limit = Math.min(MAX_MODEL_BYTES, ctx.budget.maxMemberBytes);
  if (source.size > limit) {
    const f = treeFinding('lightgbmTooLarge', `the model is ${source.size} bytes, over the ${limit}-byte limit`);
    return validatorOutcome('lightgbm', [f], ctx);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await source.read(0, source.size));
  } catch {
    return validatorOutcome('lightgbm', [treeFinding('lightgbmMalformed', 'the model is not UTF-8 text')], ctx);
  }
  return validatorOutcome('lightgbm', lightgbmFindings(readLightgbm(text)), ctx);
}

export function lightgbmFindings(model: LightgbmModel): ScanFinding[] {
  const findings = model.problems.map((p) => treeFinding(PROBLEM_CODES[p.kind], p.message));
  for (const [key, value] of model.parameters) {
    if (FILE_PARAMETERS.has(key) && value.trim() !== '') {
      findings.push(treeFinding('lightgbmFileParameter', `parameter ${key} is "${value.slice(0, 200)}"`));
    }
  }
  const trailer = pandasTrailerProblem(model.pandasCategorical);
  if (trailer) findings.push(treeFinding('lightgbmMalformed', trailer));
  if (model.unknownKeys.length > 0) {
    findings.push(
      treeFinding('lightgbmUnknownKey', `keys the loader skips: ${model.unknownKeys.slice(0, 20).join(', ')}`),
    );
  }
  if (findings.every((f) => f.severity === 'info')) {
    const detail = `${model.trees} trees over ${model.maxFeatureIdx + 1} features, every index in range`;
    findings.push(treeFinding('lightgbmChecked', detail));
  }
  return findings;
}

/** lightgbm.basic._load_pandas_categorical: json.loads of the text after the colon; a failure is a load error. */
function pandasTrailerProblem(trailer: string | null): string | null {
  if (trailer === null) return null;
  try {
    parseStrictJson(trailer, { maxDepth: 8, maxNodes: 1_000_000 });
    return null;
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return `pandas_categorical is not valid JSON: ${e.message}`;
  }
}
