import { RUN_CODES } from '../check/run-codes.ts';
import { INTEGRITY_CODES } from '../integrity/integrity-codes.ts';
import { PICKLE_CODES } from '../scan/pickle-codes.ts';
import { CONTAINER_CODES } from '../scan/container-codes.ts';
import { FORMAT_CATALOGS } from '../scan/format-catalogs.ts';
import { VALIDATOR_CODES } from '../scan/validator-codes.ts';
import { ROUTER_CODES } from '../scan/router-codes.ts';
import { FOLDER_CODES } from '../scan/folder-codes.ts';
import { SIGNATURE_CODES } from '../sign/oms/signature-codes.ts';
import { MANIFEST_CODES } from '../integrity/manifest-codes.ts';
import { LINEAGE_CODES } from '../weights/lineage-codes.ts';
import { ADAPTER_CODES } from '../adapters/adapter-codes.ts';
import { PROVENANCE_CODES } from '../provenance/codes.ts';
import { BEHAVIOR_CODES } from '../probe/behavior-codes.ts';
import { REGISTRY_CODES } from '../registry/registry-codes.ts';
import type { Severity } from '../report/schema.ts';

export interface DocumentedCode {
  code: string;
  severity: Severity;
  title: string;
  explanation: string;
}

/** Every code ModelGate can emit, from every catalog, sorted: the README table is made from this list. */
export function allFindingCodes(): DocumentedCode[] {
  const keyed = [
    RUN_CODES,
    INTEGRITY_CODES,
    PICKLE_CODES,
    VALIDATOR_CODES,
    ROUTER_CODES,
    FOLDER_CODES,
    MANIFEST_CODES,
    SIGNATURE_CODES,
    LINEAGE_CODES,
    ADAPTER_CODES,
    PROVENANCE_CODES,
    BEHAVIOR_CODES,
    REGISTRY_CODES,
  ].flatMap((catalog) => Object.entries(catalog).map(([code, info]) => ({ code, ...info })));
  const named = [CONTAINER_CODES, ...FORMAT_CATALOGS]
    .flatMap((catalog) => Object.values(catalog))
    .map(({ code, severity, title, explanation }) => ({
      code,
      severity,
      title,
      explanation,
    }));
  return [...keyed, ...named]
    .map(({ code, severity, title, explanation }) => ({ code, severity, title, explanation }))
    .sort((a, b) => a.code.localeCompare(b.code));
}
