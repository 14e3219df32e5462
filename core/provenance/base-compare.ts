import { sha256Hex, utf8 } from '../sign/oms/bytes.ts';
import { canonicalJson } from '../util/canonical-json.ts';
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

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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

async function sameTokenizer(a: string, b: string): Promise<{ same: boolean; model: string; base: string }> {
  const [model, base] = await Promise.all([sha256Hex(utf8.encode(a)), sha256Hex(utf8.encode(b))]);
  if (model === base) return { same: true, model, base };
  let same = false;
  try {
    same = canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    same = false;
  }
  return { same, model, base };
}

/** The model's own facts (task family from config.json) and, when base files are given, the comparison. */
export async function compareWithBase(
  files: readonly TextFile[],
  baseFiles: readonly TextFile[] | undefined,
): Promise<{ model?: { modelType?: string; architecture?: string }; base?: BaseComparison }> {
  const cfgFile = pick(files, 'config.json');
  const cfg = parseObject(cfgFile?.text);
  const model: { modelType?: string; architecture?: string } = {};
  if (cfg && typeof cfg.model_type === 'string') model.modelType = cfg.model_type;
  const arch = cfg ? architectures(cfg)?.[0] : undefined;
  if (arch) model.architecture = arch;
  const result: { model?: typeof model; base?: BaseComparison } = Object.keys(model).length > 0 ? { model } : {};
  if (!baseFiles) return result;

  const baseCfg = parseObject(pick(baseFiles, 'config.json')?.text);
  const mismatches = cfg && baseCfg ? compareConfigs(cfg, baseCfg) : [];
  const tokFile = pick(files, 'tokenizer.json');
  const baseTok = pick(baseFiles, 'tokenizer.json');
  const record: BaseComparison['record'] = {
    config: !cfg || !baseCfg ? 'unavailable' : mismatches.length > 0 ? 'mismatch' : 'match',
    tokenizer: 'unavailable',
    mismatches,
  };
  if (tokFile && baseTok) {
    const t = await sameTokenizer(tokFile.text, baseTok.text);
    record.tokenizer = t.same ? 'match' : 'mismatch';
    record.tokenizerSha256 = { model: t.model, base: t.base };
  }
  result.base = {
    record,
    ...(cfgFile ? { configFile: norm(cfgFile.path) } : {}),
    ...(tokFile ? { tokenizerFile: norm(tokFile.path) } : {}),
  };
  return result;
}
