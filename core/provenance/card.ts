import { parseDocument } from 'yaml';
import { z } from 'zod';

/** Model cards, dataset cards and datasheets: YAML front matter plus markdown sections. */

export const TEMPLATE_LEFTOVER = '[More Information Needed]';
const MAX_CARD_CHARS = 2_000_000;

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

function parseYaml(file: string, yamlText: string, lineOffset: number): Record<string, unknown> {
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
    value = doc.toJS({ maxAliasCount: 100 });
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

/** Validates a card's front matter; a field of the wrong type is a parse error naming the field and its line. */
export function modelCardMeta(card: Card, yamlLineOf?: (key: string) => number | undefined): ModelCardMeta {
  const r = ModelCardMetaSchema.safeParse(card.meta);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  throw new CardParseError(card.file, yamlLineOf?.(key), `\`${issue.path.join('.') || '(root)'}\`: ${issue.message}`);
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
