import type { ByteSource } from '../io/byte-source.ts';
import { sliceSource } from '../formats/container-io.ts';
import { FormatError } from '../formats/format-error.ts';
import { LimitReached, readFlaxMsgpack, type FlaxIssueKind, type FlaxTree } from '../formats/flax-msgpack.ts';
import { catalogFinding } from './format-catalog.ts';
import { JAX_CODES, type JaxCode } from './jax-codes.ts';
import { pickleStart } from './pickle-start.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { worstVerdict, type ScanContext, type ScanFinding, type ScanOutcome, type Scanner } from './types.ts';

export { looksLikeFlaxMsgpack } from '../formats/flax-msgpack-sniff.ts';

export const FLAX_FORMAT = 'flax-msgpack';

const ISSUE_CODES: Record<FlaxIssueKind, JaxCode> = {
  'bad-array': 'flaxBadArray',
  'unknown-dtype': 'flaxUnknownDtype',
  'unknown-ext': 'flaxUnknownExt',
  'bad-complex': 'flaxBadComplex',
  'bad-chunked': 'flaxBadChunked',
  'odd-layout': 'flaxOddLayout',
  limit: 'flaxLimit',
};

/** How much of a bytes leaf decides whether a pickle loader would run it (pickle-start.ts reads on as needed). */
const LEAF_HEAD = 4096;

/**
 * Flax msgpack files: the tree is walked whole (flax-msgpack.ts); benign only when every leaf is plain data
 * Flax writes. A bytes leaf that a pickle loader would run is scanned as a pickle (the code that stored it
 * unpickles it after msgpack_restore), and a malicious one makes the file malicious.
 */
export const scanFlaxMsgpack: Scanner = async (source, ctx) => {
  const findings: ScanFinding[] = [];
  let tree: FlaxTree;
  try {
    tree = await readFlaxMsgpack(source);
  } catch (error) {
    if (error instanceof LimitReached) {
      findings.push(catalogFinding(JAX_CODES, 'flaxLimit', `${error.message} at ${error.path || 'the top'}`));
      return validatorOutcome(FLAX_FORMAT, findings, ctx);
    }
    if (!(error instanceof FormatError)) throw error;
    findings.push(catalogFinding(JAX_CODES, 'flaxMalformed', error.message, offsetOf(error.offset)));
    return validatorOutcome(FLAX_FORMAT, findings, ctx);
  }
  for (const issue of tree.issues) {
    findings.push(
      catalogFinding(JAX_CODES, ISSUE_CODES[issue.kind], `${issue.path}: ${issue.detail}`, offsetOf(issue.offset)),
    );
  }
  const nested = await scanBytesLeaves(source, tree, ctx, findings);
  return withNested(validatorOutcome(FLAX_FORMAT, findings, ctx), nested);
};

function offsetOf(offset: number | undefined): Pick<ScanFinding, 'offset'> {
  return offset === undefined ? {} : { offset };
}

async function scanBytesLeaves(
  source: ByteSource,
  tree: FlaxTree,
  ctx: ScanContext,
  findings: ScanFinding[],
): Promise<ScanOutcome[]> {
  const outcomes: ScanOutcome[] = [];
  for (const leaf of tree.bytesLeaves) {
    const name = `(value ${leaf.path})`;
    const bytes = sliceSource(source, leaf.offset, leaf.length, name);
    const start = await pickleStart(bytes, await bytes.read(0, LEAF_HEAD));
    if (start === 'inert') continue;
    const detail = `${leaf.path}: ${leaf.length} bytes that a pickle loader would ${start === 'runs' ? 'run' : 'read on past what the check follows'}`;
    findings.push(catalogFinding(JAX_CODES, 'flaxPickledLeaf', detail, { offset: leaf.offset }));
    outcomes.push(await ctx.scanPickle(bytes, name));
  }
  return outcomes;
}

/** The file's own verdict, made worse by any pickled leaf's; the leaf's findings come along. */
function withNested(own: ScanOutcome, nested: ScanOutcome[]): ScanOutcome {
  if (nested.length === 0) return own;
  const verdict = worstVerdict([own.verdict, ...nested.map((o) => o.verdict)]);
  const findings = [...own.findings, ...nested.flatMap((o) => o.findings)];
  if (verdict === own.verdict) return { ...own, findings };
  const worst = nested.find((o) => o.verdict === verdict);
  return { format: own.format, verdict, reason: `a pickled value: ${worst?.reason ?? verdict}`, findings };
}
