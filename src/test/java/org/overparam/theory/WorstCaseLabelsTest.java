package org.overparam.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.testing.Approx;

/** Arora et al.'s worst-case labels: the bottom eigenvector, scaled and signed deterministically. */
class WorstCaseLabelsTest {
    static final int N = 40;
    static final int D = 8;

    @Test
    void theLabelsAreTheBottomEigenvectorWithTheRequestedNormAndAPositiveLargestEntry() {
        double[] h = ReluKernels.hinf(ReluKernels.unitVectors(N, D, 21), N, D);
        SymmetricEigen eigen = SymmetricEigen.withVectors(h, N);
        double[] w = WorstCaseLabels.of(eigen, Math.sqrt(N));

        Approx.assertRelative(N, ReluKernels.dot(w, w), Approx.RECONSTRUCTION, "||w||^2");
        int largest = 0;
        for (int i = 1; i < N; i++) {
            if (Math.abs(w[i]) > Math.abs(w[largest])) {
                largest = i;
            }
        }
        assertThat(w[largest]).isPositive();
        for (int r = 0; r < N; r++) {
            double hw = 0;
            for (int c = 0; c < N; c++) {
                hw += h[r * N + c] * w[c];
            }
            Approx.assertAbsolute(eigen.min() * w[r], hw, Approx.RECONSTRUCTION * eigen.max(), "(H w)_" + r);
        }

        // The worst case for Thm 5.1: y^T H^-1 y = ||y||^2 / lambda_min.
        ComplexityMeasure.Result worst = ComplexityMeasure.byCholesky(h, N, w);
        Approx.assertRelative(
                Math.sqrt(2.0 / eigen.min()),
                worst.complexity(),
                Approx.SPECTRAL_FUNCTION,
                "complexity of the worst-case labels");
        ComplexityMeasure.Result random = ComplexityMeasure.byCholesky(h, N, ReluKernels.randomSigns(N, 22));
        assertThat(random.complexity()).isLessThan(worst.complexity());
    }

    @Test
    void theSignDoesNotDependOnLapacksChoice() {
        double[] h = ReluKernels.hinf(ReluKernels.unitVectors(N, D, 23), N, D);
        SymmetricEigen eigen = SymmetricEigen.withVectors(h, N);
        double[] w = WorstCaseLabels.likeLabels(eigen, ReluKernels.randomSigns(N, 24));
        SymmetricEigen flipped = SymmetricEigen.withVectors(h, N);
        for (int r = 0; r < N; r++) {
            flipped.vectors[r] = -flipped.vectors[r];
        }
        assertThat(WorstCaseLabels.likeLabels(flipped, ReluKernels.randomSigns(N, 24)))
                .containsExactly(w);
    }

    @Test
    void badInputsAreRejected() {
        double[] h = ReluKernels.hinf(ReluKernels.unitVectors(4, 3, 25), 4, 3);
        assertThatThrownBy(() -> WorstCaseLabels.of(SymmetricEigen.values(h, 4), 1.0))
                .hasMessageContaining("withVectors");
        assertThatThrownBy(() -> WorstCaseLabels.of(SymmetricEigen.withVectors(h, 4), -1.0))
                .hasMessageContaining("found -1.0");
        assertThatThrownBy(() -> WorstCaseLabels.likeLabels(SymmetricEigen.withVectors(h, 4), new double[3]))
                .hasMessageContaining("expected 4 labels");
    }
}
