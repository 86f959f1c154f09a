package org.overparam.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.testing.Approx;

/** The complexity measure of Arora et al. (2019, Thm 5.1) by Cholesky against the eigendecomposition, and singular H. */
class ComplexityMeasureTest {
    static final int N = 60;
    static final int D = 10;

    @Test
    void choleskyAndEigendecompositionAgree() {
        double[] h = ReluKernels.hinf(ReluKernels.unitVectors(N, D, 31), N, D);
        double[] y = ReluKernels.randomSigns(N, 32);
        double[] hCopy = h.clone();
        double[] yCopy = y.clone();

        ComplexityMeasure.Result chol = ComplexityMeasure.byCholesky(h, N, y);
        ComplexityMeasure.Result eig =
                ComplexityMeasure.bySpectrum(LabelSpectrum.of(SymmetricEigen.withVectors(h, N), y));

        assertThat(h).containsExactly(hCopy);
        assertThat(y).containsExactly(yCopy);
        assertThat(chol.singular()).isFalse();
        assertThat(eig.singular()).isFalse();
        assertThat(chol.method()).isEqualTo(ComplexityMeasure.Method.CHOLESKY);
        assertThat(eig.method()).isEqualTo(ComplexityMeasure.Method.EIGEN);
        Approx.assertRelative(eig.complexity(), chol.complexity(), Approx.SPECTRAL_FUNCTION, "sqrt(2 y^T H^-1 y / n)");
        Approx.assertRelative(
                eig.weightDistanceBound(), chol.weightDistanceBound(), Approx.SPECTRAL_FUNCTION, "sqrt(y^T H^-1 y)");
        Approx.assertRelative(
                chol.weightDistanceBound() * Math.sqrt(2.0 / N),
                chol.complexity(),
                Approx.EXACT_DECIMAL,
                "complexity = sqrt(2 / n) * weight bound");
        assertThat(eig.condition()).isEqualTo(eig.lambdaMax() / eig.lambdaMin());
        assertThat(eig.eigenvaluesKnown()).isTrue();
        assertThat(chol.condition()).isFinite().isGreaterThan(1.0);
        assertThat(eig.message()).contains("lambda_min", "complexity");
    }

    @Test
    void theQuadraticFormSolvesTheSystem() {
        double[] h = ReluKernels.hinf(ReluKernels.unitVectors(N, D, 33), N, D);
        double[] y = ReluKernels.gaussianLabels(N, 34);
        // y = H z for a known z: then y^T H^-1 y = y . z.
        double[] z = ReluKernels.gaussianLabels(N, 35);
        for (int r = 0; r < N; r++) {
            double s = 0;
            for (int c = 0; c < N; c++) {
                s += h[r * N + c] * z[c];
            }
            y[r] = s;
        }
        ComplexityMeasure.Result chol = ComplexityMeasure.byCholesky(h, N, y);
        Approx.assertRelative(ReluKernels.dot(y, z), chol.quadraticForm(), Approx.SPECTRAL_FUNCTION, "y^T H^-1 y");
    }

    @Test
    void twoIdenticalInputsMakeHinfSingularAndTheMeasureUndefined() {
        double[] x = ReluKernels.unitVectors(N, D, 36);
        System.arraycopy(x, 0, x, 7 * D, D);
        double[] h = ReluKernels.hinf(x, N, D);
        double[] y = ReluKernels.randomSigns(N, 37);

        ComplexityMeasure.Result chol = ComplexityMeasure.byCholesky(h, N, y);
        ComplexityMeasure.Result eig =
                ComplexityMeasure.bySpectrum(LabelSpectrum.of(SymmetricEigen.withVectors(h, N), y));
        for (ComplexityMeasure.Result r : new ComplexityMeasure.Result[] {chol, eig}) {
            assertThat(r.singular()).as(r.method() + " singular").isTrue();
            assertThat(r.complexity()).as(r.method() + " complexity").isNaN();
            assertThat(r.weightDistanceBound()).isNaN();
            assertThat(r.quadraticForm()).isNaN();
            assertThat(r.eigenvaluesKnown()).isTrue();
            assertThat(r.lambdaMin()).isLessThanOrEqualTo(N * ComplexityMeasure.EPS * r.lambdaMax());
            assertThat(r.condition()).isGreaterThan(1.0 / (N * ComplexityMeasure.EPS));
            assertThat(r.message()).contains("singular", "lambda_min = ", "condition number", "Thm 3.1");
        }
    }

    @Test
    void anAntiparallelPairAloneLeavesHinfRegular() {
        // Hinf of {x, -x} is diag(1/2, 1/2): value(1) = 1/2, value(-1) = 0. With y = (1, 1): y^T H^-1 y = 4.
        double[] x = {0.6, 0.8, -0.6, -0.8};
        double[] h = ReluKernels.hinf(x, 2, 2);
        ComplexityMeasure.Result r = ComplexityMeasure.byCholesky(h, 2, new double[] {1, 1});
        assertThat(r.singular()).isFalse();
        Approx.assertRelative(4.0, r.quadraticForm(), Approx.EXACT_DECIMAL, "y^T H^-1 y");
        Approx.assertRelative(2.0, r.complexity(), Approx.EXACT_DECIMAL, "sqrt(2 * 4 / 2)");
    }

    @Test
    void theSingularityCriterionIsNEpsLambdaMax() {
        assertThat(ComplexityMeasure.singular(100, 0.0, 1.0)).isTrue();
        assertThat(ComplexityMeasure.singular(100, -1e-17, 1.0)).isTrue();
        assertThat(ComplexityMeasure.singular(100, 100 * ComplexityMeasure.EPS, 1.0))
                .isTrue();
        assertThat(ComplexityMeasure.singular(100, 101 * ComplexityMeasure.EPS, 1.0))
                .isFalse();
        assertThat(ComplexityMeasure.EPS).isEqualTo(2.220446049250313e-16);
    }

    @Test
    void aNearlySingularButPositiveDefiniteMatrixIsDecidedByItsEigenvalues() {
        // diag(1, ..., 1, delta) with delta just above and just below n eps: Cholesky succeeds, the dpocon screen
        // (rcond <= 10 n^2 eps) fires, and the eigenvalues decide.
        int n = 5;
        double[] y = {1, 0, 0, 0, 1};
        for (double delta : new double[] {2 * n * ComplexityMeasure.EPS, 0.5 * n * ComplexityMeasure.EPS}) {
            ComplexityMeasure.Result r = ComplexityMeasure.byCholesky(diagonal(n, delta), n, y);
            assertThat(r.eigenvaluesKnown())
                    .as("eigenvalues computed for delta = " + delta)
                    .isTrue();
            Approx.assertRelative(delta, r.lambdaMin(), Approx.EXACT_DECIMAL, "lambda_min");
            assertThat(r.singular()).isEqualTo(delta < n * ComplexityMeasure.EPS);
            if (!r.singular()) {
                Approx.assertRelative(1.0 + 1.0 / delta, r.quadraticForm(), Approx.SPECTRAL_FUNCTION, "y^T H^-1 y");
            }
        }
        // Well conditioned: no eigenvalues, the condition number is dpocon's 1-norm estimate (exact for a diagonal).
        ComplexityMeasure.Result r = ComplexityMeasure.byCholesky(diagonal(n, 1e-6), n, y);
        assertThat(r.eigenvaluesKnown()).isFalse();
        assertThat(r.lambdaMin()).isNaN();
        Approx.assertRelative(1e6, r.condition(), Approx.BLAS, "kappa_1 of diag(1, 1, 1, 1, 1e-6)");
        Approx.assertRelative(1.0 + 1e6, r.quadraticForm(), Approx.SPECTRAL_FUNCTION, "y^T H^-1 y");
        assertThat(r.message()).contains("estimated 1-norm condition number");
    }

    static double[] diagonal(int n, double last) {
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            h[i * n + i] = i == n - 1 ? last : 1.0;
        }
        return h;
    }

    @Test
    void badInputsAreRejected() {
        assertThatThrownBy(() -> ComplexityMeasure.byCholesky(new double[3], 2, new double[2]))
                .hasMessageContaining("n x n")
                .hasMessageContaining("3 entries");
        assertThatThrownBy(() -> ComplexityMeasure.byCholesky(new double[4], 2, new double[3]))
                .hasMessageContaining("expected 2 labels")
                .hasMessageContaining("found 3");
        assertThatThrownBy(() -> ComplexityMeasure.byCholesky(new double[] {1, 0, 0, Double.NaN}, 2, new double[2]))
                .hasMessageContaining("non-finite");
    }
}
