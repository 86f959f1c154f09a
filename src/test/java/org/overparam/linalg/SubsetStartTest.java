package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.overparam.testing.Approx;

/** The rows SubsetStart picks and the vectors it embeds, against direct computations. */
class SubsetStartTest {
    @Test
    void picksTheRowsWithTheLargestMaximaInIndexOrderTiesByIndex() {
        double[] rowMax = {0.1, 0.9, 0.3, 0.9, 0.5, 0.2};
        assertThat(SubsetStart.mostSimilarRows(rowMax, 3)).containsExactly(1, 3, 4);
        assertThat(SubsetStart.mostSimilarRows(rowMax, 1)).containsExactly(1);
        assertThat(SubsetStart.mostSimilarRows(rowMax, 6)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThatThrownBy(() -> SubsetStart.mostSimilarRows(rowMax, 7))
                .hasMessageContaining("1 <= k <= n = 6, found k = 7");
    }

    @Test
    void embedsTheSubmatrixBottomEigenvectorsWithZerosElsewhere() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 30, k = 9;
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) h[i * n + j] = h[j * n + i] = rng.nextDouble(-1, 1);
        int[] rows = {0, 2, 3, 7, 11, 12, 20, 25, 29};
        double[] sub = new double[k * k];
        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) sub[a * k + b] = h[rows[a] * n + rows[b]];
        double[] values = SymmetricEigen.values(sub, k).values;
        double[][] v = SubsetStart.bottomVectors(sub, rows, n, 3);
        assertThat(v).hasNumberOfRows(3);
        for (int c = 0; c < 3; c++) {
            assertThat(v[c]).hasSize(n);
            double norm = 0;
            for (int i = 0; i < n; i++) {
                boolean inside = java.util.Arrays.binarySearch(rows, i) >= 0;
                if (!inside)
                    assertThat(v[c][i]).as("entry %d outside the subset", i).isZero();
                norm += v[c][i] * v[c][i];
            }
            Approx.assertRelative(1, norm, Approx.BLAS, "unit vector");
            // (H_SS v_S)_a = lambda_c (v_S)_a on the subset, lambda_c the c-th smallest.
            for (int a = 0; a < k; a++) {
                double hv = 0;
                for (int b = 0; b < k; b++) hv += sub[a * k + b] * v[c][rows[b]];
                Approx.assertAbsolute(
                        values[c] * v[c][rows[a]], hv, 1e-12, "eigen equation, vector " + c + ", row " + a);
            }
        }
        assertThatThrownBy(() -> SubsetStart.bottomVectors(new double[5], rows, n, 1))
                .hasMessageContaining("9 x 9 submatrix, found 5 entries");
    }
}
