import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { collectKerasObjects } from '../formats/keras.ts';
import { parseStrictJson } from '../formats/strict-json.ts';
import { readKerasMetadata, type KerasMetadataNode } from '../formats/tf-keras-metadata.ts';
import { kerasFindings } from './keras-rules.ts';
import { tfFinding } from './tensorflow-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * `keras_metadata.pb` of a Keras 2 SavedModel: each SavedObject's `metadata` is the Keras config JSON that
 * keras load_model rebuilds the layer from (tensorflow/python/keras/saving/saved_model/load.py), so it goes
 * through the same Keras rules as a `.keras` config: a Lambda there carries marshalled Python bytecode.
 */

export const FORMAT = 'tf-keras-metadata';
const MAX_BYTES = 64 << 20;

export async function scanTfKerasMetadata(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const limit = Math.min(MAX_BYTES, ctx.budget.maxMemberBytes);
  if (source.size > limit) {
    return validatorOutcome(
      FORMAT,
      [tfFinding('beyondBudget', `${source.size} bytes, over the ${limit}-byte limit`)],
      ctx,
    );
  }
  let nodes: KerasMetadataNode[];
  try {
    nodes = readKerasMetadata(await source.read(0, source.size));
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome(FORMAT, [tfFinding('malformed', e.message, { offset: e.offset })], ctx);
  }
  const findings = nodes.flatMap(nodeFindings);
  findings.push(
    tfFinding('kerasMetadataInventory', `${nodes.length} Keras objects`, {
      evidence: { identifiers: [...new Set(nodes.map((n) => n.identifier))].slice(0, 50) },
    }),
  );
  return validatorOutcome(FORMAT, findings, ctx);
}

function nodeFindings(node: KerasMetadataNode): ScanFinding[] {
  const where = `node ${node.nodeId} '${node.nodePath}' (${node.identifier})`;
  if (node.metadata === '') return [];
  try {
    const { value, duplicates } = parseStrictJson(node.metadata, { maxDepth: 512 });
    const dup = duplicates
      .slice(0, 5)
      .map((d) => tfFinding('kerasMetadataMalformed', `${where}: metadata repeats key '${d.key}' at ${d.path || '/'}`));
    return [
      ...dup,
      ...kerasFindings(collectKerasObjects(value)).map((f) => ({ ...f, detail: `${where}: ${f.detail}` })),
    ];
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return [tfFinding('kerasMetadataMalformed', `${where}: metadata is not valid JSON: ${e.message}`)];
  }
}
