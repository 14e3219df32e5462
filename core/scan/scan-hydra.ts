import type { ByteSource } from '../io/byte-source.ts';
import { isYamlMapping, type YamlValue } from '../formats/config-yaml.ts';
import { catalogFinding } from './format-catalog.ts';
import { classifyTarget, isDottedPath } from './hydra-targets.ts';
import { PACKAGE_CODES } from './package-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { readConfig } from './yaml-findings.ts';

/** Distinct targets reported one by one; past this, the rest are counted. */
const MAX_TARGETS = 200;
/** Where each target appears, for the evidence. */
const MAX_PATHS = 3;

/** One import path the config makes Hydra (or NeMo) import and call, with where it appears. */
export interface ConfigTarget {
  value: YamlValue;
  /** The key that holds it: `_target_`, or NeMo's older `cls`/`target` next to `params`. */
  key: string;
  paths: string[];
}

/**
 * A Hydra/OmegaConf config (a NeMo `model_config.yaml`, a Hydra experiment config): every `_target_` is an
 * import path that hydra.utils.instantiate imports and calls (CVE-2025-23304 for `.nemo` files).
 */
export async function scanHydraConfig(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const read = await readConfig(source, source.name || 'config');
  const findings = [...read.findings];
  if (read.value !== undefined) findings.push(...targetFindings(collectTargets(read.value)));
  return validatorOutcome('hydra-config', findings, ctx);
}

/**
 * Every target of the config, deduplicated by value. hydra.utils.instantiate recurses into nested mappings
 * and lists (`_recursive_` defaults to true, and a `_partial_` target is still imported), so every mapping
 * anywhere counts. NeMo's Serialization.from_config_dict also instantiates the Hydra 0.11 form
 * (`cls`/`target` with `params`), and the root `target` names the model class restore_from imports.
 */
export function collectTargets(root: YamlValue): ConfigTarget[] {
  const byValue = new Map<string, ConfigTarget>();
  const add = (value: YamlValue, key: string, path: string) => {
    const id = `${typeof value}:${JSON.stringify(value)}`;
    const known = byValue.get(id) ?? { value, key, paths: [] };
    if (known.paths.length < MAX_PATHS) known.paths.push(path);
    byValue.set(id, known);
  };
  const stack: [YamlValue, string][] = [[root, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (Array.isArray(node)) node.forEach((v, i) => stack.push([v, `${path}[${i}]`]));
    if (!isYamlMapping(node)) continue;
    for (const key of targetKeys(node, path === '')) add(node[key]!, key, path || '/');
    for (const [k, v] of Object.entries(node)) stack.push([v, `${path}/${k}`]);
  }
  return [...byValue.values()];
}

function targetKeys(node: { [key: string]: YamlValue }, atRoot: boolean): string[] {
  const keys = '_target_' in node ? ['_target_'] : [];
  const legacy = 'params' in node;
  if ('cls' in node && legacy) keys.push('cls');
  if ('target' in node && (legacy || (atRoot && typeof node.target === 'string'))) keys.push('target');
  return keys;
}

export function targetFindings(targets: readonly ConfigTarget[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const allowed: string[] = [];
  for (const t of targets.slice(0, MAX_TARGETS)) {
    const f = targetFinding(t);
    if (f) findings.push(f);
    else allowed.push(String(t.value));
  }
  if (targets.length > MAX_TARGETS) {
    const detail = `${targets.length - MAX_TARGETS} more targets were not checked`;
    findings.push(catalogFinding(PACKAGE_CODES, 'yamlNotFollowed', detail));
  }
  if (allowed.length > 0) {
    const detail = `instantiates ${allowed.length} known class${allowed.length === 1 ? '' : 'es'}`;
    findings.push(catalogFinding(PACKAGE_CODES, 'hydraKnownTargets', detail, { evidence: { targets: allowed } }));
  }
  return findings;
}

/** The finding a target makes, or undefined for an allowlisted class. */
function targetFinding(t: ConfigTarget): ScanFinding | undefined {
  const where = t.paths.join(', ');
  const evidence = { target: t.value, key: t.key, paths: t.paths };
  if (typeof t.value === 'string' && t.value.includes('${')) {
    const detail = `${t.key} '${t.value}' at ${where} is interpolated`;
    return catalogFinding(PACKAGE_CODES, 'hydraUnresolvedTarget', detail, { evidence });
  }
  if (typeof t.value !== 'string' || !isDottedPath(t.value.trim())) {
    const shown = JSON.stringify(t.value)?.slice(0, 200) ?? String(t.value);
    return catalogFinding(PACKAGE_CODES, 'hydraBadTarget', `${t.key} ${shown} at ${where}`, { evidence });
  }
  const target = t.value.trim();
  const cls = classifyTarget(target);
  if (cls.kind === 'dangerous') {
    const detail = `${t.key} '${target}' at ${where}: ${cls.why}`;
    return catalogFinding(PACKAGE_CODES, 'hydraDangerousTarget', detail, { evidence });
  }
  if (cls.kind === 'unknown') {
    const detail = `${t.key} '${target}' at ${where} is imported and called`;
    return catalogFinding(PACKAGE_CODES, 'hydraUnknownTarget', detail, { evidence });
  }
  return undefined;
}
