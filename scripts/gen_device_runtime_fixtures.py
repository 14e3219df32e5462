"""Writes the on-device runtime corpus: test/fixtures/formats/device-runtime/ + labels.json.

    python scripts/gen_device_runtime_fixtures.py   (a Python with tensorflow 2.21 and flatbuffers)

TFLite files come from tensorflow's own TFLiteConverter wherever it accepts the model; the rest are built by
hand from the published schemas, each named where it is used:
  TFLite       tensorflow/lite/schema/schema.fbs (python bindings: tensorflow.lite.python.schema_py_generated)
  ExecuTorch   executorch/schema/program.fbs (file_identifier "ET12") + schema/extended_header.h ("eh00")
  Core ML      coremltools mlmodel/format/Model.proto, NeuralNetwork.proto, MIL.proto; the mlpackage Manifest.json
  TensorRT     serialized engines begin with "ftrt"/"ptrt" (netron source/tensorrt.js); no TensorRT here
Every labelled verdict that a real loader can show is also shown with it (recorded in `what`).
Everything is deterministic except the converter's Flex NodeDefs, whose attribute maps TensorFlow serializes in
hash order (flex-regex.tflite may differ byte-wise from run to run; its operators do not).
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


def repacked(data, edit):
    """The model unpacked with the schema's object API, edited, and packed again."""
    m = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(data, 0))
    edit(m)
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

    bad_bytes = repacked(dense, lambda m: setattr(m.subgraphs[0].operators[0], "opcodeIndex", 99))
    write("tflite/bad-opcode-index.tflite", bad_bytes, "invalid", "tflite",
          f"{TF} (converter output re-serialized with schema_py_generated)",
          f"operator 0 points at operator code 99 of {len(codes)}; tf.lite.Interpreter: "
          f"'{interpreter_error(bad_bytes)[:100]}'")

    def far_buffer(m):
        with_data = next(i for i, buf in enumerate(m.buffers) if buf.data is not None and len(buf.data) > 0)
        m.buffers[with_data].data = None
        m.buffers[with_data].offset = 1 << 40
        m.buffers[with_data].size = 48

    far = repacked(dense, far_buffer)
    write("tflite/buffer-past-end.tflite", far, "invalid", "tflite",
          f"{TF} (converter output re-serialized with schema_py_generated)",
          f"a weight buffer placed by offset/size at 1 TiB, past the end of the file; tf.lite.Interpreter: "
          f"'{interpreter_error(far)[:100]}'")


# ---------------------------------------------------------------- ExecuTorch
# No executorch package installs here: programs are built field by field from executorch/schema/program.fbs
# (identifier "ET12"; Program/ExecutionPlan/Chain/Instruction/KernelCall/Operator/BackendDelegate/DataSegment/
# SubsegmentOffsets field order as in that file) and schema/extended_header.h ("eh00", length, program_size,
# segment_base_offset, segment_data_size).

ET = "hand-built from executorch schema/program.fbs (ET12) and schema/extended_header.h with the flatbuffers Python Builder"


def fb_table(b, fields):
    """fields: (slot index, kind, value); kinds u8/u32/i32/u64/off."""
    b.StartObject(max(i for i, _, _ in fields) + 1 if fields else 0)
    for i, kind, v in fields:
        {"u8": b.PrependUint8Slot, "u32": b.PrependUint32Slot, "i32": b.PrependInt32Slot,
         "u64": b.PrependUint64Slot}.get(kind, b.PrependUOffsetTRelativeSlot)(i, v, 0)
    return b.EndObject()


def fb_offsets(b, offsets):
    b.StartVector(4, len(offsets), 4)
    for o in reversed(offsets):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def fb_u64s(b, values):
    b.StartVector(8, len(values), 8)
    for v in reversed(values):
        b.PrependUint64(v)
    return b.EndVector()


def pte(operators, kernel_calls, delegates=(), inline=(), segments=((0, 64),), constants=(0, 16),
        identifier=b"ET12"):
    """A program with one method 'forward'. delegates: (backend id, location 0 inline / 1 segment, index)."""
    b = flatbuffers.Builder(1024)
    b.ForceDefaults(True)
    ops = [fb_table(b, [(0, "off", b.CreateString(n)), (1, "off", b.CreateString(o))]) for n, o in operators]
    calls = []
    for kind, index in kernel_calls:  # union InstructionArguments: 1 KernelCall, 2 DelegateCall
        args = fb_table(b, [(0, "i32", index)])
        calls.append(fb_table(b, [(0, "u8", kind), (1, "off", args)]))
    chain = fb_table(b, [(2, "off", fb_offsets(b, calls))])
    dels = []
    for backend, location, index in delegates:
        ref = fb_table(b, [(0, "u8", location), (1, "u32", index)])
        dels.append(fb_table(b, [(0, "off", b.CreateString(backend)), (1, "off", ref)]))
    plan = fb_table(b, [(0, "off", b.CreateString("forward")), (5, "off", fb_offsets(b, [chain])),
                        (6, "off", fb_offsets(b, ops)), (7, "off", fb_offsets(b, dels))])
    inline_data = [fb_table(b, [(0, "off", b.CreateByteVector(d))]) for d in inline]
    segs = [fb_table(b, [(0, "u64", off), (1, "u64", size)]) for off, size in segments]
    const = fb_table(b, [(0, "u32", 0), (1, "off", fb_u64s(b, list(constants)))])
    program = fb_table(b, [(0, "u32", 0), (1, "off", fb_offsets(b, [plan])), (3, "off", fb_offsets(b, inline_data)),
                           (4, "off", fb_offsets(b, segs)), (5, "off", const)])
    b.Finish(program, file_identifier=identifier)
    flat = bytes(b.Output())
    # The extended header goes at offset 8, as exir's serializer places it: only the root offset spans it.
    header_len = 32
    program_size = len(flat) + header_len
    base = (program_size + 15) // 16 * 16
    data_size = max((off + size for off, size in segments), default=0)
    header = b"eh00" + struct.pack("<IQQQ", header_len, program_size, base, data_size)
    root = struct.unpack_from("<I", flat, 0)[0] + header_len
    body = struct.pack("<I", root) + flat[4:8] + header + flat[8:]
    return body + bytes(base - program_size) + bytes(range(64))  # 64 bytes of segment data, whatever is declared


def executorch():
    add = [("aten::add", "out")]
    write("executorch/add.pte", pte(add, [(1, 0)]), "benign", "executorch", ET,
          "one method calling aten::add.out, one 64-byte constant segment with two tensor offsets")
    write("executorch/custom-op.pte", pte(add + [("my_ops::mystery", "out")], [(1, 0), (1, 1)]), "unverified",
          "executorch", ET, "calls my_ops::mystery.out, a kernel only the app could register")
    write("executorch/xnnpack-delegate.pte", pte([], [(2, 0)], delegates=[("XnnpackBackend", 0, 0)],
                                                inline=[b"XN01" + bytes(28)]),
          "unverified", "executorch", ET, "hands a 32-byte inline blob to the XnnpackBackend delegate")
    write("executorch/bad-segment.pte", pte(add, [(1, 0)], segments=[(0, 1 << 20)], constants=(0,)), "invalid",
          "executorch", ET, "a data segment declared 1 MiB long in a file of a few hundred bytes")
    write("executorch/bad-op-index.pte", pte(add, [(1, 3)]), "invalid", "executorch", ET,
          "an instruction calls operator 3 of 1")
    many = [("aten::add", f"overload_{i}") for i in range(600)]
    write("executorch/many-operators.pte", pte(many, [(1, 0)]), "unverified", "executorch", ET,
          "600 distinct operators, more than the 512 the scanner lists and checks one by one")
    good = pte(add, [(1, 0)])
    write("executorch/truncated.pte", good[: len(good) // 2], "invalid", "executorch", ET,
          "the benign program cut in half: its extended header promises more bytes than the file has")
    write("executorch/other-schema.pte", pte(add, [(1, 0)], identifier=b"ET99"), "unverified", "executorch", ET,
          "file identifier ET99, a schema version the scanner does not follow")


def ptl():
    # PyTorch Lite (.ptl, torch.jit._save_for_lite_interpreter) is a TorchScript ZIP whose bytecode.pkl the lite
    # interpreter unpickles. No torch here: the layout of torch/csrc/jit/mobile (archive/bytecode.pkl,
    # constants.pkl, data.pkl, version), pickled by Python's own pickle at protocol 2 as torch writes them.
    import io
    import pickle
    import zipfile

    bytecode = (8, ("__torch__.M.forward", (("instructions", (("STOREN", 1, 2), ("MOVE", 2, 0), ("RET", 0, 0))),
                                             ("operators", ()), ("constants", ()), ("types", ()),
                                             ("register_size", 2))))

    class Shell:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    def archive(records):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for name, data in records:
                info = zipfile.ZipInfo("model/" + name, date_time=(1980, 1, 1, 0, 0, 0))
                z.writestr(info, data)
        return buf.getvalue()

    base = [("version", b"8\n"), ("constants.pkl", pickle.dumps((), protocol=2)),
            ("data.pkl", pickle.dumps(None, protocol=2))]
    made = "hand-built TorchScript lite layout (torch/csrc/jit/mobile), pickled with Python pickle protocol 2"
    write("ptl/lite.ptl", archive(base + [("bytecode.pkl", pickle.dumps(bytecode, protocol=2))]), "benign",
          "torchscript", made, "lite-interpreter ZIP whose bytecode.pkl holds only tuples of names and numbers")
    write("ptl/lite-shell.ptl", archive(base + [("bytecode.pkl", pickle.dumps(Shell(), protocol=2))]), "malicious",
          "torchscript", made, "lite-interpreter ZIP whose bytecode.pkl calls os.system when unpickled")


# ---------------------------------------------------------------- Core ML
# No coremltools installs here: models are written field by field from coremltools mlmodel/format/Model.proto
# (Model: specificationVersion 1, description 2, neuralNetwork 500, mlProgram 502, customModel 555,
# linkedModel 556), FeatureTypes.proto, NeuralNetwork.proto (NeuralNetwork.layers 1; NeuralNetworkLayer name 1,
# input 2, output 3, activation 130, custom 500 (CustomLayerParams.className 10)) and MIL.proto (Program
# version 1, functions 2; Function inputs 1, opset 2, block_specializations 3; Block outputs 2, operations 3;
# Operation type 1, inputs 2, outputs 3, attributes 5; Value type 2, blobFileValue 5 (fileName 1, offset 2)).
# Weight files follow mlmodel/src/MILBlob/Blob/StorageFormat.hpp; the package layout and Manifest.json follow
# what coremltools' ModelPackage writes.

CML = "hand-built from coremltools mlmodel/format/Model.proto, NeuralNetwork.proto and MIL.proto"


def pb_varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_int(field, value):
    return pb_varint(field << 3) + pb_varint(value)


def pb_msg(field, *parts):
    body = b"".join(p if isinstance(p, bytes) else p.encode() for p in parts)
    return pb_varint(field << 3 | 2) + pb_varint(len(body)) + body


def pb_map_entry(field, key, value):
    """A map<string, Message> entry: key 1, value 2 (value = the message's encoded fields)."""
    return pb_msg(field, pb_msg(1, key), pb_msg(2, value))


def feature(name):
    # FeatureDescription: name 1, type 3 → FeatureType.multiArrayType 5 → ArrayFeatureType shape 1, dataType 2
    return pb_msg(3, pb_msg(5, pb_int(1, 3), pb_int(2, 65568)))  # FLOAT32 = 65568


def description():
    return pb_msg(2, pb_msg(1, pb_msg(1, "x"), feature("x")), pb_msg(10, pb_msg(1, "y"), feature("y")))


def nn_model(*layers):
    return pb_int(1, 4) + description() + pb_msg(500, *[pb_msg(1, layer) for layer in layers])


def relu_layer():
    return pb_msg(1, "relu") + pb_msg(2, "x") + pb_msg(3, "y") + pb_msg(130, pb_msg(10))  # ActivationReLU


def mil_model(weight_file):
    tensor_type = pb_msg(2, pb_msg(1, pb_int(1, 11), pb_int(2, 1)))  # ValueType.tensorType: FLOAT32, rank 1
    const = (pb_msg(1, "const") + pb_msg(3, pb_msg(1, "w"), tensor_type) +
             pb_map_entry(5, "val", tensor_type + pb_msg(5, pb_msg(1, weight_file), pb_int(2, 64))))
    add = (pb_msg(1, "add") + pb_map_entry(2, "x", pb_msg(1, pb_msg(1, "x"))) +
           pb_map_entry(2, "y", pb_msg(1, pb_msg(1, "w"))) + pb_msg(3, pb_msg(1, "y"), tensor_type))
    block = pb_msg(2, "y") + pb_msg(3, const) + pb_msg(3, add)
    function = pb_msg(1, pb_msg(1, "x"), tensor_type) + pb_msg(2, "CoreML5") + pb_map_entry(3, "CoreML5", block)
    program = pb_int(1, 1) + pb_map_entry(2, "main", function)
    return pb_int(1, 6) + description() + pb_msg(502, program)


def mil_blob(values):
    data = struct.pack(f"<{len(values)}f", *values)
    header = struct.pack("<II", 1, 2) + bytes(56)
    meta = struct.pack("<IIQQQ", 0xDEADBEEF, 2, len(data), 128, 0) + bytes(32)  # dtype 2 = Float32
    return header + meta + data + bytes((-len(data)) % 64)


def manifest(path):
    return json.dumps({
        "fileFormatVersion": "1.0.0",
        "itemInfoEntries": {
            "5A3E6E0B-0C1D-4F2B-9C7E-000000000001": {
                "author": "com.apple.CoreML", "description": "CoreML Model Specification", "name": "model.mlmodel",
                "path": path},
            "5A3E6E0B-0C1D-4F2B-9C7E-000000000002": {
                "author": "com.apple.CoreML", "description": "CoreML Model Weights", "name": "weights",
                "path": "com.apple.CoreML/weights"}},
        "rootModelIdentifier": "5A3E6E0B-0C1D-4F2B-9C7E-000000000001"}, indent=2).encode()


def coreml():
    write("coreml/relu.mlmodel", nn_model(relu_layer()), "benign", "coreml", CML,
          "specification version 4 neural network with one ReLU layer")
    custom = pb_msg(1, "evil") + pb_msg(2, "x") + pb_msg(3, "y") + pb_msg(500, pb_msg(10, "EvilLayer"))
    write("coreml/custom-layer.mlmodel", nn_model(relu_layer(), custom), "unverified", "coreml", CML,
          "neural network with a custom layer whose class EvilLayer the app must provide")
    write("coreml/custom-model.mlmodel", pb_int(1, 3) + description() + pb_msg(555, pb_msg(10, "MyCustomModel")),
          "unverified", "coreml", CML, "CustomModel naming the app class MyCustomModel")
    linked = pb_msg(556, pb_msg(1, pb_msg(1, pb_msg(1, "Other.mlmodelc")), pb_msg(2, pb_msg(1, "$BUNDLE_MAIN"))))
    write("coreml/linked-model.mlmodel", pb_int(1, 4) + description() + linked, "unverified", "coreml", CML,
          "LinkedModel that opens Other.mlmodelc at load time")
    write("coreml/weights-escape.mlmodel", mil_model("@model_path/../../../../etc/passwd"), "malicious", "coreml",
          CML, "ML program whose const weight is read from @model_path/../../../../etc/passwd")
    write("coreml/weights-absolute.mlmodel", mil_model("/etc/passwd"), "malicious", "coreml", CML,
          "ML program whose const weight is read from the absolute path /etc/passwd")
    good = nn_model(relu_layer())
    write("coreml/truncated.mlmodel", good[: len(good) - 5], "invalid", "coreml", CML,
          "the ReLU model with its last 5 bytes cut off")

    pkg = "coreml/Add.mlpackage/"
    write(pkg + "Manifest.json", manifest("com.apple.CoreML/model.mlmodel"), "benign", "mlpackage-manifest", CML,
          "the package manifest as coremltools' ModelPackage writes it")
    write(pkg + "Data/com.apple.CoreML/model.mlmodel", mil_model("@model_path/weights/weight.bin"), "benign",
          "coreml", CML, "ML program (const + add) whose weight is @model_path/weights/weight.bin at offset 64")
    write(pkg + "Data/com.apple.CoreML/weights/weight.bin", mil_blob([1.0, 2.0, 3.0]), "benign", "coreml-weights",
          "hand-built from coremltools mlmodel/src/MILBlob/Blob/StorageFormat.hpp",
          "MIL blob storage with one 3-float32 blob: 64-byte header, 64-byte metadata, data")
    write("coreml/weight-truncated.bin", mil_blob([1.0, 2.0, 3.0])[:136], "invalid", "coreml-weights",
          "hand-built from coremltools mlmodel/src/MILBlob/Blob/StorageFormat.hpp",
          "MIL blob storage whose only blob's data runs past the end of the file")
    write("coreml/escape-manifest/Manifest.json", manifest("../../../../etc/passwd"), "malicious",
          "mlpackage-manifest", CML, "package manifest whose root model path climbs out of the package")


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
    executorch()
    ptl()
    coreml()
    tensorrt()
    with open(os.path.join(OUT, "labels.json"), "w") as f:
        json.dump({"files": LABELS}, f, indent=2)
        f.write("\n")
    for label in LABELS:
        print(label["path"], label["expect"], "|", label["what"])


if __name__ == "__main__":
    main()
