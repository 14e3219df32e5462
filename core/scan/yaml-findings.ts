import type { ByteSource } from '../io/byte-source.ts';
import { MAX_CONFIG_YAML_BYTES, readConfigYaml, type YamlProblem, type YamlValue } from '../formats/config-yaml.ts';
import { catalogFinding } from './format-catalog.ts';
import { PACKAGE_CODES, type PackageCode } from './package-codes.ts';
import type { ScanFinding } from './types.ts';

/** What reading a YAML config gave: its value, or the findings that say why there is none. */
export type ConfigRead = { value: YamlValue; findings: ScanFinding[] } | { value: undefined; findings: ScanFinding[] };

const PROBLEM_CODES: Record<YamlProblem['kind'], PackageCode> = {
  syntax: 'yamlUnreadable',
  'duplicate-key': 'yamlDuplicateKey',
  'python-tag': 'yamlPythonTag',
  'multi-document': 'yamlMultiDocument',
  limit: 'yamlNotFollowed',
};

/** Reads a YAML config through its size cap; a file the safe loaders refuse gives findings, not a value. */
export async function readConfig(source: ByteSource, what: string): Promise<ConfigRead> {
  if (source.size > MAX_CONFIG_YAML_BYTES) {
    const detail = `${what} is ${source.size} bytes, over the ${MAX_CONFIG_YAML_BYTES}-byte limit of the check`;
    return { value: undefined, findings: [catalogFinding(PACKAGE_CODES, 'yamlNotFollowed', detail)] };
  }
  const text = utf8(await source.read(0, source.size));
  if (text === undefined) {
    const detail = `${what} is not UTF-8 text`;
    return { value: undefined, findings: [catalogFinding(PACKAGE_CODES, 'yamlUnreadable', detail)] };
  }
  const read = readConfigYaml(text);
  const findings = read.problems.map((p) =>
    catalogFinding(PACKAGE_CODES, PROBLEM_CODES[p.kind], `${what}: ${p.message}`),
  );
  return read.ok ? { value: read.value, findings } : { value: undefined, findings };
}

export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
