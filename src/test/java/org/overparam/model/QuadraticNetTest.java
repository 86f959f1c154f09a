package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.testing.Approx;

/** Objective by its definition, gradients against central finite differences, both aggregation paths, the feature map. */
class QuadraticNetTest {
    static final int N = 41, D = 9;

    static double[] gaussian(int len, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[len];
        for (int i = 0; i < len; i++) v[i] = rng.nextGaussian();
        return v;
    }

    static double[] signs(int n, long seed) {
        double[] y = gaussian(n, seed);
        for (int i = 0; i < n; i++) y[i] = y[i] >= 0 ? 1 : -1;
        return y;
    }

    static QuadraticNet net(String kind, int k) {
        return switch (kind) {
            case "squared" -> QuadraticNet.duLee(k, D, Loss.SQUARED, 0.3, null);
            case "logistic" -> QuadraticNet.duLee(k, D, Loss.LOGISTIC, 0.1, null);
            case "perturbed" -> QuadraticNet.duLee(k, D, Loss.SQUARED, 0.2, QuadraticNet.randomPsd(D, 0.5, 3));
            case "signed" -> SignedQuadraticNet.create(k, D, 0.05);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The objective one sample and one unit at a time, straight from the definition. */
    static double definition(QuadraticNet net, double[] x, double[] y, double[] w) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double f = 0;
            for (int j = 0; j < net.k; j++) {
                double dot = 0;
                for (int t = 0; t < D; t++) dot += w[j * D + t] * x[i * D + t];
                f += net.a[j] * dot * dot;
            }
            sum += net.loss == Loss.SQUARED ? 0.5 * (f - y[i]) * (f - y[i]) : Math.log(1 + Math.exp(-y[i] * f));
        }
        double reg = 0;
        for (double v : w) reg += v * v;
        double c = 0;
        if (net.c != null) {
            for (int j = 0; j < net.k; j++) {
                for (int s = 0; s < D; s++)
                    for (int t = 0; t < D; t++) c += net.a[j] * w[j * D + s] * net.c[s * D + t] * w[j * D + t];
            }
        }
        return net.scale * sum / y.length + 0.5 * net.decay * reg + c;
    }

    @ParameterizedTest(name = "{0}, k = {1}, {2}")
    @CsvSource({
        "squared, 4, FORM",
        "squared, 4, UNITS",
        "logistic, 12, FORM",
        "logistic, 12, UNITS",
        "perturbed, 3, FORM",
        "perturbed, 3, UNITS",
        "signed, 6, FORM",
        "signed, 6, UNITS",
        "signed, 20, FORM"
    })
    void objectiveMatchesTheDefinitionAndGradientMatchesFiniteDifferences(String kind, int k, QuadraticNet.Path path) {
        QuadraticNet net = net(kind, k);
        double[] x = gaussian(N * D, 1), y = kind.equals("logistic") ? signs(N, 2) : gaussian(N, 2);
        for (int i = 0; i < x.length; i++) x[i] *= 0.4;
        double[] w = net.initialWeights(0.5, 7);
        QuadraticEvaluation e = net.evaluate(x, N, y, w, path);
        Approx.assertRelative(definition(net, x, y, w), e.loss(), Approx.BLAS, "objective");
        double h = 1e-6;
        for (int t = 0; t < w.length; t++) {
            double[] wp = w.clone(), wm = w.clone();
            wp[t] += h;
            wm[t] -= h;
            double fd = (definition(net, x, y, wp) - definition(net, x, y, wm)) / (2 * h);
            Approx.assertAbsolute(
                    fd, e.gradient()[t], Approx.FINITE_DIFFERENCE * Math.max(1, e.gradientNorm()), "dL/dw[" + t + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"squared", "logistic", "perturbed", "signed"})
    void bothPathsGiveTheSameObjectiveAndGradient(String kind) {
        QuadraticNet net = net(kind, 8);
        double[] x = gaussian(5000 * D, 11), y = gaussian(5000, 12);
        double[] w = net.initialWeights(0.3, 13);
        QuadraticEvaluation form = net.evaluate(x, 5000, y, w, QuadraticNet.Path.FORM);
        QuadraticEvaluation units = net.evaluate(x, 5000, y, w, QuadraticNet.Path.UNITS);
        Approx.assertRelative(units.loss(), form.loss(), Approx.SUMMATION, "objective");
        for (int t = 0; t < w.length; t++) {
            Approx.assertAbsolute(
                    units.gradient()[t], form.gradient()[t], Approx.SUMMATION * units.gradientNorm(), "gradient " + t);
        }
        assertThat(form.formGradient() == null).isEqualTo(kind.equals("signed"));
    }

    @Test
    void chunkingDoesNotChangeTheSums() {
        QuadraticNet net = QuadraticNet.duLee(3, 2000, Loss.SQUARED, 0.0, null);
        int n = 2100; // more than one chunk of 2^22 / 2000 = 2097 rows
        double[] x = gaussian(n * 2000, 21), y = gaussian(n, 22), w = net.initialWeights(0.02, 23);
        QuadraticEvaluation whole = net.evaluate(x, n, y, w, QuadraticNet.Path.FORM);
        assertThat(net.chunkRows(QuadraticNet.Path.FORM)).isLessThan(n);
        Approx.assertRelative(definition2000(net, x, y, w, n), whole.loss(), Approx.BLAS, "objective over two chunks");
    }

    private static double definition2000(QuadraticNet net, double[] x, double[] y, double[] w, int n) {
        double[] f = net.predict(x, n, w);
        double s = 0;
        for (int i = 0; i < n; i++) s += 0.5 * (f[i] - y[i]) * (f[i] - y[i]);
        return s / n;
    }

    @Test
    void randomPsdIsSymmetricPsdWithTheRequestedNorm() {
        double[] c = QuadraticNet.randomPsd(7, 0.25, 5);
        double f = 0;
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 7; j++) {
                Approx.assertAbsolute(c[i * 7 + j], c[j * 7 + i], Approx.BLAS, "symmetry");
                f += c[i * 7 + j] * c[i * 7 + j];
            }
        Approx.assertRelative(0.25, Math.sqrt(f), Approx.BLAS, "||C||_F");
        assertThat(org.overparam.linalg.SymmetricEigen.values(c, 7).min()).isGreaterThan(-Approx.BLAS);
    }

    @Test
    void signedNetHasHalfPositiveHalfNegativeSigns() {
        QuadraticNet net = SignedQuadraticNet.create(6, 3, 0.0);
        assertThat(net.a).containsExactly(1, 1, 1, -1, -1, -1);
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> SignedQuadraticNet.create(5, 3, 0));
    }

    @Test
    void randomFeaturesArePowersOfSeededProjections() {
        RandomFeatureMap map = new RandomFeatureMap(5, D, 0.15, 2, 9);
        double[] x = gaussian(3 * D, 31);
        double[] z = map.apply(x, 3);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                double dot = 0;
                for (int t = 0; t < D; t++) dot += map.r[j * D + t] * x[i * D + t];
                Approx.assertRelative(dot * dot, z[i * 5 + j], Approx.BLAS, "z");
            }
        }
        double s2 = 0;
        RandomFeatureMap big = new RandomFeatureMap(200, 50, 0.15, 1, 9);
        for (double v : big.r) s2 += v * v;
        Approx.assertRelative(0.15 * 0.15, s2 / big.r.length, 0.05, "empirical variance of R (10^4 draws)");
        assertThat(new RandomFeatureMap(5, D, 0.15, 2, 9).r).containsExactly(map.r);
    }
}
