#!/usr/bin/env python3
"""Reference values for MemorizationConditionTest: sigma_min of Ge et al.'s lifted data matrix
X(x)2 = [x_1 (x) x_1, ..., x_n (x) x_n] (d^2 x n), computed from its explicit SVD, and lambda_min(G o G), G = X X^T.

Two fixtures of unit-norm rows with entries U[-1, 1] (Ge et al.'s synthetic data): n = 12 <= d(d+1)/2 = 15 (full
column rank) and n = 20 > 15 (rank deficient, sigma_min = 0 up to rounding).
Run: python3 lifted_sigma_min_reference.py > lifted_sigma_min_reference.json
"""
import json

import numpy as np


def case(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    lifted = np.stack([np.kron(xi, xi) for xi in x], axis=1)  # d^2 x n
    s = np.linalg.svd(lifted, compute_uv=False)
    g = x @ x.T
    return {'n': n, 'd': d, 'x': x.ravel().tolist(), 'sigma_min': float(s[-1]), 'sigma_max': float(s[0]),
            'lambda_min_g_o_g': float(np.linalg.eigvalsh(g * g)[0])}


print(json.dumps({'numpy': np.__version__, 'cases': [case(12, 5, 1), case(20, 5, 2)]}, indent=1))
