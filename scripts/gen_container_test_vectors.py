#!/usr/bin/env python3
"""Writes small container test vectors (issue #3) into core/formats/testdata/.

Run with Debian's python (it has torch and numpy):  /usr/bin/python3 scripts/gen_container_test_vectors.py
Payloads are harmless (a dict, a list); nothing here is ever loaded by the tests. Malformed ZIPs are
made by patching bytes of archives written by Python's zipfile. Each file stays under ~50 KB.
"""
import bz2
import gzip
import io
import lzma
import os
import pickle
import struct
import tarfile
import zipfile
import zlib

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'core', 'formats', 'testdata')
PAYLOAD = pickle.dumps({'harmless': [1, 2, 3]}, protocol=2)


def write(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
    assert len(data) < 60_000, (name, len(data))


def torch_files():
    state = {'weight': torch.arange(6, dtype=torch.float32).reshape(2, 3), 'bias': torch.zeros(2)}
    buf = io.BytesIO()
    torch.save(state, buf)
    write('torch-zip.pt', buf.getvalue())
    buf = io.BytesIO()
    torch.save(state, buf, _use_new_zipfile_serialization=False)
    write('torch-legacy.pt', buf.getvalue())
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), buf)
    write('torchscript.pt', buf.getvalue())


def numpy_files():
    buf = io.BytesIO()
    np.save(buf, np.arange(12, dtype='<f4').reshape(3, 4))
    write('array.npy', buf.getvalue())
    buf = io.BytesIO()
    np.save(buf, np.array([{'a': 1}, 'text', None], dtype=object), allow_pickle=True)
    write('object.npy', buf.getvalue())
    buf = io.BytesIO()
    np.savez(buf, a=np.ones(3), b=np.array([[1, 2]], dtype=np.int16))
    write('arrays.npz', buf.getvalue())
    buf = io.BytesIO()
    np.savez_compressed(buf, obj=np.array([{'k': 'v'}], dtype=object), x=np.zeros(4))
    write('object.npz', buf.getvalue())


def compressed_files():
    write('pickle.gz', gzip.compress(PAYLOAD, mtime=0))
    write('pickle.zlib', zlib.compress(PAYLOAD))
    write('pickle.bz2', bz2.compress(PAYLOAD))
    write('pickle.xz', lzma.compress(PAYLOAD))
    write('pickle.lzma', lzma.compress(PAYLOAD, format=lzma.FORMAT_ALONE))
    # joblib < 0.10 "Z-file": b'ZF' + hex length ljust(19) + zlib data (numpy_pickle_compat.write_zfile).
    write('pickle.zfile', b'ZF' + hex(len(PAYLOAD)).encode().ljust(19) + zlib.compress(PAYLOAD))
    write('archive.7z', b'7z\xbc\xaf\x27\x1c\x00\x04' + bytes(24))


def zip_bytes(members, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = compression
            z.writestr(info, data)
    return bytearray(buf.getvalue())


def zip_files():
    plain = zip_bytes([('archive/data.pkl', PAYLOAD), ('archive/version', b'3\n')])
    write('plain.zip', bytes(plain))
    # CVE-2025-1944: the local header says "archive/data.pkx", the directory "archive/data.pkl".
    mismatch = bytearray(plain)
    at = mismatch.index(b'archive/data.pkl')
    mismatch[at + 15:at + 16] = b'x'
    write('name-mismatch.zip', bytes(mismatch))
    # CVE-2025-1945: flag bit 0x1 (encrypted) on a cleartext entry, in both headers.
    flagged = bytearray(plain)
    struct.pack_into('<H', flagged, 6, 0x1)
    cd = flagged.index(b'PK\x01\x02')
    struct.pack_into('<H', flagged, cd + 8, 0x1)
    write('flag-bits.zip', bytes(flagged))
    # CVE-2025-10156: wrong CRC-32 in both headers.
    bad = bytearray(plain)
    struct.pack_into('<I', bad, 14, 0xDEADBEEF)
    struct.pack_into('<I', bad, cd + 16, 0xDEADBEEF)
    write('bad-crc.zip', bytes(bad))
    # Technique 6: two members named data.pkl.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        write('duplicate.zip', bytes(zip_bytes([('archive/data.pkl', PAYLOAD), ('archive/data.pkl', b'N.')])))
    write('case-traversal.zip', bytes(zip_bytes([('a/Data.pkl', PAYLOAD), ('a/data.pkl', PAYLOAD), ('../evil.pkl', PAYLOAD)])))
    # Technique 13: a zip in a zip in a zip.
    inner = zip_bytes([('inner/data.pkl', PAYLOAD)], zipfile.ZIP_DEFLATED)
    middle = zip_bytes([('inner.zip', bytes(inner))])
    write('nested.zip', bytes(zip_bytes([('middle.zip', bytes(middle))], zipfile.ZIP_DEFLATED)))
    # Decompression bomb: 20 MiB of zeros in ~20 KB.
    write('bomb.zip', bytes(zip_bytes([('zeros.bin', bytes(20 << 20))], zipfile.ZIP_DEFLATED)))
    write('prefixed.zip', PAYLOAD + bytes(plain))


def tar_file():
    """Technique 8: the oldest torch format is a tar of sys_info, pickle, storages, tensors."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as tar:
        for name in ('sys_info', 'pickle', 'storages', 'tensors'):
            info = tarfile.TarInfo(name)
            info.size = len(PAYLOAD)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(PAYLOAD))
    write('torch-tar.pt', buf.getvalue())


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    torch_files()
    numpy_files()
    compressed_files()
    zip_files()
    tar_file()
    print('wrote', sorted(os.listdir(OUT)))
