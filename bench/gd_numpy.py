#!/usr/bin/env python3
"""Peer for bench/gd: full-batch GD of the two-layer ReLU net in NumPy, float64, one process.

The same computation per iteration as overparam's train job (Du et al. 2019): P = X W^T, the activation mask,
f = relu(P) a / sqrt(m), loss, the gradient G = (mask o (r a^T))^T X / sqrt(m), the GD step, and the same metrics
(pattern changes against W(0), max_r ||w_r - w_r(0)||). Prints JSON with the median seconds per iteration.
Usage: gd_numpy.py MNIST_DIR N M ITERATIONS
"""
import gzip
import json
import sys
import time

import numpy as np


def idx(path):
    raw = gzip.decompress(open(path, 'rb').read())
    if int.from_bytes(raw[:4], 'big') == 0x803:
        n, r, c = (int.from_bytes(raw[4 + 4 * k:8 + 4 * k], 'big') for k in range(3))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, r * c)
    return np.frombuffer(raw, np.uint8, offset=8)


def main():
    folder, n, m, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    images, labels = idx(f'{folder}/train-images-idx3-ubyte.gz'), idx(f'{folder}/train-labels-idx1-ubyte.gz')
    keep = np.nonzero((labels == 0) | (labels == 1))[0][:n]
    x = images[keep].astype(np.float64) / 255.0
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.where(labels[keep] == 0, 1.0, -1.0)
    d = x.shape[1]
    rng = np.random.default_rng(0)
    w = 0.01 * rng.standard_normal((m, d))
    a = rng.choice([-1.0, 1.0], size=m)
    w0 = w.copy()
    mask0 = x @ w0.T >= 0
    eta, s = 1e-3, 1.0 / np.sqrt(m)
    times, losses = [], []
    for _ in range(iterations):
        t0 = time.perf_counter()
        p = x @ w.T
        mask = p >= 0
        f = (np.maximum(p, 0.0) @ a) * s
        r = f - y
        loss = 0.5 * float(r @ r)
        changes = int(np.count_nonzero(mask != mask0))
        b = mask * (r[:, None] * (a * s)[None, :])
        g = b.T @ x
        max_dist = float(np.sqrt(((w - w0) ** 2).sum(axis=1)).max())
        w -= eta * g
        times.append(time.perf_counter() - t0)
        losses.append(loss)
    steady = sorted(times[10:]) if len(times) > 12 else sorted(times)
    print(json.dumps({'seconds_per_iteration': steady[len(steady) // 2], 'n': n, 'm': m, 'd': d,
                      'first_loss': losses[0], 'last_loss': losses[-1], 'pattern_changes': changes,
                      'max_dist': max_dist, 'numpy': np.__version__}))


if __name__ == '__main__':
    main()
