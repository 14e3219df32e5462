import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { readOnnxModel, type OnnxExternalData, type OnnxModel } from '../formats/onnx.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { REFS, validatorFinding } from './validator-codes.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * ONNX validator: external-data paths must stay inside the model folder
 * (CVE-2022-25882, CVE-2024-27318, CVE-2026-27489, CVE-2026-34446/34447, including sparse tensors),
 * operators from custom domains need host code, and an inventory is always returned.
 */

/** Domains implemented by the ONNX spec and by onnxruntime itself (no extra host code needed). */
export const STANDARD_ONNX_DOMAINS: ReadonlySet<string> = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'com.microsoft',
  'ai.onnx.preview.training',
  'com.microsoft.nchwc',
  'com.ms.internal.nhwc',
]);

export async function scanOnnx(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let model: OnnxModel;
  try {
    model = await readOnnxModel(source);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome('onnx', [validatorFinding('MG-SCAN-240', e.message, { offset: e.offset })], ctx);
  }
  return validatorOutcome('onnx', validateOnnx(model), ctx);
}

export function validateOnnx(m: OnnxModel): ScanFinding[] {
  if (!m.hasGraph) return [validatorFinding('MG-SCAN-240', 'has no graph: not an ONNX model')];
  const findings = [...m.externalData.flatMap(externalFindings), ...domainFindings(m)];
  if (m.truncated) {
    findings.push(validatorFinding('MG-SCAN-245', `has subgraphs nested deeper than the validator's budget`));
  }
  findings.push(inventory(m));
  return findings;
}

/** Why a location escapes the model folder, or null when it is a plain relative path inside it. */
export function externalLocationProblem(location: string): string | null {
  if (location.includes('\u0000')) return 'contains a NUL byte';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(location)) return 'is a URL';
  if (/^[A-Za-z]:/.test(location)) return 'has a drive letter';
  if (location.startsWith('/') || location.startsWith('\\')) return 'is an absolute path';
  if (location.split(/[\\/]/).includes('..')) return "climbs out with '..'";
  return null;
}

function externalFindings(x: OnnxExternalData): ScanFinding[] {
  const what = `${x.sparse ? 'sparse tensor' : 'tensor'} '${x.tensor}'`;
  if (x.location === undefined || x.location === '') {
    return [validatorFinding('MG-SCAN-242', `${what} has external data without a location`, { offset: x.at })];
  }
  const problem = externalLocationProblem(x.location);
  const findings: ScanFinding[] = [];
  if (problem) {
    findings.push(
      validatorFinding('MG-SCAN-241', `${what} reads external data from '${x.location}', which ${problem}`, {
        offset: x.at,
        reference: REFS.onnxTraversal,
        evidence: { tensor: x.tensor, location: x.location, sparse: x.sparse },
      }),
    );
  }
  for (const [k, v] of [
    ['offset', x.offset],
    ['length', x.length],
  ] as const) {
    if (v !== undefined && !/^\d{1,19}$/.test(v)) {
      findings.push(
        validatorFinding('MG-SCAN-242', `${what} external ${k} '${v}' is not a non-negative integer`, { offset: x.at }),
      );
    }
  }
  return findings;
}

function domainFindings(m: OnnxModel): ScanFinding[] {
  const local = new Set(m.functions.map((f) => `${f.domain}\u0000${f.name}`));
  return m.domainNodes
    .filter((n) => !STANDARD_ONNX_DOMAINS.has(n.domain) && !local.has(`${n.domain}\u0000${n.opType}`))
    .map((n) =>
      validatorFinding(
        'MG-SCAN-243',
        `operator '${n.opType}' from custom domain '${n.domain}' needs code installed on the host`,
        {
          offset: n.at,
          reference: REFS.onnxCustomOps,
          evidence: { domain: n.domain, opType: n.opType },
        },
      ),
    );
}

function inventory(m: OnnxModel): ScanFinding {
  const files = [...new Set(m.externalData.map((x) => x.location ?? ''))].slice(0, 50);
  const opsets = m.opsets.map((o) => `${o.domain || 'ai.onnx'}:${o.version}`).join(', ');
  return validatorFinding(
    'MG-SCAN-244',
    `ir_version ${m.irVersion ?? '?'}, opsets ${opsets || 'none'}, ${m.nodeCount} nodes, ` +
      `${m.initializerCount} initializers (${m.initializerBytes} bytes), ${files.length} external files`,
    {
      evidence: {
        irVersion: m.irVersion,
        producer: m.producer,
        opsets: m.opsets,
        inputs: m.inputs.slice(0, 50),
        outputs: m.outputs.slice(0, 50),
        nodeCount: m.nodeCount,
        initializerCount: m.initializerCount,
        initializerBytes: m.initializerBytes,
        externalFiles: files,
        customDomains: [...new Set(m.domainNodes.map((n) => n.domain))].slice(0, 50),
        metadataKeys: m.metadata.map((e) => e.key).slice(0, 50),
      },
    },
  );
}
