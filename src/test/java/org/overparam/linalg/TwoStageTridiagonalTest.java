package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.testing.Approx;

/**
 * The two-stage reduction on its own: T has LAPACK's eigenvalues (dsyevd on the original matrix), Q1 and Q2 are each
 * orthogonal (applied to every unit vector, and their transposes undo them), and {@code Q1 Q2 T Q2^T Q1^T = A}. Sizes
 * include n a multiple of kd, n not a multiple, n just above kd and 2 kd, and n below kd (no first stage).
 */
class TwoStageTridiagonalTest {
    @ParameterizedTest(name = "n = {0}, kd = {1}")
    @CsvSource({"96, 8", "101, 8", "130, 16", "33, 32", "65, 32", "70, 32", "20, 32", "150, 1", "3, 2", "2, 4"})
    void reducesToATridiagonalWithTheSameEigenvaluesByOrthogonalFactors(int n, int kd) {
        double[] a = gaussianSymmetric(n, 11L * n + kd);
        double[] reference = SymmetricEigen.values(a, n).values;
        TwoStageTridiagonal t = TwoStageTridiagonal.reduce(a.clone(), n, kd);
        double scale = Math.max(Math.abs(reference[0]), Math.abs(reference[n - 1]));

        double[] d = t.d.clone(), e = java.util.Arrays.copyOf(t.e, Math.max(1, n - 1));
        SymmetricEigen.divideAndConquer(d, e, n);
        for (int i = 0; i < n; i++) {
            Approx.assertAbsolute(
                    reference[i] / scale, d[i] / scale, Approx.RECONSTRUCTION, "eigenvalue " + i + " of T");
        }

        assertOrthogonal(n, x -> t.applyQ1(x, false), x -> t.applyQ1(x, true), "Q1");
        assertOrthogonal(n, t::applyQ2, t::applyQ2t, "Q2");

        // Q T Q^T = A: column j of A is Q T (Q^T e_j).
        double err = 0, norm = 0;
        for (int j = 0; j < n; j++) {
            double[] x = new double[n];
            x[j] = 1;
            t.applyQt(x);
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = t.d[i] * x[i] + (i > 0 ? t.e[i - 1] * x[i - 1] : 0) + (i < n - 1 ? t.e[i] * x[i + 1] : 0);
            }
            t.applyQ(y);
            for (int i = 0; i < n; i++) {
                err += sq(y[i] - a[j * n + i]);
                norm += sq(a[j * n + i]);
            }
        }
        Approx.assertAbsolute(0, Math.sqrt(err / norm), Approx.RECONSTRUCTION, "||Q T Q^T - A||_F / ||A||_F");
    }

    @ParameterizedTest(name = "scale {0}")
    @CsvSource({"1e-150", "1e150"})
    void extremeScalesNeitherUnderflowNorOverflow(double scale) {
        int n = 90, kd = 8;
        double[] a = gaussianSymmetric(n, 3);
        for (int i = 0; i < a.length; i++) a[i] *= scale;
        double[] reference = SymmetricEigen.values(a, n).values;
        TwoStageTridiagonal t = TwoStageTridiagonal.reduce(a.clone(), n, kd);
        double[] d = t.d.clone(), e = t.e.clone();
        SymmetricEigen.divideAndConquer(d, e, n);
        double top = Math.max(Math.abs(reference[0]), Math.abs(reference[n - 1]));
        for (int i = 0; i < n; i++) {
            Approx.assertAbsolute(reference[i] / top, d[i] / top, Approx.RECONSTRUCTION, "eigenvalue " + i + " of T");
        }
    }

    /**
     * The pipelined chase does, entry by entry, the same operations in the same order as the sequential one (a block is
     * touched only after the previous sweep is done with it), so T and Q agree exactly; a race would break this.
     */
    @ParameterizedTest(name = "{0} threads")
    @CsvSource({"2", "3"})
    void pipelinedSweepsGiveExactlyTheSequentialResult(int threads) {
        int n = 700, kd = 12;
        double[] a = gaussianSymmetric(n, 5);
        TwoStageTridiagonal one = TwoStageTridiagonal.reduce(a.clone(), n, kd, 1);
        TwoStageTridiagonal many = TwoStageTridiagonal.reduce(a.clone(), n, kd, threads);
        org.assertj.core.api.Assertions.assertThat(many.d).as("diagonal").isEqualTo(one.d);
        org.assertj.core.api.Assertions.assertThat(many.e).as("subdiagonal").isEqualTo(one.e);
        double[] y = new Random(9).doubles(n, -1, 1).toArray(), z = y.clone();
        one.applyQt(y);
        many.applyQt(z);
        org.assertj.core.api.Assertions.assertThat(z).as("Q^T y").isEqualTo(y);
        // And the tridiagonal is right: LAPACK's eigenvalues.
        double[] reference = SymmetricEigen.values(a, n).values;
        double[] d = many.d.clone(), e = many.e.clone();
        SymmetricEigen.divideAndConquer(d, e, n);
        for (int i = 0; i < n; i++) {
            Approx.assertAbsolute(
                    reference[i] / reference[n - 1],
                    d[i] / reference[n - 1],
                    Approx.RECONSTRUCTION,
                    "eigenvalue " + i + " of T");
        }
    }

    @org.junit.jupiter.api.Test
    void refusesABandwidthBelowOne() {
        assertThatThrownBy(() -> TwoStageTridiagonal.reduce(new double[4], 2, 0))
                .hasMessageContaining("expected a bandwidth >= 1, found 0");
    }

    /** Q applied to each unit vector gives orthonormal columns, and Q^T brings each back. */
    private static void assertOrthogonal(int n, Consumer<double[]> q, Consumer<double[]> qt, String name) {
        double[][] cols = new double[n][];
        for (int j = 0; j < n; j++) {
            double[] x = new double[n];
            x[j] = 1;
            q.accept(x);
            cols[j] = x.clone();
            qt.accept(x);
            for (int i = 0; i < n; i++)
                Approx.assertAbsolute(
                        i == j ? 1 : 0, x[i], Approx.RECONSTRUCTION, name + "^T " + name + " e_" + j + " at " + i);
        }
        for (int p = 0; p < n; p++) {
            for (int r = 0; r <= p; r++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += cols[p][i] * cols[r][i];
                Approx.assertAbsolute(
                        p == r ? 1 : 0, s, Approx.RECONSTRUCTION, name + " column " + p + " . column " + r);
            }
        }
    }

    private static double[] gaussianSymmetric(int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r.nextGaussian();
        }
        return a;
    }

    private static double sq(double x) {
        return x * x;
    }
}
