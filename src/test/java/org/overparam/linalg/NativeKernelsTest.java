package org.overparam.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.netlib.util.intW;

/**
 * The native BLAS and LAPACK reached through NativeLibraries compute the right numbers: DGEMM against a
 * triple loop, DSYEVD by its defining properties (A v = lambda v, V^T V = I).
 */
class NativeKernelsTest {

    /** Relative Frobenius error allowed between DGEMM and the triple loop (k = 40 terms per entry). */
    private static final double GEMM_RELATIVE_TOL = 1e-12;
    /** max_j ||A v_j - lambda_j v_j||_2 / ||A||_F allowed for DSYEVD at n = 40. */
    private static final double EIGEN_RESIDUAL_TOL = 1e-12;
    /** max |(V^T V - I)_ij| allowed for DSYEVD's eigenvectors at n = 40. */
    private static final double ORTHOGONALITY_TOL = 1e-12;

    private static final long SEED = 20240607L;

    @Test
    void dgemmMatchesTripleLoop() {
        Random rng = new Random(SEED);
        int m = 50;
        int k = 40;
        int n = 30;
        double alpha = 0.75;
        double beta = -1.5;
        double[] a = gaussian(rng, m * k); // m x k, column-major, lda = m
        double[] b = gaussian(rng, k * n); // k x n, ldb = k
        double[] c0 = gaussian(rng, m * n);
        double[] c = c0.clone();
        NativeLibraries.blas().dgemm("N", "N", m, n, k, alpha, a, m, b, k, beta, c, m);
        assertRelativeClose(reference(false, false, m, n, k, alpha, a, b, beta, c0), c);
    }

    @Test
    void dgemmWithBothOperandsTransposedMatchesTripleLoop() {
        Random rng = new Random(SEED + 1);
        int m = 50;
        int k = 40;
        int n = 30;
        double alpha = -2.0;
        double beta = 0.5;
        double[] at = gaussian(rng, k * m); // A^T stored: k x m, lda = k
        double[] bt = gaussian(rng, n * k); // B^T stored: n x k, ldb = n
        double[] c0 = gaussian(rng, m * n);
        double[] c = c0.clone();
        NativeLibraries.blas().dgemm("T", "T", m, n, k, alpha, at, k, bt, n, beta, c, m);
        assertRelativeClose(reference(true, true, m, n, k, alpha, at, bt, beta, c0), c);
    }

    @Test
    void dsyevdGivesOrthonormalEigenvectorsOfASymmetricMatrix() {
        int n = 40;
        Random rng = new Random(SEED + 2);
        double[] g = gaussian(rng, n * n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i + j * n] = 0.5 * (g[i + j * n] + g[j + i * n]);
            }
        }
        double[] v = a.clone();
        double[] w = new double[n];
        LAPACK lapack = NativeLibraries.lapack();
        double[] workQuery = new double[1];
        int[] iworkQuery = new int[1];
        intW info = new intW(0);
        lapack.dsyevd("V", "U", n, v, n, w, workQuery, -1, iworkQuery, -1, info);
        assertEquals(0, info.val, "DSYEVD workspace query");
        double[] work = new double[(int) workQuery[0]];
        int[] iwork = new int[iworkQuery[0]];
        lapack.dsyevd("V", "U", n, v, n, w, work, work.length, iwork, iwork.length, info);
        assertEquals(0, info.val, "DSYEVD info");

        double normA = frobenius(a);
        assertTrue(normA > 0, "test matrix must be nonzero");
        double worstResidual = 0;
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                assertTrue(w[j - 1] <= w[j], "eigenvalues must ascend at " + j);
            }
            double r = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int l = 0; l < n; l++) {
                    av += a[i + l * n] * v[l + j * n];
                }
                double d = av - w[j] * v[i + j * n];
                r += d * d;
            }
            worstResidual = Math.max(worstResidual, Math.sqrt(r) / normA);
        }
        assertTrue(worstResidual <= EIGEN_RESIDUAL_TOL, "max ||Av - lambda v|| / ||A||_F = " + worstResidual);

        double worstOrth = 0;
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i + p * n] * v[i + q * n];
                }
                worstOrth = Math.max(worstOrth, Math.abs(dot - (p == q ? 1 : 0)));
            }
        }
        assertTrue(worstOrth <= ORTHOGONALITY_TOL, "max |V^T V - I| = " + worstOrth);
    }

    /** C = alpha op(A) op(B) + beta C0 by the definition, column-major, op = transpose when flagged. */
    private static double[] reference(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double alpha,
            double[] a,
            double[] b,
            double beta,
            double[] c0) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    double ail = transA ? a[l + i * k] : a[i + l * m];
                    double blj = transB ? b[j + l * n] : b[l + j * k];
                    s += ail * blj;
                }
                c[i + j * m] = alpha * s + beta * c0[i + j * m];
            }
        }
        return c;
    }

    private static void assertRelativeClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        double norm = frobenius(expected);
        assertTrue(norm > 0, "reference is zero: a relative comparison against it would be meaningless");
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = expected[i] - actual[i];
            diff += d * d;
        }
        double rel = Math.sqrt(diff) / norm;
        assertTrue(rel <= GEMM_RELATIVE_TOL, "relative Frobenius error " + rel + " > " + GEMM_RELATIVE_TOL);
    }

    private static double frobenius(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double[] gaussian(Random rng, int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }
}
