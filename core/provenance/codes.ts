import type { CatalogEntry } from '../check/types.ts';

/** Finding codes of the model card and datasheet checks: MG-PROV-001 … */
export const PROVENANCE_CODES = {
  'MG-PROV-001': {
    severity: 'high',
    title: 'The model card does not name the model it was built from',
    explanation:
      'A fine-tune should name its parent in `base_model`. Without it nobody can check where the model came from or compare it with its base. Models trained from scratch should say so instead.',
  },
  'MG-PROV-002': {
    severity: 'low',
    title: 'The model card does not say how the model relates to its base',
    explanation:
      '`base_model_relation` (finetune, adapter, merge or quantized) is missing or not one of these values, so readers must guess what was done to the base.',
  },
  'MG-PROV-003': {
    severity: 'high',
    title: 'The model card declares no license',
    explanation:
      'Without a `license` nobody knows whether the model may be used, shared or sold. A custom license (`other`) must also give `license_name` and `license_link`.',
  },
  'MG-PROV-004': {
    severity: 'high',
    title: 'The custom license is not identified',
    explanation:
      'The card says `license: other` but does not give both `license_name` and `license_link`, so the actual terms cannot be found.',
  },
  'MG-PROV-005': {
    severity: 'high',
    title: 'The model card names no training data',
    explanation:
      'The `datasets` list is missing or empty. What a model was trained on decides much of how it behaves; without it, its behavior and legal status cannot be assessed.',
  },
  'MG-PROV-006': {
    severity: 'medium',
    title: 'A training dataset is not pinned to a version',
    explanation:
      'The dataset is named but no revision (commit) or content hash is given. Datasets change over time, so the name alone does not say which data the model saw.',
  },
  'MG-PROV-007': {
    severity: 'medium',
    title: 'A dataset card does not say where the data came from',
    explanation: 'The dataset card or datasheet has no filled-in section on the sources of the data.',
  },
  'MG-PROV-008': {
    severity: 'medium',
    title: 'A dataset card does not say how the data was collected',
    explanation:
      'The dataset card or datasheet does not describe the collection process (who collected it, how, selection criteria).',
  },
  'MG-PROV-009': {
    severity: 'medium',
    title: 'A dataset card does not say how the data was filtered or cleaned',
    explanation:
      'No preprocessing, cleaning or filtering is described, so unwanted or harmful content may have been left in, or useful content silently removed.',
  },
  'MG-PROV-010': {
    severity: 'low',
    title: 'A dataset card gives no date or version for the data',
    explanation:
      'Neither a freeze date (when the data was collected or frozen) nor a pinned revision is given, so later changes to the data cannot be told apart from what the model saw.',
  },
  'MG-PROV-011': {
    severity: 'medium',
    title: 'A dataset card does not say whether the data holds personal information',
    explanation:
      'No statement about personal or sensitive information (PII) or how it was removed. A model trained on personal data can repeat it.',
  },
  'MG-PROV-012': {
    severity: 'info',
    title: 'A declared dataset’s documentation was not available',
    explanation:
      'The model card names this dataset, but no dataset card or datasheet for it was given with the model, so its documentation was not checked.',
  },
  'MG-PROV-013': {
    severity: 'low',
    title: 'A card still contains unfilled template text',
    explanation:
      'Sections still read “[More Information Needed]”: the card template was not filled in, and those sections say nothing.',
  },
  'MG-PROV-014': {
    severity: 'high',
    title: 'The model’s configuration does not match the base model it names',
    explanation:
      'The architecture, hidden size, number of layers or vocabulary size in config.json differ from the named base model’s. A fine-tune keeps these, so the `base_model` claim is likely wrong.',
  },
  'MG-PROV-015': {
    severity: 'high',
    title: 'The model’s tokenizer differs from the base model’s',
    explanation:
      'tokenizer.json is not the same as the named base model’s. Fine-tunes normally keep the base tokenizer; a changed one can mean another base, or added tokens that should be declared.',
  },
  'MG-PROV-016': {
    severity: 'high',
    title: 'No model card was found',
    explanation:
      'There is no README.md model card, so nothing says where the model came from, what it was trained on, or under which license it may be used.',
  },
  'MG-PROV-017': {
    severity: 'high',
    title: 'The card’s metadata could not be read',
    explanation:
      'The YAML block at the top of the card is malformed or has fields of the wrong type, so its base model, license and datasets could not be read.',
  },
  'MG-PROV-018': {
    severity: 'info',
    title: 'The base model’s files could not be compared',
    explanation:
      'A base model folder was given, but config.json or tokenizer.json is missing on one side, so that part of the claim was not verified.',
  },
  'MG-PROV-019': {
    severity: 'medium',
    title: 'A card field is longer than ModelGate reads',
    explanation:
      'A metadata field of the model card or config.json (a license id, a base model, a dataset entry, a model type) is longer, or lists more entries, than any real one. It was cut to the limit and reported, so what the card claims there was not read in full.',
  },
  'MG-PROV-020': {
    severity: 'medium',
    title: 'A configuration or tokenizer file could not be read',
    explanation:
      'config.json, tokenizer.json or tokenizer_config.json is larger or more deeply nested than any real one, or is not valid JSON, so it was not read and the model’s configuration or tokenizer could not be checked. A file built like this crashes or stalls the programs that load it.',
  },
} satisfies Record<string, CatalogEntry>;

export type ProvenanceCode = keyof typeof PROVENANCE_CODES;

/** What to do about each finding, in plain language. */
export const PROVENANCE_REMEDIES: Record<ProvenanceCode, string> = {
  'MG-PROV-001':
    'Ask the publisher to add `base_model: <org/name>` to the card’s YAML, or to state that the model was pretrained from scratch.',
  'MG-PROV-002': 'Add `base_model_relation: finetune` (or adapter, merge, quantized) to the card’s YAML.',
  'MG-PROV-003':
    'Add a `license:` with an SPDX identifier (for example apache-2.0), or do not use the model until it has one.',
  'MG-PROV-004': 'Add `license_name:` and `license_link:` (a URL to the license text) next to `license: other`.',
  'MG-PROV-005': 'List the training datasets under `datasets:` in the card’s YAML (Hub ids or URLs).',
  'MG-PROV-006':
    'Pin each dataset: give its Hub revision (commit) or a SHA-256 of the data, for example `{id: org/data, revision: <commit>}`.',
  'MG-PROV-007': 'Fill in the dataset card’s “Source Data” section: where the data came from and who produced it.',
  'MG-PROV-008': 'Describe the collection process in the dataset card (“Data Collection and Processing”).',
  'MG-PROV-009': 'Describe the filtering, cleaning and preprocessing applied to the data.',
  'MG-PROV-010': 'State when the data was collected or frozen, or pin the dataset to a revision.',
  'MG-PROV-011':
    'Add a “Personal and Sensitive Information” section: whether the data holds PII and how it was removed.',
  'MG-PROV-012':
    'Include the dataset card (datasets/<name>/README.md or a datasheet) with the model to have it checked.',
  'MG-PROV-013': 'Replace every “[More Information Needed]” with real content, or delete the section.',
  'MG-PROV-014':
    'Check that the declared base model is the right one; if the architecture was changed on purpose, say so in the card.',
  'MG-PROV-015': 'Check that the declared base model is the right one; if tokens were added, declare them in the card.',
  'MG-PROV-016': 'Ask the publisher for a model card (README.md with YAML metadata), or treat the model as unknown.',
  'MG-PROV-017': 'Fix the YAML at the named line (the card’s metadata between the two `---` lines).',
  'MG-PROV-018': 'Give both config.json and tokenizer.json of the model and of the base model to compare them.',
  'MG-PROV-019':
    'Ask the publisher to fix the named field: a license should be an SPDX identifier (for example apache-2.0), other fields a short id or URL.',
  'MG-PROV-020':
    'Look at the named file: real config.json and tokenizer.json files nest fewer than ten levels. Ask the publisher for intact files, and do not load these.',
};
