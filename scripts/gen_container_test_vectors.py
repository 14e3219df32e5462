#!/usr/bin/env python3
"""Writes small container test vectors (issue #3) into core/formats/testdata/.

Run with a python that has torch, numpy and joblib:  /work/venv/bin/python scripts/gen_container_test_vectors.py [group ...]
Groups: torch numpy compressed zip tar lookup tartypes joblib (default: all). The lookup, tartypes and
joblib groups load what they write back with the real loader (torch.load, tarfile, joblib.load) and
assert which member the loader read: the payloads are harmless dicts that name their own copy.
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


def marker(which):
    """A harmless pickle that says which copy the loader read."""
    return pickle.dumps({'which': which}, protocol=2)


def torch_load(data):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            return torch.load(io.BytesIO(data), weights_only=False)
        except Exception as error:  # the loader refusing is also an answer
            return f'error: {type(error).__name__}'


def lookup_files():
    """torch's zip reader (miniz, flags 0) looks records up case-insensitively; duplicates resolve by its sort."""
    import warnings
    version = ('archive/version', b'3\n')
    cases = {
        # Only an upper-case DATA.PKL: torch finds and unpickles it.
        'torch-upper-case.pt': ([('archive/DATA.PKL', marker('upper')), version], 'upper'),
        # Two case variants: torch loads the upper-case one here; both must be scanned as pickles.
        'torch-case-variants.pt': ([('archive/DATA.PKL', marker('upper')), ('archive/data.pkl', marker('lower')), version], 'upper'),
        # Three copies of data.pkl: torch loads the last one here (binary search over its sorted directory).
        'torch-duplicates.pt': ([('archive/data.pkl', marker(n)) for n in range(3)] + [version], 2),
        # A pickle under another root, named like a storage: torch refuses mixed roots, and it is scanned.
        'torch-foreign-storage.pt': ([('archive/data.pkl', marker('real')), ('evil/data/0', marker('hidden')), version], None),
    }
    for name, (members, expect) in cases.items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            data = bytes(zip_bytes(members))
        got = torch_load(data)
        if expect is None:
            assert isinstance(got, str) and got.startswith('error'), (name, got)
        else:
            assert got == {'which': expect}, (name, got)
        write(name, data)


def tar_header(name, size, kind=b'0', prefix=b'', magic=b'ustar\x0000', size_field=None, link=b''):
    """One tar header block, written byte by byte so that any field can be what tarfile must cope with."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b'0000644\x00'
    h[124:136] = size_field if size_field is not None else b'%011o\x00' % size
    h[136:148] = b'00000000000\x00'
    h[156:157] = kind
    h[157:157 + len(link)] = link
    h[257:265] = magic
    h[345:345 + len(prefix)] = prefix
    h[148:156] = b' ' * 8
    h[148:156] = b'%06o\x00 ' % sum(h)
    return bytes(h)


def padded(data):
    return data + bytes(-len(data) % 512)


def pax_record(key, value):
    body = b' ' + key + b'=' + value + b'\n'
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n = len(str(n)) + len(body)
    return str(n).encode() + body


def torch_tar(pickle_member):
    """A legacy torch tar whose "pickle" member is given as raw header+data bytes."""
    storages = pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2)
    tensors = pickle.dumps(0, protocol=2)
    out = b''
    for name, data in ((b'storages', storages), (b'tensors', tensors)):
        out += tar_header(name, len(data)) + padded(data)
    return out + pickle_member + bytes(1024)


def legacy_torch_load(data, name):
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        f.write(data)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return torch.load(path, weights_only=False)


def tartype_files():
    """Every tar member type tarfile extracts as a file, each carrying the "pickle" that torch unpickles."""
    p = marker('tar')
    g_path = pax_record(b'path', b'pickle')
    x_size = pax_record(b'size', b' %s ' % '_'.join(str(len(p))).encode())
    cases = {
        'tar-aregtype.pt': tar_header(b'pickle', len(p), kind=b'\x00') + padded(p),
        'tar-conttype.pt': tar_header(b'pickle', len(p), kind=b'7') + padded(p),
        'tar-unknown-type.pt': tar_header(b'pickle', len(p), kind=b'A') + padded(p),
        'tar-base256-size.pt': tar_header(b'pickle', 0, size_field=b'\x80' + len(p).to_bytes(11, 'big')) + padded(p),
        # GNU long name: the header itself says "decoy"; tarfile names the member "pickle".
        'tar-gnu-longname.pt': tar_header(b'././@LongLink', 7, kind=b'L') + padded(b'pickle\x00')
        + tar_header(b'decoy', len(p)) + padded(p),
        # A pax global header naming every later member "pickle".
        'tar-pax-global-path.pt': tar_header(b'pax_global_header', len(g_path), kind=b'g') + padded(g_path)
        + tar_header(b'decoy', len(p)) + padded(p),
        # pax size override, written with the spaces and underscores Python's int() accepts; the header says 0.
        'tar-pax-size.pt': tar_header(b'PaxHeader/pickle', len(x_size), kind=b'x') + padded(x_size)
        + tar_header(b'pickle', 0) + padded(p),
        # A pax record with multi-byte UTF-8 before "path": record lengths count bytes, not characters.
        'tar-pax-utf8.pt': (lambda rec: tar_header(b'PaxHeader/x', len(rec), kind=b'x') + padded(rec)
                            + tar_header(b'decoy', len(p)) + padded(p))(
            pax_record(b'comment', '\u00e9\u00e9\u00e9\u00e9'.encode()) + pax_record(b'path', b'pickle')),
    }
    for name, member in cases.items():
        data = torch_tar(member)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            info = tar.getmember('pickle')
            assert tar.extractfile(info).read() == p, name
        assert legacy_torch_load(data, name) == {'which': 'tar'}, name
    # GNU sparse: tarfile extracts it as a file (holes rebuilt around the stored data).
    sparse = tar_header(b'pickle', len(p), kind=b'S', magic=b'ustar  \x00')
    sparse = bytearray(sparse)
    sparse[386:398] = b'%011o\x00' % 0
    sparse[398:410] = b'%011o\x00' % len(p)
    sparse[483:495] = b'%011o\x00' % len(p)
    sparse[148:156] = b' ' * 8
    sparse[148:156] = b'%06o\x00 ' % sum(sparse)
    data = torch_tar(bytes(sparse) + padded(p))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        info = tar.getmember('pickle')
        assert info.issparse() and tar.extractfile(info).read() == p
    write('tar-gnu-sparse.tar', data)


def joblib_files():
    """joblib.dump with each compressor it ships (lz4 needs the lz4 package: written when present)."""
    import joblib
    import tempfile
    for method in ('zlib', 'gzip', 'bz2', 'lzma', 'xz', 'lz4'):
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, 'x')
                joblib.dump({'which': method}, path, compress=(method, 3))
                assert joblib.load(path) == {'which': method}
                with open(path, 'rb') as f:
                    write(f'joblib-{method}.joblib', f.read())
        except ValueError as error:
            print('skipped', method, error)


GROUPS = {
    'torch': torch_files,
    'numpy': numpy_files,
    'compressed': compressed_files,
    'zip': zip_files,
    'tar': tar_file,
    'lookup': lookup_files,
    'tartypes': tartype_files,
    'joblib': joblib_files,
}

if __name__ == '__main__':
    import sys
    os.makedirs(OUT, exist_ok=True)
    for group in sys.argv[1:] or GROUPS:
        GROUPS[group]()
    print('wrote', sorted(os.listdir(OUT)))
