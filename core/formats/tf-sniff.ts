import { fieldsOf, payloadOf, utf8Of, type ByteField } from './protobuf-bytes.ts';

/**
 * Content sniffers of TensorFlow's protobuf files. Protobuf has no magic number, so each parses the first
 * bytes against its message's schema and requires what TensorFlow always writes first; they are disjoint
 * from each other and from ONNX (a ModelProto's field 2 is the producer string, a SavedModel's a message):
 *   SavedModel  08 01 12 … : saved_model_schema_version 1, then a MetaGraphDef starting with field 1 or 2
 *   MetaGraphDef  0a … : a MetaInfoDef that starts with its stripped_op_list (a message), versions are text
 *   GraphDef  0a … : a NodeDef whose name and op are TensorFlow names
 *   SavedMetadata (keras_metadata.pb)  0a … : a SavedObject whose node_id is a varint and identifier "_tf_keras_…"
 *   FingerprintDef (fingerprint.pb): a small message of hashes, a VersionDef and a decimal UUID
 */

type Schema = Readonly<Record<number, 0 | 2>>;

const SAVED_MODEL: Schema = { 1: 0, 2: 2 };
const META_GRAPH: Schema = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2 };
const META_INFO: Schema = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 0, 8: 2 };
const GRAPH: Schema = { 1: 2, 2: 2, 3: 0, 4: 2, 5: 2 };
const NODE: Schema = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2 };
const SAVED_METADATA: Schema = { 1: 2 };
const SAVED_OBJECT: Schema = { 2: 0, 3: 2, 4: 2, 5: 2, 6: 2 };
const FINGERPRINT: Schema = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 2, 7: 2 };

/** Node names (graph.proto: "[A-Za-z0-9.][A-Za-z0-9_>./]*") and op names ("[A-Z][a-zA-Z0-9>_]*", "_" for internal ops). */
const NODE_NAME = /^[A-Za-z0-9.][A-Za-z0-9_>./-]*$/;
const OP_NAME = /^[A-Za-z_][A-Za-z0-9_>.]*$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** The fields of bytes[start, end) if each has the wire type `schema` gives it; null otherwise. */
function schemaFields(bytes: Uint8Array, schema: Schema, start = 0, end = bytes.byteLength): ByteField[] | null {
  try {
    const fields = fieldsOf(bytes, start, Math.min(end, bytes.byteLength), { partial: true, maxFields: 4096 });
    return fields.every((f) => schema[f.no] === f.wire) ? fields : null;
  } catch {
    return null;
  }
}

const complete = (bytes: Uint8Array, f: ByteField): boolean => f.end <= bytes.byteLength;

function text(bytes: Uint8Array, f: ByteField, pattern: RegExp): boolean {
  if (!complete(bytes, f)) return false;
  try {
    return pattern.test(utf8Of(bytes, f));
  } catch {
    return false;
  }
}

/** The first field of a message payload is field `no` (or the payload is empty when allowed). */
function startsWith(bytes: Uint8Array, f: ByteField, tag: number): boolean {
  const p = payloadOf(bytes, f);
  return p.byteLength === 0 || p[0] === tag;
}

export function looksLikeSavedModel(head: Uint8Array): boolean {
  if (head[0] !== 0x08 || head[1] !== 0x01 || head[2] !== 0x12) return false;
  const top = schemaFields(head, SAVED_MODEL);
  const meta = top?.[1];
  if (!meta || meta.no !== 2) return false;
  const inner = schemaFields(head, META_GRAPH, meta.start, meta.end);
  return inner !== null && (inner.length === 0 || inner[0]!.no === 1 || inner[0]!.no === 2);
}

export function looksLikeMetaGraph(head: Uint8Array): boolean {
  const top = schemaFields(head, META_GRAPH);
  const info = top?.[0];
  if (!info || info.no !== 1) return false;
  const fields = schemaFields(head, META_INFO, info.start, info.end);
  // TensorFlow writes stripped_op_list (2) first, after meta_graph_version (1) when that is set.
  const opList = fields?.[0]?.no === 1 ? fields[1] : fields?.[0];
  if (!fields || opList?.no !== 2) return false;
  return fields.every((f) => {
    if (f.no === 2 || f.no === 3 || f.no === 8) return startsWith(head, f, 0x0a);
    if ([1, 4, 5, 6].includes(f.no)) return !complete(head, f) || text(head, f, PRINTABLE);
    return true;
  });
}

export function looksLikeGraphDef(head: Uint8Array): boolean {
  const top = schemaFields(head, GRAPH);
  const node = top?.[0];
  if (!node || node.no !== 1) return false;
  const fields = schemaFields(head, NODE, node.start, node.end);
  const name = fields?.find((f) => f.no === 1);
  const op = fields?.find((f) => f.no === 2);
  return name !== undefined && op !== undefined && text(head, name, NODE_NAME) && text(head, op, OP_NAME);
}

export function looksLikeKerasMetadata(head: Uint8Array): boolean {
  const top = schemaFields(head, SAVED_METADATA);
  const first = top?.[0];
  if (!first) return false;
  const fields = schemaFields(head, SAVED_OBJECT, first.start, first.end);
  const identifier = fields?.find((f) => f.no === 4);
  return identifier !== undefined && text(head, identifier, /^_tf_keras_[a-z_]+$/);
}

/** fingerprint.proto: five uint64 hashes, a VersionDef and a decimal UUID string; read whole (it is ~100 bytes). */
export function looksLikeFingerprint(head: Uint8Array, size: number): boolean {
  if (size !== head.byteLength || size > 1024) return false;
  try {
    const fields = fieldsOf(head);
    if (!fields.every((f) => FINGERPRINT[f.no] === f.wire) || !fields.some((f) => f.no === 1)) return false;
    return fields.every((f) => {
      if (f.no === 7) return text(head, f, /^[0-9]{1,40}$/);
      if (f.no === 6) return fieldsOf(head, f.start, f.end).every((v) => v.no <= 3);
      return true;
    });
  } catch {
    return false;
  }
}
