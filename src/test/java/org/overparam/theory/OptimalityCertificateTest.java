package org.overparam.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.Loss;
import org.overparam.model.QuadraticEvaluation;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticSums;
import org.overparam.optim.GradientDescent;
import org.overparam.optim.Minimizer;
import org.overparam.optim.StoppingRule;
import org.overparam.testing.Approx;

/** Du &amp; Lee's certificate holds at optima and fails at a saddle of the same problem; the convex reference's KKT. */
class OptimalityCertificateTest {
    static final int D = 6, N = 60;
    /** How close to PSD a numerically optimal point's Q gets (GD stopped at gradient norm 1e-10). */
    static final double CERTIFICATE_TOL = 1e-8;

    final double[] x = new double[N * D], y = new double[N], teacher = new double[2 * D];

    OptimalityCertificateTest() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian() / Math.sqrt(D);
        for (int i = 0; i < teacher.length; i++) teacher[i] = rng.nextGaussian();
        QuadraticNet t = QuadraticNet.duLee(2, D, Loss.SQUARED, 0, null);
        double[] f = t.predict(x, N, teacher);
        System.arraycopy(f, 0, y, 0, N);
    }

    QuadraticEvaluation eval(QuadraticNet net, double[] w) {
        return net.evaluate(x, N, y, w, QuadraticNet.Path.FORM);
    }

    @Test
    void holdsAtThePlantedTeacherAndFailsAtTheSaddleWEqualsZero() {
        QuadraticNet net = QuadraticNet.duLee(2, D, Loss.SQUARED, 0, null);
        QuadraticEvaluation atTeacher = eval(net, teacher);
        assertEquals(0.0, atTeacher.loss(), 1e-25, "zero loss: a global minimum");
        OptimalityCertificate good =
                OptimalityCertificate.of(atTeacher.formGradient(), teacher, 2, D, N, CERTIFICATE_TOL, false);
        assertThat(good.holds()).isTrue();
        assertEquals(2, good.rank());

        double[] zero = new double[2 * D];
        QuadraticEvaluation atZero = eval(net, zero);
        assertThat(Minimizer.norm(atZero.gradient())).isZero(); // stationary
        OptimalityCertificate bad =
                OptimalityCertificate.of(atZero.formGradient(), zero, 2, D, N, CERTIFICATE_TOL, false);
        assertThat(bad.holds()).isFalse();
        assertEquals(0, bad.rank());
        assertThat(bad.conclusion()).startsWith("not a global minimum");
        // Q(0) = (1/n) sum_i (0 - y_i) x_i x_i^T, by a plain loop
        double[] q = new double[D * D];
        for (int i = 0; i < N; i++)
            for (int a = 0; a < D; a++)
                for (int b = 0; b < D; b++) q[a * D + b] -= y[i] * x[i * D + a] * x[i * D + b] / N;
        Approx.assertRelative(
                SymmetricEigen.values(q, D).min(), bad.lambdaMin(), Approx.EIGENVALUE, "lambda_min(Q(0))");
        assertThat(bad.regime()).isEqualTo("neither k >= d nor k(k+1)/2 > n");
    }

    @Test
    void gradientDescentOnAWideNetReachesTheConvexOptimumAndIsCertified() throws Exception {
        double lambda = 0.01;
        QuadraticNet net = QuadraticNet.duLee(D, D, Loss.SQUARED, lambda, null);
        ConvexReference.Result convex = ConvexReference.solve(
                m -> {
                    QuadraticSums s = net.newSums(QuadraticNet.Path.FORM);
                    net.accumulate(x, N, y, m, net.workspace(QuadraticNet.Path.FORM), s);
                    return net.convexObjective(m, s);
                },
                D,
                new double[D * D],
                1.0,
                100_000,
                1e-11);
        assertThat(convex.converged()).isTrue();
        // KKT of min_{M PSD} F: grad F PSD and complementary to M
        QuadraticSums s = net.newSums(QuadraticNet.Path.FORM);
        net.accumulate(x, N, y, convex.m(), net.workspace(QuadraticNet.Path.FORM), s);
        double[] fg = net.convexObjective(convex.m(), s);
        double[] grad = java.util.Arrays.copyOfRange(fg, 1, fg.length);
        assertThat(SymmetricEigen.values(grad, D).min()).isGreaterThan(-1e-9);
        double comp = 0;
        for (int i = 0; i < grad.length; i++) comp += grad[i] * convex.m()[i];
        assertEquals(0.0, comp, 1e-9, "<grad F, M> = 0");

        double[] w = net.initialWeights(0.3, 5);
        Minimizer.Outcome<QuadraticEvaluation> out = new GradientDescent(0.1, Double.NaN)
                .minimize(
                        w,
                        (wk, it) -> eval(net, wk),
                        new StoppingRule(2_000_000, Double.NEGATIVE_INFINITY, 1e-10),
                        (k, wk, e, sec) -> {});
        assertEquals("gradient norm", out.reason());
        Approx.assertRelative(
                convex.objective(), out.last().loss(), 1e-9, "trained objective = convex optimum (Thm 3.1, k >= d)");
        OptimalityCertificate c =
                OptimalityCertificate.of(out.last().formGradient(), w, D, D, N, CERTIFICATE_TOL, false);
        assertThat(c.holds()).isTrue();
        assertThat(c.regime()).isEqualTo("k >= d (Thm 3.1)");
        // the same problem's saddle W = 0 fails
        QuadraticEvaluation atZero = eval(net, new double[D * D]);
        assertThat(OptimalityCertificate.of(atZero.formGradient(), new double[D * D], D, D, N, CERTIFICATE_TOL, false)
                        .holds())
                .isFalse();
    }

    @Test
    void perturbedGradientDescentLeavesTheSaddleWEqualsZeroAndEndsCertified() throws Exception {
        double lambda = 0.01;
        QuadraticNet net = QuadraticNet.duLee(D, D, Loss.SQUARED, lambda, null);
        double[] zero = new double[D * D];
        QuadraticEvaluation atZero = eval(net, zero);
        assertThat(OptimalityCertificate.of(atZero.formGradient(), zero, D, D, N, CERTIFICATE_TOL, false)
                        .holds())
                .isFalse();

        double[] w = zero.clone();
        new GradientDescent(0.05, Double.NaN)
                .minimize(w, (wk, it) -> eval(net, wk), StoppingRule.iterations(10_000), (k, wk, e, sec) -> {});
        assertThat(w).containsOnly(0.0); // the gradient at the saddle is exactly zero: plain GD never leaves

        org.overparam.optim.PerturbedGradientDescent pgd =
                new org.overparam.optim.PerturbedGradientDescent(D * D, 10, 10, 1e-4, 0.5, 0.1, atZero.loss(), 7);
        Minimizer.Outcome<QuadraticEvaluation> out =
                pgd.minimize(w, (wk, it) -> eval(net, wk), StoppingRule.iterations(5_000_000), (k, wk, e, sec) -> {});
        assertEquals(org.overparam.optim.PerturbedGradientDescent.RETURNED, out.reason());
        ConvexReference.Result convex = ConvexReference.solve(
                m -> {
                    QuadraticSums s = net.newSums(QuadraticNet.Path.FORM);
                    net.accumulate(x, N, y, m, net.workspace(QuadraticNet.Path.FORM), s);
                    return net.convexObjective(m, s);
                },
                D,
                new double[D * D],
                1.0,
                100_000,
                1e-11);
        Approx.assertRelative(convex.objective(), out.last().loss(), 1e-6, "PGD's objective = the convex optimum");
        assertThat(OptimalityCertificate.of(out.last().formGradient(), w, D, D, N, 1e-6, false)
                        .holds())
                .isTrue();
    }

    @Test
    void projectionOntoThePsdConeClampsEigenvaluesAndFactorReproducesM() {
        double[] a = {2, 1, 0, 1, -3, 0.5, 0, 0.5, 1};
        double[] p = ConvexReference.project(a, 3);
        SymmetricEigen ea = SymmetricEigen.values(a, 3), ep = SymmetricEigen.values(p, 3);
        for (int i = 0; i < 3; i++)
            Approx.assertAbsolute(
                    Math.max(ea.values[i], 0), ep.values[i], Approx.RECONSTRUCTION, "clamped eigenvalue " + i);
        double[] w = ConvexReference.factor(p, 3, 3);
        double[] m = new QuadraticNet(3, 3, new double[] {1, 1, 1}, Loss.SQUARED, 1, 0, null).form(w);
        for (int i = 0; i < 9; i++) Approx.assertAbsolute(p[i], m[i], Approx.RECONSTRUCTION, "W^T W = M");
    }
}
