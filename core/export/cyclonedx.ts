import type { Report } from '../report/schema.ts';
import { findSection, type Card } from '../provenance/card.ts';
import type { Provenance } from '../provenance/schema.ts';

/**
 * The report and provenance record as a CycloneDX 1.6 ML-BOM (JSON). `metadata.component` is the model
 * (`machine-learning-model`, root digest, license, `pedigree.ancestors` = the declared base, `modelCard`);
 * every file of the model is a `file` component with its SHA-256.
 */
export interface CycloneDxOptions {
  /** Defaults to a UUID derived from the root digest (so one model gives one serial), else a random one. */
  serialNumber?: string;
  /** Defaults to the report's createdAt. */
  timestamp?: string;
  version?: string;
  /** The parsed model card, for `considerations` (uses, limitations). */
  card?: Card;
  /** Learning approach, when known. */
  approach?: 'supervised' | 'unsupervised' | 'reinforcement-learning' | 'semi-supervised' | 'self-supervised';
}

export type CycloneDxBom = Record<string, unknown> & { bomFormat: 'CycloneDX'; specVersion: '1.6' };

/** Hugging Face license ids → SPDX ids (case as in the SPDX list). Others become a named license. */
export const HF_TO_SPDX: Readonly<Record<string, string>> = {
  'apache-2.0': 'Apache-2.0',
  mit: 'MIT',
  'afl-3.0': 'AFL-3.0',
  'artistic-2.0': 'Artistic-2.0',
  'bsl-1.0': 'BSL-1.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-3-clause-clear': 'BSD-3-Clause-Clear',
  'cc0-1.0': 'CC0-1.0',
  'cc-by-2.0': 'CC-BY-2.0',
  'cc-by-2.5': 'CC-BY-2.5',
  'cc-by-3.0': 'CC-BY-3.0',
  'cc-by-4.0': 'CC-BY-4.0',
  'cc-by-sa-3.0': 'CC-BY-SA-3.0',
  'cc-by-sa-4.0': 'CC-BY-SA-4.0',
  'cc-by-nc-2.0': 'CC-BY-NC-2.0',
  'cc-by-nc-3.0': 'CC-BY-NC-3.0',
  'cc-by-nc-4.0': 'CC-BY-NC-4.0',
  'cc-by-nd-4.0': 'CC-BY-ND-4.0',
  'cc-by-nc-nd-3.0': 'CC-BY-NC-ND-3.0',
  'cc-by-nc-nd-4.0': 'CC-BY-NC-ND-4.0',
  'cc-by-nc-sa-2.0': 'CC-BY-NC-SA-2.0',
  'cc-by-nc-sa-3.0': 'CC-BY-NC-SA-3.0',
  'cc-by-nc-sa-4.0': 'CC-BY-NC-SA-4.0',
  'cdla-sharing-1.0': 'CDLA-Sharing-1.0',
  'cdla-permissive-1.0': 'CDLA-Permissive-1.0',
  'cdla-permissive-2.0': 'CDLA-Permissive-2.0',
  wtfpl: 'WTFPL',
  'ecl-2.0': 'ECL-2.0',
  'epl-1.0': 'EPL-1.0',
  'epl-2.0': 'EPL-2.0',
  'etalab-2.0': 'etalab-2.0',
  'eupl-1.1': 'EUPL-1.1',
  'eupl-1.2': 'EUPL-1.2',
  'agpl-3.0': 'AGPL-3.0-only',
  'gpl-2.0': 'GPL-2.0-only',
  'gpl-3.0': 'GPL-3.0-only',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-3.0': 'LGPL-3.0-only',
  isc: 'ISC',
  'lppl-1.3c': 'LPPL-1.3c',
  'ms-pl': 'MS-PL',
  'mpl-2.0': 'MPL-2.0',
  'odc-by': 'ODC-By-1.0',
  odbl: 'ODbL-1.0',
  'osl-3.0': 'OSL-3.0',
  postgresql: 'PostgreSQL',
  'ofl-1.1': 'OFL-1.1',
  ncsa: 'NCSA',
  unlicense: 'Unlicense',
  zlib: 'Zlib',
  pddl: 'PDDL-1.0',
};

type License = { license: { id: string } | { name: string; url?: string } };

export function cycloneDxLicenses(license: Provenance['license']): License[] {
  if (!license) return [];
  return license.id.split(' OR ').map((id): License => {
    const spdx = HF_TO_SPDX[id.trim().toLowerCase()];
    if (spdx) return { license: { id: spdx } };
    if (id.trim().toLowerCase() === 'other' && license.name) {
      return { license: { name: license.name, ...(isUrl(license.link) ? { url: license.link } : {}) } };
    }
    return { license: { name: id.trim(), ...(isUrl(license.link) ? { url: license.link } : {}) } };
  });
}

function isUrl(s: string | undefined): s is string {
  return s !== undefined && /^https?:\/\/\S+$/i.test(s);
}

/** A v4-shaped UUID from the first 16 bytes of a hex digest (stable per model). */
export function uuidFromDigest(hex: string): string {
  const b = hex.slice(0, 32).split('');
  b[12] = '4';
  b[16] = ((parseInt(b[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = b.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return uuidFromDigest([...bytes].map((x) => x.toString(16).padStart(2, '0')).join(''));
}

interface BehaviorCategory {
  category: string;
  baseRate?: number;
  ftRate?: number;
  delta?: number;
  ci?: [number, number];
}

/** report.behavior is typed elsewhere; read it defensively. */
function behaviorCategories(behavior: unknown): BehaviorCategory[] {
  const cats = (behavior as { categories?: unknown } | undefined)?.categories;
  if (!Array.isArray(cats)) return [];
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const out: BehaviorCategory[] = [];
  for (const c of cats) {
    if (!c || typeof c !== 'object') continue;
    const r = c as Record<string, unknown>;
    if (typeof r.category !== 'string') continue;
    const ci = Array.isArray(r.ci) && r.ci.length === 2 && r.ci.every((x) => num(x) !== undefined) ? r.ci : undefined;
    const cat: BehaviorCategory = { category: r.category };
    const baseRate = num(r.baseRate);
    const ftRate = num(r.ftRate);
    const delta = num(r.delta);
    if (baseRate !== undefined) cat.baseRate = baseRate;
    if (ftRate !== undefined) cat.ftRate = ftRate;
    if (delta !== undefined) cat.delta = delta;
    if (ci) cat.ci = [ci[0] as number, ci[1] as number];
    out.push(cat);
  }
  return out;
}

function performanceMetrics(behavior: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const c of behaviorCategories(behavior)) {
    if (c.baseRate !== undefined) out.push({ type: 'base-rate', value: String(c.baseRate), slice: c.category });
    if (c.ftRate !== undefined) out.push({ type: 'finetune-rate', value: String(c.ftRate), slice: c.category });
    if (c.delta !== undefined) {
      out.push({
        type: 'rate-delta',
        value: String(c.delta),
        slice: c.category,
        ...(c.ci ? { confidenceInterval: { lowerBound: String(c.ci[0]), upperBound: String(c.ci[1]) } } : {}),
      });
    }
  }
  return out;
}

function sectionText(card: Card | undefined, re: RegExp): string | undefined {
  if (!card) return undefined;
  const t = findSection(card, re)?.fullText;
  return t ? t.slice(0, 4000) : undefined;
}

/** A base model's page: its own web link, or the Hub page of a repository id; anything else has none. */
const baseModelUrl = (id: string): string | undefined =>
  isUrl(id) ? id : /^[\w.-]+(\/[\w.-]+)?$/.test(id) ? `https://huggingface.co/${id}` : undefined;
const refSafe = (s: string) => s.replace(/[^\w.:/@+-]/g, '_');

export function toCycloneDx(
  report: Report,
  provenance: Provenance | undefined,
  options: CycloneDxOptions = {},
): CycloneDxBom {
  const digest = report.subject.rootDigest;
  const serialNumber = options.serialNumber ?? `urn:uuid:${digest ? uuidFromDigest(digest) : randomUuid()}`;

  const modelParameters: Record<string, unknown> = {};
  if (options.approach) modelParameters.approach = { type: options.approach };
  if (provenance?.model?.task) modelParameters.task = provenance.model.task;
  if (provenance?.model?.modelType) modelParameters.architectureFamily = provenance.model.modelType;
  if (provenance?.model?.architecture) modelParameters.modelArchitecture = provenance.model.architecture;
  const datasets = (provenance?.datasets ?? []).map((d, i) => {
    const props = [
      ...(d.revision ? [{ name: 'huggingface:revision', value: d.revision }] : []),
      ...(d.sha256 ? [{ name: 'sha256', value: d.sha256 }] : []),
      ...(d.card ? [{ name: 'modelgate:documented', value: d.card.present.join(',') }] : []),
      ...(d.card && d.card.missing.length > 0
        ? [{ name: 'modelgate:undocumented', value: d.card.missing.join(',') }]
        : []),
    ];
    // Only web links enter the BOM: a card can name `javascript:` or `data:` "URLs" that a BOM viewer would open.
    const url = isUrl(d.url)
      ? d.revision && d.url.startsWith('https://huggingface.co/datasets/')
        ? `${d.url}/tree/${encodeURIComponent(d.revision)}`
        : d.url
      : undefined;
    return {
      'bom-ref': `dataset-${i}:${refSafe(d.id)}`,
      type: 'dataset',
      name: d.id,
      ...(url || props.length > 0
        ? { contents: { ...(url ? { url } : {}), ...(props.length > 0 ? { properties: props } : {}) } }
        : {}),
      description: 'Training data declared in the model card.',
    };
  });
  if (datasets.length > 0) modelParameters.datasets = datasets;

  const modelCard: Record<string, unknown> = {};
  if (Object.keys(modelParameters).length > 0) modelCard.modelParameters = modelParameters;
  const metrics = performanceMetrics(report.behavior);
  if (metrics.length > 0) modelCard.quantitativeAnalysis = { performanceMetrics: metrics };
  const uses = sectionText(options.card, /\b(uses?|intended)\b/i);
  const limits = sectionText(options.card, /\b(limitations?|bias|risks?)\b/i);
  if (uses || limits) {
    modelCard.considerations = {
      ...(uses ? { useCases: [uses] } : {}),
      ...(limits ? { technicalLimitations: [limits] } : {}),
    };
  }

  const properties = [
    { name: 'modelgate:verdict', value: report.verdict },
    ...(digest ? [{ name: 'modelgate:rootDigest', value: digest }] : []),
    ...(provenance ? [{ name: 'modelgate:provenance', value: provenance.status }] : []),
    ...(provenance
      ? [
          {
            name: 'modelgate:completeness',
            value: `${provenance.completeness.score} (${provenance.completeness.profile})`,
          },
        ]
      : []),
    ...(provenance?.relation ? [{ name: 'huggingface:base_model_relation', value: provenance.relation }] : []),
  ];
  const licenses = cycloneDxLicenses(provenance?.license);
  const ancestors = (provenance?.baseModels ?? []).map((id) => {
    const url = baseModelUrl(id);
    return {
      type: 'machine-learning-model',
      'bom-ref': `base:${refSafe(id)}`,
      name: id,
      ...(url ? { externalReferences: [{ type: 'distribution', url }] } : {}),
    };
  });

  const component: Record<string, unknown> = {
    type: 'machine-learning-model',
    'bom-ref': 'model',
    name: report.subject.name,
    ...(options.version ? { version: options.version } : digest ? { version: `sha256:${digest.slice(0, 12)}` } : {}),
    ...(digest ? { hashes: [{ alg: 'SHA-256', content: digest }] } : {}),
    ...(licenses.length > 0 ? { licenses } : {}),
    ...(ancestors.length > 0 ? { pedigree: { ancestors } } : {}),
    ...(Object.keys(modelCard).length > 0 ? { modelCard } : {}),
    properties,
  };

  const components = report.subject.files.map((f, i) => ({
    type: 'file',
    'bom-ref': `file-${i}:${refSafe(f.path)}`,
    name: f.path,
    ...(f.sha256 ? { hashes: [{ alg: 'SHA-256', content: f.sha256 }] } : {}),
    properties: [
      { name: 'modelgate:size', value: String(f.size) },
      ...(f.format ? [{ name: 'modelgate:format', value: f.format }] : []),
      ...(f.scan ? [{ name: 'modelgate:scan', value: f.scan.verdict }] : []),
    ],
  }));

  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber,
    version: 1,
    metadata: {
      timestamp: options.timestamp ?? report.createdAt,
      tools: { components: [{ type: 'application', name: report.tool.name, version: report.tool.version }] },
      component,
    },
    components,
    dependencies: [{ ref: 'model', dependsOn: components.map((c) => c['bom-ref']) }],
  };
}
