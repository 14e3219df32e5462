import { sha256Hex, utf8 } from '../util/bytes.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { BoundedJsonError, checkJsonBounds, MAX_JSON_BYTES, parseBoundedJson } from '../util/bounded-json.ts';
import { makeFinding } from '../check/make-finding.ts';
import type { Finding } from '../check/types.ts';
import { PROVENANCE_CODES, PROVENANCE_REMEDIES } from './codes.ts';
import type { Provenance } from './schema.ts';

/** Compares the model's config.json and tokenizer.json with the declared base model's. */

interface TextFile {
  path: string;
  text: string;
}

export interface BaseComparison {
  record: NonNullable<Provenance['base']>;
  configFile?: string;
  tokenizerFile?: string;
}

type Mismatch = NonNullable<Provenance['base']>['mismatches'][number];

const FIELDS: readonly [string, readonly string[]][] = [
  ['hidden_size', ['hidden_size', 'n_embd', 'd_model', 'dim']],
  ['num_hidden_layers', ['num_hidden_layers', 'n_layer', 'num_layers', 'n_layers']],
  ['vocab_size', ['vocab_size', 'n_vocab', 'padded_vocab_size']],
];

const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');

/** The shallowest file with this name (config.json at the root wins over onnx/config.json). */
function pick(files: readonly TextFile[] | undefined, name: string): TextFile | undefined {
  return (files ?? [])
    .filter((f) => (norm(f.path).split('/').pop() ?? '').toLowerCase() === name)
    .sort((a, b) => norm(a.path).split('/').length - norm(b.path).split('/').length)[0];
}

/** config.json is a few KiB; the provenance inputs read it only up to the model card's 4 MiB (inputs.ts). */
const MAX_CONFIG_BYTES = 4 << 20;

/** A config.json or tokenizer.json that broke a bound of core/util/bounded-json.ts, on either side. */
export interface UnreadableJson {
  side: 'model' | 'base';
  error: BoundedJsonError;
}

function parseObject(
  file: TextFile | undefined,
  side: UnreadableJson['side'],
  unreadable: UnreadableJson[],
): Record<string, unknown> | undefined {
  if (file === undefined) return undefined;
  let v: unknown;
  try {
    v = parseBoundedJson(file.text, norm(file.path), { maxBytes: MAX_CONFIG_BYTES });
  } catch (error) {
    if (!(error instanceof BoundedJsonError)) throw error;
    unreadable.push({ side, error });
    return undefined;
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** MG-PROV-020 for each file that broke a bound: it names the file and the bound. */
export function unreadableFindings(unreadable: readonly UnreadableJson[]): Finding[] {
  return unreadable.map(({ side, error }) =>
    makeFinding(PROVENANCE_CODES, 'MG-PROV-020', {
      detail: side === 'model' ? `${error.message}.` : `The base model's ${error.message}.`,
      ...(side === 'model' ? { file: error.file } : {}),
      evidence: { side, bound: error.bound },
      remedy: PROVENANCE_REMEDIES['MG-PROV-020'],
    }),
  );
}

function field(config: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const src of [config, config.text_config]) {
    if (!src || typeof src !== 'object') continue;
    for (const k of keys) {
      const v = (src as Record<string, unknown>)[k];
      if (v !== undefined && v !== null) return v;
    }
  }
  return undefined;
}

/** `LlamaForCausalLM` → `llama`: a fine-tune may swap the head (…ForSequenceClassification), not the backbone. */
export function architectureFamily(arch: string): string {
  return arch.replace(/(For[A-Z]\w*|LMHeadModel|Model|WithLMHead)$/, '').toLowerCase();
}

function architectures(config: Record<string, unknown>): string[] | undefined {
  const a = config.architectures;
  return Array.isArray(a) && a.every((x) => typeof x === 'string') && a.length > 0 ? (a as string[]) : undefined;
}

export function compareConfigs(model: Record<string, unknown>, base: Record<string, unknown>): Mismatch[] {
  const out: Mismatch[] = [];
  const ma = architectures(model);
  const ba = architectures(base);
  if (ma && ba) {
    const mf = [...new Set(ma.map(architectureFamily))].sort();
    const bf = [...new Set(ba.map(architectureFamily))].sort();
    if (mf.join() !== bf.join()) out.push({ field: 'architectures', model: ma, base: ba });
  }
  const mt = model.model_type;
  const bt = base.model_type;
  if (typeof mt === 'string' && typeof bt === 'string' && mt.toLowerCase() !== bt.toLowerCase()) {
    out.push({ field: 'model_type', model: mt, base: bt });
  }
  for (const [name, keys] of FIELDS) {
    const m = field(model, keys);
    const b = field(base, keys);
    if (m !== undefined && b !== undefined && JSON.stringify(m) !== JSON.stringify(b)) {
      out.push({ field: name, model: m, base: b });
    }
  }
  return out;
}

async function sameTokenizer(
  a: TextFile,
  b: TextFile,
  unreadable: UnreadableJson[],
): Promise<{ same: boolean; model: string; base: string }> {
  const [model, base] = await Promise.all([sha256Hex(utf8.encode(a.text)), sha256Hex(utf8.encode(b.text))]);
  if (model === base) return { same: true, model, base };
  const parse = (f: TextFile, side: UnreadableJson['side']): unknown => {
    try {
      return parseBoundedJson(f.text, norm(f.path), { maxBytes: MAX_JSON_BYTES });
    } catch (error) {
      if (!(error instanceof BoundedJsonError)) throw error;
      unreadable.push({ side, error });
      return undefined;
    }
  };
  const [ma, ba] = [parse(a, 'model'), parse(b, 'base')];
  const same = ma !== undefined && ba !== undefined && canonicalJson(ma) === canonicalJson(ba);
  return { same, model, base };
}

/** Size and nesting of the model's own tokenizer.json, checked without parsing it when no base is given. */
function tokenizerBounds(file: TextFile | undefined, unreadable: UnreadableJson[]): void {
  if (file === undefined) return;
  try {
    checkJsonBounds(file.text, norm(file.path), { maxBytes: MAX_JSON_BYTES });
  } catch (error) {
    if (!(error instanceof BoundedJsonError)) throw error;
    unreadable.push({ side: 'model', error });
  }
}

/** The model's own facts (task family from config.json) and, when base files are given, the comparison. */
export async function compareWithBase(
  files: readonly TextFile[],
  baseFiles: readonly TextFile[] | undefined,
): Promise<{
  model?: { modelType?: string; architecture?: string };
  base?: BaseComparison;
  /** The model's config.json, when it has one. */
  configFile?: string;
  /** MG-PROV-020: config.json and tokenizer.json files (either side) that broke a size or nesting bound. */
  findings: Finding[];
}> {
  const unreadable: UnreadableJson[] = [];
  const cfgFile = pick(files, 'config.json');
  const cfg = parseObject(cfgFile, 'model', unreadable);
  const model: { modelType?: string; architecture?: string } = {};
  if (cfg && typeof cfg.model_type === 'string') model.modelType = cfg.model_type;
  const arch = cfg ? architectures(cfg)?.[0] : undefined;
  if (arch) model.architecture = arch;
  const tokFile = pick(files, 'tokenizer.json');
  const facts = {
    ...(Object.keys(model).length > 0 ? { model } : {}),
    ...(cfgFile ? { configFile: norm(cfgFile.path) } : {}),
  };
  if (!baseFiles) {
    tokenizerBounds(tokFile, unreadable);
    return { ...facts, findings: unreadableFindings(unreadable) };
  }

  const baseCfg = parseObject(pick(baseFiles, 'config.json'), 'base', unreadable);
  const mismatches = cfg && baseCfg ? compareConfigs(cfg, baseCfg) : [];
  const baseTok = pick(baseFiles, 'tokenizer.json');
  const record: BaseComparison['record'] = {
    config: !cfg || !baseCfg ? 'unavailable' : mismatches.length > 0 ? 'mismatch' : 'match',
    tokenizer: 'unavailable',
    mismatches,
  };
  if (tokFile && baseTok) {
    const t = await sameTokenizer(tokFile, baseTok, unreadable);
    record.tokenizer = t.same ? 'match' : 'mismatch';
    record.tokenizerSha256 = { model: t.model, base: t.base };
  } else tokenizerBounds(tokFile, unreadable);
  const base: BaseComparison = {
    record,
    ...(cfgFile ? { configFile: norm(cfgFile.path) } : {}),
    ...(tokFile ? { tokenizerFile: norm(tokFile.path) } : {}),
  };
  return { ...facts, base, findings: unreadableFindings(unreadable) };
}
