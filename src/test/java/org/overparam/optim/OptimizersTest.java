package org.overparam.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.overparam.model.LossEvaluation;
import org.overparam.testing.Approx;

/** Perturbed GD leaves a strict saddle that GD does not; stopping rules against closed forms; Adam's first step. */
class OptimizersTest {
    record Eval(double loss, double[] gradient) implements LossEvaluation {}

    /** f(x) = x1^2/2 - x2^2/2 + x2^4/4: a strict saddle at 0 (Hessian diag(1, -1)), minima (0, +-1) with f = -1/4. */
    static Eval saddle(double[] x, int k) {
        double a = x[0], b = x[1];
        return new Eval(a * a / 2 - b * b / 2 + b * b * b * b / 4, new double[] {a, -b + b * b * b});
    }

    /** Jin et al.'s constants for the saddle near the region |x2| <= 1.2: l = 3.4 >= |3 x2^2 - 1|, rho = 7.2 >= 6 |x2|. */
    static PerturbedGradientDescent pgd(long seed) {
        return new PerturbedGradientDescent(2, 3.4, 7.2, 1e-3, 0.5, 0.1, 1.0, seed);
    }

    @Test
    void perturbedGradientDescentEscapesAStrictSaddleThatGradientDescentDoesNotLeave() throws Exception {
        PerturbedGradientDescent p = pgd(1);
        double[] w = {0.0, 0.0};
        Minimizer.Outcome<Eval> out =
                p.minimize(w, OptimizersTest::saddle, StoppingRule.iterations(1_000_000), (k, x, e, s) -> {});
        assertEquals(
                PerturbedGradientDescent.RETURNED,
                out.reason(),
                "ends by Algorithm 1's return, at a second-order point");
        assertThat(Math.abs(w[1])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(out.last().loss()).isLessThan(-0.25 + 1e-6);
        assertThat(p.perturbations)
                .isGreaterThanOrEqualTo(2); // once at the saddle, once at the minimum before returning

        double[] v = {0.0, 0.0};
        GradientDescent gd = new GradientDescent(p.eta, Double.NaN);
        Minimizer.Outcome<Eval> plain =
                gd.minimize(v, OptimizersTest::saddle, StoppingRule.iterations(out.iterations()), (k, x, e, s) -> {});
        assertEquals(out.iterations(), plain.iterations());
        assertThat(v).containsExactly(0.0, 0.0);
        assertEquals(0.0, plain.last().loss(), 0.0);
    }

    @Test
    void jinParameterFormulas() {
        PerturbedGradientDescent p = pgd(1);
        double chi = 3 * Math.max(Math.log(2 * 3.4 * 1.0 / (0.5 * 1e-6 * 0.1)), 4);
        Approx.assertRelative(chi, p.chi, Approx.BLAS, "chi");
        Approx.assertRelative(0.5 / 3.4, p.eta, Approx.BLAS, "eta = c / l");
        Approx.assertRelative(Math.sqrt(0.5) * 1e-3 / (chi * chi * 3.4), p.radius, Approx.BLAS, "r");
        Approx.assertRelative(Math.sqrt(0.5) * 1e-3 / (chi * chi), p.gThres, Approx.BLAS, "g_thres");
        Approx.assertRelative(0.5 / (chi * chi * chi) * Math.sqrt(1e-9 / 7.2), p.fThres, Approx.BLAS, "f_thres");
        assertEquals((int) Math.ceil(chi * 3.4 / (0.25 * Math.sqrt(7.2e-3))), p.tThres, "t_thres");
    }

    /** f(x) = 1/2 sum_i lambda_i x_i^2: GD gives x_i(k) = (1 - eta lambda_i)^k x_i(0). */
    static final double[] LAMBDA = {1.0, 0.1, 0.01};

    static Eval quadratic(double[] x, int k) {
        double f = 0;
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            f += 0.5 * LAMBDA[i] * x[i] * x[i];
            g[i] = LAMBDA[i] * x[i];
        }
        return new Eval(f, g);
    }

    static double closedFormGradientNorm(int k, double eta) {
        double s = 0;
        for (double l : LAMBDA) s += Math.pow(l * Math.pow(1 - eta * l, k), 2);
        return Math.sqrt(s);
    }

    @Test
    void gradientDescentStopsAtTheFirstIterationTheClosedFormPredicts() throws Exception {
        double eta = 0.5, tol = 1e-3, target = 1e-4;
        int expectGrad = 0;
        while (closedFormGradientNorm(expectGrad, eta) > tol) expectGrad++;
        Minimizer.Outcome<Eval> g = new GradientDescent(eta, Double.NaN)
                .minimize(
                        new double[] {1, 1, 1},
                        OptimizersTest::quadratic,
                        new StoppingRule(100_000, Double.NEGATIVE_INFINITY, tol),
                        (k, x, e, s) -> {});
        assertEquals("gradient norm", g.reason());
        assertEquals(expectGrad, g.iterations());

        int expectLoss = 0;
        while (true) {
            double f = 0;
            for (double l : LAMBDA) f += 0.5 * l * Math.pow(1 - eta * l, 2 * expectLoss);
            if (f <= target) break;
            expectLoss++;
        }
        Minimizer.Outcome<Eval> t = new GradientDescent(eta, Double.NaN)
                .minimize(
                        new double[] {1, 1, 1},
                        OptimizersTest::quadratic,
                        new StoppingRule(100_000, target, 0),
                        (k, x, e, s) -> {});
        assertEquals("target loss", t.reason());
        assertEquals(expectLoss, t.iterations());

        Minimizer.Outcome<Eval> n = new GradientDescent(eta, Double.NaN)
                .minimize(
                        new double[] {1, 1, 1},
                        OptimizersTest::quadratic,
                        StoppingRule.iterations(7),
                        (k, x, e, s) -> {});
        assertEquals("iterations", n.reason());
        assertEquals(7, n.iterations());
    }

    @Test
    void adamsFirstStepIsTheLearningRateTimesTheSignAndItConverges() throws Exception {
        Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8, 0.3, 50);
        double[] w = {1, -2, 3};
        adam.minimize(w, OptimizersTest::quadratic, StoppingRule.iterations(1), (k, x, e, s) -> {});
        // bias-corrected moments after one step are g and g^2: the step is lr g / (|g| + eps)
        double[] g = quadratic(new double[] {1, -2, 3}, 0).gradient();
        double[] start = {1, -2, 3};
        for (int i = 0; i < 3; i++) {
            Approx.assertRelative(
                    start[i] - 0.01 * g[i] / (Math.abs(g[i]) + 1e-8), w[i], Approx.BLAS, "w[" + i + "] after one step");
        }
        Approx.assertRelative(0.01 * 0.3 * 0.3, adam.learningRate(100), Approx.BLAS, "two decays by iteration 100");
        Approx.assertRelative(0.01 * 0.3, adam.learningRate(99), Approx.BLAS, "one decay by iteration 99");

        Adam steady = new Adam(0.05, 0.9, 0.999, 1e-8, 1.0, 0);
        Minimizer.Outcome<Eval> out = steady.minimize(
                new double[] {1, -2, 3},
                OptimizersTest::quadratic,
                new StoppingRule(20_000, 1e-8, 0),
                (k, x, e, s) -> {});
        assertEquals("target loss", out.reason());
    }

    @Test
    void aNonFiniteLossIsDivergence() {
        org.junit.jupiter.api.Assertions.assertThrows(
                DivergenceException.class,
                () -> new GradientDescent(3.0, Double.NaN)
                        .minimize(
                                new double[] {1, 1, 1},
                                OptimizersTest::quadratic,
                                StoppingRule.iterations(10_000),
                                (k, x, e, s) -> {}));
    }
}
