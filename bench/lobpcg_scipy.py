"""Peer of bench/lobpcg: SciPy's LOBPCG on the same diagonal operator, block and iterations; the best of REPS runs.

Prints RESULT scipy <seconds per iteration> <lambda_min>. Arguments: n block iterations reps.
"""
import sys
import time

import numpy as np
from scipy.sparse.linalg import LinearOperator, lobpcg

n, block, iterations, reps = (int(a) for a in sys.argv[1:5])
i = np.arange(n, dtype=np.float64)
d = 1 + i * 1e-3 + np.sin(i)
op = LinearOperator((n, n), matvec=lambda x: d * x.ravel(), matmat=lambda x: d[:, None] * x, dtype=np.float64)
best, value = float("inf"), float("nan")
for r in range(reps):
    x0 = np.random.default_rng(1).standard_normal((n, block))
    t0 = time.perf_counter()
    vals, _ = lobpcg(op, x0, largest=False, tol=1e-14, maxiter=iterations)
    best = min(best, (time.perf_counter() - t0) / iterations)
    value = float(np.min(vals))
print(f"RESULT scipy {best:.6f} {value:.12g}")
