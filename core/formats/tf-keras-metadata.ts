import { FormatError } from './format-error.ts';
import { fieldsOf, utf8Of } from './protobuf-bytes.ts';

/**
 * `keras_metadata.pb`: SavedMetadata { repeated SavedObject nodes = 1 } with SavedObject { int32 node_id = 2;
 * string node_path = 3; string identifier = 4; string metadata = 5; VersionDef version = 6 }
 * (tensorflow/python/keras/protobuf/saved_metadata.proto). The file is read whole (it is configuration).
 */

export interface KerasMetadataNode {
  nodeId: number;
  nodePath: string;
  identifier: string;
  /** The layer's Keras config JSON. */
  metadata: string;
}

const MAX_NODES = 1 << 18;

export function readKerasMetadata(bytes: Uint8Array): KerasMetadataNode[] {
  const nodes: KerasMetadataNode[] = [];
  for (const f of fieldsOf(bytes)) {
    if (f.no !== 1) continue;
    if (f.wire !== 2) throw new FormatError(`SavedMetadata field 1 at ${f.at} is not a message`, f.at);
    if (nodes.length >= MAX_NODES) throw new FormatError(`more than ${MAX_NODES} SavedMetadata nodes`, f.at);
    const node: KerasMetadataNode = { nodeId: 0, nodePath: '', identifier: '', metadata: '' };
    for (const g of fieldsOf(bytes, f.start, f.end)) {
      const wire = g.no === 2 ? 0 : g.no >= 3 && g.no <= 6 ? 2 : g.wire;
      if (g.wire !== wire) throw new FormatError(`SavedObject field ${g.no} at ${g.at} has the wrong type`, g.at);
      if (g.no === 2) node.nodeId = Number(BigInt.asIntN(32, g.varint));
      else if (g.no === 3) node.nodePath = utf8Of(bytes, g);
      else if (g.no === 4) node.identifier = utf8Of(bytes, g);
      else if (g.no === 5) node.metadata = utf8Of(bytes, g);
    }
    nodes.push(node);
  }
  return nodes;
}
