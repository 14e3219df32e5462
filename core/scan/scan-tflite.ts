import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { readTflite, TFLITE_CUSTOM, type TfliteFlexUse, type TfliteModel } from '../formats/tflite.ts';
import { catalogFinding } from './format-catalog.ts';
import { DEVICE_RUNTIME_CODES as CODES } from './device-runtime-codes.ts';
import {
  TF_DANGEROUS_OPS,
  TFLITE_MAX_BUILTIN,
  TFLITE_PLACEHOLDER_BUILTINS,
  TFLITE_STOCK_CUSTOM_OPS,
} from './tflite-rules.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * TFLite checker. Builtin operators run kernels that ship with the interpreter and are benign; custom
 * operators need the app's kernel (could not verify, unless the stock resolver registers it); Flex operators
 * run the TensorFlow op in their NodeDef through the Flex delegate. Delegates (GPU, NNAPI, XNNPACK…) are
 * chosen by the app at run time, not by the file, so there is nothing of them to check here.
 */
export async function scanTflite(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let model: TfliteModel;
  try {
    model = await readTflite(source);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome('tflite', [catalogFinding(CODES, 'tfliteInvalid', e.message, { offset: e.offset })], ctx);
  }
  return validatorOutcome('tflite', tfliteFindings(model), ctx);
}

export function tfliteFindings(m: TfliteModel): ScanFinding[] {
  const findings = [...opCodeFindings(m), ...m.flex.flatMap(flexFindings)];
  if (m.truncated) findings.push(catalogFinding(CODES, 'tfliteTooLarge', `the model has ${m.truncated}`));
  findings.push(inventory(m));
  return findings;
}

function opCodeFindings(m: TfliteModel): ScanFinding[] {
  const findings: ScanFinding[] = [];
  m.opCodes.forEach((c, i) => {
    if (c.builtin === TFLITE_CUSTOM) {
      const name = c.customCode ?? '';
      if (name.startsWith('Flex') || TFLITE_STOCK_CUSTOM_OPS.has(name)) return;
      findings.push(
        catalogFinding(
          CODES,
          'tfliteCustomOp',
          `operator code ${i} is custom op '${name}', whose kernel the app provides`,
          {
            evidence: { customCode: name },
          },
        ),
      );
    } else if (c.builtin < 0 || c.builtin > TFLITE_MAX_BUILTIN || TFLITE_PLACEHOLDER_BUILTINS.has(c.builtin)) {
      findings.push(catalogFinding(CODES, 'tfliteUnknownBuiltin', `operator code ${i} is builtin ${c.builtin}`));
    }
  });
  return findings;
}

function flexFindings(use: TfliteFlexUse): ScanFinding[] {
  const where = `subgraph ${use.subgraph} operator ${use.operator} ('${use.customCode}')`;
  const evidence = { customCode: use.customCode, nodeOp: use.nodeOp };
  if (use.nodeOp === undefined) {
    return [catalogFinding(CODES, 'tfliteFlexUnreadable', `${where}: ${use.problem ?? 'no NodeDef'}`, { evidence })];
  }
  const findings: ScanFinding[] = [];
  if (use.customCode !== `Flex${use.nodeOp}`) {
    findings.push(
      catalogFinding(CODES, 'tfliteFlexDisguised', `${where} runs TensorFlow op '${use.nodeOp}'`, { evidence }),
    );
  }
  const danger = TF_DANGEROUS_OPS.get(use.nodeOp);
  findings.push(
    danger
      ? catalogFinding(CODES, 'tfliteFlexDangerous', `${where} runs TensorFlow op '${use.nodeOp}', which ${danger}`, {
          evidence,
        })
      : catalogFinding(
          CODES,
          'tfliteFlexOther',
          `${where} runs TensorFlow op '${use.nodeOp}' through the Flex delegate`,
          {
            evidence,
          },
        ),
  );
  return findings;
}

function inventory(m: TfliteModel): ScanFinding {
  const builtins = [...new Set(m.opCodes.filter((c) => c.builtin !== TFLITE_CUSTOM).map((c) => c.builtin))];
  const custom = m.opCodes.flatMap((c) => (c.builtin === TFLITE_CUSTOM ? [c.customCode ?? ''] : []));
  return catalogFinding(
    CODES,
    'tfliteInventory',
    `schema version ${m.version}, ${m.subgraphs} subgraphs, ${m.operators} operators, ${m.tensors} tensors, ` +
      `${m.buffers} buffers, ${m.opCodes.length} operator codes`,
    {
      evidence: {
        builtinCodes: builtins.slice(0, 256),
        customCodes: custom.slice(0, 256),
        signatures: m.signatureKeys,
        metadata: m.metadataNames,
      },
    },
  );
}
