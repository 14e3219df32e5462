#!/usr/bin/env python3
"""Writes small test vectors for the non-pickle validators (techniques 34-38) into
core/formats/testdata/validators/. Nothing here is ever loaded by the tests: they only scan the bytes.
Payloads are harmless (`echo`). Requires Debian's python3-onnx and python3-numpy; GGUF, HDF5-free Keras
configs and safetensors are written by hand with struct/json so no extra packages are needed.

Run: /usr/bin/python3 scripts/gen_validator_test_vectors.py
"""
import base64
import json
import os
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "core", "formats", "testdata", "validators")


def write(name, data):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def onnx_model(initializers, nodes=None, domains=(("", 14),)):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    nodes = nodes or [helper.make_node("Add", ["x", initializers[0].name], ["y"])]
    graph = helper.make_graph(nodes, "g", [x], [y], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in domains])
    model.ir_version = 7
    return model.SerializeToString()


def external(name, location):
    t = numpy_helper.from_array(np.zeros((1, 4), dtype=np.float32), name)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", "16")):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


def gen_onnx():
    w = numpy_helper.from_array(np.ones((1, 4), dtype=np.float32), "w")
    write("onnx/benign.onnx", onnx_model([w]))
    write("onnx/external-ok.onnx", onnx_model([external("w", "weights.bin")]))
    write("onnx/weights.bin", b"\0" * 16)
    write("onnx/external-traversal.onnx", onnx_model([external("w", "../../etc/passwd")]))
    write("onnx/external-absolute.onnx", onnx_model([external("w", "/etc/passwd")]))
    write("onnx/external-windows.onnx", onnx_model([external("w", "C:\\Windows\\win.ini")]))
    # Sparse initializer whose values tensor points outside the folder (ORT sparse-tensor external-data path).
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])
    values = external("s_values", "../secret.bin")
    indices = numpy_helper.from_array(np.array([0], dtype=np.int64), "s_indices")
    sparse = helper.make_sparse_tensor(values, indices, [4])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y], sparse_initializer=[sparse])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    write("onnx/sparse-external-traversal.onnx", m.SerializeToString())
    # Custom-domain op (onnxruntime-extensions PyOp lives in ai.onnx.contrib and runs host Python).
    node = helper.make_node("PyOp", ["x"], ["y"], domain="ai.onnx.contrib")
    write("onnx/custom-domain.onnx", onnx_model([w], [node], (("", 14), ("ai.onnx.contrib", 1))))


def gguf(version, kvs, tensors, data_len):
    def ln(n):
        return struct.pack("<I" if version == 1 else "<Q", n)

    def s(text):
        b = text.encode()
        return ln(len(b)) + b

    out = b"GGUF" + struct.pack("<I", version) + ln(len(tensors)) + ln(len(kvs))
    for key, vtype, payload in kvs:
        out += s(key) + struct.pack("<I", vtype) + payload(s, ln)
    for name, dims, ttype, off in tensors:
        out += s(name) + struct.pack("<I", len(dims))
        for d in dims:
            out += ln(d)
        out += struct.pack("<IQ", ttype, off)
    out += b"\0" * ((32 - len(out) % 32) % 32)
    return out + b"\0" * data_len


def gen_gguf():
    arch = ("general.architecture", 8, lambda s, ln: s("llama"))
    tokens = ("tokenizer.ggml.tokens", 9, lambda s, ln: struct.pack("<I", 8) + ln(3) + s("a") + s("b") + s("c"))
    benign_tpl = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' }}{% endfor %}"
    tpl = ("tokenizer.chat_template", 8, lambda s, ln: s(benign_tpl))
    tensors = [("w", [8], 0, 0), ("q", [32, 2], 8, 32)]
    for v in (1, 2, 3):
        write(f"gguf/benign-v{v}.gguf", gguf(v, [arch, tokens, tpl], tensors, 32 + 68))
    evil = "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('echo pwned').read() }}"
    write("gguf/ssti-chat-template.gguf", gguf(3, [arch, ("tokenizer.chat_template", 8, lambda s, ln: s(evil))], tensors, 100))
    write("gguf/tensor-oob.gguf", gguf(3, [arch], [("w", [4096], 0, 0)], 32))


def keras_layer(cls, config, module="keras.layers"):
    return {"module": module, "class_name": cls, "config": config, "registered_name": None}


def gen_keras():
    dense = keras_layer("Dense", {"name": "d", "units": 2})
    benign = {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [dense]}, "registered_name": None}
    write("keras/benign-config.json", json.dumps(benign).encode())
    code = base64.b64encode(b"\xe3harmless-marshal-placeholder: echo pwned").decode()
    lam = keras_layer("Lambda", {"name": "l", "function": {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}}})
    inner = {"module": "keras", "class_name": "Functional", "config": {"name": "inner", "layers": [keras_layer("TimeDistributed", {"name": "td", "layer": lam})]}}
    nested = {"module": "keras", "class_name": "Sequential", "config": {"name": "outer", "layers": [dense, inner]}}
    write("keras/nested-lambda-config.json", json.dumps(nested).encode())
    gadget = keras_layer("Dense", {"name": "d", "units": 2, "activation": {"module": "os", "class_name": "function", "config": "system", "registered_name": "system"}})
    write("keras/module-gadget-config.json", json.dumps({**benign, "config": {"name": "s", "layers": [gadget]}}).encode())
    tfsm = keras_layer("TFSMLayer", {"name": "t", "filepath": "/tmp/attacker_savedmodel", "call_endpoint": "serve"})
    write("keras/tfsm-config.json", json.dumps({**benign, "config": {"name": "s", "layers": [tfsm]}}).encode())


if __name__ == "__main__":
    gen_onnx()
    gen_gguf()
    gen_keras()
    print("wrote", OUT)
