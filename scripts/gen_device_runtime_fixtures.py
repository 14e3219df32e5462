"""Writes the on-device runtime corpus: test/fixtures/formats/device-runtime/ + labels.json.

    /work/venv/bin/python scripts/gen_device_runtime_fixtures.py   (a Python with tensorflow 2.21, flatbuffers)

TFLite files come from tensorflow's own TFLiteConverter wherever it accepts the model; the rest are built by
hand from the published schemas, each named where it is used:
  TFLite       tensorflow/lite/schema/schema.fbs (python bindings: tensorflow.lite.python.schema_py_generated)
  ExecuTorch   executorch/schema/program.fbs (file_identifier "ET12") + schema/extended_header.h ("eh00")
  Core ML      coremltools mlmodel/format/Model.proto, NeuralNetwork.proto, MIL.proto; the mlpackage Manifest.json
  TensorRT     serialized engines begin with "ftrt"/"ptrt" (netron source/tensorrt.js); no TensorRT here
Every labelled verdict that a real loader can show is also shown with it (recorded in `what`).
"""

import json
import os
import struct
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import flatbuffers  # noqa: E402
from flatbuffers import flexbuffers  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.framework import node_def_pb2  # noqa: E402
from tensorflow.lite.python import schema_py_generated as tfl  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "formats", "device-runtime")
TF = f"tensorflow {tf.__version__}"
LABELS = []

tf.keras.utils.set_random_seed(7)


def write(path, data, expect, fmt, made_by, what):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    LABELS.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


# ---------------------------------------------------------------- TFLite


def convert(fn, select_tf_ops=False, custom_ops=False):
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    if select_tf_ops:
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    conv.allow_custom_ops = custom_ops
    return conv.convert()


def op_codes(data):
    """The operator codes as the real schema bindings read them: (builtin, custom_code)."""
    m = tfl.Model.GetRootAsModel(data, 0)
    out = []
    for i in range(m.OperatorCodesLength()):
        oc = m.OperatorCodes(i)
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        out.append((code, oc.CustomCode().decode() if oc.CustomCode() else None))
    return out


def interpreter_error(data):
    """What tf.lite.Interpreter says when it loads and prepares the model ('' when it runs)."""
    try:
        it = tf.lite.Interpreter(model_content=bytes(data))
        it.allocate_tensors()
        return ""
    except Exception as e:  # the real loader's refusal is the oracle
        return str(e).split("\n")[0][:160]


def keras_model():
    inp = tf.keras.Input(shape=(4,), batch_size=1)
    out = tf.keras.layers.Dense(3, activation="relu")(inp)
    model = tf.keras.Model(inp, out)
    fn = tf.function(model, input_signature=[tf.TensorSpec([1, 4], tf.float32)])
    return convert(fn)


def flex_options(op_name, node_op):
    """custom_options of a Flex op: flexbuffer [op name, serialized NodeDef] (tensorflow/lite/delegates/flex/kernel.cc)."""
    node = node_def_pb2.NodeDef(name=op_name, op=node_op)
    b = flexbuffers.Builder()
    with b.Vector():
        b.String(op_name)
        raw = node.SerializeToString()
        assert max(raw) < 0x80, "flexbuffers strings are UTF-8: keep the NodeDef ASCII"
        b.String(raw.decode("ascii"))  # the kernel reads v[1].AsString(), so a string, not a blob
    return bytes(b.Finish())


def with_custom(data, custom_code=None, options=None):
    """The model re-serialized with operator code 0 renamed and/or operator 0's custom options replaced."""
    m = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(data, 0))
    if custom_code is not None:
        m.operatorCodes[0].customCode = custom_code
    if options is not None:
        m.subgraphs[0].operators[0].customOptions = list(options)
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def tflite():
    dense = keras_model()
    codes = op_codes(dense)
    write("tflite/dense.tflite", dense, "benign", "tflite", TF,
          f"tiny Keras Dense+ReLU model from TFLiteConverter; builtin operator codes {sorted({c for c, _ in codes})}; "
          f"tf.lite.Interpreter loads it ({interpreter_error(dense) or 'no error'})")

    read_file = tf.function(lambda p: tf.io.read_file(p), input_signature=[tf.TensorSpec([], tf.string)])
    rf = convert(read_file, select_tf_ops=True)
    write("tflite/flex-readfile.tflite", rf, "malicious", "tflite", TF,
          f"tf.io.read_file converted with SELECT_TF_OPS: operator codes {op_codes(rf)}; tf.lite.Interpreter without "
          f"the Flex delegate refuses it: '{interpreter_error(rf)[:120]}'")

    def write_fn(p):
        tf.io.write_file(p, "pwned")
        return p

    wf = convert(tf.function(write_fn, input_signature=[tf.TensorSpec([], tf.string)]), select_tf_ops=True)
    write("tflite/flex-writefile.tflite", wf, "malicious", "tflite", TF,
          f"tf.io.write_file converted with SELECT_TF_OPS: operator codes {op_codes(wf)}")

    # A Flex op named after a harmless TF op whose NodeDef runs ReadFile: the delegate builds the TF op from the
    # NodeDef (delegates/flex/kernel.cc), not from custom_code. Built from the converter's own ReadFile model.
    disguised = with_custom(rf, custom_code="FlexIdentity", options=flex_options("Identity", "ReadFile"))
    node = node_def_pb2.NodeDef()
    opts = tfl.Model.GetRootAsModel(disguised, 0).Subgraphs(0).Operators(0).CustomOptionsAsNumpy().tobytes()
    node.ParseFromString(flexbuffers.Loads(opts)[1].encode("latin-1"))
    write("tflite/flex-disguised.tflite", disguised, "malicious", "tflite",
          f"{TF} (converter output, operator re-serialized with tensorflow.lite.python.schema_py_generated)",
          f"custom_code 'FlexIdentity' whose NodeDef (read back with tensorflow's node_def_pb2) has op '{node.op}'")

    strings = tf.function(lambda s: tf.strings.regex_replace(s, "a", "b"), input_signature=[tf.TensorSpec([2], tf.string)])
    sf = convert(strings, select_tf_ops=True)
    write("tflite/flex-regex.tflite", sf, "unverified", "tflite", TF,
          f"tf.strings.regex_replace converted with SELECT_TF_OPS: operator codes {op_codes(sf)} (a Flex op outside "
          f"the scanner's list: runs a full TensorFlow kernel)")

    custom = tf.function(lambda x: tf.raw_ops.Igamma(a=x, x=x), input_signature=[tf.TensorSpec([2], tf.float32)])
    cf = convert(custom, custom_ops=True)
    write("tflite/custom-op.tflite", cf, "unverified", "tflite", TF,
          f"Igamma converted with allow_custom_ops: operator codes {op_codes(cf)}; tf.lite.Interpreter: "
          f"'{interpreter_error(cf)[:120]}'")

    write("tflite/truncated.tflite", dense[: len(dense) // 2], "invalid", "tflite", TF,
          f"the benign model cut in half; tf.lite.Interpreter: '{interpreter_error(dense[: len(dense) // 2])[:100]}'")

    bad = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(dense, 0))
    bad.subgraphs[0].operators[0].opcodeIndex = 99
    b = flatbuffers.Builder(1024)
    b.Finish(bad.Pack(b), file_identifier=b"TFL3")
    bad_bytes = bytes(b.Output())
    write("tflite/bad-opcode-index.tflite", bad_bytes, "invalid", "tflite",
          f"{TF} (converter output re-serialized with schema_py_generated)",
          f"operator 0 points at operator code 99 of {len(codes)}; tf.lite.Interpreter: "
          f"'{interpreter_error(bad_bytes)[:100]}'")


# ---------------------------------------------------------------- TensorRT


def tensorrt():
    # TensorRT is not installable here: a minimal engine head as netron's reader (source/tensorrt.js) recognises
    # it: magic "ftrt", a u32 version, then zero-filled opaque bytes.
    head = b"ftrt" + struct.pack("<III", 0x61, 0, 0) + struct.pack("<Q", 64) + bytes(64)
    write("tensorrt/engine.plan", head, "unverified", "tensorrt",
          "hand-built from the engine signature in netron source/tensorrt.js ('ftrt'/'ptrt')",
          "minimal TensorRT engine head followed by opaque bytes")


def main():
    tflite()
    tensorrt()
    with open(os.path.join(OUT, "labels.json"), "w") as f:
        json.dump({"files": LABELS}, f, indent=2)
        f.write("\n")
    for label in LABELS:
        print(label["path"], label["expect"], "|", label["what"])


if __name__ == "__main__":
    main()
