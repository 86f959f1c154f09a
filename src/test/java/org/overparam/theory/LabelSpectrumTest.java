package org.overparam.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.testing.Approx;

/**
 * The spectral loss prediction (Arora et al. 2019, Thm 4.1) against the linear dynamics it solves, on Hinf of 60
 * random unit vectors in R^10, and the eigendecomposition it rests on.
 */
class LabelSpectrumTest {
    static final int N = 60;
    static final int D = 10;
    static double[] h;
    static double[] y;
    static SymmetricEigen eigen;
    static LabelSpectrum spectrum;

    @BeforeAll
    static void build() {
        h = ReluKernels.hinf(ReluKernels.unitVectors(N, D, 11), N, D);
        y = ReluKernels.gaussianLabels(N, 12);
        eigen = SymmetricEigen.withVectors(h, N);
        spectrum = LabelSpectrum.of(eigen, y);
    }

    @Test
    void predictedLossEqualsTheLinearDynamics() {
        double eta = 1.0 / spectrum.lambdaMax();
        long[] ks = {0, 1, 2, 5, 17, 100};
        double[] iterated = LinearDynamics.losses(h, N, y, eta, ks);
        double[] predicted = spectrum.predictedLossCurve(eta, ks);
        for (int j = 0; j < ks.length; j++) {
            Approx.assertRelative(iterated[j], predicted[j], Approx.SPECTRAL_FORMULA, "loss at k = " + ks[j]);
        }
        Approx.assertRelative(0.5 * ReluKernels.dot(y, y), predicted[0], Approx.EXACT_DECIMAL, "loss at k = 0");
        assertThat(predicted[5]).isLessThan(predicted[4]).isLessThan(predicted[0]);
    }

    @Test
    void aDivergentStepIsFlaggedAndItsLossGrowsLikeTheDynamics() {
        double eta = 2.2 / spectrum.lambdaMax();
        assertThat(spectrum.divergent(eta)).isTrue();
        assertThat(spectrum.divergent(1.9 / spectrum.lambdaMax())).isFalse();
        Approx.assertRelative(
                2.0 / spectrum.lambdaMax(), spectrum.divergenceThreshold(), Approx.EXACT_DECIMAL, "2 / lambda_max");
        long[] ks = {5, 40};
        double[] iterated = LinearDynamics.losses(h, N, y, eta, ks);
        double[] predicted = spectrum.predictedLossCurve(eta, ks);
        for (int j = 0; j < ks.length; j++) {
            Approx.assertRelative(iterated[j], predicted[j], Approx.SPECTRAL_FORMULA, "divergent loss at k = " + ks[j]);
        }
        assertThat(predicted[1]).isGreaterThan(spectrum.labelNormSquared());
    }

    @Test
    void projectionsCarryAllOfTheLabelNorm() {
        double[] p = spectrum.projections();
        double sum = 0;
        for (double v : p) {
            sum += v * v;
        }
        Approx.assertRelative(ReluKernels.dot(y, y), sum, Approx.RECONSTRUCTION, "sum_i p_i^2 = ||y||^2");
        Approx.assertRelative(1.0, spectrum.topShare(N), Approx.RECONSTRUCTION, "topShare(n)");
        assertThat(spectrum.topShare(0)).isZero();
        double[] share = spectrum.cumulativeShare();
        for (int i = 1; i < N; i++) {
            assertThat(share[i]).isGreaterThanOrEqualTo(share[i - 1]);
        }
        Approx.assertRelative(
                p[0] * p[0] / ReluKernels.dot(y, y), spectrum.topShare(1), Approx.RECONSTRUCTION, "topShare(1)");
    }

    @Test
    void projectionsAreTheEigenvectorsDottedWithTheLabelsInDecreasingOrder() {
        double[] values = spectrum.eigenvalues();
        double[] p = spectrum.projections();
        for (int i = 0; i < N; i++) {
            int col = N - 1 - i;
            assertThat(values[i]).isEqualTo(eigen.values[col]);
            double dot = 0;
            for (int r = 0; r < N; r++) {
                dot += eigen.vectors[col * N + r] * y[r];
            }
            Approx.assertAbsolute(dot, p[i], Approx.BLAS * Math.sqrt(ReluKernels.dot(y, y)), "p_" + i);
            if (i > 0) {
                assertThat(values[i]).isLessThanOrEqualTo(values[i - 1]);
            }
        }
    }

    @Test
    void eigenvectorsReconstructTheMatrix() {
        double diff = 0;
        double norm = 0;
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                double s = 0;
                for (int i = 0; i < N; i++) {
                    s += eigen.vectors[i * N + r] * eigen.values[i] * eigen.vectors[i * N + c];
                }
                diff += (s - h[r * N + c]) * (s - h[r * N + c]);
                norm += h[r * N + c] * h[r * N + c];
            }
        }
        Approx.assertAbsolute(0.0, Math.sqrt(diff / norm), Approx.RECONSTRUCTION, "||V Lambda V^T - H||_F / ||H||_F");
    }

    @Test
    void topAndBottomPairsSatisfyTheEigenEquation() {
        double lambdaMax = eigen.max();
        for (int col : new int[] {0, 1, N - 2, N - 1}) {
            double residual = 0;
            for (int r = 0; r < N; r++) {
                double hv = 0;
                for (int c = 0; c < N; c++) {
                    hv += h[r * N + c] * eigen.vectors[col * N + c];
                }
                double e = hv - eigen.values[col] * eigen.vectors[col * N + r];
                residual += e * e;
            }
            Approx.assertAbsolute(
                    0.0, Math.sqrt(residual), Approx.RECONSTRUCTION * lambdaMax, "||H v - lambda v|| of pair " + col);
        }
        assertThat(eigen.min()).isPositive();
    }

    @Test
    void decayKeepsFullAccuracyForTinyStepsAndHugeIterationCounts() {
        // (1 - x)^(2k) = exp(2k log1p(-x)) = exp(-2kx - k x^2 - ...); for x = 1e-12, k = 1e6 the x^2 term is 1e-18.
        Approx.assertRelative(
                Math.exp(-2e-6), LabelSpectrum.decay(1e-12, 2e6), Approx.EXACT_DECIMAL, "(1 - 1e-12)^(2e6)");
        Approx.assertRelative(
                Math.exp(-2e-3), LabelSpectrum.decay(1e-15, 2e12), 10 * Approx.EXACT_DECIMAL, "(1 - 1e-15)^(2e12)");
        assertThat(LabelSpectrum.decay(1.0, 2.0)).isZero();
        Approx.assertRelative(0.25, LabelSpectrum.decay(1.5, 2.0), Approx.EXACT_DECIMAL, "(1 - 1.5)^2");
        Approx.assertRelative(Math.pow(0.3, 8), LabelSpectrum.decay(1.3, 8.0), Approx.BLAS, "(1 - 1.3)^8");
    }

    @Test
    void predictedLossStaysFiniteAndOrderedForMillionsOfSteps() {
        double eta = 1.0 / spectrum.lambdaMax();
        long[] ks = LabelSpectrum.logGrid(1_000_000_000L, 40);
        double[] loss = spectrum.predictedLossCurve(eta, ks);
        for (int j = 1; j < ks.length; j++) {
            assertThat(loss[j]).isFinite().isGreaterThanOrEqualTo(0.0).isLessThanOrEqualTo(loss[j - 1]);
        }
        // The slowest component sets the tail: at k = 1e9 the loss is its share, decayed.
        double lambdaMin = spectrum.lambdaMin();
        double[] p = spectrum.projections();
        double tail = 0.5 * Math.exp(2e9 * Math.log1p(-eta * lambdaMin)) * p[N - 1] * p[N - 1];
        assertThat(spectrum.predictedLoss(eta, 1_000_000_000L)).isGreaterThanOrEqualTo(tail);
    }

    @Test
    void logGridStartsAtZeroAndOneAndEndsAtKMaxWithDistinctSteps() {
        long[] grid = LabelSpectrum.logGrid(1_000_000L, 50);
        assertThat(grid).hasSize(50);
        assertThat(grid[0]).isZero();
        assertThat(grid[1]).isEqualTo(1L);
        assertThat(grid[49]).isEqualTo(1_000_000L);
        for (int j = 1; j < grid.length; j++) {
            assertThat(grid[j]).isGreaterThan(grid[j - 1]);
        }
        assertThat(grid[25]).isBetween(500L, 2000L);
        assertThat(LabelSpectrum.logGrid(10, 4)).containsExactly(0, 1, 3, 10);
        assertThat(LabelSpectrum.logGrid(5, 20)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(LabelSpectrum.logGrid(0, 5)).containsExactly(0);
        assertThat(LabelSpectrum.logGrid(100, 100)).hasSize(100).endsWith(100L);
        assertThatThrownBy(() -> LabelSpectrum.logGrid(100, 2)).hasMessageContaining("points must be >= 3");
    }

    @Test
    void badInputsAreRejectedWithTheExpectedAndActualValues() {
        assertThatThrownBy(() -> LabelSpectrum.of(SymmetricEigen.values(h, N), y))
                .hasMessageContaining("withVectors");
        assertThatThrownBy(() -> LabelSpectrum.of(eigen, new double[N - 1]))
                .hasMessageContaining("expected 60 labels")
                .hasMessageContaining("found 59");
        assertThatThrownBy(() -> LabelSpectrum.of(eigen, new double[N])).hasMessageContaining("all zero");
        assertThatThrownBy(() -> spectrum.predictedLoss(0.0, 1)).hasMessageContaining("eta must be positive");
        assertThatThrownBy(() -> spectrum.predictedLoss(0.1, -1)).hasMessageContaining("k must be >= 0");
        assertThatThrownBy(() -> spectrum.topShare(N + 1)).hasMessageContaining("[0, 60]");
    }
}
