import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from '../formats/format-error.ts';
import { allNodes, parseMxnetSymbol, readMxnetParams, type MxGraph } from '../formats/mxnet.ts';
import { legacyFinding } from './legacy-format-codes.ts';
import { MXNET_OPS } from './mxnet-ops.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

export { isMxnetParams, looksLikeMxnetSymbol } from '../formats/mxnet.ts';

/** Symbol files are small; one beyond this is not read whole. */
const MAX_SYMBOL_BYTES = 64 << 20;

/**
 * Operators that call back into Python code registered by the user: `Custom` (mx.operator.CustomOp, named by
 * op_type) and the deprecated `_Native` / `_NDArray` (NativeOp/NDArrayOp, which carry a pointer to Python
 * callbacks in their `info` attribute).
 */
const PYTHON_OPS = new Set(['Custom', '_Native', '_NDArray']);

export async function scanMxnetSymbol(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const limit = Math.min(MAX_SYMBOL_BYTES, ctx.budget.maxMemberBytes);
  if (source.size > limit)
    return validatorOutcome(
      'mxnet-symbol',
      [legacyFinding('mxSymbolInvalid', `the graph is ${source.size} bytes, over ${limit}`)],
      ctx,
    );
  let graph: MxGraph;
  try {
    graph = parseMxnetSymbol(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(0, source.size)));
  } catch (error) {
    if (error instanceof FormatError || error instanceof TypeError)
      return validatorOutcome('mxnet-symbol', [legacyFinding('mxSymbolInvalid', error.message)], ctx);
    throw error;
  }
  return validatorOutcome('mxnet-symbol', symbolFindings(graph), ctx);
}

export function symbolFindings(graph: MxGraph): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const unknown = new Set<string>();
  for (const node of allNodes(graph)) {
    if (PYTHON_OPS.has(node.op)) {
      const target = node.attrs?.op_type ?? node.attrs?.info ?? '(unnamed)';
      if (findings.length < 20)
        findings.push(
          legacyFinding(
            'mxCustomOp',
            `node "${node.name}" is a ${node.op} op that runs the Python operator "${target}"`,
          ),
        );
    } else if (node.op !== 'null' && !MXNET_OPS.has(node.op)) unknown.add(node.op);
  }
  if (unknown.size > 0)
    findings.push(
      legacyFinding('mxUnknownOp', `operators not in ModelGate's list: ${[...unknown].slice(0, 20).join(', ')}`),
    );
  return findings;
}

export async function scanMxnetParams(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  try {
    await readMxnetParams(source);
    return validatorOutcome('mxnet-params', [], ctx);
  } catch (error) {
    if (error instanceof UnsupportedLayoutError)
      return validatorOutcome('mxnet-params', [legacyFinding('mxParamsNotFollowed', error.message)], ctx);
    if (error instanceof FormatError)
      return validatorOutcome(
        'mxnet-params',
        [legacyFinding('mxParamsInvalid', error.message, { offset: error.offset })],
        ctx,
      );
    throw error;
  }
}
