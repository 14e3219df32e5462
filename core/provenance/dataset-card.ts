import { stripComments, type Card } from './card.ts';
import { DatasetFieldSchema, type DatasetCardSummary, type DatasetField } from './schema.ts';

/**
 * Which documentation fields a dataset card (HF template) or datasheet (Gebru et al. sections) fills in.
 * A field counts only when its section has real text (not `[More Information Needed]`, not a comment).
 */
const FIELDS: readonly DatasetField[] = DatasetFieldSchema.options;

const HEADINGS: Record<DatasetField, RegExp> = {
  source:
    /\b(source data|data sources?|dataset sources?|sources?|source data producers|composition|provenance|origin)\b/i,
  collection: /\b(collect(ion|ed)?|data collection|curation|gather(ing)?|acquisition)\b/i,
  preprocessing:
    /\b(pre-?processing|processing|clean(ing)?|filter(ing|s)?|normali[sz]ation|dedup(lication)?|labell?ing)\b/i,
  freezeDate: /\b(freeze|frozen|snapshot|cut-?off|version(ing)?|dates?|timeline|maintenance)\b/i,
  pii: /\b(personal|sensitive|privacy|pii)\b/i,
  bias: /\b(bias(es)?|risks?|limitations?)\b/i,
  intendedUse: /\b(uses?|intended|use cases?|direct use|out-of-scope)\b/i,
};

const META_KEYS: Record<DatasetField, RegExp> = {
  source: /^(source_datasets|source|sources|origin|homepage|repository|url)$/i,
  collection: /^(language_creators|annotations_creators|data_collection(_process)?|datacollectionprocess|collection)$/i,
  preprocessing: /^(preprocessing|data_preprocessing|datapreprocessing|filtering|cleaning)$/i,
  freezeDate:
    /^(built_?time|freeze_?date|snapshot(_date)?|cut_?off(_date)?|collection_date|release_?time|release_date|date|version)$/i,
  pii: /^(pii|personal_information|has_?sensitive_?personal_?information|sensitive_data|anonymi[sz]ation(_method(_used)?)?)$/i,
  bias: /^(known_?bias|bias)$/i,
  intendedUse: /^(intended_?use|task_categories|task_ids)$/i,
};

const YEAR = /\b(19|20)\d{2}\b/;
const FREEZE_TEXT =
  /\b(frozen|freeze|snapshot|cut-?off|collected (between|in|until|through|from|on)|crawled|as of|dated?)\b[^.\n]{0,200}\b(19|20)\d{2}\b/i;
const PII_TEXT =
  /\b(personal(ly)?[- ]identifiable|personal (data|information)|pii|anonymi[sz]ed|de-identified|sensitive information)\b/i;

function filled(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.trim() !== '' && !v.includes('[More Information Needed]');
  if (Array.isArray(v)) return v.some(filled);
  if (typeof v === 'object') return Object.values(v as object).some(filled);
  return true;
}

export function summarizeDatasetCard(card: Card): DatasetCardSummary {
  const present = new Set<DatasetField>();
  for (const field of FIELDS) {
    const inMeta = Object.entries(card.meta).some(([k, v]) => META_KEYS[field].test(k) && filled(v));
    const inBody = card.sections.some((s) => HEADINGS[field].test(s.title) && s.fullText !== '');
    if (inMeta || inBody) present.add(field);
  }
  if (!present.has('freezeDate')) {
    const dated = card.sections.some((s) => HEADINGS.freezeDate.test(s.title) && YEAR.test(s.fullText));
    if (dated || FREEZE_TEXT.test(withoutLeftovers(card.body))) present.add('freezeDate');
  }
  if (!present.has('pii') && PII_TEXT.test(withoutLeftovers(card.body))) present.add('pii');
  return {
    file: card.file,
    kind: card.hasFrontMatter ? 'dataset-card' : 'datasheet',
    present: FIELDS.filter((f) => present.has(f)),
    missing: FIELDS.filter((f) => !present.has(f)),
    leftovers: card.leftovers.length,
  };
}

/** Body text without headings, comments and template leftovers: a heading alone states nothing. */
function withoutLeftovers(text: string): string {
  return stripComments(text)
    .split('[More Information Needed]')
    .join('')
    .split('\n')
    .filter((l) => !/^\s{0,3}#{1,6}\s/.test(l))
    .join('\n');
}

/** A name a card could be matched on: its folder (`datasets/<name>/README.md`), file name or `pretty_name`. */
export function cardNames(card: Card): string[] {
  const names: string[] = [];
  const parts = card.file.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (/^readme\.md$/i.test(base) && parts.length >= 2) names.push(parts[parts.length - 2]!);
  const stem = base.replace(/\.(md|markdown|txt)$/i, '').replace(/^(datasheet|dataset[-_]?card)[-_.]?/i, '');
  if (stem && !/^readme$/i.test(stem)) names.push(stem);
  for (const k of ['pretty_name', 'dataset_id', 'id', 'name']) {
    const v = card.meta[k];
    if (typeof v === 'string') names.push(v);
  }
  const h1 = card.sections.find((s) => s.level === 1)?.title;
  if (h1) names.push(h1.replace(/^(dataset card|datasheet)\s*(for|:)?\s*/i, ''));
  return names.map(normName).filter((n) => n !== '');
}

export function normName(s: string): string {
  return s
    .toLowerCase()
    .replace(/^https?:\/\/huggingface\.co\/datasets\//, '')
    .replace(/@.*$/, '')
    .replace(/[^a-z0-9]+/g, '');
}

/** True when a file path looks like a dataset card or datasheet dropped with the model. */
export function isDatasetCardPath(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  const base = p.split('/').pop() ?? '';
  if (/(^|\/)(datasets?|data)\/[^/]+\/readme\.md$/i.test(p)) return true;
  return /^(datasheet|dataset[-_]?card)[^/]*\.(md|markdown|txt)$/i.test(base) || /\.datasheet\.md$/i.test(base);
}
