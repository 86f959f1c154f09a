#!/usr/bin/env python3
"""The machine's dgemm peak as NumPy's OpenBLAS reaches it: best of 5 n x n products, GFLOP/s = 2 n^3 / t."""
import json
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
a, b = np.random.rand(n, n), np.random.rand(n, n)
a @ b
times = []
for _ in range(5):
    t0 = time.perf_counter()
    a @ b
    times.append(time.perf_counter() - t0)
print(json.dumps({'n': n, 'gflops': 2 * n ** 3 / min(times) / 1e9}))
