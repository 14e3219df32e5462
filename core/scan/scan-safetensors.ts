import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import {
  readSafetensorsHeader,
  safetensorsByteSize,
  type SafetensorsHeader,
  type SafetensorsTensor,
} from '../formats/safetensors.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { REFS, validatorFinding } from './validator-codes.ts';

/**
 * safetensors validator. The format cannot run code; the risks are parser
 * differentials (duplicate keys), out-of-bounds reads in non-reference loaders (lying offsets or shapes)
 * and polyglots (holes and trailing bytes). Any of these makes the file "invalid".
 */
export async function scanSafetensors(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let header: SafetensorsHeader;
  try {
    header = await readSafetensorsHeader(source);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const tooLarge = e.kind === 'header-too-large';
    const f = validatorFinding(tooLarge ? 'MG-SCAN-201' : 'MG-SCAN-200', e.message, {
      offset: e.offset,
      reference: tooLarge ? REFS.safetensorsHeaderCap : REFS.safetensorsSpec,
    });
    return validatorOutcome('safetensors', [f], ctx);
  }
  return validatorOutcome('safetensors', validateSafetensors(header), ctx);
}

/** Every rule over a parsed header; an empty list means the layout is exactly what the spec allows. */
export function validateSafetensors(h: SafetensorsHeader): ScanFinding[] {
  const findings: ScanFinding[] = [
    ...h.duplicates.map((d) =>
      validatorFinding('MG-SCAN-202', `header repeats key '${d.key}'${d.path ? ` inside ${d.path}` : ''}`, {
        offset: 8 + d.offset,
        reference: REFS.safetensorsDuplicates,
      }),
    ),
    ...metadataFindings(h),
  ];
  for (const t of h.tensors) {
    const f = sizeFinding(t);
    if (f) findings.push(f);
  }
  findings.push(...layoutFindings(h));
  return findings;
}

function metadataFindings(h: SafetensorsHeader): ScanFinding[] {
  if (!h.metadata) return [];
  const bad = Object.entries(h.metadata).filter(([, v]) => typeof v !== 'string');
  return bad.slice(0, 5).map(([k]) =>
    validatorFinding('MG-SCAN-207', `__metadata__ value of '${k}' is not a string`, {
      reference: REFS.safetensorsSpec,
    }),
  );
}

function sizeFinding(t: SafetensorsTensor): ScanFinding | null {
  const need = safetensorsByteSize(t.dtype, t.shape);
  const span = t.dataOffsets[1] - t.dataOffsets[0];
  const desc = `${t.dtype} [${t.shape.join(',')}]`;
  if (need === null) {
    return validatorFinding(
      'MG-SCAN-203',
      `tensor '${t.name}' has dtype '${t.dtype}', which is not a safetensors dtype or does not fill whole bytes`,
      { reference: REFS.safetensorsSpec },
    );
  }
  if (need !== BigInt(span)) {
    return validatorFinding(
      'MG-SCAN-204',
      `header says tensor '${t.name}' spans ${span} bytes but ${desc} needs ${need}`,
      {
        reference: REFS.mlxOob,
        evidence: { tensor: t.name, dtype: t.dtype, shape: t.shape, dataOffsets: t.dataOffsets },
      },
    );
  }
  return null;
}

/** Sorted by offsets, the spans must tile [0, dataSize) exactly: no overlap, no hole, nothing after. */
function layoutFindings(h: SafetensorsHeader): ScanFinding[] {
  const dataSize = h.fileSize - h.dataStart;
  const sorted = [...h.tensors].sort(
    (a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  const findings: ScanFinding[] = [];
  let cursor = 0;
  let prev = '';
  for (const t of sorted) {
    const [begin, end] = t.dataOffsets;
    if (end > dataSize) {
      findings.push(
        validatorFinding(
          'MG-SCAN-205',
          `tensor '${t.name}' ends at data byte ${end}, past the ${dataSize}-byte data section`,
          {
            offset: h.dataStart + begin,
            reference: REFS.mlxOob,
          },
        ),
      );
    } else if (begin < cursor) {
      findings.push(
        validatorFinding(
          'MG-SCAN-205',
          `tensor '${t.name}' starts at ${begin}, overlapping '${prev}' which ends at ${cursor}`,
          {
            offset: h.dataStart + begin,
            reference: REFS.mlxOob,
          },
        ),
      );
    } else if (begin > cursor) {
      findings.push(
        validatorFinding('MG-SCAN-205', `${begin - cursor} unaccounted bytes (a hole) before tensor '${t.name}'`, {
          offset: h.dataStart + cursor,
          reference: REFS.safetensorsSpec,
        }),
      );
    }
    if (end > cursor) {
      cursor = end;
      prev = t.name;
    }
    if (findings.length >= 20) return findings;
  }
  if (cursor < dataSize) {
    findings.push(
      validatorFinding('MG-SCAN-206', `${dataSize - cursor} trailing bytes after the last tensor`, {
        offset: h.dataStart + cursor,
        reference: REFS.safetensorsSpec,
      }),
    );
  }
  return findings;
}
