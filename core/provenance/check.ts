import { z } from 'zod';
import type { Check, Finding } from '../check/types.ts';
import {
  CardParseError,
  frontMatterLine,
  modelCardMeta,
  parseCard,
  stripComments,
  findSection,
  type Card,
  type ModelCardMeta,
} from './card.ts';
import { cardNames, isDatasetCardPath, normName, summarizeDatasetCard } from './dataset-card.ts';
import { compareWithBase, type BaseComparison } from './base-compare.ts';
import { PROVENANCE_CODES, PROVENANCE_REMEDIES, type ProvenanceCode } from './codes.ts';
import { fitProvenance, oversizedFieldFinding } from './limits.ts';
import { ProvenanceSchema, type DatasetCardSummary, type Provenance, type ProvenanceDataset } from './schema.ts';

const MAX_TEXT = 64 * 1024 * 1024;
export const TextFileSchema = z.object({ path: z.string().min(1).max(4096), text: z.string().max(MAX_TEXT) });
export const CheckProvenanceInputSchema = z.object({
  files: z.array(TextFileSchema).max(10_000),
  baseFiles: z.array(TextFileSchema).max(10_000).optional(),
});
export type TextFile = z.infer<typeof TextFileSchema>;
export type CheckProvenanceInput = z.input<typeof CheckProvenanceInputSchema>;

export interface ProvenanceResult {
  provenance: Provenance;
  check: Check;
  findings: Finding[];
  /** The parsed model card (for `toCycloneDx` considerations); absent when missing or malformed. */
  card?: Card;
  datasetCards: Card[];
}

export const BASE_MODEL_RELATIONS = ['adapter', 'merge', 'quantized', 'finetune'] as const;
const UNPINNED_REVISIONS = new Set(['main', 'master', 'head', 'latest', '']);

function finding(
  code: ProvenanceCode,
  detail: string,
  extra: { file?: string; evidence?: Record<string, unknown> } = {},
): Finding {
  const { severity, title } = PROVENANCE_CODES[code];
  return {
    code,
    severity,
    title,
    detail: detail.slice(0, 10_000),
    ...(extra.file ? { file: extra.file } : {}),
    ...(extra.evidence ? { evidence: extra.evidence } : {}),
    remedy: PROVENANCE_REMEDIES[code],
  };
}

const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');

/** The model card: README.md at the root, else the shallowest README.md that is not a dataset card. */
function findModelCard(files: readonly TextFile[]): TextFile | undefined {
  const readmes = files
    .filter((f) => /(^|\/)readme\.md$/i.test(norm(f.path)) && !isDatasetCardPath(norm(f.path)))
    .sort((a, b) => norm(a.path).split('/').length - norm(b.path).split('/').length);
  return readmes[0];
}

function toList(v: string | string[] | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter((s) => s !== '');
}

const SCRATCH_TAGS = /^(from[-_ ]scratch|pretrained[-_ ]from[-_ ]scratch|trained[-_ ]from[-_ ]scratch)$/i;
const SCRATCH_TEXT = /\b(pre-?trained|trained)\s+from\s+scratch\b/i;

function declaresFromScratch(meta: ModelCardMeta, card: Card): boolean {
  const m = meta as Record<string, unknown>;
  if (m.pretrained_from_scratch === true || m.from_scratch === true || m.trained_from_scratch === true) return true;
  const tags = Array.isArray(meta.tags) ? meta.tags : meta.tags ? [meta.tags] : [];
  if (tags.some((t) => typeof t === 'string' && SCRATCH_TAGS.test(t))) return true;
  return SCRATCH_TEXT.test(stripComments(card.body));
}

/** Revisions named for evaluated datasets in `model-index` (type → revision). */
function modelIndexRevisions(meta: ModelCardMeta): Map<string, string> {
  const out = new Map<string, string>();
  const index = meta['model-index'];
  if (!Array.isArray(index)) return out;
  for (const entry of index) {
    const results = (entry as { results?: unknown })?.results;
    if (!Array.isArray(results)) continue;
    for (const r of results) {
      const ds = (r as { dataset?: { type?: unknown; name?: unknown; revision?: unknown } })?.dataset;
      if (ds && typeof ds.revision === 'string' && ds.revision.trim() !== '') {
        for (const key of [ds.type, ds.name]) if (typeof key === 'string') out.set(normName(key), ds.revision.trim());
      }
    }
  }
  return out;
}

function declaredDatasets(meta: ModelCardMeta): ProvenanceDataset[] {
  const raw =
    meta.datasets === null || meta.datasets === undefined
      ? []
      : Array.isArray(meta.datasets)
        ? meta.datasets
        : [meta.datasets];
  const revisions = modelIndexRevisions(meta);
  const out: ProvenanceDataset[] = [];
  for (const entry of raw) {
    const d: ProvenanceDataset = { id: '' };
    if (typeof entry === 'string') {
      const s = entry.trim();
      if (/^https?:\/\//i.test(s)) {
        d.id = s;
        d.url = s;
      } else {
        const at = s.indexOf('@');
        d.id = at > 0 ? s.slice(0, at) : s;
        if (at > 0) d.revision = s.slice(at + 1);
      }
    } else {
      const url = entry.url?.trim();
      d.id = (entry.id ?? entry.name ?? url ?? '').trim();
      if (url) d.url = url;
      const rev = entry.revision ?? entry.sha;
      if (rev) d.revision = rev.trim();
      const hash = entry.sha256 ?? entry.hash;
      if (hash) d.sha256 = hash.trim().replace(/^sha256:/i, '');
    }
    if (d.id === '') continue;
    if (!d.revision) {
      const rev = revisions.get(normName(d.id));
      if (rev) d.revision = rev;
    }
    if (!d.url && /^[\w.-]+(\/[\w.-]+)?$/.test(d.id)) d.url = `https://huggingface.co/datasets/${d.id}`;
    out.push(d);
  }
  return out;
}

export function isPinned(d: ProvenanceDataset): boolean {
  if (d.sha256 && /^[0-9a-f]{64}$/i.test(d.sha256)) return true;
  return d.revision !== undefined && !UNPINNED_REVISIONS.has(d.revision.toLowerCase());
}

const DATASET_FIELD_CODES = [
  ['source', 'MG-PROV-007', 'where the data came from'],
  ['collection', 'MG-PROV-008', 'how the data was collected'],
  ['preprocessing', 'MG-PROV-009', 'how the data was filtered or cleaned'],
  ['freezeDate', 'MG-PROV-010', 'when the data was collected or frozen'],
  ['pii', 'MG-PROV-011', 'whether the data holds personal information'],
] as const;

const MODEL_CARD_SECTIONS: readonly [string, RegExp][] = [
  ['intended uses', /\b(uses?|intended)\b/i],
  ['limitations', /\b(limitations?|bias|risks?)\b/i],
  ['training', /\btrain(ing)?\b/i],
  ['evaluation', /\b(evaluation|results|metrics)\b/i],
];

/**
 * Checks a model card, its dataset cards and datasheets, and (when the base model's files are given) its
 * config.json and tokenizer.json against the base. Never throws on bad cards: they are findings.
 */
export async function checkProvenance(input: CheckProvenanceInput): Promise<ProvenanceResult> {
  const { files, baseFiles } = CheckProvenanceInputSchema.parse(input);
  const findings: Finding[] = [];
  const missing: string[] = [];
  let score = 0;

  // ---- the model card ----
  const cardFile = findModelCard(files);
  let card: Card | undefined;
  let meta: ModelCardMeta | undefined;
  if (!cardFile) {
    findings.push(finding('MG-PROV-016', 'No README.md model card was among the files.'));
  } else {
    try {
      card = parseCard(norm(cardFile.path), cardFile.text);
      meta = modelCardMeta(
        card,
        (key) => frontMatterLine(cardFile.text, key),
        (f) => findings.push(oversizedFieldFinding(f)),
      );
      if (!card.hasFrontMatter) {
        findings.push(
          finding(
            'MG-PROV-017',
            `${card.file} has no YAML front matter (a block between two \`---\` lines at the top).`,
            {
              file: card.file,
            },
          ),
        );
      }
    } catch (e) {
      if (!(e instanceof CardParseError)) throw e;
      findings.push(
        finding('MG-PROV-017', e.message, { file: e.file, evidence: e.line ? { line: e.line } : undefined }),
      );
      meta = undefined;
    }
  }

  const provenance: Provenance = {
    status: 'pass',
    baseModels: [],
    fromScratch: false,
    datasets: [],
    completeness: { score: 0, profile: 'incomplete', missing },
  };
  if (card) provenance.card = card.file;

  if (card && meta) {
    const file = card.file;
    const bases = [...toList(meta.base_model), ...toList(meta.finetuned_from)];
    provenance.baseModels = [...new Set(bases)];
    provenance.fromScratch = provenance.baseModels.length === 0 && declaresFromScratch(meta, card);
    if (provenance.baseModels.length > 0 || provenance.fromScratch) score += 15;
    else {
      missing.push('base_model');
      findings.push(
        finding('MG-PROV-001', `${file} has no \`base_model\` and does not declare pretraining from scratch.`, {
          file,
        }),
      );
    }

    const relation = meta.base_model_relation?.trim();
    if (relation) provenance.relation = relation;
    if (provenance.baseModels.length > 0 && !(BASE_MODEL_RELATIONS as readonly string[]).includes(relation ?? '')) {
      missing.push('base_model_relation');
      findings.push(
        finding(
          'MG-PROV-002',
          relation
            ? `\`base_model_relation: ${relation}\` is not one of ${BASE_MODEL_RELATIONS.join(', ')}.`
            : `${file} names a base model but no \`base_model_relation\`.`,
          { file },
        ),
      );
    }

    const licenses = toList(meta.license);
    if (licenses.length === 0) {
      missing.push('license');
      findings.push(finding('MG-PROV-003', `${file} has no \`license\`.`, { file }));
    } else {
      const id = licenses.join(' OR ');
      provenance.license = { id };
      const name = meta.license_name?.trim();
      const link = meta.license_link?.trim();
      if (name) provenance.license.name = name;
      if (link) provenance.license.link = link;
      if (licenses.some((l) => l.toLowerCase() === 'other') && (!name || !link)) {
        missing.push(!name ? 'license_name' : 'license_link');
        findings.push(
          finding(
            'MG-PROV-004',
            `\`license: other\` without ${[!name && '`license_name`', !link && '`license_link`'].filter(Boolean).join(' and ')}.`,
            {
              file,
            },
          ),
        );
        score += 5;
      } else score += 15;
    }

    provenance.datasets = declaredDatasets(meta);
    if (provenance.datasets.length === 0) {
      missing.push('datasets');
      findings.push(finding('MG-PROV-005', `${file} has no \`datasets\` entry.`, { file }));
    } else {
      score += 10;
      const pinned = provenance.datasets.filter(isPinned);
      score += (10 * pinned.length) / provenance.datasets.length;
      for (const d of provenance.datasets) {
        if (isPinned(d)) continue;
        missing.push(`dataset revision: ${d.id}`);
        findings.push(
          finding(
            'MG-PROV-006',
            `Dataset \`${d.id}\` has ${d.revision ? `only the moving revision \`${d.revision}\`` : 'no revision or content hash'}.`,
            { file, evidence: { dataset: d.id } },
          ),
        );
      }
    }

    let sectionPoints = 0;
    for (const [label, re] of MODEL_CARD_SECTIONS) {
      if (findSection(card, re)?.fullText) sectionPoints += 5;
      else missing.push(`model card section: ${label}`);
    }
    score += sectionPoints;

    const model: NonNullable<Provenance['model']> = {};
    if (meta.pipeline_tag) model.task = meta.pipeline_tag;
    provenance.model = model;
  }
  if (card && card.leftovers.length > 0) findings.push(leftoverFinding(card));

  // ---- dataset cards and datasheets ----
  const datasetCards: Card[] = [];
  for (const f of files) {
    const path = norm(f.path);
    if (!isDatasetCardPath(path) || (cardFile && norm(cardFile.path) === path)) continue;
    try {
      datasetCards.push(parseCard(path, f.text));
    } catch (e) {
      if (!(e instanceof CardParseError)) throw e;
      findings.push(
        finding('MG-PROV-017', e.message, { file: e.file, evidence: e.line ? { line: e.line } : undefined }),
      );
    }
  }
  const summaries = new Map<Card, DatasetCardSummary>(datasetCards.map((c) => [c, summarizeDatasetCard(c)]));
  const unmatched = new Set(datasetCards);
  for (const d of provenance.datasets) {
    const keys = new Set([normName(d.id), normName(d.id.split('/').pop() ?? '')]);
    const hit = [...unmatched].find((c) => cardNames(c).some((n) => keys.has(n)));
    if (hit) {
      d.card = summaries.get(hit)!;
      unmatched.delete(hit);
    }
  }
  const without = provenance.datasets.filter((d) => !d.card);
  if (without.length === 1 && unmatched.size === 1) {
    const only = [...unmatched][0]!;
    without[0]!.card = summaries.get(only)!;
    unmatched.delete(only);
  }
  if (unmatched.size > 0) provenance.otherCards = [...unmatched].map((c) => summaries.get(c)!);

  const docTargets: { summary: DatasetCardSummary; pinned: boolean; id?: string }[] = [
    ...provenance.datasets.filter((d) => d.card).map((d) => ({ summary: d.card!, pinned: isPinned(d), id: d.id })),
    ...(provenance.otherCards ?? []).map((summary) => ({ summary, pinned: false })),
  ];
  for (const { summary, pinned, id } of docTargets) {
    // A pinned revision freezes the data as well as a date does (a commit has one).
    if (pinned && summary.missing.includes('freezeDate')) {
      summary.present = [...summary.present, 'freezeDate'];
      summary.missing = summary.missing.filter((f) => f !== 'freezeDate');
    }
    for (const [field, code, what] of DATASET_FIELD_CODES) {
      if (!summary.missing.includes(field)) continue;
      findings.push(
        finding(code, `${summary.file}${id ? ` (dataset \`${id}\`)` : ''} does not say ${what}.`, {
          file: summary.file,
          evidence: { field, ...(id ? { dataset: id } : {}) },
        }),
      );
    }
  }
  for (const c of datasetCards) if (c.leftovers.length > 0) findings.push(leftoverFinding(c));
  for (const d of provenance.datasets) {
    if (!d.card) {
      missing.push(`dataset card: ${d.id}`);
      findings.push(
        finding('MG-PROV-012', `No dataset card or datasheet for \`${d.id}\` was given.`, {
          evidence: { dataset: d.id },
        }),
      );
    }
  }
  // Share of the 7 documentation fields per declared dataset (0 without a card); cards alone when none is declared.
  const docShares = provenance.datasets.map((d) => (d.card ? d.card.present.length / 7 : 0));
  if (docShares.length === 0 && provenance.otherCards) {
    for (const c of provenance.otherCards) docShares.push(c.present.length / 7);
  }
  if (docShares.length > 0) score += (30 * docShares.reduce((a, b) => a + b, 0)) / docShares.length;

  // ---- the claim against the base model's own files ----
  let configContradicted = false;
  const modelCmp = await compareWithBase(files, baseFiles);
  findings.push(...modelCmp.findings);
  if (modelCmp.model && provenance.model) Object.assign(provenance.model, modelCmp.model);
  else if (modelCmp.model) provenance.model = modelCmp.model;
  if (baseFiles) {
    const base = modelCmp.base!;
    provenance.base = base.record;
    configContradicted = pushBaseFindings(base, findings, provenance.baseModels);
  }

  // ---- score and status ----
  const anyLeftover = (card?.leftovers.length ?? 0) + datasetCards.reduce((n, c) => n + c.leftovers.length, 0) > 0;
  if (anyLeftover) score *= 0.95;
  score = Math.round(Math.min(100, Math.max(0, score)));
  provenance.completeness = {
    score,
    profile: score >= 85 ? 'advanced' : score >= 70 ? 'standard' : score >= 40 ? 'basic' : 'incomplete',
    missing: missing.slice(0, 200),
  };
  findings.push(...fitProvenance(provenance, { card: card?.file, config: modelCmp.configFile }));
  const serious = findings.some((f) => f.severity === 'critical' || f.severity === 'high' || f.severity === 'medium');
  provenance.status = configContradicted ? 'fail' : serious ? 'review' : 'pass';
  const check: Check = { id: 'provenance', status: provenance.status, summary: summarize(provenance, findings) };
  return { provenance: ProvenanceSchema.parse(provenance), check, findings, ...(card ? { card } : {}), datasetCards };
}

function leftoverFinding(card: Card): Finding {
  const where = [...new Set(card.leftovers.map((l) => l.section ?? `line ${l.line}`))];
  return finding(
    'MG-PROV-013',
    `${card.file} has ${card.leftovers.length} “[More Information Needed]” left, in: ${where.slice(0, 20).join('; ')}${where.length > 20 ? ' …' : ''}.`,
    { file: card.file, evidence: { occurrences: card.leftovers.slice(0, 50) } },
  );
}

function pushBaseFindings(base: BaseComparison, findings: Finding[], declared: string[]): boolean {
  const named = declared.length > 0 ? `\`${declared.join(', ')}\`` : 'the given base model';
  const structural = base.record.mismatches.filter((m) => m.field !== 'vocab_size');
  if (base.record.mismatches.length > 0) {
    const list = base.record.mismatches
      .map((m) => `${m.field}: model ${JSON.stringify(m.model)} vs base ${JSON.stringify(m.base)}`)
      .join('; ');
    findings.push(
      finding('MG-PROV-014', `config.json differs from ${named}: ${list}.`, {
        file: base.configFile,
        evidence: { mismatches: base.record.mismatches },
      }),
    );
  }
  if (base.record.tokenizer === 'mismatch') {
    findings.push(
      finding('MG-PROV-015', `tokenizer.json differs from ${named}'s (SHA-256 and canonical JSON both differ).`, {
        file: base.tokenizerFile,
        evidence: { ...base.record.tokenizerSha256 },
      }),
    );
  }
  const unavailable = [
    base.record.config === 'unavailable' && 'config.json',
    base.record.tokenizer === 'unavailable' && 'tokenizer.json',
  ].filter(Boolean);
  if (unavailable.length > 0) {
    findings.push(
      finding('MG-PROV-018', `Not compared with the base (missing on one side): ${unavailable.join(', ')}.`),
    );
  }
  return structural.length > 0;
}

function summarize(p: Provenance, findings: readonly Finding[]): string {
  const parts: string[] = [];
  if (p.status === 'fail') parts.push('The model’s configuration contradicts the base model its card names.');
  else if (p.status === 'review') {
    const n = findings.filter((f) => f.severity === 'high' || f.severity === 'medium').length;
    parts.push(`The model card or datasheets leave ${n} important question(s) open.`);
  } else parts.push('The model card names its base, license and training data.');
  parts.push(`Documentation completeness ${p.completeness.score}/100 (${p.completeness.profile}).`);
  return parts.join(' ');
}
