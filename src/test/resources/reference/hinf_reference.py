#!/usr/bin/env python3
"""Independent reference values for the spectral predictions of Arora et al. (ICML 2019) (HinfReferenceTest).

Data: the first 200 samples of MNIST classes 0 and 1 (train split, file order), pixels / 255, each row scaled to unit
norm; labels y = +1 for digit 0 and -1 for digit 1.
Kernel: Hinf_ij = t (pi - arccos t) / (2 pi), t = x_i . x_j clipped to [-1, 1] (Du et al. 2019, eq. 4), with
  t_ii = 1 exactly (the inputs are unit vectors). arccos is not Lipschitz at 1: a computed ||x_i||^2 of 1 - 1 ulp
  gives arccos = 1.5e-8 and moves Hinf_ii by 2.4e-9 (this data has ||x_i||^2 down to 1 - 1.4e-15, Hinf_ii down to
  0.5 - 8.6e-9), which would swamp a 1e-10 comparison with an implementation that rounds differently.
Outputs (JSON), all with numpy / scipy only:
  eigen_top       the 10 largest eigenvalues of Hinf, decreasing (scipy.linalg.eigh)
  eigen_bottom    the 5 smallest, increasing (lambda_min first)
  abs_projections |v_i . y| for the top 10 eigenvectors, same order as eigen_top (the sign of v_i is arbitrary)
  label_norm_sq   ||y||^2
  complexity      sqrt(2 y^T Hinf^{-1} y / n) (Arora et al., Thm 5.1), by scipy.linalg.cho_factor / cho_solve
  weight_bound    sqrt(y^T Hinf^{-1} y) (Arora et al., Lemma 5.3), same solve
  eta, ks, predicted_loss
                  1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . y)^2 (Arora et al., Thm 4.1, u(0) = 0)
  worst_case_complexity
                  the complexity of the worst-case labels: the unit eigenvector of lambda_min scaled to ||y||
                  (Arora et al., Fig. 1), by the same Cholesky solve
Run:  python3 hinf_reference.py MNIST_DIR > hinf_reference.json
"""
import gzip
import json
import sys

import numpy as np
import scipy.linalg

N = 200
CLASSES = (0, 1)
ETA = 1e-3
KS = [0, 10, 100, 1000, 10000, 100000]


def read_idx(path):
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[0:4], 'big')
    if magic == 0x803:
        n, r, c = (int.from_bytes(raw[4 + 4 * k:8 + 4 * k], 'big') for k in range(3))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, r * c)
    assert magic == 0x801, hex(magic)
    return np.frombuffer(raw, np.uint8, offset=8)


def complexity(h, y):
    factor = scipy.linalg.cho_factor(h, lower=True)
    q = float(y @ scipy.linalg.cho_solve(factor, y))
    return np.sqrt(2 * q / len(y)), np.sqrt(q)


def main():
    folder = sys.argv[1]
    images = read_idx(f'{folder}/train-images-idx3-ubyte.gz')
    labels = read_idx(f'{folder}/train-labels-idx1-ubyte.gz')
    ids = np.nonzero(np.isin(labels, CLASSES))[0][:N]
    x = images[ids].astype(np.float64) / 255.0
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.where(labels[ids] == CLASSES[0], 1.0, -1.0)

    t = np.clip(x @ x.T, -1.0, 1.0)
    np.fill_diagonal(t, 1.0)
    h = t * (np.pi - np.arccos(t)) / (2 * np.pi)
    lam, v = scipy.linalg.eigh(h)
    lam, v = lam[::-1], v[:, ::-1]
    p = v.T @ y

    c, bound = complexity(h, y)
    loss = [float(0.5 * np.sum((1 - ETA * lam) ** (2 * k) * p ** 2)) for k in KS]
    worst = v[:, -1] * np.linalg.norm(y)
    c_worst, _ = complexity(h, worst)

    out = {
        'n': int(len(y)), 'd': int(x.shape[1]), 'first_ids': [int(i) for i in ids[:5]],
        'positives': int(np.sum(y > 0)),
        'eigen_top': [float(a) for a in lam[:10]],
        'eigen_bottom': [float(a) for a in lam[::-1][:5]],
        'abs_projections': [float(abs(a)) for a in p[:10]],
        'label_norm_sq': float(y @ y),
        'complexity': float(c), 'weight_bound': float(bound),
        'eta': ETA, 'ks': KS, 'predicted_loss': loss,
        'worst_case_complexity': float(c_worst),
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__},
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
