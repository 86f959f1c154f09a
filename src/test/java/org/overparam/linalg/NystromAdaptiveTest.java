package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The adaptive-rank Nystrom preconditioner ({@link NystromPreconditioner#adaptive}) on a dense symmetric matrix with a
 * known spectrum {@code lambda_i = i^-2} (a random orthogonal basis): the doubling rule, the passes it makes, and the
 * Nystrom approximation depending only on the span of the test vectors, so that the adapted preconditioner equals a
 * single sketch of its final rank ({@link NystromPreconditioner#build}) to rounding.
 */
class NystromAdaptiveTest {
    static final int N = 300;

    /** H = Q diag(lambda) Q^T, recording the width of every application. */
    static final class Dense implements SymmetricOperator {
        final double[] h;
        final List<Integer> widths = new ArrayList<>();

        Dense(double[] lambda, long seed) {
            int n = lambda.length;
            double[] q = new double[n * n];
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < q.length; i++) q[i] = NystromPreconditioner.gaussian(rng);
            NystromPreconditioner.orthonormalize(q, n, n);
            NystromPreconditioner.orthonormalize(q, n, n);
            h = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += q[i * n + k] * lambda[k] * q[j * n + k];
                    h[i * n + j] = s;
                }
        }

        @Override
        public int n() {
            return N;
        }

        @Override
        public void apply(double[] x, double[] y, int b) {
            widths.add(b);
            for (int i = 0; i < N; i++)
                for (int c = 0; c < b; c++) {
                    double s = 0;
                    for (int k = 0; k < N; k++) s += h[i * N + k] * x[k * b + c];
                    y[i * b + c] = s;
                }
        }
    }

    static double[] spectrum() {
        double[] lambda = new double[N];
        for (int i = 0; i < N; i++) lambda[i] = 1.0 / ((i + 1.0) * (i + 1.0));
        return lambda;
    }

    @Test
    void doublesTheSketchUntilTheSmallestNystromEigenvalueIsWithinTheConditionOfTheFloor() {
        double[] lambda = spectrum();
        double floor = lambda[N - 1];
        Dense h = new Dense(lambda, 5);
        NystromPreconditioner pre = NystromPreconditioner.adaptive(h, 10, 160, floor, 2000, 3);
        // 2000 x floor = 2.2e-2, above lambda_10 = 1e-2: no doubling.
        assertThat(pre.rank()).isEqualTo(10);
        assertThat(h.widths).containsExactly(10);

        Dense h2 = new Dense(lambda, 5);
        NystromPreconditioner adapted = NystromPreconditioner.adaptive(h2, 10, 160, floor, 100, 3);
        int k = adapted.rank();
        double[] l = adapted.eigenvalues();
        assertThat(k)
                .as("lambda_hat_10 is far above 100 x floor: at least one doubling")
                .isGreaterThan(10);
        assertThat(l[l.length - 1]).as("the rule holds at the final rank").isLessThanOrEqualTo(100 * floor);
        double[] half =
                NystromPreconditioner.build(new Dense(lambda, 5), k / 2, 3).eigenvalues();
        assertThat(half[half.length - 1]).as("and failed at half of it").isGreaterThan(100 * floor);
        List<Integer> doubling = new ArrayList<>(List.of(10));
        for (int total = 10; total < k; total *= 2) doubling.add(total);
        assertThat(h2.widths).as("each round applies H to the new columns only").isEqualTo(doubling);

        Dense h3 = new Dense(lambda, 5);
        NystromPreconditioner capped = NystromPreconditioner.adaptive(h3, 10, 15, floor, 100, 3);
        assertThat(capped.rank()).as("stops at the cap").isEqualTo(15);
        assertThat(h3.widths).containsExactly(10, 5);
    }

    @Test
    void theAdaptedPreconditionerIsTheSketchOfItsFinalRankToRounding() {
        double[] lambda = spectrum();
        double floor = lambda[N - 1];
        NystromPreconditioner adapted = NystromPreconditioner.adaptive(new Dense(lambda, 5), 10, 160, floor, 100, 3);
        NystromPreconditioner once = NystromPreconditioner.build(new Dense(lambda, 5), adapted.rank(), 3);
        double[] a = adapted.eigenvalues(), b = once.eigenvalues();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++)
            assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-9 * b[0]));
        // Both applied to the same block agree too: P^-1 depends on U only through U U^T.
        SplittableRandom rng = new SplittableRandom(9);
        double[] r = new double[N * 3], za = new double[N * 3], zb = new double[N * 3];
        for (int i = 0; i < r.length; i++) r[i] = rng.nextDouble(-1, 1);
        adapted.apply(r, za, 3);
        once.apply(r, zb, 3);
        for (int i = 0; i < r.length; i++)
            assertThat(za[i]).isCloseTo(zb[i], org.assertj.core.data.Offset.offset(1e-8));
    }

    @Test
    void aFirstRoundThatMeetsTheRuleIsBuildBitForBit() {
        double[] lambda = spectrum();
        NystromPreconditioner adapted = NystromPreconditioner.adaptive(new Dense(lambda, 5), 30, 160, 1.0, 2, 3);
        NystromPreconditioner once = NystromPreconditioner.build(new Dense(lambda, 5), 30, 3);
        assertThat(adapted.eigenvalues()).isEqualTo(once.eigenvalues());
        assertThat(adapted.factors().u()).isEqualTo(once.factors().u());
    }

    @Test
    void refusesSettingsThatCannotAdapt() {
        Dense h = new Dense(spectrum(), 5);
        assertThatThrownBy(() -> NystromPreconditioner.adaptive(h, 20, 10, 1e-3, 10, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRank = 10");
        assertThatThrownBy(() -> NystromPreconditioner.adaptive(h, 20, 40, 0, 10, 3))
                .hasMessageContaining("floor = 0.0");
        assertThatThrownBy(() -> NystromPreconditioner.adaptive(h, 20, 40, 1e-3, 1, 3))
                .hasMessageContaining("condition = 1.0");
    }
}
