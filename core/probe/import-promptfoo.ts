import {
  buildProbeSet,
  defaultProbeSetName,
  ProbeSetError,
  PROBE_SET_LIMITS,
  utf8Length,
  type RawEntry,
} from './probe-set.ts';
import type { ProbeSet } from './types.ts';
import { jsonBoundProblem } from '../util/bounded-json.ts';

/**
 * Imports promptfoo test cases as a probe set:
 * - JSONL (or a JSON array) of `{vars: {...}, assert?: [...], metadata?: {category}, description?}`;
 * - CSV whose columns are vars, plus `__expected` (a bare value or `equals: X` → the expected label),
 *   `__metadata:category` → the category and `__description`.
 * The item text is vars.text ?? vars.input ?? vars.prompt ?? the first var; vars with `prompt`, `safe` and
 * `unsafe` make causal-LM items. Other assertion types (contains, llm-rubric …) have no label and are dropped.
 */

const DEFAULT_CATEGORY = 'uncategorized';

/** RFC 4180 CSV: quoted fields with "" escapes, commas and line breaks inside quotes, CRLF or LF rows. */
export function parseCsv(text: string, fileName = 'input.csv'): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new ProbeSetError(fileName, rowLine, 'a quoted CSV field is not closed');
  if (field !== '' || row.length > 0) endRow();
  return { rows, lines };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** `equals: X` or a bare value → X; other assertion forms (`contains:`, `javascript:` …) → undefined. */
function expectedFromCsv(cell: string): string | undefined {
  const value = cell.trim();
  if (value === '') return undefined;
  const m = /^([a-z][a-z0-9-]*(?::[a-z0-9-]+)?)\s*:\s*(.*)$/is.exec(value);
  if (!m) return value;
  return m[1]?.toLowerCase() === 'equals' ? m[2]?.trim() || undefined : undefined;
}

function expectedFromAsserts(asserts: unknown): string | undefined {
  if (!Array.isArray(asserts)) return undefined;
  for (const a of asserts) {
    if (isObject(a) && a.type === 'equals') {
      const v = str(a.value);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

interface Test {
  vars: Record<string, string>;
  expected?: string;
  category?: string;
  description?: string;
  id?: string;
}

function toRaw(t: Test, index: number): Record<string, unknown> {
  const { vars } = t;
  const id = t.id ?? `promptfoo-${index + 1}`;
  const category = t.category || DEFAULT_CATEGORY;
  if (vars.prompt !== undefined && vars.safe !== undefined && vars.unsafe !== undefined) {
    return { id, category, prompt: vars.prompt, safe: vars.safe, unsafe: vars.unsafe };
  }
  const text = vars.text ?? vars.input ?? vars.prompt ?? Object.values(vars)[0];
  return { id, category, ...(text !== undefined ? { text } : {}), ...(t.expected ? { expected: t.expected } : {}) };
}

function fromCsv(text: string, fileName: string): RawEntry[] {
  const { rows, lines } = parseCsv(text, fileName);
  const [head, ...body] = rows;
  if (!head) return [];
  const columns = head.map((h) => h.trim());
  return body.map((cells, r) => {
    const line = lines[r + 1] ?? 0;
    if (cells.length > columns.length)
      throw new ProbeSetError(fileName, line, 'the row has more cells than the header');
    const t: Test = { vars: {} };
    columns.forEach((col, c) => {
      const cell = cells[c] ?? '';
      if (col === '__metadata:category') t.category = cell.trim();
      else if (col === '__description') t.description = cell;
      else if (/^__expected\d*$/.test(col)) t.expected ??= expectedFromCsv(cell);
      else if (col === '__metadata:id') t.id = cell.trim() || undefined;
      else if (!col.startsWith('__')) t.vars[col] = cell;
    });
    return { line, value: toRaw(t, r) };
  });
}

function fromJson(text: string, fileName: string): RawEntry[] {
  const trimmed = text.trimStart();
  const records: { line: number; value: unknown }[] = [];
  if (trimmed.startsWith('[')) {
    let all: unknown;
    const bound = jsonBoundProblem(trimmed);
    if (bound) throw new ProbeSetError(fileName, undefined, `the file is ${bound.what}`);
    try {
      all = JSON.parse(trimmed);
    } catch (e) {
      throw new ProbeSetError(fileName, undefined, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    (all as unknown[]).forEach((value, i) => records.push({ line: i + 1, value }));
  } else {
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') return;
      if (utf8Length(raw) > PROBE_SET_LIMITS.maxLineBytes) {
        throw new ProbeSetError(fileName, i + 1, `the line is longer than ${PROBE_SET_LIMITS.maxLineBytes / 1024} KB`);
      }
      const bound = jsonBoundProblem(raw);
      if (bound) throw new ProbeSetError(fileName, i + 1, `the line is ${bound.what}`);
      try {
        records.push({ line: i + 1, value: JSON.parse(raw) });
      } catch (e) {
        throw new ProbeSetError(fileName, i + 1, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
    });
  }
  return records.map(({ line, value }, index) => {
    if (!isObject(value) || !isObject(value.vars)) {
      throw new ProbeSetError(fileName, line, 'a promptfoo test needs a "vars" object');
    }
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(value.vars)) {
      const s = str(v);
      if (s !== undefined) vars[k] = s;
    }
    const metadata = isObject(value.metadata) ? value.metadata : {};
    const t: Test = {
      vars,
      expected: expectedFromAsserts(value.assert),
      category: str(metadata.category),
      description: str(value.description),
      id: str(metadata.id),
    };
    return { line, value: toRaw(t, index) };
  });
}

/** Imports promptfoo tests (CSV when the name ends in .csv, else JSONL or a JSON array) as a ProbeSet. */
export function importPromptfoo(text: string, fileName: string): ProbeSet {
  const clean = text.replace(/^\uFEFF/, '');
  const entries = /\.csv$/i.test(fileName) ? fromCsv(clean, fileName) : fromJson(clean, fileName);
  return buildProbeSet({ probeset: defaultProbeSetName(fileName), source: 'promptfoo' }, entries, fileName);
}
