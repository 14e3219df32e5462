import { FormatError } from '../formats/format-error.ts';
import { parseStrictJson } from '../formats/strict-json.ts';
import { catalogFinding } from './format-catalog.ts';
import { HF_CONFIG_CODES } from './hf-config-codes.ts';
import type { ScanFinding } from './types.ts';

export const REMOTE_CODE_KEYS = ['"auto_map"', '"custom_pipelines"'];
const MAX_LISTED = 20;

/**
 * What Python code a Hugging Face config (config.json, tokenizer_config.json, processor and feature
 * extractor configs) makes transformers import when the model is loaded with trust_remote_code=True:
 * every `auto_map` target ("module.Class", a [slow, fast] tokenizer pair, or "owner/repo--module.Class")
 * and every `custom_pipelines` implementation. Findings carry their verdict as `evidence.level`, which
 * the text scanner combines with the chat-template checks.
 */
export function remoteCodeFindings(name: string, text: string): ScanFinding[] {
  if (!REMOTE_CODE_KEYS.some((m) => text.includes(m)) && !/\\u00[2-7][0-9a-fA-F]/.test(text)) return [];
  let value: unknown;
  try {
    value = parseStrictJson(text, { maxDepth: 64 }).value;
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return [withLevel(catalogFinding(HF_CONFIG_CODES, 'unreadable', `${name}: ${e.message}`))];
  }
  if (!isObject(value)) return [];
  const targets = [...autoMapTargets(value.auto_map), ...pipelineTargets(value.custom_pipelines)];
  const local = targets.filter((t) => !t.target.includes('--'));
  const remote = targets.filter((t) => t.target.includes('--'));
  const findings: ScanFinding[] = [];
  if (local.length > 0) {
    const files = [...new Set(local.map((t) => `${moduleOf(t.target)}.py`))];
    findings.push(
      catalogFinding(HF_CONFIG_CODES, 'remoteCode', `${name}: ${list(local)}; runs ${files.join(', ')}`, {
        evidence: { files },
      }),
    );
  }
  if (remote.length > 0) {
    const repositories = [...new Set(remote.map((t) => t.target.split('--')[0]!))];
    findings.push(
      catalogFinding(HF_CONFIG_CODES, 'otherRepository', `${name}: ${list(remote)}`, { evidence: { repositories } }),
    );
  }
  return findings.map(withLevel);
}

interface Target {
  key: string;
  target: string;
}

function autoMapTargets(autoMap: unknown): Target[] {
  if (!isObject(autoMap)) return [];
  return Object.entries(autoMap).flatMap(([key, v]) =>
    [v]
      .flat()
      .filter((t): t is string => typeof t === 'string' && t.length > 0)
      .map((target) => ({ key, target })),
  );
}

function pipelineTargets(pipelines: unknown): Target[] {
  if (!isObject(pipelines)) return [];
  return Object.entries(pipelines).flatMap(([task, spec]) => {
    if (!isObject(spec)) return [];
    const impl = spec.impl;
    return typeof impl === 'string' && impl.length > 0 ? [{ key: `pipeline ${task}`, target: impl }] : [];
  });
}

/** "modeling_x.XForCausalLM" → "modeling_x"; "owner/repo--modeling_x.X" → "modeling_x". */
function moduleOf(target: string): string {
  const local = target.split('--').pop()!;
  const dot = local.lastIndexOf('.');
  return dot > 0 ? local.slice(0, dot) : local;
}

function list(targets: readonly Target[]): string {
  const shown = targets.slice(0, MAX_LISTED).map((t) => `${t.key} → ${t.target}`);
  const more = targets.length > MAX_LISTED ? ` and ${targets.length - MAX_LISTED} more` : '';
  return shown.join(', ') + more;
}

function withLevel(f: ScanFinding): ScanFinding {
  const level = Object.values(HF_CONFIG_CODES).find((c) => c.code === f.code)!.verdict;
  return { ...f, evidence: { ...f.evidence, level } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
