import { z } from 'zod';
import { parseBoundedJson } from '../util/bounded-json.ts';

/**
 * Finds the files of a Hugging Face model folder that the behavioral run needs in a list of
 * relative paths, and parses `config.json`.
 */

export interface ModelFolderFiles {
  /** `onnx/model.onnx` preferred over `model.onnx`; the shallowest match otherwise. */
  onnx?: string;
  /** External-data files next to the model (`model.onnx_data`, `model.onnx.data`, or as referenced). */
  externalData: string[];
  tokenizer?: string;
  tokenizerConfig?: string;
  config?: string;
}

const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');
const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const dir = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
const depth = (p: string): number => p.split('/').length;

function pick(paths: readonly string[], name: string, preferred?: string): string | undefined {
  const hits = paths.filter((p) => base(p) === name).sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  if (preferred) {
    const pref = hits.find((p) => p === preferred || p.endsWith(`/${preferred}`));
    if (pref) return pref;
  }
  return hits[0];
}

/**
 * @param paths relative paths of the folder's files
 * @param referenced external-data `location` values read from the ONNX file, when known
 */
export function findModelFiles(paths: readonly string[], referenced: readonly string[] = []): ModelFolderFiles {
  const all = paths.map(norm);
  const onnx =
    all.find((p) => p === 'onnx/model.onnx') ??
    all.find((p) => p === 'model.onnx') ??
    pick(all, 'model.onnx', 'onnx/model.onnx') ??
    all.filter((p) => p.endsWith('.onnx')).sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))[0];
  const externalData: string[] = [];
  if (onnx) {
    const folder = dir(onnx);
    const names = new Set([`${base(onnx)}_data`, `${base(onnx)}.data`, ...referenced.map((r) => norm(r))]);
    for (const p of all) {
      if (p.startsWith(folder) && names.has(p.slice(folder.length)) && !externalData.includes(p)) externalData.push(p);
    }
  }
  const root =
    onnx?.startsWith('onnx/') || onnx?.includes('/onnx/') ? dir(onnx).replace(/onnx\/$/, '') : onnx ? dir(onnx) : '';
  const near = (name: string): string | undefined => all.find((p) => p === `${root}${name}`) ?? pick(all, name);
  return {
    onnx,
    externalData,
    tokenizer: near('tokenizer.json'),
    tokenizerConfig: near('tokenizer_config.json'),
    config: near('config.json'),
  };
}

/** What a folder needs for behavior, in words, for the message when it has neither. */
export const RUNNABLE_FILES = 'an ONNX model (onnx/model.onnx or model.onnx) or config.json with model.safetensors';

/**
 * Whether a folder has something the behavioral run can load: an ONNX model, or a config.json with the
 * safetensors checkpoint from_pretrained reads beside it (model.safetensors or model.safetensors.index.json).
 */
export function hasRunnableModel(paths: readonly string[]): boolean {
  const found = findModelFiles(paths);
  if (found.onnx) return true;
  if (!found.config) return false;
  const root = dir(found.config);
  const all = new Set(paths.map(norm));
  return all.has(`${root}model.safetensors`) || all.has(`${root}model.safetensors.index.json`);
}

export const ModelConfigSchema = z
  .object({
    architectures: z.array(z.string().max(200)).max(64).optional(),
    model_type: z.string().max(200).optional(),
    id2label: z.record(z.string(), z.string().max(1000)).optional(),
    vocab_size: z.number().int().positive().optional(),
    max_position_embeddings: z.number().int().positive().optional(),
    n_positions: z.number().int().positive().optional(),
  })
  .loose();

export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** config.json holds hyper-parameters and label names: a few KiB, 4 MiB at the most (the model card's limit). */
export const MAX_CONFIG_BYTES = 4 << 20;

/** Parses config.json within bounds: an error names the file and the bound (core/util/bounded-json.ts). */
export function parseModelConfig(text: string, fileName = 'config.json'): ModelConfig {
  const json = parseBoundedJson(text, fileName, { maxBytes: MAX_CONFIG_BYTES });
  const parsed = ModelConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${fileName}: ${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Label names in id order from `id2label`; an error when the ids are not 0..n-1. */
export function labelsOf(config: ModelConfig): string[] | undefined {
  if (!config.id2label) return undefined;
  const entries = Object.entries(config.id2label);
  const labels: string[] = [];
  for (const [key, value] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= entries.length) {
      throw new Error(`config.json: id2label ids must be 0..${entries.length - 1}, got "${key}"`);
    }
    labels[id] = value;
  }
  return labels;
}

/** The longest sequence the model was configured for, when the config says. */
export function maxPositions(config: ModelConfig): number | undefined {
  return config.max_position_embeddings ?? config.n_positions;
}
