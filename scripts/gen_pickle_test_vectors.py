#!/usr/bin/env python3
"""Writes small BENIGN pickle fixtures for core/formats/pickle tests.

Run with Debian's python3 (it has torch and numpy): /usr/bin/python3 scripts/gen_pickle_test_vectors.py
Malicious vectors are assembled by hand in the TypeScript tests and never produced or loaded here.
"""
import collections
import io
import os
import pickle
import zipfile

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'core', 'formats', 'pickle', 'testdata')


def write(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


def torch_data_pkl():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 2))
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        name = next(n for n in z.namelist() if n.endswith('data.pkl'))
        write('torch-state-dict-data.pkl', z.read(name))
    legacy = io.BytesIO()
    torch.save({'w': torch.zeros(2, 2), 'step': 3}, legacy, _use_new_zipfile_serialization=False)
    write('torch-legacy.bin', legacy.getvalue())


def numpy_pickles():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    obj = {'a': arr, 'b': np.int64(7), 'c': [1.5, 'x', b'y'], 'd': collections.OrderedDict(k=(1, 2))}
    for proto in range(0, 6):
        write(f'numpy-proto{proto}.pkl', pickle.dumps(obj, protocol=proto))
    plain = {'s': {1, 2}, 'f': frozenset([3]), 'ba': bytearray(b'ab'), 'c': complex(1, 2), 'sl': slice(1, 5)}
    for proto in range(0, 6):
        write(f'builtins-proto{proto}.pkl', pickle.dumps(plain, protocol=proto))
    write('stacked.pkl', pickle.dumps([1, 2], protocol=2) + pickle.dumps({'k': 'v'}, protocol=4) + pickle.dumps('x', protocol=0))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    torch_data_pkl()
    numpy_pickles()
