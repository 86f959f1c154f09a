#!/usr/bin/env python3
"""Peer for bench/spectrum: what a researcher would write in NumPy/SciPy for Arora et al.'s Figure 1 analysis.

MNIST 0/1, first n training images, pixels / 255 scaled to unit norm, y = +1 (digit 0) / -1 (digit 1); Hinf with
t clipped to [-1, 1]; all eigenpairs (scipy.linalg.eigh); projections of true, random and worst-case labels; the
complexity sqrt(2 y^T Hinf^-1 y / n) by Cholesky; predicted loss curves on a log grid. Prints JSON with the seconds.
Usage: spectrum_numpy.py MNIST_DIR N
"""
import gzip
import json
import sys
import time

import numpy as np
import scipy.linalg


def idx(path):
    raw = gzip.decompress(open(path, 'rb').read())
    if int.from_bytes(raw[:4], 'big') == 0x803:
        n, r, c = (int.from_bytes(raw[4 + 4 * k:8 + 4 * k], 'big') for k in range(3))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, r * c)
    return np.frombuffer(raw, np.uint8, offset=8)


def main():
    t0 = time.perf_counter()
    folder, n = sys.argv[1], int(sys.argv[2])
    images, labels = idx(f'{folder}/train-images-idx3-ubyte.gz'), idx(f'{folder}/train-labels-idx1-ubyte.gz')
    keep = np.nonzero((labels == 0) | (labels == 1))[0][:n]
    x = images[keep].astype(np.float64) / 255.0
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.where(labels[keep] == 0, 1.0, -1.0)
    t = np.clip(x @ x.T, -1.0, 1.0)
    h = t * (np.pi - np.arccos(t)) / (2 * np.pi)
    t_gram = time.perf_counter()
    lam, v = scipy.linalg.eigh(h)
    t_eig = time.perf_counter()
    lam, v = lam[::-1], v[:, ::-1]
    rng = np.random.default_rng(0)
    worst = v[:, -1] * np.linalg.norm(y)
    label_sets = {'true': y, 'random': rng.choice([-1.0, 1.0], size=n), 'worst': worst}
    chol = scipy.linalg.cho_factor(h)
    ks = np.unique(np.concatenate([[0], np.logspace(0, 6, 60).astype(np.int64)]))
    out = {}
    for name, lab in label_sets.items():
        p = v.T @ lab
        complexity = float(np.sqrt(2 * lab @ scipy.linalg.cho_solve(chol, lab) / n))
        curve = [0.5 * float(np.sum((1 - 1e-3 * lam) ** (2 * k) * p ** 2)) for k in ks]
        out[name] = {'complexity': complexity, 'top10_share': float(np.sum(p[:10] ** 2) / np.sum(p ** 2)), 'loss_1e5': curve[-10]}
    t_end = time.perf_counter()
    print(json.dumps({'n': n, 'seconds': {'gram': t_gram - t0, 'eigen': t_eig - t_gram, 'total': t_end - t0},
                      'lambda_max': float(lam[0]), 'lambda_min': float(lam[-1]), 'labels': out}))


if __name__ == '__main__':
    main()
