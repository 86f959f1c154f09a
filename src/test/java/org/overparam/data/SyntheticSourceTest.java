package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.overparam.testing.Approx;
import org.overparam.testing.Settings;

/**
 * Each generator's defining property, checked against closed-form moments with bounds of several standard errors
 * (the seeds are fixed, so these are deterministic, but the bounds are the ones any seed passes with overwhelming
 * probability).
 */
class SyntheticSourceTest {
    static final int N = 4000;

    static Loaded load(String source, int d, long seed, String... more) {
        String[] base = {"data.source=" + source, "data.n=" + N, "data.d=" + d, "data.seed=" + seed};
        return Loaded.of(Settings.data(ReaderReferenceTest.concat(base, more)));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    static double var(double[] v) {
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / (v.length - 1);
    }

    static void assertWithin(double expected, double actual, double standardErrors, double se, String what) {
        assertThat(Math.abs(actual - expected))
                .as(what + ": " + actual + " vs " + expected)
                .isLessThanOrEqualTo(standardErrors * se);
    }

    @Test
    void sphereIsUniformOnTheUnitSphereWithStandardNormalLabels() {
        int d = 50;
        Loaded l = load("sphere", d, 1);
        for (int i = 0; i < l.n; i++) Approx.assertAbsolute(1.0, rowNorm(l, i), 1e-12, "norm of row " + i);
        // Uniform on the sphere: E x_j = 0, E x_j^2 = 1/d for every coordinate.
        double[] coord0 = column(l, 0), coordLast = column(l, d - 1);
        assertWithin(0, mean(coord0), 5, Math.sqrt(1.0 / d / N), "E x_0");
        assertWithin(1.0 / d, mean(square(coordLast)), 5, Math.sqrt(2.0 / d / d / N), "E x_d^2");
        assertWithin(0, mean(l.y), 5, Math.sqrt(1.0 / N), "E y");
        assertWithin(1, var(l.y), 5, Math.sqrt(2.0 / N), "Var y");
    }

    @Test
    void hypercubeRowsHaveUnitNormAndUniformLabels() {
        Loaded raw = load("hypercube", 30, 2, "data.normalize=false");
        for (int i = 0; i < raw.n; i++) Approx.assertAbsolute(1.0, rowNorm(raw, i), 1e-12, "norm of row " + i);
        for (double y : raw.y) assertThat(y).isBetween(-1.0, 1.0);
        assertWithin(0, mean(raw.y), 5, Math.sqrt(1.0 / 3 / N), "E y");
        assertWithin(1.0 / 3, var(raw.y), 5, Math.sqrt(4.0 / 45 / N), "Var y of U[-1,1]");
    }

    @Test
    void gaussianInputsWithAPlantedQuadraticTeacher() {
        int k0 = 3;
        Loaded l = load("gaussian", 40, 3, "data.normalize=false", "data.gaussian.teacher-width=" + k0);
        double[] all = l.x;
        assertWithin(0, mean(all), 5, Math.sqrt(1.0 / all.length), "E x");
        assertWithin(1, mean(square(all)), 5, Math.sqrt(2.0 / all.length), "E x^2");
        for (double y : l.y) assertThat(y).isGreaterThanOrEqualTo(0.0);
        // y = sum_j (w_j . x)^2 with w_j ~ N(0, I/d): E y = E ||W||_F^2 = k0.
        assertWithin(k0, mean(l.y), 6, Math.sqrt(2.0 * k0 / N) + Math.sqrt(2.0 * k0 / 40), "E y");
    }

    @Test
    void sameSeedSameData_otherSeedOtherData() {
        Loaded a = load("sphere", 10, 11), b = load("sphere", 10, 11), c = load("sphere", 10, 12);
        assertArrayEquals(a.x, b.x);
        assertArrayEquals(a.y, b.y);
        assertThat(c.x[0]).isNotEqualTo(a.x[0]);
        Loaded train = load("sphere", 10, 11), test = load("sphere", 10, 11, "data.split=test");
        assertThat(test.x[0]).as("train and test draws are independent").isNotEqualTo(train.x[0]);
    }

    @Test
    void aPrefixOfTheDataIsTheSmallerDataSet() {
        Loaded big = load("hypercube", 8, 5);
        Loaded small = Loaded.of(Settings.data("data.source=hypercube", "data.n=100", "data.d=8", "data.seed=5"));
        assertArrayEquals(java.util.Arrays.copyOf(big.x, 800), small.x);
    }

    static double rowNorm(Loaded l, int i) {
        double s = 0;
        for (int j = 0; j < l.d; j++) s += l.x[i * l.d + j] * l.x[i * l.d + j];
        return Math.sqrt(s);
    }

    static double[] column(Loaded l, int j) {
        double[] c = new double[l.n];
        for (int i = 0; i < l.n; i++) c[i] = l.x[i * l.d + j];
        return c;
    }

    static double[] square(double[] v) {
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) s[i] = v[i] * v[i];
        return s;
    }
}
