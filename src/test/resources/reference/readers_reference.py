#!/usr/bin/env python3
"""Independent reference values for the IDX and CIFAR-10 readers (ReaderReferenceTest).

Reads the official files with numpy only and prints JSON: for each selection, the class counts, the source ids of the
first rows, a few pixel values (byte / 255), and checksums of the decoded arrays:
  sum      = sum_ij x_ij                         (x = byte / 255, not normalized)
  weighted = sum_ij x_ij * ((31 i + j) mod 101)   (i = row in the selection, j = feature index)
  unit     = sum_ij x_ij / ||x_i||                (rows scaled to unit norm, as data.normalize = true does)
Run:  python3 readers_reference.py SHARED_DATA_DIR FASHION_DIR > readers_reference.json
"""
import gzip
import json
import os
import sys

import numpy as np


def read_idx(path):
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[0:4], 'big')
    if magic == 0x803:
        n, r, c = (int.from_bytes(raw[4 + 4 * k:8 + 4 * k], 'big') for k in range(3))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, r * c)
    assert magic == 0x801
    return np.frombuffer(raw, np.uint8, offset=8)


def read_cifar(paths):
    recs = []
    for p in paths:
        raw = gzip.decompress(open(p, 'rb').read())
        assert len(raw) % 3073 == 0
        recs.append(np.frombuffer(raw, np.uint8).reshape(-1, 3073))
    a = np.concatenate(recs)
    return a[:, 1:], a[:, 0]


def describe(images, labels, classes, n):
    keep = np.isin(labels, classes) if classes else np.ones(len(labels), bool)
    ids = np.nonzero(keep)[0]
    if n is not None:
        ids = ids[:n]
    x = images[ids].astype(np.float64) / 255.0
    i = np.arange(x.shape[0])[:, None]
    j = np.arange(x.shape[1])[None, :]
    w = (31 * i + j) % 101
    norms = np.linalg.norm(x, axis=1)
    counts = {str(int(k)): int(v) for k, v in zip(*np.unique(labels[ids], return_counts=True))}
    probe = [(0, 0), (0, x.shape[1] // 2), (1, 300), (x.shape[0] - 1, x.shape[1] - 100)]
    return {
        'n': int(x.shape[0]), 'd': int(x.shape[1]), 'class_counts': counts,
        'first_ids': [int(v) for v in ids[:5]],
        'pixels': [[int(r), int(c), float(x[r, c])] for r, c in probe],
        'sum': float(x.sum()), 'weighted': float((x * w).sum()), 'unit': float((x / norms[:, None]).sum()),
    }


def main():
    shared, fashion = sys.argv[1], sys.argv[2]
    m = os.path.join(shared, 'mnist')
    tr_x, tr_y = read_idx(f'{m}/train-images-idx3-ubyte.gz'), read_idx(f'{m}/train-labels-idx1-ubyte.gz')
    te_x, te_y = read_idx(f'{m}/t10k-images-idx3-ubyte.gz'), read_idx(f'{m}/t10k-labels-idx1-ubyte.gz')
    c = os.path.join(shared, 'cifar10')
    ctr_x, ctr_y = read_cifar([f'{c}/data_batch_{k}.first{1101 if k == 4 else 1017}.bin.gz' for k in range(1, 6)])
    cte_x, cte_y = read_cifar([f'{c}/test_batch.first1017.bin.gz'])
    f_x, f_y = read_idx(f'{fashion}/train-images-idx3-ubyte.gz'), read_idx(f'{fashion}/train-labels-idx1-ubyte.gz')
    out = {
        'mnist_train_01': describe(tr_x, tr_y, [0, 1], None),
        'mnist_test_all': describe(te_x, te_y, [], None),
        'mnist_train_7_first500': describe(tr_x, tr_y, [7], 500),
        'cifar_train_01': describe(ctr_x, ctr_y, [0, 1], None),
        'cifar_test_01': describe(cte_x, cte_y, [0, 1], None),
        'fashion_train_all': {**describe(f_x, f_y, [], None)},
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
