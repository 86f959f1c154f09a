#!/usr/bin/env python3
"""Peer for bench/quadratic: one full-batch gradient of Ge et al.'s signed quadratic net in NumPy, float64.

g(W) = 1/(4n) sum_j (sum_i a_i (w_i . x_j)^2 - y_j)^2 + (gamma/2) ||W||_F^2, a_i = +1 for i < r/2, -1 otherwise;
dg/dw_i = (1/n) sum_j (f(x_j) - y_j) a_i (w_i . x_j) x_j + gamma w_i.
Data as overparam loads it: the first N MNIST training images (all classes), pixels / 255, rows scaled to unit norm,
y = the integer label. Two implementations are timed:
  units: the formula as written, Z = X W^T (n x r), f = (Z o Z) a, G = (diag(f - y) Z diag(a))^T X / n   (4 n r d flops)
  form:  overparam's algorithm, M = W^T diag(a) W, f_j = x_j^T M x_j, S = X^T diag(f - y) X / (2n), G = 2 diag(a) W S
         (4 n d^2 + 4 r d^2 flops)
and checked to agree. Prints JSON with the median seconds of each (REPEATS runs after one warm-up).
Usage: quadratic_numpy.py MNIST_DIR N R REPEATS
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


def units(x, y, w, a, gamma):
    z = x @ w.T
    f = (z * z) @ a
    res = f - y
    g = ((res[:, None] * z) * a[None, :]).T @ x / len(y) + gamma * w
    return 0.25 * float(res @ res) / len(y) + 0.5 * gamma * float((w * w).sum()), g


def form(x, y, w, a, gamma):
    m = w.T @ (a[:, None] * w)
    f = np.einsum('ij,ij->i', x @ m, x)
    res = f - y
    s = x.T @ (res[:, None] * x) / (2 * len(y))
    g = 2 * a[:, None] * (w @ s) + gamma * w
    return 0.25 * float(res @ res) / len(y) + 0.5 * gamma * float((w * w).sum()), g


def timed(fn, repeats, *args):
    fn(*args)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2], out


def main():
    folder, n, r, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    x = idx(f'{folder}/train-images-idx3-ubyte.gz')[:n].astype(np.float64) / 255.0
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = idx(f'{folder}/train-labels-idx1-ubyte.gz')[:n].astype(np.float64)
    rng = np.random.default_rng(0)
    w = 0.1 * rng.standard_normal((r, x.shape[1]))
    a = np.where(np.arange(r) < r // 2, 1.0, -1.0)
    t_units, (l1, g1) = timed(units, repeats, x, y, w, a, 0.0)
    t_form, (l2, g2) = timed(form, repeats, x, y, w, a, 0.0)
    rel = float(np.linalg.norm(g1 - g2) / np.linalg.norm(g1))
    print(json.dumps({'units_seconds': t_units, 'form_seconds': t_form, 'loss': l1, 'loss_form': l2,
                      'gradient_relative_difference': rel, 'n': n, 'r': r, 'd': x.shape[1], 'numpy': np.__version__}))


if __name__ == '__main__':
    main()
