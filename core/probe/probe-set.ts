import { z } from 'zod';
import type { ModelKind, ProbeItem, ProbeSet, ProbeSetHeader } from './types.ts';
import { jsonBoundProblem } from '../util/bounded-json.ts';

/**
 * Probe-set JSONL: an optional header line `{"probeset","version","source","license"}`, then
 * one item per line, either all classifier items `{id, category, text, expected?}` or all causal-LM items
 * `{id, category, prompt, safe, unsafe}`, each with optional `pair_id`, `tags`, `trigger_slot`.
 * Unknown fields are ignored so richer files (severity, taxonomy …) still load. An optional field that is
 * `null` is absent (pandas and most JSON writers write a missing label as null).
 */

export const PROBE_SET_LIMITS = { maxItems: 100_000, maxLineBytes: 16 * 1024 } as const;

export class ProbeSetError extends Error {
  constructor(
    readonly fileName: string,
    /** 1-based line number, absent for problems with the whole file. */
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? `${fileName}: ${problem}` : `${fileName}, line ${line}: ${problem}`);
    this.name = 'ProbeSetError';
  }
}

const text = (max: number) => z.string().min(1).max(max);

export const ProbeSetHeaderSchema = z.object({
  probeset: text(200),
  version: z.string().max(100).optional(),
  source: z.string().max(2000).optional(),
  license: z.string().max(200).optional(),
});

/** An optional field: absent, or null for absent. */
function optional<T extends z.ZodTypeAny>(schema: T) {
  return schema.nullish().transform((v) => v ?? undefined);
}

const common = {
  id: z.union([text(256), z.number().int().transform(String)]),
  category: text(128),
  pair_id: optional(z.union([text(256), z.number().int().transform(String)])),
  tags: optional(z.array(text(128)).max(64)),
  trigger_slot: optional(z.enum(['prefix', 'interior', 'suffix'])),
};

export const ClassifierItemSchema = z.object({ ...common, text: z.string().min(1), expected: optional(text(256)) });
export const LmItemSchema = z.object({
  ...common,
  prompt: z.string().min(1),
  safe: z.string().min(1),
  unsafe: z.string().min(1),
});

/** One raw item and the line it came from, before validation (shared with the promptfoo importer). */
export interface RawEntry {
  line: number;
  value: unknown;
}

/** UTF-8 byte length without TextEncoder (the 16 KB line limit is in bytes). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid item';
  const field = issue.path.join('.');
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `missing field "${field}"`;
  return field ? `field "${field}": ${issue.message}` : issue.message;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function itemKind(value: Record<string, unknown>): ModelKind | undefined {
  const lm = 'prompt' in value || 'safe' in value || 'unsafe' in value;
  const cls = 'text' in value;
  if (lm && cls) return undefined;
  if (lm) return 'causal-lm';
  if (cls) return 'classifier';
  return undefined;
}

function toItem(kind: ModelKind, value: Record<string, unknown>): ProbeItem {
  const schema = kind === 'classifier' ? ClassifierItemSchema : LmItemSchema;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw parsed.error;
  const d = parsed.data as z.infer<typeof ClassifierItemSchema> & z.infer<typeof LmItemSchema>;
  const base = {
    id: d.id,
    category: d.category,
    ...(d.pair_id !== undefined ? { pairId: d.pair_id } : {}),
    ...(d.tags !== undefined ? { tags: d.tags } : {}),
    ...(d.trigger_slot !== undefined ? { triggerSlot: d.trigger_slot } : {}),
  };
  return kind === 'classifier'
    ? { kind, ...base, text: d.text, ...(d.expected !== undefined ? { expected: d.expected } : {}) }
    : { kind, ...base, prompt: d.prompt, safe: d.safe, unsafe: d.unsafe };
}

/** Validates raw items into a ProbeSet: one kind throughout, unique ids, within the limits. */
export function buildProbeSet(header: ProbeSetHeader, entries: readonly RawEntry[], fileName: string): ProbeSet {
  if (entries.length === 0) throw new ProbeSetError(fileName, undefined, 'the file has no probe items');
  if (entries.length > PROBE_SET_LIMITS.maxItems) {
    const over = entries[PROBE_SET_LIMITS.maxItems];
    throw new ProbeSetError(fileName, over?.line, `too many items (the limit is ${PROBE_SET_LIMITS.maxItems})`);
  }
  let kind: ModelKind | undefined;
  let kindLine = 0;
  const seen = new Map<string, number>();
  const items: ProbeItem[] = [];
  for (const { line, value } of entries) {
    if (!isObject(value)) throw new ProbeSetError(fileName, line, 'an item must be a JSON object');
    const k = itemKind(value);
    if (k === undefined) {
      const both = 'text' in value;
      throw new ProbeSetError(
        fileName,
        line,
        both
          ? 'an item has either "text" (classifier) or "prompt", "safe" and "unsafe" (causal LM), not both'
          : 'missing field: a classifier item needs "text", a causal-LM item needs "prompt", "safe" and "unsafe"',
      );
    }
    if (kind === undefined) [kind, kindLine] = [k, line];
    else if (k !== kind) {
      throw new ProbeSetError(
        fileName,
        line,
        `this is a ${k} item but line ${kindLine} is a ${kind} item; one file holds one kind`,
      );
    }
    let item: ProbeItem;
    try {
      item = toItem(k, value);
    } catch (e) {
      if (e instanceof z.ZodError) throw new ProbeSetError(fileName, line, describe(e));
      throw e;
    }
    const first = seen.get(item.id);
    if (first !== undefined)
      throw new ProbeSetError(fileName, line, `duplicate id "${item.id}" (first on line ${first})`);
    seen.set(item.id, line);
    items.push(item);
  }
  return { header, kind: kind as ModelKind, items };
}

/** The header's name when the file has none: the file name without its extensions. */
export function defaultProbeSetName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.(probes\.)?(jsonl|json|csv|txt)$/i, '') || 'probes';
}

/** Parses probe-set JSONL; throws ProbeSetError naming the file, the 1-based line and the problem. */
export function parseProbeSet(text: string, fileName: string): ProbeSet {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: ProbeSetHeader | undefined;
  const entries: RawEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = i + 1;
    if (raw.trim() === '') continue;
    if (utf8Length(raw) > PROBE_SET_LIMITS.maxLineBytes) {
      throw new ProbeSetError(fileName, line, `the line is longer than ${PROBE_SET_LIMITS.maxLineBytes / 1024} KB`);
    }
    let value: unknown;
    const bound = jsonBoundProblem(raw);
    if (bound) throw new ProbeSetError(fileName, line, `the line is ${bound.what}`);
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new ProbeSetError(fileName, line, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (isObject(value) && 'probeset' in value) {
      if (header !== undefined || entries.length > 0) {
        throw new ProbeSetError(fileName, line, 'a header line ("probeset") may only be the first line');
      }
      const parsed = ProbeSetHeaderSchema.safeParse(value);
      if (!parsed.success) throw new ProbeSetError(fileName, line, `header: ${describe(parsed.error)}`);
      header = stripUndefined(parsed.data);
      continue;
    }
    entries.push({ line, value });
    if (entries.length > PROBE_SET_LIMITS.maxItems) break;
  }
  return buildProbeSet(header ?? { probeset: defaultProbeSetName(fileName) }, entries, fileName);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
