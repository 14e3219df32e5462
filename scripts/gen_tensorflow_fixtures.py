#!/usr/bin/env python3
"""Writes the TensorFlow part of the model-format corpus and the op table the TensorFlow scanner reads.

  python3 scripts/gen_tensorflow_fixtures.py   (tensorflow-cpu 2.21)

Outputs:
  test/fixtures/formats/tensorflow/**            SavedModels, GraphDefs, MetaGraphs, checkpoint indexes
  test/fixtures/formats/tensorflow/labels.json   expected verdicts (schema: core/scan/format-corpus-node.ts)
  core/scan/tensorflow-op-table.ts               every op registered in TensorFlow and the risky ones

Every benign file is written by TensorFlow itself in ordinary use. Hostile files are written by TensorFlow too
(a tf.function that calls tf.io.read_file, tf.py_function …) or, where TensorFlow would not write them, built
with TensorFlow's own protobuf classes (graph_pb2, saved_model_pb2, tensor_bundle_pb2, saved_metadata_pb2).
Labels are proven with TensorFlow: the ops of each hostile file are listed from its parsed protos (functions
are never executed, except one GraphDef that reads a temporary file this script wrote itself, to prove that a
call op naming a primitive op runs it), and TensorFlow's own parsers are shown to refuse the malformed files.
"""

import json
import os
import shutil
import struct
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402
from tensorflow.core.framework import graph_pb2, op_def_pb2  # noqa: E402
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2, tensor_bundle_pb2  # noqa: E402
from tensorflow.python.client import pywrap_tf_session as c_api  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "formats", "tensorflow")
OP_TABLE = os.path.join(ROOT, "core", "scan", "tensorflow-op-table.ts")
TF = f"tensorflow {tf.__version__}"
LABELS = []

tf.random.set_seed(0)
np.random.seed(0)


def label(path, expect, fmt, what, made_by=TF):
    LABELS.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def write(rel, data):
    full = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    return full


def copy_tree(src, rel):
    """Copies a saved folder's files (empty folders such as assets/ are left out)."""
    for dirpath, _, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                write(os.path.join(rel, os.path.relpath(path, src)), f.read())


# ---------------------------------------------------------------------------------------------- op registry

def registered_ops():
    ops = op_def_pb2.OpList()
    ops.ParseFromString(c_api.TF_GetBuffer(c_api.TF_GetAllOpList()))
    return {o.name: o for o in ops.op}


# Ops whose kernels run Python callables registered in the loading process (tf.py_function, tf.numpy_function).
PYTHON_OPS = ["PyFunc", "PyFuncStateless", "EagerPyFunc"]
# Ops that open, list, write or delete files, or map them into memory (found by their filename / path / prefix /
# pattern / logdir / debug_urls inputs and attributes in the registry below, then checked one by one).
FILE_OPS = [
    "ReadFile", "WriteFile", "MatchingFiles", "MatchingFilesDataset", "ExperimentalMatchingFilesDataset",
    "CSVDataset", "CSVDatasetV2", "ExperimentalCSVDataset", "TFRecordDataset", "TFRecordDatasetV2",
    "TextLineDataset", "FixedLengthRecordDataset", "FixedLengthRecordDatasetV2", "LMDBDataset",
    "ExperimentalLMDBDataset", "CacheDataset", "CacheDatasetV2", "DatasetToTFRecord", "ExperimentalDatasetToTFRecord",
    "SaveDataset", "SaveDatasetV2", "LoadDataset", "SnapshotDataset", "SnapshotDatasetV2", "SnapshotDatasetReader",
    "SnapshotChunkDataset", "ListSnapshotChunksDataset", "WholeFileReader", "WholeFileReaderV2", "TextLineReader",
    "TextLineReaderV2", "TFRecordReader", "TFRecordReaderV2", "FixedLengthRecordReader", "FixedLengthRecordReaderV2",
    "LMDBReader", "GenerateVocabRemapping", "LoadAndRemapMatrix", "RecordInput", "Skipgram",
    "CreateSummaryFileWriter", "CreateSummaryDbWriter", "DumpTensor", "CalibrationStatisticsSaver", "ImmutableConst",
    "DTensorRestoreV2", "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3", "DebugNanCount", "DebugNumericSummary",
]
# Ops that open connections to other hosts (tf.data service, RPC ops, SQL drivers, remote function calls).
NETWORK_OPS = [
    "DataServiceDataset", "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4", "RegisterDataset",
    "RegisterDatasetV2", "DistributedSave", "RpcClient", "RpcServer", "RpcServerRegister", "RpcServerStart", "RpcCall",
    "RpcGetValue", "RpcCheckStatus", "DeleteRpcFutureResource", "RemoteCall", "SqlDataset", "ExperimentalSqlDataset",
    "Rpc", "TryRpc",
]
# Checkpoint writers and readers: the loader runs them itself through the MetaGraph's saver_def, with the path it
# chooses (tensorflow/python/saved_model/loader_impl.py restore_variables; saving/functional_saver.py).
CHECKPOINT_SAVE_OPS = ["SaveV2", "Save", "SaveSlices", "MergeV2Checkpoints"]
CHECKPOINT_RESTORE_OPS = ["RestoreV2", "Restore", "RestoreSlice"]
# Ops that read a vocabulary file: ordinary models point them at their own assets/ folder, which the check does not
# follow through the dataflow (tf.lookup.TextFileInitializer).
ASSET_READ_OPS = ["InitializeTableFromTextFile", "InitializeTableFromTextFileV2"]
# Ops that carry code in another form the check does not follow (StableHLO modules, native custom calls).
UNFOLLOWED_OPS = ["XlaCallModule", "XlaCustomCall", "XlaCustomCallV2", "_XlaHostComputeMlir"]
# Ops whose file access depends on a string attribute (checked by the scanner): PrintV2 output_stream "file://…",
# DecodeProtoV2/EncodeProto descriptor_source other than "local://", FixedUnigramCandidateSampler vocab_file.
ATTR_FILE_OPS = {"PrintV2": "output_stream", "DecodeProtoV2": "descriptor_source", "EncodeProto": "descriptor_source",
                 "FixedUnigramCandidateSampler": "vocab_file"}


def write_op_table(registry):
    risk = {}
    for kind, names in [("python", PYTHON_OPS), ("file", FILE_OPS), ("network", NETWORK_OPS),
                        ("checkpoint-save", CHECKPOINT_SAVE_OPS), ("checkpoint-restore", CHECKPOINT_RESTORE_OPS),
                        ("asset-read", ASSET_READ_OPS), ("unfollowed", UNFOLLOWED_OPS)]:
        for name in names:
            if name in registry:
                risk[name] = kind
            else:
                print(f"note: {name} is not registered in {TF}; it is a custom op there", file=sys.stderr)
    for op, attr in ATTR_FILE_OPS.items():
        assert op in registry and any(a.name == attr for a in registry[op].attr), (op, attr)
    names = sorted(registry)
    lines = [
        "// Generated by scripts/gen_tensorflow_fixtures.py from the op registry of "
        f"{TF} (TF_GetAllOpList). Do not edit.",
        "// An op not in TF_REGISTERED_OPS needs a library loaded with tf.load_op_library: a custom op.",
        "",
        f"export const TF_OP_REGISTRY_VERSION = '{tf.__version__}';",
        "",
        "// prettier-ignore",
        "export type TfOpRisk = 'python' | 'file' | 'network' | 'checkpoint-save' | 'checkpoint-restore' | "
        "'asset-read' | 'unfollowed';",
        "",
        f"/** The {len(names)} ops registered in {TF}, underscore-prefixed internal ops included. */",
        "// prettier-ignore",
        "export const TF_REGISTERED_OPS: ReadonlySet<string> = new Set(",
        "  [",
    ]
    line = "   "
    for name in names:
        item = f" '{name}',"
        if len(line) + len(item) > 118:
            lines.append(line)
            line = "   "
        line += item
    lines += [line, "  ],", ");", "", "/** Registered ops that reach outside the graph, by what they do. */",
              "export const TF_OP_RISK: Readonly<Record<string, TfOpRisk>> = {"]
    lines += [f"  {name}: '{kind}'," for name, kind in risk.items()]
    lines += ["};", "", "/** Ops whose file access depends on the named string attribute. */",
              "export const TF_ATTR_FILE_OPS: Readonly<Record<string, string>> = {"]
    lines += [f"  {op}: '{attr}'," for op, attr in ATTR_FILE_OPS.items()]
    lines += ["};", ""]
    with open(OP_TABLE, "w") as f:
        f.write("\n".join(lines))


# ------------------------------------------------------------------------------------------- proof helpers

def ops_of_graph_def(g):
    """Every op of a GraphDef and of its function library (nested function bodies included), by parsing only."""
    ops = {n.op for n in g.node}
    for fn in g.library.function:
        ops |= {n.op for n in fn.node_def}
    return ops


def ops_of_saved_model(path):
    sm = saved_model_pb2.SavedModel()
    with open(path, "rb") as f:
        sm.ParseFromString(f.read())
    ops = set()
    for mg in sm.meta_graphs:
        ops |= ops_of_graph_def(mg.graph_def)
    return ops


def refused_by_protobuf(cls, data):
    try:
        cls().ParseFromString(data)
    except DecodeError as e:
        return f"TensorFlow's {cls.__name__} parser refuses it ({str(e).splitlines()[0][:80]})"
    raise AssertionError(f"{cls.__name__} parsed a file labelled malformed")


def proven_ops(path, wanted, saved=True):
    ops = ops_of_saved_model(path) if saved else ops_of_graph_def(graph_def_of(path))
    found = sorted(set(wanted) & ops)
    assert found, (path, wanted, sorted(ops))
    return ", ".join(found)


def graph_def_of(path):
    g = graph_pb2.GraphDef()
    with open(path, "rb") as f:
        g.ParseFromString(f.read())
    return g


# ----------------------------------------------------------------------------------------------- SavedModels

class Dense(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        self.b = tf.Variable(np.zeros(2, dtype=np.float32), name="b")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


def save_module(module, rel, tmp, signatures=None):
    path = os.path.join(tmp, rel.replace("/", "_"))
    tf.saved_model.save(module, path, signatures=signatures)
    return path


def saved_models(tmp):
    path = save_module(Dense(), "module", tmp)
    copy_tree(path, "module")
    label("module/saved_model.pb", "benign", "tf-savedmodel",
          "tf.Module with a Dense layer saved by tf.saved_model.save: serving signature, traced save/restore functions")
    label("module/fingerprint.pb", "benign", "tf-fingerprint", "the SavedModel's fingerprint written beside it")
    label("module/variables/variables.index", "benign", "tf-checkpoint-index",
          "the variables' checkpoint index (SSTable of BundleEntryProto) written by tf.saved_model.save")
    label("module/variables/variables.data-00000-of-00001", "benign", "tensor-data",
          "headerless tensor bytes described by variables.index: unknown content on its own")

    class ReadsFile(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
        def __call__(self, name):
            return tf.io.read_file(tf.strings.join(["/etc/", name]))

    path = save_module(ReadsFile(), "read-file", tmp)
    write("read-file/saved_model.pb", open(os.path.join(path, "saved_model.pb"), "rb").read())
    label("read-file/saved_model.pb", "malicious", "tf-savedmodel",
          "serving function calls tf.io.read_file on a path under /etc; parsed ops include "
          + proven_ops(os.path.join(path, "saved_model.pb"), ["ReadFile"]))

    class WritesFile(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
        def __call__(self, text):
            tf.io.write_file("/tmp/modelgate-written-by-model", text)
            return text

    path = save_module(WritesFile(), "write-file", tmp)
    write("write-file/saved_model.pb", open(os.path.join(path, "saved_model.pb"), "rb").read())
    label("write-file/saved_model.pb", "malicious", "tf-savedmodel",
          "serving function calls tf.io.write_file; parsed ops include "
          + proven_ops(os.path.join(path, "saved_model.pb"), ["WriteFile"]))

    class PyFunction(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def __call__(self, x):
            return tf.py_function(lambda t: t * 2, [x], tf.float32)

    class NumpyFunction(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def __call__(self, x):
            return tf.numpy_function(lambda t: t * 2, [x], tf.float32)

    for rel, module, api, op in [("py-function", PyFunction(), "tf.py_function", "EagerPyFunc"),
                                 ("numpy-function", NumpyFunction(), "tf.numpy_function", "PyFunc")]:
        path = save_module(module, rel, tmp)
        write(f"{rel}/saved_model.pb", open(os.path.join(path, "saved_model.pb"), "rb").read())
        label(f"{rel}/saved_model.pb", "malicious", "tf-savedmodel",
              f"serving function calls {api}; parsed ops include "
              + proven_ops(os.path.join(path, "saved_model.pb"), [op]))

    # The module's saved_model.pb with a nested function calling ReadFile added to the library and called from
    # the serving function's body (so the op sits two functions deep).
    sm = saved_model_pb2.SavedModel()
    sm.ParseFromString(open(os.path.join(OUT, "module", "saved_model.pb"), "rb").read())
    lib = sm.meta_graphs[0].graph_def.library
    inner = lib.function.add()
    inner.signature.name = "inner_reads_file"
    out = inner.signature.output_arg.add()
    out.name, out.type = "contents", tf.string.as_datatype_enum
    c = inner.node_def.add()
    c.name, c.op = "path", "Const"
    c.attr["dtype"].type = tf.string.as_datatype_enum
    c.attr["value"].tensor.CopyFrom(tf.make_tensor_proto("/etc/passwd"))
    r = inner.node_def.add()
    r.name, r.op = "read", "ReadFile"
    r.input.append("path:output:0")
    inner.ret["contents"] = "read:contents:0"
    serving = next(f for f in lib.function if "__call__" in f.signature.name or "inference" in f.signature.name)
    call = serving.node_def.add()
    call.name, call.op = "smuggled", "PartitionedCall"
    call.attr["f"].func.name = "inner_reads_file"
    call.attr["Tin"].list.SetInParent()
    call.attr["Tout"].list.type.append(tf.string.as_datatype_enum)
    data = sm.SerializeToString()
    write("nested-read-file/saved_model.pb", data)
    nested = ops_of_graph_def(sm.meta_graphs[0].graph_def)
    assert "ReadFile" in nested
    label("nested-read-file/saved_model.pb", "malicious", "tf-savedmodel",
          f"the module's SavedModel with a library function reading /etc/passwd, called by PartitionedCall from "
          f"'{serving.signature.name}'; TensorFlow's SavedModel parser lists ReadFile among its ops",
          made_by=f"{TF} (saved, then edited with its saved_model_pb2 classes)")

    write("malformed/truncated-saved_model.pb", data[: len(data) // 2])
    label("malformed/truncated-saved_model.pb", "invalid", "tf-savedmodel",
          "the module's saved_model.pb cut in half: "
          + refused_by_protobuf(saved_model_pb2.SavedModel, data[: len(data) // 2]))
    # saved_model_schema_version 1, then meta_graphs declaring 4 GiB - 1 bytes (a protobuf length bomb).
    bomb = bytes([0x08, 0x01, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x0A, 0x02, 0x12, 0x00])
    write("malformed/length-bomb-saved_model.pb", bomb)
    label("malformed/length-bomb-saved_model.pb", "invalid", "tf-savedmodel",
          "a MetaGraphDef declaring 4 GiB in a 12-byte file: " + refused_by_protobuf(saved_model_pb2.SavedModel, bomb),
          made_by="hand-built from tensorflow/core/protobuf/saved_model.proto")


def keras2(tmp):
    """Keras 2 SavedModels with keras_metadata.pb, written by the Keras 2 copy that ships inside TensorFlow."""
    import tensorflow.python.keras as tf_keras_pkg

    if not hasattr(tf_keras_pkg, "__version__"):
        tf_keras_pkg.__version__ = tf.__version__  # saving_utils.model_metadata reads it; the package omits it
    from tensorflow.python.keras import layers, models
    from tensorflow.python.keras.protobuf import saved_metadata_pb2

    made = f"{TF} (tensorflow.python.keras, the Keras 2 that TensorFlow ships)"
    model = models.Sequential([layers.Dense(2, input_shape=(3,), name="dense")])
    path = os.path.join(tmp, "keras2")
    model.save(path, save_format="tf")
    for name in ["saved_model.pb", "keras_metadata.pb"]:
        write(f"keras2/{name}", open(os.path.join(path, name), "rb").read())
    label("keras2/saved_model.pb", "benign", "tf-savedmodel", "Keras 2 Sequential(Dense) saved with save_format='tf'",
          made_by=made)
    label("keras2/keras_metadata.pb", "benign", "tf-keras-metadata",
          "its keras_metadata.pb: SavedMetadata whose nodes hold the layers' Keras config JSON", made_by=made)

    model = models.Sequential([layers.Dense(2, input_shape=(3,)), layers.Lambda(lambda x: x * 2, name="lambda")])
    path = os.path.join(tmp, "keras2-lambda")
    model.save(path, save_format="tf")
    meta = open(os.path.join(path, "keras_metadata.pb"), "rb").read()
    parsed = saved_metadata_pb2.SavedMetadata()
    parsed.ParseFromString(meta)
    lam = [n for n in parsed.nodes if '"class_name": "Lambda"' in n.metadata and '"function_type": "lambda"' in n.metadata]
    assert lam, "the Lambda's marshalled bytecode is in keras_metadata.pb"
    write("keras2-lambda/keras_metadata.pb", meta)
    label("keras2-lambda/keras_metadata.pb", "suspicious", "tf-keras-metadata",
          f"Keras 2 model with a harmless Lambda layer (x * 2): SavedMetadata node '{lam[0].node_path}' holds its "
          "marshalled Python bytecode (function_type 'lambda'), which keras load_model runs", made_by=made)

    broken = saved_metadata_pb2.SavedMetadata()
    node = broken.nodes.add()
    node.node_path, node.identifier = "root", "_tf_keras_sequential"
    node.metadata = '{"name": "sequential", "class_name": "Sequential", "config": {"layers": ['
    write("malformed/keras_metadata-bad-json.pb", broken.SerializeToString())
    try:
        json.loads(node.metadata)
        raise AssertionError("metadata should not parse")
    except json.JSONDecodeError as e:
        why = f"json.loads, as keras load does, refuses its metadata ({e.msg})"
    label("malformed/keras_metadata-bad-json.pb", "invalid", "tf-keras-metadata",
          "SavedMetadata whose root node's metadata is cut-off JSON: " + why,
          made_by=f"{TF} (its saved_metadata_pb2 classes)")


# --------------------------------------------------------------------------------------- GraphDef, MetaGraph

def graph_defs(tmp):
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    module = Dense()
    frozen = convert_variables_to_constants_v2(module.__call__.get_concrete_function()).graph.as_graph_def()
    write("frozen/graph.pb", frozen.SerializeToString())
    label("frozen/graph.pb", "benign", "tf-graphdef",
          "a frozen GraphDef (convert_variables_to_constants_v2 of a Dense tf.Module)")

    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def reads(name):
        return tf.io.read_file(name)

    g = reads.get_concrete_function().graph.as_graph_def()
    write("frozen/read-file.pb", g.SerializeToString())
    label("frozen/read-file.pb", "malicious", "tf-graphdef",
          "GraphDef of a tf.function calling tf.io.read_file; parsed ops include "
          + proven_ops(os.path.join(OUT, "frozen/read-file.pb"), ["ReadFile"], saved=False))

    # A call op whose function attribute names something the library does not define (here the op ReadFile):
    # TensorFlow looks it up in the function library only and fails, so what it would call is not in the file.
    g = graph_pb2.GraphDef()
    const = g.node.add()
    const.name, const.op = "path", "Const"
    const.attr["dtype"].type = tf.string.as_datatype_enum
    const.attr["value"].tensor.CopyFrom(tf.make_tensor_proto("/etc/hostname"))
    call = g.node.add()
    call.name, call.op = "call", "PartitionedCall"
    call.input.append("path")
    call.attr["f"].func.name = "ReadFile"
    call.attr["Tin"].list.type.append(tf.string.as_datatype_enum)
    call.attr["Tout"].list.type.append(tf.string.as_datatype_enum)
    write("frozen/call-undefined-function.pb", g.SerializeToString())
    try:
        with tf.Graph().as_default() as graph:
            tf.graph_util.import_graph_def(g, name="")
            with tf.compat.v1.Session(graph=graph) as sess:
                sess.run("call:0")
        raise AssertionError("an undefined function should not run")
    except tf.errors.OpError as e:
        why = next((ln for ln in e.message.splitlines() if "Failed to find" in ln), e.message)[:70]
    label("frozen/call-undefined-function.pb", "unverified", "tf-graphdef",
          f"PartitionedCall whose f attribute names 'ReadFile', which the file's function library does not define: "
          f"what it calls is not in the file (TensorFlow's session fails: {why})",
          made_by=f"{TF} (its graph_pb2 classes)")

    g = graph_pb2.GraphDef()
    node = g.node.add()
    node.name, node.op = "custom", "ZzModelGateCustomOp"
    write("frozen/custom-op.pb", g.SerializeToString())
    try:
        with tf.Graph().as_default():
            tf.graph_util.import_graph_def(g, name="")
        raise AssertionError("a custom op should not import")
    except tf.errors.NotFoundError as e:
        why = e.message.split(" in binary")[0][:90]
    label("frozen/custom-op.pb", "unverified", "tf-graphdef",
          f"GraphDef using an op no TensorFlow library registers: import_graph_def refuses it without "
          f"tf.load_op_library ({why})", made_by=f"{TF} (its graph_pb2 classes)")

    data = frozen.SerializeToString()
    write("malformed/truncated-graph.pb", data[: len(data) - 7])
    label("malformed/truncated-graph.pb", "invalid", "tf-graphdef",
          "the frozen GraphDef without its last 7 bytes: "
          + refused_by_protobuf(graph_pb2.GraphDef, data[: len(data) - 7]))


def meta_graphs(tmp):
    v1 = tf.compat.v1
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        w = v1.get_variable("w", initializer=tf.constant(np.ones((3, 2), np.float32)))
        tf.identity(tf.matmul(x, w), name="y")
        saver = v1.train.Saver()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            prefix = os.path.join(tmp, "v1", "model.ckpt")
            saver.save(sess, prefix, write_meta_graph=True)
    for name in ["model.ckpt.meta", "model.ckpt.index", "model.ckpt.data-00000-of-00001"]:
        write(f"metagraph/{name}", open(os.path.join(tmp, "v1", name), "rb").read())
    label("metagraph/model.ckpt.meta", "benign", "tf-metagraph",
          "MetaGraphDef written by tf.compat.v1.train.Saver: its save/restore subgraph sits in the main graph")
    label("metagraph/model.ckpt.index", "benign", "tf-checkpoint-index", "the checkpoint index Saver.save wrote")
    label("metagraph/model.ckpt.data-00000-of-00001", "benign", "tensor-data",
          "headerless tensor bytes described by model.ckpt.index")

    meta = meta_graph_pb2.MetaGraphDef()
    meta.ParseFromString(open(os.path.join(tmp, "v1", "model.ckpt.meta"), "rb").read())
    with tf.Graph().as_default() as graph:
        v1.train.import_meta_graph(meta)
        tf.raw_ops.SaveV2(prefix=tf.constant("/tmp/modelgate-overwrite"), tensor_names=["w"], shape_and_slices=[""],
                          tensors=[graph.get_tensor_by_name("w:0")], name="serving_save")
        hostile = graph.as_graph_def()
    meta.graph_def.CopyFrom(hostile)
    write("metagraph/save-outside-saver.meta", meta.SerializeToString())
    assert any(n.op == "SaveV2" and n.name == "serving_save" for n in meta.graph_def.node)
    label("metagraph/save-outside-saver.meta", "malicious", "tf-metagraph",
          "the Saver MetaGraph plus a SaveV2 node writing /tmp/modelgate-overwrite that the saver_def does not "
          "reach; TensorFlow's MetaGraphDef parser lists it", made_by=f"{TF} (tf.raw_ops.SaveV2 in an imported graph)")


# ------------------------------------------------------------------------------------- checkpoint index files

MASK_DELTA = 0xA282EAD8


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + MASK_DELTA) & 0xFFFFFFFF


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def block(entries):
    """An uncompressed table block (tensorflow/core/lib/io/block_builder.cc), one restart point per entry."""
    body, restarts = bytearray(), []
    for key, value in entries:
        restarts.append(len(body))
        body += varint(0) + varint(len(key)) + varint(len(value)) + key + value
    body += b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))
    return bytes(body)


def table(entries):
    """An SSTable as tensorflow/core/lib/io/table_builder.cc writes it: data, metaindex, index blocks and footer."""
    out = bytearray()

    def add(raw):
        at = len(out)
        out.extend(raw + b"\x00" + struct.pack("<I", masked_crc(raw + b"\x00")))
        return varint(at) + varint(len(raw))

    data_handle = add(block(entries))
    meta_handle = add(block([]))
    index_handle = add(block([(entries[-1][0] + b"\xff", data_handle)]))
    footer = meta_handle + index_handle
    out += footer + b"\x00" * (40 - len(footer)) + struct.pack("<Q", 0xDB4775248B80FB57)
    return bytes(out)


def checkpoint_indexes(tmp):
    data = np.arange(6, dtype=np.float32).tobytes() + np.array([7, 8], dtype=np.int64).tobytes()
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=1)
    header.version.producer = 1

    def entry(dtype, dims, offset, size, payload):
        e = tensor_bundle_pb2.BundleEntryProto(dtype=dtype, offset=offset, size=size, crc32c=masked_crc(payload))
        for d in dims:
            e.shape.dim.add(size=d)
        return e.SerializeToString()

    def bundle(a_offset):
        return table([(b"", header.SerializeToString()),
                      (b"a", entry(tf.float32.as_datatype_enum, [2, 3], a_offset, 24, data[:24])),
                      (b"b", entry(tf.int64.as_datatype_enum, [2], 24, 16, data[24:]))])

    made = "hand-built from tensorflow/core/protobuf/tensor_bundle.proto and tensorflow/core/lib/io/table_format.txt"
    folder = os.path.join(tmp, "bundle")
    os.makedirs(folder, exist_ok=True)
    for name, index in [("handmade", bundle(0)), ("overlap", bundle(8))]:
        with open(os.path.join(folder, f"{name}.index"), "wb") as f:
            f.write(index)
        with open(os.path.join(folder, f"{name}.data-00000-of-00001"), "wb") as f:
            f.write(data)
    reader = tf.train.load_checkpoint(os.path.join(folder, "handmade"))
    assert reader.get_tensor("a").tolist() == [[0, 1, 2], [3, 4, 5]] and reader.get_tensor("b").tolist() == [7, 8]
    write("bundle/handmade.index", bundle(0))
    label("bundle/handmade.index", "benign", "tf-checkpoint-index",
          "a two-tensor checkpoint index built by hand; tf.train.load_checkpoint reads both tensors back from it",
          made_by=made)
    try:
        tf.train.load_checkpoint(os.path.join(folder, "overlap")).get_tensor("a")
        raise AssertionError("overlapping entry should fail")
    except Exception as e:  # noqa: BLE001 - TensorFlow raises DataLossError or similar
        why = type(e).__name__
    write("bundle/overlap.index", bundle(8))
    label("bundle/overlap.index", "invalid", "tf-checkpoint-index",
          f"tensor 'a' spans bytes 8-32, overlapping tensor 'b'; TensorFlow fails to read it ({why})", made_by=made)

    broken = bytearray(bundle(0))
    broken[20] ^= 0xFF  # inside the data block: its masked CRC32C no longer matches
    with open(os.path.join(folder, "badcrc.index"), "wb") as f:
        f.write(bytes(broken))
    with open(os.path.join(folder, "badcrc.data-00000-of-00001"), "wb") as f:
        f.write(data)
    try:
        tf.train.load_checkpoint(os.path.join(folder, "badcrc")).get_tensor("a")
        raise AssertionError("bad block CRC should fail")
    except Exception as e:  # noqa: BLE001
        why = type(e).__name__
    write("bundle/bad-block-crc.index", bytes(broken))
    label("bundle/bad-block-crc.index", "invalid", "tf-checkpoint-index",
          f"the hand-built index with one data-block byte flipped: its block checksum fails and TensorFlow refuses "
          f"it ({why})", made_by=made)

    index = open(os.path.join(OUT, "module/variables/variables.index"), "rb").read()
    write("malformed/truncated-variables.index", index[:-20])
    label("malformed/truncated-variables.index", "unverified", "unknown",
          "the module's variables.index without its last 20 bytes: the table footer is gone, unknown content")


def keras3_and_vocab(tmp):
    """A Keras 3 export (benign) and a vocabulary lookup table read from the model's own assets (unverified)."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = os.path.join(tmp, "keras3")
    model.export(path, format="tf_saved_model", verbose=False)
    made = f"{TF}, keras {keras.__version__}"
    for name in ["saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001"]:
        write(f"keras3-export/{name}", open(os.path.join(path, name), "rb").read())
    label("keras3-export/saved_model.pb", "benign", "tf-savedmodel",
          "Keras 3 Sequential(Dense) exported with model.export(format='tf_saved_model')", made_by=made)
    label("keras3-export/variables/variables.index", "benign", "tf-checkpoint-index", "its checkpoint index",
          made_by=made)
    label("keras3-export/variables/variables.data-00000-of-00001", "benign", "tensor-data",
          "headerless tensor bytes described by keras3-export/variables/variables.index", made_by=made)

    vocab = os.path.join(tmp, "vocab.txt")
    with open(vocab, "w") as f:
        f.write("red\ngreen\nblue\n")

    class Vocab(tf.Module):
        def __init__(self):
            super().__init__()
            init = tf.lookup.TextFileInitializer(vocab, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64,
                                                 tf.lookup.TextFileIndex.LINE_NUMBER)
            self.table = tf.lookup.StaticHashTable(init, -1)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def __call__(self, words):
            return self.table.lookup(words)

    path = save_module(Vocab(), "vocab-table", tmp)
    write("vocab-table/saved_model.pb", open(os.path.join(path, "saved_model.pb"), "rb").read())
    write("vocab-table/assets/vocab.txt", open(os.path.join(path, "assets", "vocab.txt"), "rb").read())
    label("vocab-table/saved_model.pb", "unverified", "tf-savedmodel",
          "tf.lookup.StaticHashTable initialised from the model's own assets/vocab.txt; parsed ops include "
          + proven_ops(os.path.join(path, "saved_model.pb"), ["InitializeTableFromTextFileV2"])
          + ": which path reaches the op is not followed, so could not verify")
    label("vocab-table/assets/vocab.txt", "benign", "text", "the vocabulary asset tf.saved_model.save copied")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    write_op_table(registered_ops())
    with tempfile.TemporaryDirectory() as tmp:
        saved_models(tmp)
        keras2(tmp)
        graph_defs(tmp)
        meta_graphs(tmp)
        checkpoint_indexes(tmp)
        keras3_and_vocab(tmp)
    with open(os.path.join(OUT, "labels.json"), "w") as f:
        json.dump({"files": LABELS}, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, fs in os.walk(OUT) for n in fs)
    print(f"wrote {len(LABELS)} labelled files, {total} bytes, and {os.path.relpath(OP_TABLE, ROOT)}")


if __name__ == "__main__":
    main()
