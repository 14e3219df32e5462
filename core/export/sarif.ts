// SARIF 2.1.0 export of a Report, for CI systems that show static-analysis results
// (GitHub code scanning, Azure DevOps, GitLab). One run; one rule per finding code used; one result per
// finding. Pure data in, pure data out: no I/O, no crypto (the fingerprints are FNV-1a, not a security
// boundary, only a stable identity for deduplicating alerts across runs).
import { allFindingCodes, type DocumentedCode } from './all-finding-codes.ts';
import type { Finding, Report, Severity } from '../report/schema.ts';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SARIF_VERSION = '2.1.0';

export type SarifLevel = 'error' | 'warning' | 'note';

/** Findings at critical or high severity are errors, medium warnings, low and info notes. */
export const SARIF_LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (a CVSS-like score) to rank security alerts. */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: undefined,
};

interface SarifMessage {
  text: string;
}

export interface SarifArtifactLocation {
  uri: string;
  index?: number;
}

export interface SarifRule {
  id: string;
  name?: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties?: Record<string, unknown>;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: { physicalLocation: { artifactLocation: SarifArtifactLocation } }[];
  partialFingerprints: Record<string, string>;
  properties?: Record<string, unknown>;
}

export interface SarifArtifact {
  location: SarifArtifactLocation;
  length: number;
  hashes?: Record<string, string>;
  roles: ['analysisTarget'];
}

export interface SarifRun {
  tool: {
    driver: { name: string; version: string; semanticVersion: string; informationUri?: string; rules: SarifRule[] };
  };
  invocations: { executionSuccessful: boolean; endTimeUtc: string }[];
  artifacts: SarifArtifact[];
  results: SarifResult[];
  properties: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: [SarifRun];
}

export interface SarifOptions {
  /**
   * Prefix for every artifact URI, so results point at files of the repository being checked: the model
   * folder relative to the repository root, `/`-separated, e.g. `models/bert/`. Default: none.
   */
  uriPrefix?: string;
  /**
   * The tool's home page (`tool.driver.informationUri`); each rule's helpUri is its `#finding-codes`
   * anchor, where README.md documents every code. Left out when not given: the project has no public URL yet.
   */
  informationUri?: string;
}

/** A path as a relative URI reference: each segment percent-encoded, `/` kept. */
export function pathToUri(path: string, prefix = ''): string {
  const full = `${prefix}${path}`;
  return full
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** FNV-1a over UTF-16 code units with two offsets, as 16 hex characters: stable, cheap, synchronous. */
function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function resultText(f: Finding): string {
  const title = /[.!?]$/.test(f.title) ? f.title : `${f.title}.`;
  const parts = [title, f.detail];
  if (f.remedy) parts.push(`Remedy: ${f.remedy}`);
  return parts.filter((p) => p.trim() !== '').join(' ');
}

/** Prefixed to the message of a finding about the whole model, which SARIF places on a stand-in file. */
const WHOLE_MODEL = 'This finding concerns the whole model, not this file.';

/** The file a finding without one is placed on: the model card, else config.json, else the first file. */
function wholeModelFile(report: Report): string | undefined {
  const paths = report.subject.files.map((f) => f.path);
  return paths.find((p) => p === 'README.md') ?? paths.find((p) => p === 'config.json') ?? paths[0];
}

function rule(
  code: string,
  documented: DocumentedCode | undefined,
  example: Finding,
  informationUri: string | undefined,
): SarifRule {
  const severity = documented?.severity ?? example.severity;
  const securitySeverity = SECURITY_SEVERITY[severity];
  return {
    id: code,
    shortDescription: { text: documented?.title ?? example.title },
    fullDescription: { text: documented?.explanation ?? example.title },
    ...(informationUri ? { helpUri: `${informationUri}#finding-codes` } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[severity] },
    properties: {
      tags: ['security', 'ai-model'],
      severity,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
    },
  };
}

/**
 * The Report as a SARIF 2.1.0 log. A result's level follows the finding's severity as reported (after
 * any policy), the rule's default level the catalog's severity. Every result has a location, because GitHub
 * code scanning rejects a file with a result that has none (github/codeql-action#1738, #2459): a finding
 * about the whole model (no file) points at the model card README.md, else config.json, else the report's
 * first file, and its message says that it concerns the whole model.
 */
export function toSarif(report: Report, options: SarifOptions = {}): SarifLog {
  const prefix = options.uriPrefix ?? '';
  const catalog = new Map(allFindingCodes().map((c) => [c.code, c]));
  const artifacts: SarifArtifact[] = report.subject.files.map((file) => ({
    location: { uri: pathToUri(file.path, prefix) },
    length: file.size,
    ...(file.sha256 ? { hashes: { 'sha-256': file.sha256 } } : {}),
    roles: ['analysisTarget'],
  }));
  const artifactIndex = new Map(report.subject.files.map((file, index) => [file.path, index]));
  const folderFile = wholeModelFile(report);

  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of report.findings) {
    if (ruleIndex.has(f.code)) continue;
    ruleIndex.set(f.code, rules.length);
    rules.push(rule(f.code, catalog.get(f.code), f, options.informationUri));
  }

  const results: SarifResult[] = report.findings.map((f) => {
    const file = f.file ?? folderFile;
    // A report without files (nothing was read) places a whole-model finding on the folder itself.
    const location: SarifArtifactLocation = {
      uri: file === undefined ? pathToUri('', prefix) || './' : pathToUri(file, prefix),
    };
    const index = file === undefined ? undefined : artifactIndex.get(file);
    if (index !== undefined) location.index = index;
    const text = resultText(f);
    return {
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code)!,
      level: SARIF_LEVEL[f.severity],
      message: { text: f.file === undefined ? `${WHOLE_MODEL} ${text}` : text },
      locations: [{ physicalLocation: { artifactLocation: location } }],
      partialFingerprints: { 'modelgateFinding/v1': fingerprint(`${f.code}\u0000${f.file ?? ''}\u0000${f.detail}`) },
      properties: { severity: f.severity, ...(f.reference ? { reference: f.reference } : {}) },
    };
  });

  const run: SarifRun = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        ...(options.informationUri ? { informationUri: options.informationUri } : {}),
        rules,
      },
    },
    // A check that errored (a file unreadable, a manifest unreachable) did not run to its end.
    invocations: [
      { executionSuccessful: !report.checks.some((c) => c.status === 'error'), endTimeUtc: report.createdAt },
    ],
    artifacts,
    results,
    properties: {
      subject: report.subject.name,
      verdict: report.verdict,
      ...(report.subject.rootDigest ? { rootDigest: report.subject.rootDigest } : {}),
      checks: report.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary })),
    },
  };
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
}
