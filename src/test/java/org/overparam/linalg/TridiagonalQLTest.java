package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.testing.Approx;

/**
 * QL with rotations carried by a few rows against LAPACK's divide and conquer ({@code dstedc}, which forms Z): the same
 * eigenvalues, and {@code W Z} equal cluster by cluster (within a cluster of equal eigenvalues only the sum of squared
 * coordinates is determined; a singleton's coordinate is fixed up to the eigenvector's sign).
 */
class TridiagonalQLTest {
    static Stream<Arguments> matrices() {
        Random r = new Random(11);
        return Stream.of(
                Arguments.of(
                        "random 200",
                        r.doubles(200, -1, 1).toArray(),
                        r.doubles(199, -1, 1).toArray()),
                // Wilkinson's W21+: eigenvalues in pairs that agree to 1e-14 or closer.
                Arguments.of("Wilkinson W21+", wilkinsonDiagonal(21), constant(20, 1.0)),
                Arguments.of("Wilkinson W101+", wilkinsonDiagonal(101), constant(100, 1.0)),
                Arguments.of("diagonal, unsorted", new double[] {3, -1, 2, 2, 0.5}, new double[4]),
                Arguments.of("split in two", new double[] {1, 2, 3, 4, 5, 6}, new double[] {0.5, 0.5, 0, 0.5, 0.5}),
                Arguments.of("1 x 1", new double[] {-4.25}, new double[0]),
                Arguments.of("2 x 2", new double[] {1, 3}, new double[] {2}),
                Arguments.of(
                        "tiny scale",
                        scaled(r.doubles(40, -1, 1).toArray(), 1e-160),
                        scaled(r.doubles(39, -1, 1).toArray(), 1e-160)),
                Arguments.of(
                        "huge scale",
                        scaled(r.doubles(40, -1, 1).toArray(), 1e160),
                        scaled(r.doubles(39, -1, 1).toArray(), 1e160)),
                Arguments.of("graded", graded(60), constant(59, 1e-3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrices")
    void matchesDivideAndConquer(String name, double[] d, double[] e) {
        int n = d.length, k = 3;
        double[] w = new Random(3).doubles((long) k * n, -1, 1).toArray();
        double[] values = d.clone(), coords = w.clone();
        double[] eBefore = e.clone();
        TridiagonalQL.solve(values, e, coords, k);
        assertThat(e).as("off-diagonal untouched").isEqualTo(eBefore);

        double[] refValues = d.clone();
        double[] z = SymmetricEigen.divideAndConquer(refValues, e.clone(), n); // column i: eigenvector of refValues[i]
        double norm = 0;
        for (double v : d) norm = Math.max(norm, Math.abs(v));
        for (double v : e) norm = Math.max(norm, Math.abs(v));
        for (int i = 0; i < n; i++) {
            if (i > 0) assertThat(values[i]).as(name + ": increasing").isGreaterThanOrEqualTo(values[i - 1]);
            Approx.assertAbsolute(refValues[i] / norm, values[i] / norm, Approx.RECONSTRUCTION, name + ": lambda_" + i);
        }
        for (int q = 0; q < k; q++) {
            double[] ref = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) ref[i] += w[q * n + j] * z[i * n + j];
            }
            double wNorm = 0;
            for (int j = 0; j < n; j++) wNorm += w[q * n + j] * w[q * n + j];
            // Clusters: eigenvalues within 1e-9 ||T|| of their neighbour.
            for (int start = 0; start < n; ) {
                int end = start + 1;
                while (end < n && refValues[end] - refValues[end - 1] <= 1e-9 * norm) end++;
                double ours = 0, theirs = 0;
                for (int i = start; i < end; i++) {
                    ours += coords[q * n + i] * coords[q * n + i];
                    theirs += ref[i] * ref[i];
                }
                // A cluster's coordinates are fixed to about eps ||T|| / (its distance to the other eigenvalues).
                double gap = Math.min(
                        start > 0 ? refValues[start] - refValues[start - 1] : Double.POSITIVE_INFINITY,
                        end < n ? refValues[end] - refValues[end - 1] : Double.POSITIVE_INFINITY);
                double tol = Math.max(1e-10, 1e-12 * norm / gap);
                Approx.assertAbsolute(
                        theirs / wNorm,
                        ours / wNorm,
                        tol,
                        name + ": ||(W Z) row " + q + "||^2 on eigenvalues " + start + ".." + (end - 1));
                start = end;
            }
            double total = 0;
            for (int i = 0; i < n; i++) total += coords[q * n + i] * coords[q * n + i];
            Approx.assertRelative(wNorm, total, Approx.RECONSTRUCTION, name + ": rotations keep row " + q + "'s norm");
        }
    }

    @Test
    void zeroMatrixAndBadInput() {
        double[] d = new double[4], w = {1, 2, 3, 4};
        TridiagonalQL.solve(d, new double[3], w, 1);
        assertThat(d).containsOnly(0.0);
        assertThat(w).containsExactly(1, 2, 3, 4);
        TridiagonalQL.solve(new double[0], new double[0], new double[0], 2);
        assertThatThrownBy(() -> TridiagonalQL.solve(new double[] {1, Double.NaN}, new double[1], new double[2], 1))
                .hasMessageContaining("non-finite");
        assertThatThrownBy(() -> TridiagonalQL.solve(new double[3], new double[1], new double[3], 1))
                .hasMessageContaining("expected n = 3");
        assertThatThrownBy(() -> TridiagonalQL.solve(new double[3], new double[2], new double[5], 2))
                .hasMessageContaining("2 x 3 W");
    }

    private static double[] wilkinsonDiagonal(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = Math.abs((n - 1) / 2 - i);
        return d;
    }

    private static double[] constant(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double[] scaled(double[] a, double s) {
        for (int i = 0; i < a.length; i++) a[i] *= s;
        return a;
    }

    /** Diagonal 1, 1e-1, ..., 1e-59: eigenvalues over many orders of magnitude. */
    private static double[] graded(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = Math.pow(10, -i);
        return d;
    }
}
