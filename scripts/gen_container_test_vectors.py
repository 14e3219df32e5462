#!/usr/bin/env python3
"""Writes small container test vectors into core/formats/testdata/.

Run with a python that has torch, numpy and joblib:  python scripts/gen_container_test_vectors.py [group ...]
Groups: torch numpy compressed zip tar lookup tartypes joblib lzma (default: all). The lookup, tartypes and
joblib groups load what they write back with the real loader (torch.load, tarfile, joblib.load) and
assert which member the loader read: the payloads are harmless dicts that name their own copy.
Payloads are harmless (a dict, a list), except joblib-lzma-malicious.joblib, whose pickle would call
os.system on load: it is only written, never loaded, here or by the tests. Malformed ZIPs are made by
patching bytes of archives written by Python's zipfile. Each file stays under ~50 KB, except
lzma-bomb-1g.lzma (1 GiB of zeros in ~150 KB). The lzma group also writes lzma-vectors.json: the
SHA-256 of what Python's lzma (liblzma) decodes from each .lzma vector, or the error it raises.
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


class LzmaWriter:
    """A tiny LZMA1 encoder (range coder + the spec's models) for streams liblzma's encoder never writes:
    a known size with no end marker, and hand-placed corrupt symbols. Python's lzma module is the oracle:
    every stream written with it is decoded back by liblzma (or shown to be refused) before it is kept."""

    def __init__(self, lc=3, lp=0, pb=2):
        self.lc, self.lp, self.pb = lc, lp, pb
        self.low, self.range, self.cache, self.cache_size, self.out = 0, 0xFFFFFFFF, 0, 1, bytearray()
        self.history, self.state, self.reps = bytearray(), 0, [0, 0, 0, 0]
        p = lambda n: [1024] * n
        self.is_match, self.is_rep, self.g0, self.g1, self.g2 = p(192), p(12), p(12), p(12), p(12)
        self.rep0_long, self.lit = p(192), p(0x300 << (lc + lp))
        self.len_probs, self.rep_len_probs = p(2 + 256 + 256), p(2 + 256 + 256)
        self.slots, self.special, self.align = p(256), p(115), p(16)

    def shift_low(self):
        if (self.low & 0xFFFFFFFF) < 0xFF000000 or self.low >> 32:
            temp = self.cache
            while True:
                self.out.append((temp + (self.low >> 32)) & 0xFF)
                temp = 0xFF
                self.cache_size -= 1
                if not self.cache_size:
                    break
            self.cache = (self.low >> 24) & 0xFF
        self.cache_size += 1
        self.low = (self.low & 0x00FFFFFF) << 8

    def bit(self, probs, i, bit):
        bound = (self.range >> 11) * probs[i]
        if bit:
            self.low += bound
            self.range -= bound
            probs[i] -= probs[i] >> 5
        else:
            self.range = bound
            probs[i] += (2048 - probs[i]) >> 5
        while self.range < 1 << 24:
            self.range <<= 8
            self.shift_low()

    def direct(self, value, n):
        for i in reversed(range(n)):
            self.range >>= 1
            if (value >> i) & 1:
                self.low += self.range
            while self.range < 1 << 24:
                self.range <<= 8
                self.shift_low()

    def tree(self, probs, base, n, value):
        m = 1
        for i in reversed(range(n)):
            b = (value >> i) & 1
            self.bit(probs, base + m, b)
            m = (m << 1) | b

    def reverse_tree(self, probs, base, n, value):
        m = 1
        for i in range(n):
            b = (value >> i) & 1
            self.bit(probs, base + m, b)
            m = (m << 1) | b

    def pos_state(self):
        return len(self.history) & ((1 << self.pb) - 1)

    def literal(self, byte):
        ps = self.pos_state()
        self.bit(self.is_match, (self.state << 4) + ps, 0)
        prev = self.history[-1] if self.history else 0
        base = 0x300 * (((len(self.history) & ((1 << self.lp) - 1)) << self.lc) + (prev >> (8 - self.lc)))
        symbol, matched = 1, self.state >= 7
        match_byte = self.history[-self.reps[0] - 1] if matched else 0
        for i in reversed(range(8)):
            b = (byte >> i) & 1
            if matched:
                mb = (match_byte >> i) & 1
                self.bit(self.lit, base + ((1 + mb) << 8) + symbol, b)
                matched = mb == b
            else:
                self.bit(self.lit, base + symbol, b)
            symbol = (symbol << 1) | b
        self.history.append(byte)
        self.state = 0 if self.state < 4 else self.state - 3 if self.state < 10 else self.state - 6

    def length(self, probs, length, ps):
        n = length - 2
        if n < 8:
            self.bit(probs, 0, 0)
            self.tree(probs, 2 + (ps << 3) - 1, 3, n)
        elif n < 16:
            self.bit(probs, 0, 1)
            self.bit(probs, 1, 0)
            self.tree(probs, 2 + 128 + (ps << 3) - 1, 3, n - 8)
        else:
            self.bit(probs, 0, 1)
            self.bit(probs, 1, 1)
            self.tree(probs, 2 + 256 - 1, 8, n - 16)

    def distance(self, dist, length):
        """dist is 0-based (the distance minus one), 0xFFFFFFFF for the end marker."""
        slot = dist if dist < 4 else (dist.bit_length() - 1) * 2 + ((dist >> (dist.bit_length() - 2)) & 1)
        self.tree(self.slots, (min(length - 2, 3) << 6) - 1, 6, slot)
        if slot < 4:
            return
        nbits = (slot >> 1) - 1
        base = (2 | (slot & 1)) << nbits
        if slot < 14:
            self.reverse_tree(self.special, base - slot - 1, nbits, dist - base)
        else:
            self.direct((dist - base) >> 4, nbits - 4)
            self.reverse_tree(self.align, -1, 4, (dist - base) & 15)

    def match(self, dist, length, check=True):
        """A match at a new distance (1-based); check=False writes it even when it reaches before the output."""
        assert not check or dist <= len(self.history)
        ps = self.pos_state()
        self.bit(self.is_match, (self.state << 4) + ps, 1)
        self.bit(self.is_rep, self.state, 0)
        self.length(self.len_probs, length, ps)
        self.distance(dist - 1, length)
        self.reps = [dist - 1] + self.reps[:3]
        self.state = 7 if self.state < 7 else 10
        for _ in range(length if check else 0):
            self.history.append(self.history[-dist])

    def short_rep(self):
        ps = self.pos_state()
        self.bit(self.is_match, (self.state << 4) + ps, 1)
        self.bit(self.is_rep, self.state, 1)
        self.bit(self.g0, self.state, 0)
        self.bit(self.rep0_long, (self.state << 4) + ps, 0)
        self.history.extend(self.history[-self.reps[0] - 1:][:1])  # nothing when there is no output yet
        self.state = 9 if self.state < 7 else 11

    def rep(self, which, length):
        """A match at rep1/rep2/rep3 (which = 1, 2, 3), moved to the front."""
        ps = self.pos_state()
        self.bit(self.is_match, (self.state << 4) + ps, 1)
        self.bit(self.is_rep, self.state, 1)
        self.bit(self.g0, self.state, 1)
        self.bit(self.g1, self.state, which > 1)
        if which > 1:
            self.bit(self.g2, self.state, which > 2)
        dist = self.reps.pop(which)
        self.reps.insert(0, dist)
        self.length(self.rep_len_probs, length, ps)
        self.state = 8 if self.state < 7 else 11
        for _ in range(length):
            self.history.append(self.history[-dist - 1])

    def end_marker(self):
        ps = self.pos_state()
        self.bit(self.is_match, (self.state << 4) + ps, 1)
        self.bit(self.is_rep, self.state, 0)
        self.length(self.len_probs, 2, ps)
        self.distance(0xFFFFFFFF, 2)

    def finish(self, size=None, dict_size=1 << 16):
        for _ in range(5):
            self.shift_low()
        props = (self.pb * 5 + self.lp) * 9 + self.lc
        size_field = b'\xff' * 8 if size is None else struct.pack('<Q', size)
        return bytes([props]) + struct.pack('<I', dict_size) + size_field + bytes(self.out)


def lzma_sample():
    """Text, a pickle, an incompressible block repeated far away (long distances, align bits), a run."""
    import random
    rng = random.Random(7)
    words = [bytes(rng.choice(b'etaoinshrdlu ') for _ in range(rng.randint(2, 8))) for _ in range(300)]
    text = b' '.join(rng.choice(words) for _ in range(6000))
    noise = bytes(rng.getrandbits(8) for _ in range(3000))
    return text[:20000] + PAYLOAD + noise + text[20000:] + noise + bytes(5000) + b'\x01\x02' * 700


def lzma_oracle(data):
    """What Python's lzma (liblzma, as joblib reads it) makes of the bytes: the output or the error."""
    try:
        return lzma.LZMAFile(io.BytesIO(data)).read(), None
    except (lzma.LZMAError, EOFError) as error:
        return None, f'{type(error).__name__}: {error}'


def lzma_files():
    """LZMA-alone streams and their expected decoded SHA-256 (lzma-vectors.json), all checked by liblzma."""
    import hashlib
    import json
    sample = lzma_sample()
    alone = lambda data, **kw: lzma.compress(data, format=lzma.FORMAT_ALONE, **kw)
    lzma1 = lambda **kw: [dict(id=lzma.FILTER_LZMA1, **kw)]
    vectors = {
        'lzma-preset0.lzma': alone(sample, preset=0),
        'lzma-preset1.lzma': alone(sample, preset=1),
        'lzma-preset6.lzma': alone(sample, preset=6),
        'lzma-preset9e.lzma': alone(sample, preset=9 | lzma.PRESET_EXTREME),
        'lzma-lc0-lp0-pb0.lzma': alone(sample, filters=lzma1(lc=0, lp=0, pb=0)),
        'lzma-lc4-lp0-pb4.lzma': alone(sample, filters=lzma1(lc=4, lp=0, pb=4)),
        'lzma-lc1-lp3-pb1.lzma': alone(sample, filters=lzma1(lc=1, lp=3, pb=1)),
        'lzma-lc0-lp4-pb3.lzma': alone(sample, filters=lzma1(lc=0, lp=4, pb=3)),
        'lzma-dict4k.lzma': alone(sample, filters=lzma1(dict_size=4096)),
        'lzma-dict64k-fast-hc4.lzma': alone(sample, filters=lzma1(dict_size=1 << 16, mode=lzma.MODE_FAST, mf=lzma.MF_HC4)),
        'lzma-nice273-bt2.lzma': alone(sample, filters=lzma1(nice_len=273, mf=lzma.MF_BT2, depth=0)),
        'lzma-empty.lzma': alone(b''),
        'lzma-one-byte.lzma': alone(b'A'),
        'lzma-concatenated.lzma': alone(b'first stream ' * 50) + alone(PAYLOAD),
    }
    # The header's size field filled in on liblzma's output: the size is known and the end marker follows.
    known = bytearray(alone(sample, preset=1))
    known[5:13] = struct.pack('<Q', len(sample))
    vectors['lzma-known-size-marker.lzma'] = bytes(known)
    # A known size and no end marker (what the LZMA SDK writes), with every kind of symbol.
    w = LzmaWriter()
    for b in b'abcabc':
        w.literal(b)
    w.match(3, 9)        # "abcabcabc"
    w.literal(ord('x'))  # a literal coded against the match byte
    w.short_rep()        # one byte at rep0
    w.match(7, 20)
    w.match(2, 5)
    w.rep(1, 4)          # rep1 (distance 7) back to the front
    w.match(1, 273)      # the longest match
    w.rep(2, 3)
    w.rep(3, 2)
    for b in PAYLOAD:
        w.literal(b)
    vectors['lzma-known-size.lzma'] = w.finish(size=len(w.history))
    # Corrupt and truncated streams: liblzma must refuse each.
    w = LzmaWriter()
    w.literal(ord('a'))
    w.match(100, 10, check=False)
    w.end_marker()
    vectors['lzma-bad-distance.lzma'] = w.finish()
    w = LzmaWriter()
    w.short_rep()  # a repeat of the previous byte, before there is one
    w.end_marker()
    vectors['lzma-rep-before-output.lzma'] = w.finish()
    full = alone(sample, preset=6)
    vectors['lzma-truncated.lzma'] = full[:len(full) // 2]
    vectors['lzma-truncated-header.lzma'] = full[:9]
    vectors['lzma-no-end-marker.lzma'] = full[:-5]
    bad = bytearray(full)
    bad[0] = 225
    vectors['lzma-bad-props.lzma'] = bytes(bad)
    bad = bytearray(full)
    bad[13] = 1
    vectors['lzma-bad-init.lzma'] = bytes(bad)
    short = bytearray(alone(b'hello world ' * 100))
    short[5:13] = struct.pack('<Q', 2000)  # the end marker comes before the stated size
    vectors['lzma-size-too-large.lzma'] = bytes(short)
    expected = {}
    for name, data in vectors.items():
        out, error = lzma_oracle(data)
        expected[name] = {'sha256': hashlib.sha256(out).hexdigest(), 'size': len(out)} if error is None else {'error': error}
        write(name, data)
    for name in ('lzma-bad-distance.lzma', 'lzma-rep-before-output.lzma', 'lzma-truncated.lzma', 'lzma-no-end-marker.lzma', 'lzma-bad-props.lzma',
                 'lzma-bad-init.lzma', 'lzma-size-too-large.lzma', 'lzma-truncated-header.lzma'):
        assert 'error' in expected[name], name
    assert 'error' not in expected['lzma-known-size.lzma']
    lzma_joblib_files(expected)
    # A bomb: 1 GiB of zeros in ~150 KB (limit 200 KB); decoded only as far as the ratio limit lets it.
    bomb = alone(bytes(1 << 30), preset=9)
    assert len(bomb) < 200_000, len(bomb)
    with open(os.path.join(OUT, 'lzma-bomb-1g.lzma'), 'wb') as f:
        f.write(bomb)
    with open(os.path.join(OUT, 'lzma-vectors.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write('\n')


class SystemCall:
    """Pickles as os.system('echo pwned'): written by joblib.dump, never loaded here or in the tests."""

    def __reduce__(self):
        return (os.system, ('echo pwned',))


def lzma_joblib_files(expected):
    """joblib.dump(compress='lzma'): a harmless model and one whose pickle would call os.system on load."""
    import hashlib
    import joblib
    import tempfile
    for name, obj in (('joblib-lzma-benign.joblib', {'weights': [0.5, 1.5], 'name': 'harmless'}),
                      ('joblib-lzma-malicious.joblib', {'model': SystemCall()})):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'x')
            joblib.dump(obj, path, compress='lzma')
            with open(path, 'rb') as f:
                data = f.read()
        out, error = lzma_oracle(data)
        assert error is None and b'system' in out or name.endswith('benign.joblib'), name
        expected[name] = {'sha256': hashlib.sha256(out).hexdigest(), 'size': len(out)}
        write(name, data)


GROUPS = {
    'torch': torch_files,
    'numpy': numpy_files,
    'compressed': compressed_files,
    'zip': zip_files,
    'tar': tar_file,
    'lookup': lookup_files,
    'tartypes': tartype_files,
    'joblib': joblib_files,
    'lzma': lzma_files,
}

if __name__ == '__main__':
    import sys
    os.makedirs(OUT, exist_ok=True)
    for group in sys.argv[1:] or GROUPS:
        GROUPS[group]()
    print('wrote', sorted(os.listdir(OUT)))
