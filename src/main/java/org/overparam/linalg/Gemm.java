package org.overparam.linalg;

/**
 * Row-major conveniences over the native {@code dgemm} (netlib's column-major interface, through
 * {@link NativeLibraries#blas()}). A row-major {@code r x c} array is a column-major {@code c x r} one, so each call
 * is one {@code dgemm} with no copy. Cost: {@code 2 * m * n * k} flops each.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * {@code C = A B^T}: A is {@code ra x d} at {@code a[offA..]}, B is {@code rb x d} at {@code b[offB..]}, C is
     * {@code ra x rb}, all row-major. C is overwritten.
     */
    public static void abt(double[] a, int offA, int ra, double[] b, int offB, int rb, int d, double[] c) {
        abt(a, offA, ra, b, offB, rb, d, c, 0.0);
    }

    /** {@code C = A B^T + beta C}, shapes as in {@link #abt(double[], int, int, double[], int, int, int, double[])}. */
    public static void abt(double[] a, int offA, int ra, double[] b, int offB, int rb, int d, double[] c, double beta) {
        if (a.length - offA < (long) ra * d || b.length - offB < (long) rb * d || c.length < (long) ra * rb) {
            throw new IllegalArgumentException("Gemm.abt: arrays too short for ra=" + ra + ", rb=" + rb + ", d=" + d);
        }
        if (ra == 0 || rb == 0) return;
        NativeLibraries.blas().dgemm("T", "N", rb, ra, d, 1.0, b, offB, d, a, offA, d, beta, c, 0, rb);
    }

    /**
     * {@code C = A B}: A is {@code ra x d} row-major, B is {@code d x k} column-major (MLlib's {@code DenseMatrix}
     * layout), C is {@code ra x k} row-major and overwritten.
     */
    public static void abColMajor(double[] a, int ra, int d, double[] b, int k, double[] c) {
        if (a.length < (long) ra * d || b.length < (long) d * k || c.length < (long) ra * k) {
            throw new IllegalArgumentException(
                    "Gemm.abColMajor: arrays too short for ra=" + ra + ", d=" + d + ", k=" + k);
        }
        if (ra == 0 || k == 0) return;
        NativeLibraries.blas().dgemm("T", "N", k, ra, d, 1.0, b, 0, d, a, 0, d, 0.0, c, 0, k);
    }

    /**
     * {@code G += alpha * B^T X}: B is {@code rows x m} row-major, X is {@code rows x d} row-major starting at
     * {@code x[offX]}, G is {@code m x d} row-major and accumulated into.
     */
    public static void atbAccumulate(
            double[] b, int rows, int m, double[] x, int offX, int d, double alpha, double[] g) {
        if (b.length < (long) rows * m || x.length - offX < (long) rows * d || g.length < (long) m * d) {
            throw new IllegalArgumentException(
                    "Gemm.atbAccumulate: arrays too short for rows=" + rows + ", m=" + m + ", d=" + d);
        }
        if (rows == 0) return;
        NativeLibraries.blas().dgemm("N", "T", d, m, rows, alpha, x, offX, d, b, 0, m, 1.0, g, 0, d);
    }

    /** Single-precision {@link #abt}. */
    public static void abt(float[] a, int offA, int ra, float[] b, int offB, int rb, int d, float[] c) {
        if (a.length - offA < (long) ra * d || b.length - offB < (long) rb * d || c.length < (long) ra * rb) {
            throw new IllegalArgumentException("Gemm.abt: arrays too short for ra=" + ra + ", rb=" + rb + ", d=" + d);
        }
        if (ra == 0 || rb == 0) return;
        NativeLibraries.blas().sgemm("T", "N", rb, ra, d, 1.0f, b, offB, d, a, offA, d, 0.0f, c, 0, rb);
    }

    /** Single-precision {@link #atbAccumulate}. */
    public static void atbAccumulate(float[] b, int rows, int m, float[] x, int offX, int d, float alpha, float[] g) {
        if (b.length < (long) rows * m || x.length - offX < (long) rows * d || g.length < (long) m * d) {
            throw new IllegalArgumentException(
                    "Gemm.atbAccumulate: arrays too short for rows=" + rows + ", m=" + m + ", d=" + d);
        }
        if (rows == 0) return;
        NativeLibraries.blas().sgemm("N", "T", d, m, rows, alpha, x, offX, d, b, 0, m, 1.0f, g, 0, d);
    }

    /**
     * {@code C = A B + beta C}, all row-major: A is {@code ra x k}, B is {@code k x cb}, C is {@code ra x cb}; B and C
     * start at {@code offB} and {@code offC} with row strides {@code ldb}, {@code ldc} (a panel of columns of a wider
     * matrix).
     */
    public static void ab(
            double[] a,
            int ra,
            int k,
            double[] b,
            int offB,
            int ldb,
            int cb,
            double[] c,
            int offC,
            int ldc,
            double beta) {
        if (ra == 0 || cb == 0) return;
        if (a.length < (long) ra * k
                || b.length - offB < (long) (k - 1) * ldb + cb
                || c.length - offC < (long) (ra - 1) * ldc + cb) {
            throw new IllegalArgumentException("Gemm.ab: arrays too short for ra=" + ra + ", k=" + k + ", cb=" + cb);
        }
        NativeLibraries.blas().dgemm("N", "N", cb, ra, k, 1.0, b, offB, ldb, a, 0, k, beta, c, offC, ldc);
    }

    /** Single-precision {@link #ab(double[], int, int, double[], int, int, int, double[], int, int, double)}. */
    public static void ab(
            float[] a, int ra, int k, float[] b, int offB, int ldb, int cb, float[] c, int offC, int ldc, float beta) {
        if (ra == 0 || cb == 0) return;
        if (a.length < (long) ra * k
                || b.length - offB < (long) (k - 1) * ldb + cb
                || c.length - offC < (long) (ra - 1) * ldc + cb) {
            throw new IllegalArgumentException("Gemm.ab: arrays too short for ra=" + ra + ", k=" + k + ", cb=" + cb);
        }
        NativeLibraries.blas().sgemm("N", "N", cb, ra, k, 1.0f, b, offB, ldb, a, 0, k, beta, c, offC, ldc);
    }
}
