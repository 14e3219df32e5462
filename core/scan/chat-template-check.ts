/**
 * Static check of a Jinja chat template for sandbox escapes (technique 37: CVE-2024-34359 in
 * llama-cpp-python, CVE-2026-5760 in SGLang). Templates are never rendered: only the code inside
 * `{{ … }}` and `{% … %}` is tokenised, string literals are decoded (Jinja honours Python escapes such
 * as `\x5f`) and adjacent literals are folded, so `'__cla' ~ 'ss__'` is seen as `__class__`.
 * Ordinary chat templates (Llama, Qwen, Mistral, Gemma) use none of what is flagged here.
 */

export interface TemplateIssue {
  level: 'malicious' | 'suspicious';
  what: string;
  /** Character offset in the template. */
  offset: number;
}

/** Names that only a sandbox escape reaches for: Python internals and process/import gadgets. */
const ESCAPE_NAMES = new Set([
  'os', 'popen', 'subprocess', 'system', 'eval', 'exec', 'execfile', 'compile', 'builtins', 'globals', 'getattr',
  'setattr', 'mro', 'subclasses', 'import_module', 'importlib', 'func_globals', 'f_globals', 'gi_frame', 'tb_frame',
  'sys', 'modules', 'check_output', 'spawn', 'pty', 'socket', 'ctypes', 'marshal', 'pickle', 'loads',
]); // prettier-ignore

/** Objects of Jinja/Flask templates that are classic starting points of escape chains, not chat-template needs. */
const GADGET_OBJECTS = new Set([
  'lipsum', 'cycler', 'joiner', 'self', 'config', 'request', 'url_for', 'get_flashed_messages',
]); // prettier-ignore

const CODE_REGION = /\{([{%])([\s\S]*?)[%}]\}/g;
const DUNDER = /__[A-Za-z0-9_]*__/;

export function checkChatTemplate(template: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const m of template.matchAll(CODE_REGION)) {
    checkRegion(m[2] ?? '', (m.index ?? 0) + 2, issues);
    if (issues.length >= 20) break;
  }
  return dedupe(issues);
}

function checkRegion(code: string, base: number, issues: TemplateIssue[]): void {
  const { bare, literals } = splitLiterals(code);
  const folded = literals.map((l) => l.text).join('');
  for (const l of literals) {
    const d = DUNDER.exec(l.text);
    if (d) issues.push({ level: 'malicious', what: `string '${d[0]}' names a Python internal`, offset: base + l.at });
    if (l.text.includes('%c'))
      issues.push({ level: 'suspicious', what: "'%c' format builds characters", offset: base + l.at });
  }
  const fd = DUNDER.exec(folded);
  if (fd && !literals.some((l) => DUNDER.test(l.text))) {
    issues.push({ level: 'malicious', what: `string pieces join into '${fd[0]}'`, offset: base });
  }
  for (const t of bare.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g))
    checkIdentifier(t[0], base + (t.index ?? 0), bare, t.index ?? 0, issues);
  if (/\|\s*attr\b/.test(bare))
    issues.push({ level: 'suspicious', what: "the 'attr' filter reads arbitrary attributes", offset: base });
}

function checkIdentifier(name: string, offset: number, bare: string, at: number, issues: TemplateIssue[]): void {
  if (DUNDER.test(name)) {
    issues.push({ level: 'malicious', what: `'${name}' reaches a Python internal`, offset });
  } else if (ESCAPE_NAMES.has(name) && isUsedAsObject(bare, at + name.length)) {
    issues.push({ level: 'malicious', what: `'${name}' is an import or process gadget`, offset });
  } else if (GADGET_OBJECTS.has(name) && isUsedAsObject(bare, at + name.length)) {
    issues.push({ level: 'suspicious', what: `'${name}' is a known sandbox-escape starting point`, offset });
  }
}

/**
 * Called, dereferenced or indexed (`os.popen`, `popen(`, `lipsum[`): a plain variable or data key that
 * happens to share the name (`{% if system %}`, `message.system`) is not a gadget.
 */
function isUsedAsObject(bare: string, end: number): boolean {
  const next = /^\s*([(.[])/.exec(bare.slice(end, end + 64));
  return next !== null;
}

interface Literal {
  text: string;
  at: number;
}

/** Separates string literals (decoded) from the rest of the code (literals replaced by spaces). */
function splitLiterals(code: string): { bare: string; literals: Literal[] } {
  const literals: Literal[] = [];
  let bare = '';
  for (let i = 0; i < code.length;) {
    const q = code[i];
    if (q !== '"' && q !== "'") {
      bare += q;
      i++;
      continue;
    }
    let j = i + 1;
    let text = '';
    while (j < code.length && code[j] !== q) {
      if (code[j] === '\\') {
        const [ch, len] = unescape(code, j);
        text += ch;
        j += len;
      } else text += code[j++];
    }
    literals.push({ text, at: i });
    bare += ' '.repeat(Math.min(j + 1, code.length) - i);
    i = j + 1;
  }
  return { bare, literals };
}

/** Python string escapes that Jinja's lexer decodes: \xNN, \uNNNN, \UNNNNNNNN, \NNN (octal), \n … */
function unescape(s: string, i: number): [string, number] {
  const e = s[i + 1] ?? '';
  const hex = (n: number): [string, number] | null => {
    const h = s.slice(i + 2, i + 2 + n);
    return /^[0-9a-fA-F]+$/.test(h) && h.length === n ? [String.fromCodePoint(parseInt(h, 16)), 2 + n] : null;
  };
  if (e === 'x') return hex(2) ?? [e, 2];
  if (e === 'u') return hex(4) ?? [e, 2];
  if (e === 'U') return hex(8) ?? [e, 2];
  const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
  if (oct) return [String.fromCharCode(parseInt(oct[0], 8)), 1 + oct[0].length];
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
  return [simple[e] ?? e, 2];
}

function dedupe(issues: TemplateIssue[]): TemplateIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.level}|${i.what}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
