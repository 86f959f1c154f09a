#!/usr/bin/env python3
"""Peer for bench/width-sweep: jobs/du2019-width-sweep.conf (Du et al. 2019, Sec. 5 and Fig. 1) in NumPy, float64,
one process.

Data: n = 1000 points uniform on the unit sphere of R^1000 (normalized Gaussians), labels y ~ N(0, 1), seed 0. For
each width m: W(0) rows ~ N(0, kappa^2 I), kappa = 1, a_r ~ unif{-1, +1}; f(x) = (1/sqrt(m)) sum_r a_r relu(w_r . x);
L = sum_i (f(x_i) - y_i)^2 / 2; G = (mask o (r a^T))^T X / sqrt(m), mask = 1{X W^T >= 0}; W <- W - eta G, eta = 0.5;
iterations 0..ITERATIONS evaluated (ITERATIONS steps). The same computation per iteration as overparam's train job and
bench/gd_numpy.py, and the same metrics: loss, ||G||_F, the fraction of (i, r) whose activation differs from W(0)'s,
max_r ||w_r(k) - w_r(0)||, ||W(k) - W(0)||_F, the iteration's seconds (evaluation, metrics and step; not the Gram), and
every GRAM_EVERY = 20 iterations lambda_min(H(k)) and ||H(k) - H(0)||_F / ||H(0)||_F, with the finite-width Gram
H(k)_ij = (x_i . x_j) (1/m) sum_r 1{w_r . x_i >= 0} 1{w_r . x_j >= 0} = ((M M^T) o (X X^T))_ij / m, M the mask.

Writes OUT_CSV (the columns of overparam's metrics.csv, empty where not computed) and prints one JSON line: total
seconds, per width the median seconds per iteration (iterations >= 1) and the first and final loss, NumPy's version.
Usage: width_sweep_numpy.py OUT_CSV [--widths 100,300,1000,3000,10000] [--iterations 100]
"""
import argparse
import csv
import json
import os
import time

# NumPy's OpenBLAS may pick a kernel for this CPU that crashes on large products; bench/width-sweep sets this too.
os.environ.setdefault('OPENBLAS_CORETYPE', 'Haswell')

import numpy as np  # noqa: E402

N, D, SEED, KAPPA, ETA, GRAM_EVERY = 1000, 1000, 0, 1.0, 0.5, 20
COLUMNS = ['m', 'iteration', 'loss', 'gradient_norm', 'pattern_change_fraction', 'max_weight_distance',
           'weight_distance_fro', 'seconds', 'lambda_min_h', 'h_relative_change']


def sphere(n, d, rng):
    x = rng.standard_normal((n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, rng.standard_normal(n)


def gram(mask, xxt, m):
    """H = ((M M^T) o (X X^T)) / m, M the mask as float64."""
    mf = mask.astype(np.float64)
    h = mf @ mf.T
    h *= xxt
    h /= m
    return h


def train(x, y, xxt, m, iterations, rng, writer):
    n, d = x.shape
    w = KAPPA * rng.standard_normal((m, d))
    a = rng.choice([-1.0, 1.0], size=m)
    w0 = w.copy()
    s = 1.0 / np.sqrt(m)
    a_s = a * s
    mask0 = None
    h0 = h0_norm = None
    times, losses = [], []
    for k in range(iterations + 1):
        t0 = time.perf_counter()
        p = x @ w.T                                  # n x m
        mask = p >= 0
        if mask0 is None:
            mask0 = mask
        np.maximum(p, 0.0, out=p)
        f = (p @ a) * s
        r = f - y
        loss = 0.5 * float(r @ r)
        b = np.outer(r, a_s, out=p)                  # reuses p's buffer: b = mask o (r a^T) / sqrt(m)
        b *= mask
        g = b.T @ x                                  # m x d
        grad_norm = float(np.sqrt(np.einsum('ij,ij->', g, g)))
        changed = np.count_nonzero(mask != mask0) / (n * m)
        diff = w - w0
        row_sq = np.einsum('ij,ij->i', diff, diff)
        max_dist, fro = float(np.sqrt(row_sq.max())), float(np.sqrt(row_sq.sum()))
        if k < iterations:
            g *= ETA
            w -= g
        seconds = time.perf_counter() - t0
        lam = rel = ''
        if k % GRAM_EVERY == 0:
            h = gram(mask, xxt, m)
            lam = float(np.linalg.eigvalsh(h)[0])
            if h0 is None:
                h0, h0_norm, rel = h, float(np.linalg.norm(h)), 0.0
            else:
                h -= h0
                rel = float(np.linalg.norm(h)) / h0_norm
        writer.writerow([m, k, loss, grad_norm, changed, max_dist, fro, seconds, lam, rel])
        if k > 0:
            times.append(seconds)
        losses.append(loss)
    steady = sorted(times) or [seconds]
    return {'seconds_per_iteration': steady[len(steady) // 2], 'initial_loss': losses[0], 'final_loss': losses[-1]}


def main():
    start = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('out_csv')
    ap.add_argument('--widths', default='100,300,1000,3000,10000', help='comma-separated widths, e.g. 100,1000')
    ap.add_argument('--iterations', type=int, default=100)
    args = ap.parse_args()
    widths = [int(v) for v in args.widths.strip('[]').split(',') if v.strip()]
    if not widths or min(widths) < 1 or args.iterations < 0:
        ap.error('expected positive widths and iterations >= 0')
    data_seed, train_seed = np.random.SeedSequence(SEED).spawn(2)   # independent streams for X, y and for W, a
    x, y = sphere(N, D, np.random.default_rng(data_seed))
    xxt = x @ x.T
    runs = {}
    with open(args.out_csv, 'w', newline='') as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for m in widths:
            runs[str(m)] = train(x, y, xxt, m, args.iterations, np.random.default_rng(train_seed), writer)
            out.flush()
    print(json.dumps({'seconds': time.perf_counter() - start, 'n': N, 'd': D, 'eta': ETA, 'iterations': args.iterations,
                      'seconds_per_iteration': {m: v['seconds_per_iteration'] for m, v in runs.items()},
                      'initial_loss': {m: v['initial_loss'] for m, v in runs.items()},
                      'final_loss': {m: v['final_loss'] for m, v in runs.items()},
                      'numpy': np.__version__}))


if __name__ == '__main__':
    main()
