import { checkChatTemplate, type TemplateIssue } from './chat-template-check.ts';
import type { ScanFinding } from './types.ts';
import { REFS, validatorFinding, type ValidatorCode } from './validator-codes.ts';
import { BoundedJsonError, parseBoundedJson } from '../util/bounded-json.ts';

/**
 * Chat templates carried by text files of a model repository, which transformers, vLLM, SGLang and
 * llama.cpp render with Jinja: `tokenizer_config.json` (`chat_template` as a string or as a list of
 * `{name, template}`), `chat_template.json` (`{"chat_template": …}`) and `chat_template.jinja` / `*.jinja`.
 * Other files carry none and get no finding.
 */

const UNVERIFIED_CODE: ValidatorCode = 'MG-SCAN-232';
const CODES: Record<TemplateIssue['level'], ValidatorCode> = {
  malicious: 'MG-SCAN-229',
  suspicious: 'MG-SCAN-230',
  unverified: UNVERIFIED_CODE,
};
const JSON_CARRIERS = new Set(['tokenizer_config.json', 'chat_template.json']);

export function chatTemplateFindings(name: string, text: string): ScanFinding[] {
  const base = (name.split('/').pop() ?? name).toLowerCase();
  if (base.endsWith('.jinja')) return issuesToFindings(name, base, text, true);
  if (!JSON_CARRIERS.has(base)) return [];
  let doc: unknown;
  try {
    // Bounded: the document is walked (templatesOf) and its templates parsed; the message names the bound.
    doc = parseBoundedJson(text, name);
  } catch (error) {
    if (!(error instanceof BoundedJsonError)) throw error;
    const why = error.bound === 'syntax' ? 'is not valid JSON' : `is ${error.message.slice(name.length + 2)}`;
    return [unreadable(name, `${why}, so its chat template could not be checked`)];
  }
  const templates = templatesOf(doc);
  if (templates === null) return [unreadable(name, "has a 'chat_template' that is neither a string nor a list")];
  return templates.flatMap(({ key, template }) =>
    typeof template === 'string'
      ? issuesToFindings(name, key, template, false)
      : [unreadable(name, `has a chat template '${key}' that is not a string`)],
  );
}

/** The templates of a JSON carrier; null when `chat_template` has a shape no loader accepts. */
function templatesOf(doc: unknown): { key: string; template: unknown }[] | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const value = (doc as Record<string, unknown>).chat_template;
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ key: 'chat_template', template: value }];
  if (!Array.isArray(value)) return null;
  return value.map((entry: unknown, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const key = typeof e.name === 'string' ? `chat_template[${e.name}]` : `chat_template[${i}]`;
    return { key, template: e.template };
  });
}

function issuesToFindings(file: string, key: string, template: string, whole: boolean): ScanFinding[] {
  return checkChatTemplate(template).map((issue) =>
    validatorFinding(CODES[issue.level], `chat template '${key}' in ${file}: ${issue.what}`, {
      // In a .jinja file the template is the file; in JSON the offset is into the decoded string.
      ...(whole ? { offset: new TextEncoder().encode(template.slice(0, issue.offset)).length } : {}),
      reference: REFS.chatTemplate,
      evidence: { file, key, templateOffset: issue.offset, level: issue.level },
    }),
  );
}

function unreadable(file: string, why: string): ScanFinding {
  return validatorFinding(UNVERIFIED_CODE, `${file} ${why}`, {
    reference: REFS.chatTemplate,
    evidence: { file, level: 'unverified' },
  });
}
