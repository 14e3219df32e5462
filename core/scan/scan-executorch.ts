import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import {
  EXECUTORCH_IDENTIFIER,
  executorchIdentifier,
  readExecutorch,
  type ExecutorchProgram,
} from '../formats/executorch.ts';
import { catalogFinding } from './format-catalog.ts';
import { DEVICE_RUNTIME_CODES as CODES } from './device-runtime-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * Operator namespaces whose kernels ExecuTorch itself ships (kernels/portable, kernels/quantized,
 * kernels/prim_ops/register_prim_ops.cpp, the dim_order ops of kernels/portable/cpu/op__to_dim_order_copy.cpp):
 * tensor math with no file, process or network access.
 */
export const EXECUTORCH_CORE_NAMESPACES: ReadonlySet<string> = new Set([
  'aten',
  'executorch_prim',
  'dim_order_ops',
  'quantized_decomposed',
]);

export async function scanExecutorch(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const identifier = executorchIdentifier(await source.read(0, 8));
  if (identifier !== EXECUTORCH_IDENTIFIER) {
    const detail = `file identifier '${identifier}', this scanner follows '${EXECUTORCH_IDENTIFIER}'`;
    return validatorOutcome('executorch', [catalogFinding(CODES, 'executorchOtherSchema', detail)], ctx);
  }
  let program: ExecutorchProgram;
  try {
    program = await readExecutorch(source);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const finding = catalogFinding(CODES, 'executorchInvalid', e.message, { offset: e.offset });
    return validatorOutcome('executorch', [finding], ctx);
  }
  return validatorOutcome('executorch', executorchFindings(program), ctx);
}

export function executorchFindings(p: ExecutorchProgram): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const op of p.operators) {
    const namespace = op.name.includes('::') ? op.name.slice(0, op.name.indexOf('::')) : '';
    if (EXECUTORCH_CORE_NAMESPACES.has(namespace)) continue;
    const name = op.overload ? `${op.name}.${op.overload}` : op.name;
    findings.push(
      catalogFinding(CODES, 'executorchCustomOp', `operator '${name}' needs a kernel the app registers`, {
        evidence: { operator: op.name, overload: op.overload },
      }),
    );
  }
  for (const d of p.delegates) {
    findings.push(
      catalogFinding(CODES, 'executorchDelegate', `delegate '${d.id}' gets ${d.bytes} bytes of ${d.location} data`, {
        evidence: { backend: d.id, location: d.location, bytes: d.bytes },
      }),
    );
  }
  if (p.truncated) findings.push(catalogFinding(CODES, 'executorchTooLarge', `the program has ${p.truncated}`));
  findings.push(inventory(p));
  return findings;
}

function inventory(p: ExecutorchProgram): ScanFinding {
  return catalogFinding(
    CODES,
    'executorchInventory',
    `schema version ${p.version}, methods ${p.plans.join(', ') || 'none'}, ${p.operators.length} operators, ` +
      `${p.delegates.length} delegates, ${p.instructions} instructions, ${p.segments} segments`,
    {
      evidence: {
        methods: p.plans,
        operators: p.operators.map((o) => (o.overload ? `${o.name}.${o.overload}` : o.name)),
        backends: [...new Set(p.delegates.map((d) => d.id))],
      },
    },
  );
}
