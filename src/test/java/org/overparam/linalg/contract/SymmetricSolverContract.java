package org.overparam.linalg.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.linalg.SymmetricOperator;

/**
 * The contract every iterative symmetric solver here meets, in the style of EJML's decomposition checks: on matrices
 * {@code H = Q diag(lambda) Q^T} with a known spectrum and a seeded random orthogonal Q (n = 60), what the solver
 * computes from H and a vector {@code y = Q c} equals the same quantity formed from lambda and c directly, for the
 * identity, a clustered spectrum, a graded one (condition 10^6), a rank-deficient one (y in the range), and the
 * clustered spectrum scaled by 10^-100 and 10^100. A solver's test supplies what it computes, the reference from
 * (lambda, c), and the relative tolerance, measured against the largest magnitude of the reference values or of the
 * spectrum, as the subclass says.
 */
public abstract class SymmetricSolverContract {
    static final int N = 60;

    /** A matrix of known spectrum and a vector in its range. */
    public record Case(String name, double[] lambda, double[] coordinates, double[] h, double[] y) {
        @Override
        public String toString() {
            return name;
        }

        /** The largest |lambda|. */
        public double scale() {
            double s = 0;
            for (double v : lambda) s = Math.max(s, Math.abs(v));
            return s;
        }
    }

    /** What the solver computes from H (as an operator) and y. */
    protected abstract double[] computed(SymmetricOperator h, Case c);

    /** The same from the spectrum and the coordinates c = Q^T y. */
    protected abstract double[] reference(Case c);

    /** Relative tolerance, against {@link #errorScale}. */
    protected abstract double tolerance();

    /** What an error is measured against: by default the largest |reference value|. */
    protected double errorScale(Case c, double[] reference) {
        double s = 0;
        for (double v : reference) s = Math.max(s, Math.abs(v));
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overparam.linalg.contract.SymmetricSolverContract#cases")
    void agreesWithTheSpectrumItWasBuiltFrom(Case c) {
        double[] expected = reference(c), actual = computed(SymmetricOperator.dense(c.h(), N), c);
        assertThat(actual).as(c.name() + ": count").hasSameSizeAs(expected);
        double scale = errorScale(c, expected);
        assertThat(scale).as(c.name() + ": error scale").isPositive().isFinite();
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i]) / scale)
                    .as("%s, value %d: computed %s, expected %s", c.name(), i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance());
        }
    }

    static Stream<Case> cases() {
        double[] identity = new double[N], clustered = new double[N], graded = new double[N], deficient = new double[N];
        for (int i = 0; i < N; i++) {
            identity[i] = 1;
            // Three tight clusters, as Hinf's bottom and top are: 20 eigenvalues each around 0.5, 2 and 10.
            clustered[i] = (i < 20 ? 0.5 : i < 40 ? 2 : 10) * (1 + 1e-7 * (i % 20));
            graded[i] = Math.pow(10, -6 + 6.0 * i / (N - 1));
            deficient[i] = i < 10 ? 0 : 1 + i;
        }
        List<Case> out = new ArrayList<>();
        out.add(build("identity", identity, 1));
        out.add(build("clustered", clustered, 2));
        out.add(build("graded, condition 1e6", graded, 3));
        out.add(build("rank-deficient (rank 50, y in the range)", deficient, 4));
        out.add(build("clustered x 1e-100", scaled(clustered, 1e-100), 5));
        out.add(build("clustered x 1e100", scaled(clustered, 1e100), 6));
        return out.stream();
    }

    static double[] scaled(double[] v, double s) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) out[i] *= s;
        return out;
    }

    /** {@code H = Q diag(lambda) Q^T}, Q the eigenvectors of a seeded Gaussian symmetric matrix; y = Q c. */
    static Case build(String name, double[] lambda, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] g = new double[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j <= i; j++) g[i * N + j] = g[j * N + i] = rng.nextGaussian();
        }
        double[] q = SymmetricEigen.withVectors(g, N).vectors; // column-major: column k is q_k
        double[] c = new double[N];
        for (int k = 0; k < N; k++) c[k] = lambda[k] == 0 ? 0 : 1 + rng.nextDouble();
        double[] h = new double[N * N], y = new double[N];
        for (int k = 0; k < N; k++) {
            for (int i = 0; i < N; i++) {
                double qik = q[k * N + i];
                y[i] += qik * c[k];
                for (int j = 0; j < N; j++) h[i * N + j] += qik * lambda[k] * q[k * N + j];
            }
        }
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < i; j++) h[i * N + j] = h[j * N + i] = 0.5 * (h[i * N + j] + h[j * N + i]);
        }
        return new Case(name, lambda.clone(), c, h, y);
    }
}
