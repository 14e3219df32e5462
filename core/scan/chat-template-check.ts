import { TemplateSyntaxError, UnverifiableEscape, type JinjaToken } from './chat-template-lexer.ts';
import { parseTemplate, type Parsed } from './chat-template-parse.ts';
import { ESCAPE_NAMES, looksInternal, Unverifiable, walkTemplate, type WalkIssue } from './chat-template-walk.ts';

/**
 * Static check of a Jinja chat template for sandbox escapes (CVE-2024-34359 in llama-cpp-python,
 * CVE-2026-5760 in SGLang). The template is never rendered: it is lexed as jinja2 lexes it, parsed into a
 * syntax tree, and every attribute or item it could read is checked by the name it would have at render
 * time (chat-template-walk.ts). Whatever cannot be checked is reported as unverified, never as clean.
 */

export interface TemplateIssue {
  /** `unverified`: the template could not be checked (too large, syntax this checker does not read). */
  level: 'malicious' | 'suspicious' | 'unverified';
  what: string;
  /** Character offset in the template (0 when the finding has no single place). */
  offset: number;
}

/** Real chat templates are a few KiB; over this the check would cost more than it is worth. */
export const MAX_TEMPLATE_CHARS = 1 << 20;
const MAX_ISSUES = 20;

export function checkChatTemplate(template: string): TemplateIssue[] {
  if (template.length > MAX_TEMPLATE_CHARS)
    return [unverified(`${template.length} characters, over the ${MAX_TEMPLATE_CHARS}-character check limit`, 0)];
  let lexed: ReturnType<typeof parseTemplate>;
  try {
    lexed = parseTemplate(template);
  } catch (e) {
    return lexFailure(template, e);
  }
  let parsed: Parsed;
  try {
    parsed = lexed.parse();
  } catch (e) {
    // The parser reads less than jinja2 does: what it rejects may still render, so it is not clean.
    return finish([unverified(`the parser rejected it (${message(e)})`, 0), ...tokenIssues(lexed.tokens)]);
  }
  try {
    const located = walkTemplate(parsed.program).map((i) => locate(i, parsed.tokens));
    return finish([...loadIssues(parsed), ...located]);
  } catch (e) {
    // A budget, a depth cap or syntax the walk does not know: fail closed.
    const why = e instanceof Unverifiable ? message(e) : `the check failed (${message(e)})`;
    return finish([unverified(why, 0), ...tokenIssues(parsed.tokens)]);
  }
}

function unverified(why: string, offset: number): TemplateIssue {
  return { level: 'unverified', what: `could not be verified: ${why}`, offset };
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}

/** jinja2 refuses what its lexer refuses, except escapes this checker cannot decode; either way, not clean. */
function lexFailure(template: string, e: unknown): TemplateIssue[] {
  if (!(e instanceof TemplateSyntaxError) && !(e instanceof UnverifiableEscape)) throw e;
  const issues = [unverified(`it is not valid Jinja as read here (${message(e)})`, e.at)];
  const dunder = /__\w+__/.exec(template);
  if (dunder) issues.push({ level: 'malicious', what: `'${dunder[0]}' names a Python internal`, offset: dunder.index });
  return issues;
}

function loadIssues(parsed: Parsed): TemplateIssue[] {
  return parsed.loads.map((l) => ({
    level: 'suspicious',
    what: `'${l.tag}' loads another template, which chat templates never need`,
    offset: l.at,
  }));
}

function locate(issue: WalkIssue, tokens: JinjaToken[]): TemplateIssue {
  const hit = issue.needle === '' ? undefined : tokens.find((t) => t.value.includes(issue.needle));
  return { level: issue.level, what: issue.what, offset: hit?.at ?? 0 };
}

/** When no tree could be built: what the tokens alone show (dunder names, members of escape globals). */
function tokenIssues(tokens: JinjaToken[]): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    const deref = next?.type === 'Dot' || next?.type === 'OpenSquareBracket' || next?.type === 'OpenParen';
    const bad =
      (t.type === 'StringLiteral' && looksInternal(t.value)) ||
      (t.type === 'Identifier' && tokens[i - 1]?.type === 'Dot' && t.value.startsWith('_')) ||
      (t.type === 'Identifier' && deref && (ESCAPE_NAMES.has(t.value) || looksInternal(t.value)));
    if (bad)
      issues.push({ level: 'malicious', what: `'${t.value.slice(0, 80)}' reaches a Python internal`, offset: t.at });
  });
  return issues;
}

const RANK: TemplateIssue['level'][] = ['malicious', 'unverified', 'suspicious'];

/** Deduplicated, worst first, so the cap never drops a malicious finding for a lesser one. */
function finish(issues: TemplateIssue[]): TemplateIssue[] {
  const seen = new Set<string>();
  return issues
    .sort((a, b) => RANK.indexOf(a.level) - RANK.indexOf(b.level))
    .filter((i) => {
      const k = `${i.level}|${i.what}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .slice(0, MAX_ISSUES);
}
