import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import {
  isChatTemplateKey,
  MAX_TEMPLATE_BYTES,
  readGgufHeader,
  type GgufHeader,
  type GgufKv,
} from '../formats/gguf.ts';
import { checkChatTemplate, type TemplateIssue } from './chat-template-check.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { REFS, validatorFinding, type ValidatorCode } from './validator-codes.ts';
import { validatorOutcome } from './validator-outcome.ts';

/** GGUF validator: header bounds, tensor layout and chat-template injection. */
export async function scanGguf(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let header: GgufHeader;
  try {
    header = await readGgufHeader(source);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const f = validatorFinding(KIND_CODES[e.kind ?? ''] ?? 'MG-SCAN-220', e.message, {
      offset: e.offset,
      reference: REFS.ggufMemory,
    });
    return validatorOutcome('gguf', [f], ctx);
  }
  return validatorOutcome('gguf', validateGguf(header), ctx);
}

const KIND_CODES: Record<string, ValidatorCode> = {
  'length-exceeds-file': 'MG-SCAN-221',
  'unknown-value-type': 'MG-SCAN-222',
  'unknown-tensor-type': 'MG-SCAN-223',
  'too-many-dims': 'MG-SCAN-224',
  'bad-alignment': 'MG-SCAN-225',
  'array-too-deep': 'MG-SCAN-228',
};

export function validateGguf(h: GgufHeader): ScanFinding[] {
  return [
    ...duplicateFindings(h),
    ...h.kvs.filter((kv) => isChatTemplateKey(kv.key)).flatMap(templateFindings),
    ...tensorFindings(h),
  ];
}

function duplicateFindings(h: GgufHeader): ScanFinding[] {
  return [
    ...h.duplicateKeys.map((kv) =>
      validatorFinding('MG-SCAN-227', `metadata key '${kv.key}' appears more than once`, {
        offset: kv.offset,
        reference: REFS.ggufSpec,
      }),
    ),
    ...h.duplicateTensors.map((t) =>
      validatorFinding('MG-SCAN-227', `tensor name '${t.name}' appears more than once`, {
        offset: t.infoOffset,
        reference: REFS.ggufSpec,
      }),
    ),
  ];
}

const TEMPLATE_ISSUE_CODES: Record<TemplateIssue['level'], ValidatorCode> = {
  malicious: 'MG-SCAN-229',
  suspicious: 'MG-SCAN-230',
  unverified: 'MG-SCAN-231',
};

function templateFindings(kv: GgufKv): ScanFinding[] {
  if (typeof kv.value !== 'string') {
    const why =
      kv.stringLength !== undefined
        ? `is ${kv.stringLength} bytes, over the ${MAX_TEMPLATE_BYTES}-byte check limit`
        : 'is not a string';
    return [
      validatorFinding('MG-SCAN-231', `chat template '${kv.key}' ${why}`, {
        offset: kv.offset,
        reference: REFS.chatTemplate,
      }),
    ];
  }
  return checkChatTemplate(kv.value).map((issue) =>
    validatorFinding(TEMPLATE_ISSUE_CODES[issue.level], `chat template '${kv.key}': ${issue.what}`, {
      offset: kv.offset,
      reference: REFS.chatTemplate,
      evidence: { key: kv.key, templateOffset: issue.offset },
    }),
  );
}

/** Each tensor sized from its type, aligned, inside the data section, and not overlapping the next. */
function tensorFindings(h: GgufHeader): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const dataSize = BigInt(h.fileSize - h.dataStart);
  if (h.tensors.length > 0 && dataSize < 0n) {
    return [
      validatorFinding('MG-SCAN-226', `data section would start at ${h.dataStart}, past the end of the file`, {
        reference: REFS.ggufOob,
      }),
    ];
  }
  const add = (code: ValidatorCode, detail: string, offset: number): void => {
    if (findings.length < 20) findings.push(validatorFinding(code, detail, { offset, reference: REFS.ggufOob }));
  };
  for (const t of h.tensors) {
    if (t.byteSize === null) {
      const block = t.typeName;
      add(
        'MG-SCAN-231',
        `tensor '${t.name}' of type ${block} with dims [${t.dims.join(',')}] could not be sized`,
        t.infoOffset,
      );
    } else if (t.offset % BigInt(h.alignment) !== 0n) {
      add(
        'MG-SCAN-226',
        `tensor '${t.name}' offset ${t.offset} is not a multiple of the alignment ${h.alignment}`,
        t.infoOffset,
      );
    } else if (t.offset + t.byteSize > dataSize) {
      add(
        'MG-SCAN-226',
        `tensor '${t.name}' spans [${t.offset}, ${t.offset + t.byteSize}) past the ${dataSize}-byte data section`,
        t.infoOffset,
      );
    }
  }
  const sized = h.tensors
    .filter((t) => t.byteSize !== null)
    .sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  let end = 0n;
  let last = '';
  for (const t of sized) {
    const size = t.byteSize ?? 0n;
    if (t.offset < end)
      add('MG-SCAN-226', `tensor '${t.name}' at ${t.offset} overlaps '${last}' which ends at ${end}`, t.infoOffset);
    if (t.offset + size > end) {
      end = t.offset + size;
      last = t.name;
    }
  }
  return findings;
}
