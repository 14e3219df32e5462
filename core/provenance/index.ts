/** Model card and datasheet checks (the CycloneDX ML-BOM export is in core/export). */
export {
  checkProvenance,
  isPinned,
  BASE_MODEL_RELATIONS,
  CheckProvenanceInputSchema,
  type CheckProvenanceInput,
  type ProvenanceResult,
  type TextFile,
} from './check.ts';
export { parseCard, modelCardMeta, CardParseError, TEMPLATE_LEFTOVER, type Card, type CardSection } from './card.ts';
export { summarizeDatasetCard, isDatasetCardPath } from './dataset-card.ts';
export { compareConfigs, architectureFamily } from './base-compare.ts';
export { canonicalJson } from '../util/canonical-json.ts';
export {
  provenanceInputs,
  checkFolderProvenance,
  MAX_CARD_BYTES,
  MAX_TOKENIZER_BYTES,
  type FolderText,
  type ProvenanceInput,
} from './inputs.ts';
export { PROVENANCE_CODES, PROVENANCE_REMEDIES, type ProvenanceCode } from './codes.ts';
export {
  ProvenanceSchema,
  type Provenance,
  type ProvenanceDataset,
  type DatasetCardSummary,
  type DatasetField,
} from './schema.ts';
