import { Parser, parseDocument } from 'yaml';
import { z } from 'zod';

/** Model cards, dataset cards and datasheets: YAML front matter plus markdown sections. */

export const TEMPLATE_LEFTOVER = '[More Information Needed]';
const MAX_CARD_CHARS = 2_000_000;
/** Real front matter, model-index included, is a few KiB to a few hundred; the yaml parser is not linear past that. */
export const MAX_FRONT_MATTER_CHARS = 512 * 1024;
/**
 * Real front matter nests under 10 levels (model-index → results → metrics → …). The yaml package composes
 * and converts nested collections by recursion, so a deeper one is refused before it gets there.
 */
export const MAX_YAML_DEPTH = 64;
/** Aliases resolved when the YAML is converted (yaml's guard against "billion laughs" expansion). */
const MAX_YAML_ALIASES = 100;

export class CardParseError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'CardParseError';
    this.file = file;
    this.line = line;
  }
}

export interface CardSection {
  /** Heading text, without the leading #s. */
  title: string;
  level: number;
  /** 1-based line of the heading in the file. */
  line: number;
  /** Text directly under the heading, before the next heading of any level. */
  text: string;
  /** Text under the heading including every sub-section. */
  fullText: string;
}

export interface Card {
  file: string;
  /** The YAML front matter as plain data; empty when the card has none. */
  meta: Record<string, unknown>;
  hasFrontMatter: boolean;
  /** Line in the file where the body starts (1-based). */
  bodyLine: number;
  body: string;
  sections: CardSection[];
  /** Every `[More Information Needed]`, with its line and the heading it is under. */
  leftovers: { line: number; section?: string }[];
}

/** Splits off the `---` front matter and parses it with `yaml` (strict: duplicate keys and bad syntax throw). */
export function parseCard(file: string, text: string): Card {
  if (text.length > MAX_CARD_CHARS)
    throw new CardParseError(file, undefined, `card is larger than ${MAX_CARD_CHARS} characters`);
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = src.split('\n');
  let meta: Record<string, unknown> = {};
  let hasFrontMatter = false;
  let bodyStart = 0;
  if (lines[0]?.trimEnd() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === '---' || l.trimEnd() === '...'));
    if (end < 0) throw new CardParseError(file, 1, 'the YAML front matter opened with `---` is never closed');
    hasFrontMatter = true;
    bodyStart = end + 1;
    meta = parseYaml(file, lines.slice(1, end).join('\n'), 1);
  }
  const bodyLines = lines.slice(bodyStart);
  const body = bodyLines.join('\n');
  const sections = splitSections(bodyLines, bodyStart + 1);
  const leftovers: Card['leftovers'] = [];
  let k = -1; // the last section starting at or before the current line (sections are in line order)
  lines.forEach((l, i) => {
    const line = i + 1;
    while (k + 1 < sections.length && sections[k + 1]!.line <= line) k++;
    let from = 0;
    while ((from = l.indexOf(TEMPLATE_LEFTOVER, from)) >= 0) {
      const section = sections[k]?.title;
      leftovers.push(section ? { line, section } : { line });
      from += TEMPLATE_LEFTOVER.length;
    }
  });
  return { file, meta, hasFrontMatter, bodyLine: bodyStart + 1, body, sections, leftovers };
}

/**
 * The deepest nesting of collections in a YAML text, read from the yaml package's own syntax tree: its
 * lexer and parser work without recursion (only composing the document recurses), and the walk here keeps
 * its own stack. Stops early, returning `stopAbove + 1`, once deeper than `stopAbove`.
 */
export function yamlNestingDepth(yamlText: string, stopAbove = Infinity): number {
  type CstNode = { type?: string; value?: unknown; key?: unknown; items?: CstNode[] };
  const todo: [CstNode | undefined, number][] = [];
  for (const token of new Parser().parse(yamlText)) todo.push([token as CstNode, 0]);
  let max = 0;
  while (todo.length > 0) {
    const [node, depth] = todo.pop()!;
    if (!node || typeof node !== 'object') continue;
    const collection = node.type === 'block-map' || node.type === 'block-seq' || node.type === 'flow-collection';
    const d = collection ? depth + 1 : depth;
    if (d > max) {
      max = d;
      if (max > stopAbove) return max;
    }
    if (node.type === 'document') todo.push([node.value as CstNode, d]);
    // An item of a collection: its key (flow and explicit keys may be collections too) and its value.
    if (collection)
      for (const item of node.items ?? []) todo.push([item.key as CstNode, d], [item.value as CstNode, d]);
  }
  return max;
}

function parseYaml(file: string, yamlText: string, lineOffset: number): Record<string, unknown> {
  if (yamlText.length > MAX_FRONT_MATTER_CHARS) {
    throw new CardParseError(file, lineOffset, `YAML front matter is larger than ${MAX_FRONT_MATTER_CHARS} characters`);
  }
  if (yamlNestingDepth(yamlText, MAX_YAML_DEPTH) > MAX_YAML_DEPTH) {
    throw new CardParseError(file, lineOffset, `YAML front matter nested deeper than ${MAX_YAML_DEPTH} levels`);
  }
  const doc = parseDocument(yamlText, { strict: true, uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new CardParseError(
      file,
      line !== undefined ? line + lineOffset : undefined,
      `malformed YAML front matter: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    throw new CardParseError(file, lineOffset + 1, `YAML front matter could not be read: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CardParseError(file, lineOffset + 1, 'YAML front matter must be a mapping of keys to values');
  }
  return value as Record<string, unknown>;
}

function splitSections(bodyLines: string[], firstLine: number): CardSection[] {
  const heads: { title: string; level: number; index: number }[] = [];
  let fence = false;
  bodyLines.forEach((l, i) => {
    if (/^\s{0,3}(```|~~~)/.test(l)) fence = !fence;
    if (fence) return;
    const m = /^ {0,3}(#{1,6})[ \t]+(.*)$/.exec(l);
    if (m) heads.push({ title: headingTitle(m[2]!), level: m[1]!.length, index: i });
  });
  // Where each section ends including its sub-sections: at the next heading of the same or a higher level.
  const ends = new Array<number>(heads.length).fill(bodyLines.length);
  const open: number[] = [];
  heads.forEach((h, k) => {
    while (open.length > 0 && heads[open[open.length - 1]!]!.level >= h.level) ends[open.pop()!] = h.index;
    open.push(k);
  });
  return heads.map((h, k) => {
    const next = heads[k + 1]?.index ?? bodyLines.length;
    const after = ends[k]!;
    return {
      title: h.title,
      level: h.level,
      line: firstLine + h.index,
      text: meaningful(bodyLines.slice(h.index + 1, next).join('\n')),
      fullText: meaningful(
        bodyLines
          .slice(h.index + 1, after)
          .filter((l) => !/^\s{0,3}#{1,6}\s/.test(l))
          .join('\n'),
      ),
    };
  });
}

/** `## Title ##` → `Title`, without regular expressions that backtrack on long lines. */
function headingTitle(raw: string): string {
  let t = raw.trim();
  let end = t.length;
  while (end > 0 && t[end - 1] === '#') end--;
  if (end < t.length && (end === 0 || t[end - 1] === ' ' || t[end - 1] === '\t')) t = t.slice(0, end).trim();
  return t;
}

/** Removes `<!-- … -->` comments (an unclosed one runs to the end), in linear time. */
export function stripComments(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('<!--', from);
    if (open < 0) return out + text.slice(from);
    out += text.slice(from, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    from = close + 3;
  }
}

/** Text with template leftovers, HTML comments and blank lines removed: empty means "not filled in". */
export function meaningful(text: string): string {
  return (
    stripComments(text)
      .split(TEMPLATE_LEFTOVER)
      .join('')
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      // Blank lines, rules, and list items left with only a bold label (`- **Repository:**`) say nothing.
      .filter((l) => l !== '' && !/^[-*_]{3,}$/.test(l) && !/^[-*]( ?\*\*[^*]{1,200}\*\*:?)?$/.test(l))
      .join('\n')
  );
}

// ---- model-card metadata at the boundary ----

const str = z.string().max(2000);
const DatasetEntrySchema = z.union([
  str,
  z.looseObject({
    id: str.optional(),
    name: str.optional(),
    revision: str.optional(),
    sha: str.optional(),
    sha256: str.optional(),
    hash: str.optional(),
    url: str.optional(),
  }),
]);

export const ModelCardMetaSchema = z.looseObject({
  base_model: z.union([str, z.array(str).max(100)]).nullish(),
  base_model_relation: str.nullish(),
  finetuned_from: str.nullish(),
  license: z.union([str, z.array(str).max(20)]).nullish(),
  license_name: str.nullish(),
  license_link: str.nullish(),
  datasets: z.union([DatasetEntrySchema, z.array(DatasetEntrySchema).max(1000)]).nullish(),
  pipeline_tag: str.nullish(),
  library_name: str.nullish(),
  tags: z.union([str, z.array(z.unknown()).max(1000)]).nullish(),
  'model-index': z.unknown().optional(),
});
export type ModelCardMeta = z.infer<typeof ModelCardMetaSchema>;

/** A front-matter field longer (or with more entries) than the schema reads: cut to the limit and reported. */
export interface OversizedField {
  file: string;
  /** `license`, `datasets[3].id` … as written in the card. */
  field: string;
  line?: number;
  unit: 'characters' | 'entries';
  length: number;
  limit: number;
}

export interface SizeIssue {
  path: PropertyKey[];
  origin: string;
  maximum: number;
}

/** The too-long strings and lists among zod issues (unions included); undefined when another issue is there. */
export function sizeIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): SizeIssue[] | undefined {
  const out: SizeIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array')) {
      out.push({ path, origin: issue.origin, maximum: Number(issue.maximum) });
    } else if (issue.code === 'invalid_union') {
      // The value fits one branch but for its size: that branch alone has only size issues.
      const fits = issue.errors.map((branch) => sizeIssues(branch, path)).filter((b) => b && b.length > 0);
      if (fits.length !== 1) return undefined;
      out.push(...fits[0]!);
    } else return undefined;
  }
  return out;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, k) => (typeof k === 'number' ? `${name}[${k}]` : name === '' ? String(k) : `${name}.${String(k)}`),
    '',
  );
}

/**
 * Cuts every too-long string or list at `path` in a copy of `value` to `maximum`; returns the copy and what
 * it cut. Used for the card's front matter (ModelCardMetaSchema) and the Report's provenance record.
 */
export function cutToLimits(
  value: unknown,
  issues: readonly SizeIssue[],
): { value: unknown; cut: { field: string; unit: OversizedField['unit']; length: number; limit: number }[] } {
  const cut: { field: string; unit: OversizedField['unit']; length: number; limit: number }[] = [];
  const copy = (v: unknown): unknown => (Array.isArray(v) ? [...v] : v && typeof v === 'object' ? { ...v } : v);
  const root = copy(value);
  for (const { path, maximum } of issues) {
    if (path.length === 0) continue;
    let parent = root as Record<PropertyKey, unknown>;
    for (const k of path.slice(0, -1)) {
      const child = copy(parent[k]);
      parent[k] = child;
      parent = child as Record<PropertyKey, unknown>;
      if (!parent || typeof parent !== 'object') break;
    }
    if (!parent || typeof parent !== 'object') continue;
    const last = path[path.length - 1]!;
    const v = parent[last];
    if (typeof v === 'string' && v.length > maximum) {
      parent[last] = v.slice(0, maximum);
      cut.push({ field: fieldName(path), unit: 'characters', length: v.length, limit: maximum });
    } else if (Array.isArray(v) && v.length > maximum) {
      parent[last] = v.slice(0, maximum);
      cut.push({ field: fieldName(path), unit: 'entries', length: v.length, limit: maximum });
    }
  }
  return { value: root, cut };
}

/** Passes of cutting: a list cut shorter may still hold a too-long string, found on the next pass. */
const MAX_CUT_PASSES = 4;

/**
 * Validates a card's front matter. A field of the wrong type is a parse error naming the field and its line;
 * a field that is only too long (a 5000-character license, 200 base models) is cut to the schema's limit and
 * passed to `onOversized` (the provenance check reports it as MG-PROV-019), so the rest of the card is read.
 */
export function modelCardMeta(
  card: Card,
  yamlLineOf?: (key: string) => number | undefined,
  onOversized?: (field: OversizedField) => void,
): ModelCardMeta {
  let meta: unknown = card.meta;
  for (let pass = 0; ; pass++) {
    const r = ModelCardMetaSchema.safeParse(meta);
    if (r.success) return r.data;
    const sizes = pass < MAX_CUT_PASSES ? sizeIssues(r.error.issues) : undefined;
    if (!sizes || sizes.length === 0) {
      const issue = r.error.issues[0]!;
      const key = String(issue.path[0] ?? '');
      throw new CardParseError(
        card.file,
        yamlLineOf?.(key),
        `\`${issue.path.join('.') || '(root)'}\`: ${issue.message}`,
      );
    }
    const { value, cut } = cutToLimits(meta, sizes);
    meta = value;
    for (const c of cut) {
      const line = yamlLineOf?.(c.field.split(/[.[]/)[0]!);
      onOversized?.({ file: card.file, ...c, ...(line !== undefined ? { line } : {}) });
    }
  }
}

/** The 1-based file line of a top-level front-matter key, for error messages. */
export function frontMatterLine(text: string, key: string): number | undefined {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${key}:`) || l.startsWith(`'${key}':`) || l.startsWith(`"${key}":`));
  return i >= 0 ? i + 1 : undefined;
}

/** Finds the first section whose heading matches, preferring ones with content. */
export function findSection(card: Card, pattern: RegExp): CardSection | undefined {
  const all = card.sections.filter((s) => pattern.test(s.title));
  return all.find((s) => s.fullText !== '') ?? all[0];
}
