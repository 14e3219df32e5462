import { catalogFinding, type FormatCatalog } from './format-catalog.ts';
import type { ScanFinding } from './types.ts';

/** Sources of the rules, cited by the catalog entries below. */
export const TREE_REFS = {
  lightgbmLoader: 'https://github.com/microsoft/LightGBM/blob/v4.6.0/src/boosting/gbdt_model_text.cpp',
  lightgbmTree: 'https://github.com/microsoft/LightGBM/blob/v4.6.0/src/io/tree.cpp',
  lightgbmParams: 'https://lightgbm.readthedocs.io/en/v4.6.0/Parameters.html',
  xgboostSchema: 'https://github.com/dmlc/xgboost/blob/master/doc/model.schema',
  xgboostSaving: 'https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html',
  ubjson: 'https://ubjson.org/type-reference/',
  catboostFbs: 'https://github.com/catboost/catboost/blob/master/catboost/libs/model/flatbuffers/model.fbs',
  skopsPersistence: 'https://skops.readthedocs.io/en/stable/persistence.html',
  skopsCve2024: 'https://nvd.nist.gov/vuln/detail/CVE-2024-37065',
  skopsCve2025: 'https://nvd.nist.gov/vuln/detail/CVE-2025-54412',
} as const;

/**
 * Finding codes of the tree and classic-ML model checkers: MG-SCAN-400 … 439 (core/scan/README.md).
 * LightGBM text models 400–409, XGBoost JSON/UBJSON 410–419, CatBoost 420–424, skops 425–439.
 */
export const TREE_MODEL_CODES = {
  lightgbmChecked: {
    code: 'MG-SCAN-400',
    severity: 'info',
    verdict: 'benign',
    title: 'LightGBM model fully read: every tree is consistent',
    explanation: 'A LightGBM text model holds numbers only; every header key, tree and index was read and is in range.',
    reference: TREE_REFS.lightgbmLoader,
  },
  lightgbmMalformed: {
    code: 'MG-SCAN-401',
    severity: 'high',
    verdict: 'invalid',
    title: 'The LightGBM model is malformed',
    explanation:
      'A required key is missing, a number does not parse or an array has the wrong length: LightGBM refuses the file or reads past its arrays.',
    reference: TREE_REFS.lightgbmLoader,
  },
  lightgbmOutOfRange: {
    code: 'MG-SCAN-402',
    severity: 'high',
    verdict: 'invalid',
    title: 'A LightGBM tree points outside its arrays',
    explanation:
      'LightGBM does not bound-check child indices, split features or categorical thresholds when it predicts: an out-of-range index reads out of bounds and a cycle never ends.',
    reference: TREE_REFS.lightgbmTree,
  },
  lightgbmTooLarge: {
    code: 'MG-SCAN-403',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The LightGBM model is too large to check',
    explanation: 'The file or one of its trees is over the limits of the check, so it was not read to the end.',
  },
  lightgbmFileParameter: {
    code: 'MG-SCAN-404',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The LightGBM model names a file or machine that further training would use',
    explanation:
      'Parameters such as forcedsplits_filename or machines are ignored by prediction but read (or contacted) when the model is trained on: an ordinary saved model leaves them empty.',
    reference: TREE_REFS.lightgbmParams,
  },
  lightgbmUnknownKey: {
    code: 'MG-SCAN-405',
    severity: 'info',
    verdict: 'benign',
    title: 'The LightGBM model has keys the loader ignores',
    explanation: 'LightGBM reads the keys it knows and skips the others; they are listed for review.',
    reference: TREE_REFS.lightgbmLoader,
  },
  xgboostChecked: {
    code: 'MG-SCAN-410',
    severity: 'info',
    verdict: 'benign',
    title: 'XGBoost model fully read: every tree is consistent',
    explanation: 'The model follows the published schema and every tree index is in range.',
    reference: TREE_REFS.xgboostSchema,
  },
  xgboostMalformed: {
    code: 'MG-SCAN-411',
    severity: 'high',
    verdict: 'invalid',
    title: 'The XGBoost model is malformed',
    explanation:
      'The document is not valid JSON/UBJSON or does not follow the model schema (a missing field, a wrong type), so XGBoost refuses it or misreads it.',
    reference: TREE_REFS.xgboostSchema,
  },
  xgboostOutOfRange: {
    code: 'MG-SCAN-412',
    severity: 'high',
    verdict: 'invalid',
    title: 'An XGBoost tree points outside its arrays',
    explanation:
      'Tree arrays must have one entry per node, child and parent indices must stay inside the tree and split indices below num_feature: otherwise prediction reads out of bounds or loops.',
    reference: TREE_REFS.xgboostSchema,
  },
  xgboostCountMismatch: {
    code: 'MG-SCAN-413',
    severity: 'high',
    verdict: 'invalid',
    title: 'The XGBoost model counts do not match its trees',
    explanation: 'num_trees, tree_info and num_class must agree with the trees stored; loaders index by them.',
    reference: TREE_REFS.xgboostSchema,
  },
  xgboostPickleAttribute: {
    code: 'MG-SCAN-414',
    severity: 'high',
    verdict: 'suspicious',
    title: 'An XGBoost attribute carries a pickle',
    explanation:
      'Attributes are free strings; XGBoost never runs them, but code around the model may unpickle one. The pickle was scanned as well.',
    reference: TREE_REFS.xgboostSaving,
  },
  xgboostUnknownKey: {
    code: 'MG-SCAN-415',
    severity: 'info',
    verdict: 'benign',
    title: 'The XGBoost model has keys the schema does not list',
    explanation: 'XGBoost reads the keys it knows and ignores the others; they are listed for review.',
    reference: TREE_REFS.xgboostSchema,
  },
  xgboostTooLarge: {
    code: 'MG-SCAN-416',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The XGBoost model is too large to check',
    explanation: 'The file is over the limits of the check (size, nesting, number of nodes), so it was not verified.',
  },
  xgboostNotFollowed: {
    code: 'MG-SCAN-417',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Part of the XGBoost model could not be checked',
    explanation:
      'The model uses a form the check does not follow (the legacy binary format, an unknown booster, a UBJSON high-precision number), so it could not be verified.',
    reference: TREE_REFS.xgboostSchema,
  },
  catboostNotFollowed: {
    code: 'MG-SCAN-420',
    severity: 'medium',
    verdict: 'unverified',
    title: 'CatBoost model recognised but not verified',
    explanation:
      'The CBM1 header and its FlatBuffers bounds are sound, but the trees inside are not followed, so the model could not be verified.',
    reference: TREE_REFS.catboostFbs,
  },
  catboostMalformed: {
    code: 'MG-SCAN-421',
    severity: 'high',
    verdict: 'invalid',
    title: 'The CatBoost model is malformed',
    explanation:
      'The core size or the FlatBuffers root offset points outside the file, so CatBoost refuses it or reads out of bounds.',
    reference: TREE_REFS.catboostFbs,
  },
  skopsChecked: {
    code: 'MG-SCAN-425',
    severity: 'info',
    verdict: 'benign',
    title: 'skops schema fully read: every type is trusted by default',
    explanation: 'skops.io.load would create only types on its default trusted list.',
    reference: TREE_REFS.skopsPersistence,
  },
  skopsDangerous: {
    code: 'MG-SCAN-426',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This skops model would run code, touch files or resolve attributes when loaded',
    explanation:
      'The schema names a callable such as os.system, builtins.eval or operator.attrgetter; once trusted, skops calls or builds it while loading.',
    reference: TREE_REFS.skopsCve2025,
  },
  skopsUntrusted: {
    code: 'MG-SCAN-427',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The skops model needs types you must trust by hand',
    explanation:
      'skops refuses types outside its default trusted list unless the user names them in trusted=[…]; doing so runs their constructors.',
    reference: TREE_REFS.skopsCve2024,
  },
  skopsMalformed: {
    code: 'MG-SCAN-428',
    severity: 'high',
    verdict: 'invalid',
    title: 'The skops schema is malformed',
    explanation:
      'schema.json is not valid JSON, repeats a key, or a node lacks __class__, __module__ or __loader__: skops refuses it.',
    reference: TREE_REFS.skopsPersistence,
  },
  skopsNotFollowed: {
    code: 'MG-SCAN-429',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Part of the skops schema could not be checked',
    explanation:
      'A node uses a loader the check does not follow, or the schema is over the limits of the check, so it could not be verified.',
    reference: TREE_REFS.skopsPersistence,
  },
} as const satisfies FormatCatalog;

export type TreeModelCode = keyof typeof TREE_MODEL_CODES;

export function treeFinding(
  key: TreeModelCode,
  detail: string,
  extra: Pick<ScanFinding, 'member' | 'offset' | 'evidence'> = {},
): ScanFinding {
  return catalogFinding(TREE_MODEL_CODES, key, detail, extra);
}
