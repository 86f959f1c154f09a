#!/usr/bin/env python3
"""NumPy peer for bench/blas.sh: best-of timings of n x n matrix product (DGEMM) and
eigh (LAPACK DSYEVD, eigenvalues and eigenvectors) on a random symmetric matrix.

Usage: blas_numpy.py n reps syevd_reps
Prints '# <description>' lines, then 'RESULT<TAB>label<TAB>gemm_s<TAB>gflops<TAB>syevd_s'
(GFLOP/s = 2 n^3 / t), the same format as org.overparam.bench.BlasBench.
"""
import sys
import time

import numpy as np


def blas_description():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return "%s %s" % (blas.get("name", "?"), blas.get("version", "?"))
    except Exception:  # older NumPy: no dict form of the build configuration
        return "BLAS unknown"


def best_of(reps, fn):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: blas_numpy.py n reps syevd_reps")
    n, reps, syevd_reps = (int(x) for x in sys.argv[1:])
    rng = np.random.default_rng(42)
    a = np.asfortranarray(rng.standard_normal((n, n)))
    b = np.asfortranarray(rng.standard_normal((n, n)))
    g = rng.standard_normal((n, n))
    s = 0.5 * (g + g.T)
    warm = max(2, n // 10)
    a[:warm, :warm] @ b[:warm, :warm]
    np.linalg.eigh(s[:warm, :warm])
    gemm = best_of(reps, lambda: a @ b)
    syevd = best_of(syevd_reps, lambda: np.linalg.eigh(s)) if syevd_reps > 0 else float("nan")
    label = "NumPy %s (%s)" % (np.__version__, blas_description())
    print("# " + label)
    print("RESULT\t%s\t%.4f\t%.2f\t%.4f" % (label, gemm, 2.0 * n ** 3 / gemm / 1e9, syevd))


if __name__ == "__main__":
    main()
