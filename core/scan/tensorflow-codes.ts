import { catalogFinding, type FormatCatalog } from './format-catalog.ts';
import type { ScanFinding } from './types.ts';

/**
 * Finding codes MG-SCAN-300 … 329: TensorFlow SavedModel (`saved_model.pb`, `fingerprint.pb`,
 * `keras_metadata.pb`), frozen GraphDef and MetaGraphDef files, checkpoint bundle indexes (`*.index`).
 * Codes are stable: never renumber or reuse one. `verdict` is what the finding alone makes of the file.
 */

const PROTO = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/protobuf/saved_model.proto';
const RAW_OPS = 'https://www.tensorflow.org/api_docs/python/tf/raw_ops';
const SECURITY = 'https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md';
const PY_FUNC = 'https://www.tensorflow.org/api_docs/python/tf/py_function';
const LOADER = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/saved_model/loader_impl.py';
const CUSTOM_OP = 'https://www.tensorflow.org/guide/create_op';
const FUNCTION_LIB = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/framework/function.cc';
const BUNDLE =
  'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/util/tensor_bundle/tensor_bundle.cc';
const TABLE = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/lib/io/format.cc';
const KERAS2_LOAD =
  'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/keras/saving/saved_model/load.py';

export const TENSORFLOW_CODES = {
  malformed: {
    code: 'MG-SCAN-300',
    severity: 'high',
    verdict: 'invalid',
    title: 'The TensorFlow protobuf file is malformed',
    explanation:
      "The file could not be read as the protobuf message TensorFlow expects (a field runs past its message, a length is larger than the file, a known field has the wrong type); TensorFlow's own parser refuses such a file.",
    reference: PROTO,
  },
  pythonOp: {
    code: 'MG-SCAN-301',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model calls Python code when it runs',
    explanation:
      'PyFunc, PyFuncStateless and EagerPyFunc (tf.py_function, tf.numpy_function) call a Python function of the loading process from inside the graph: the graph hands control to host code.',
    reference: PY_FUNC,
  },
  fileOp: {
    code: 'MG-SCAN-302',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model reads or writes files when it runs',
    explanation:
      'The graph holds an operation that opens, lists, writes or deletes files or maps them into memory (ReadFile, WriteFile, MatchingFiles, ImmutableConst, file datasets, summary writers, a PrintV2 to a file): TensorFlow treats a model as a program that can do this (SECURITY.md), so the model can read secrets or plant files on the host.',
    reference: SECURITY,
  },
  networkOp: {
    code: 'MG-SCAN-303',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model opens network connections when it runs',
    explanation:
      'The graph holds an operation that talks to other hosts (RPC ops, the tf.data service, SQL datasets, remote calls).',
    reference: RAW_OPS,
  },
  checkpointOpOutsideSaver: {
    code: 'MG-SCAN-304',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model writes or reads checkpoint files outside its own save and restore',
    explanation:
      "Loaders run a SavedModel's checkpoint ops only through its saver (saver_def), with the path they choose. A SaveV2, MergeV2Checkpoints or RestoreV2 reached from anywhere else (a serving function, the restore path for a writer) writes or reads files at a path the model picks.",
    reference: LOADER,
  },
  customOp: {
    code: 'MG-SCAN-305',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The model uses an operation TensorFlow does not define',
    explanation:
      'The op is not registered in TensorFlow: it only runs after a native library is loaded with tf.load_op_library, and what that library does cannot be checked from the model.',
    reference: CUSTOM_OP,
  },
  assetRead: {
    code: 'MG-SCAN-306',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The model reads a vocabulary file whose path was not followed',
    explanation:
      "Lookup-table initializers read a text file, normally one of the model's own assets. The check does not follow which path reaches the op, so it cannot rule out another file on the host.",
    reference: RAW_OPS,
  },
  unfollowedCode: {
    code: 'MG-SCAN-307',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The model embeds code in a form the check does not follow',
    explanation:
      'XlaCallModule carries a serialized StableHLO module and XlaCustomCall names a native call target; what they run is not checked.',
    reference: RAW_OPS,
  },
  undefinedFunction: {
    code: 'MG-SCAN-308',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The model calls a function the file does not define',
    explanation:
      'A function attribute names a function missing from the function library, so what the call would run is not in the file and cannot be checked.',
    reference: FUNCTION_LIB,
  },
  duplicateFunction: {
    code: 'MG-SCAN-309',
    severity: 'high',
    verdict: 'invalid',
    title: 'The function library defines a function twice',
    explanation:
      'TensorFlow refuses a library that adds a different function under a name it already holds; a checker reading one copy could miss the other.',
    reference: FUNCTION_LIB,
  },
  beyondBudget: {
    code: 'MG-SCAN-310',
    severity: 'medium',
    verdict: 'unverified',
    title: "The graph is larger or deeper than the check's limits",
    explanation:
      'Nodes, functions, names or nested function attributes exceed the bounds the check reads within, so part of the graph was not checked.',
  },
  assetEscapes: {
    code: 'MG-SCAN-311',
    severity: 'critical',
    verdict: 'malicious',
    title: "An asset points outside the model's folder",
    explanation:
      "The loader joins an asset's filename to the SavedModel's assets/ folder and hands the path to the graph; an absolute path or '..' makes the model read a file elsewhere on the host.",
    reference: LOADER,
  },
  noGraph: {
    code: 'MG-SCAN-312',
    severity: 'high',
    verdict: 'invalid',
    title: 'The SavedModel holds no MetaGraph',
    explanation: 'A SavedModel must hold at least one MetaGraphDef; TensorFlow cannot load it.',
    reference: PROTO,
  },
  graphInventory: {
    code: 'MG-SCAN-313',
    severity: 'info',
    verdict: 'benign',
    title: 'TensorFlow graph inventory',
    explanation: 'Meta graphs, tags, signatures, nodes, functions and the ops they use.',
  },
  kerasMetadataMalformed: {
    code: 'MG-SCAN-315',
    severity: 'high',
    verdict: 'invalid',
    title: 'The Keras metadata is malformed',
    explanation:
      "A node's metadata in keras_metadata.pb is not valid JSON (or repeats a key), so Keras cannot rebuild the layer and checkers could read it differently.",
    reference: KERAS2_LOAD,
  },
  kerasMetadataInventory: {
    code: 'MG-SCAN-316',
    severity: 'info',
    verdict: 'benign',
    title: 'Keras metadata inventory',
    explanation: 'The Keras objects described in keras_metadata.pb.',
  },
  indexMalformed: {
    code: 'MG-SCAN-318',
    severity: 'high',
    verdict: 'invalid',
    title: 'The checkpoint index is malformed',
    explanation:
      "The table structure (footer, blocks, checksums, sorted keys) or a BundleEntryProto could not be read as TensorFlow writes them; TensorFlow's reader refuses such an index.",
    reference: TABLE,
  },
  indexCompressed: {
    code: 'MG-SCAN-319',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The checkpoint index uses block compression the check does not read',
    explanation: 'TensorFlow writes checkpoint indexes uncompressed; a compressed block was not read.',
    reference: TABLE,
  },
  entryRange: {
    code: 'MG-SCAN-320',
    severity: 'high',
    verdict: 'invalid',
    title: "A tensor's byte range in the checkpoint is inconsistent",
    explanation:
      'Each tensor must name an existing shard and a byte span of exactly its shape × element size that overlaps no other tensor; anything else makes TensorFlow fail or read the wrong bytes.',
    reference: BUNDLE,
  },
  unknownDtype: {
    code: 'MG-SCAN-321',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A checkpoint tensor has a data type the check does not size',
    explanation:
      "The tensor's data type is not one whose byte size the check knows, so its byte range was not checked.",
    reference: BUNDLE,
  },
  indexInventory: {
    code: 'MG-SCAN-322',
    severity: 'info',
    verdict: 'benign',
    title: 'Checkpoint index inventory',
    explanation: 'Tensors, shards and the exact sizes of the data files the index lays out.',
  },
  fingerprintInventory: {
    code: 'MG-SCAN-323',
    severity: 'info',
    verdict: 'benign',
    title: 'SavedModel fingerprint',
    explanation: 'fingerprint.pb holds hashes of the SavedModel and a version; it holds no code and no paths.',
  },
  dataGaps: {
    code: 'MG-SCAN-324',
    severity: 'low',
    verdict: 'benign',
    title: 'The data files have bytes no tensor accounts for',
    explanation:
      'The tensors do not cover their data shard end to end, so the data files are not vouched for from this index: the bytes between tensors are never read by TensorFlow but could hold anything.',
    reference: BUNDLE,
  },
} as const satisfies FormatCatalog;

export type TensorflowCode = keyof typeof TENSORFLOW_CODES;

export function tfFinding(
  key: TensorflowCode,
  detail: string,
  extra: Pick<ScanFinding, 'member' | 'offset' | 'evidence'> = {},
): ScanFinding {
  return catalogFinding(TENSORFLOW_CODES, key, detail, extra);
}
