package org.overparam.theory;

import org.overparam.linalg.Gemm;
import org.overparam.linalg.SymmetricEigen;

/**
 * Du &amp; Lee's convex reference problem {@code min_{M PSD} F(M)}, {@code F(M) = (1/n) sum_i l(x_i^T M x_i, y_i) +
 * (lambda/2) tr M (+ <C, M>)}, whose value lower-bounds the quadratic net's objective for every width and equals it
 * at any W with {@code W^T W} optimal. Solved by projected gradient descent on the PSD cone with backtracking (Beck
 * &amp; Teboulle's sufficient-decrease test): {@code M+ = Pi(M - t grad F(M))}, {@code Pi} the eigenvalue clamp
 * {@code V max(Lambda, 0) V^T}, t halved until {@code F(M+) <= F(M) + <grad, M+ - M> + ||M+ - M||_F^2 / (2t)} and
 * grown by 1.25 after each accepted step. Stops when the gradient mapping {@code ||M+ - M||_F / t} is at most
 * {@code tol} ({@code converged = true}) or after {@code maxIterations} accepted steps ({@code converged = false}).
 *
 * <p>The objective is a black box ({@link Problem}): each call is one pass over the data (on Spark, the same FORM
 * aggregate as training). Cost per trial: one pass plus one {@code dsyevd} with vectors of a d x d matrix ({@code 9 d^3}
 * flops) — meant for d up to a few hundred.
 */
public final class ConvexReference {
    private ConvexReference() {}

    /** {@code [F(M), grad F(M) (d x d, row-major)...]}. */
    @FunctionalInterface
    public interface Problem {
        double[] at(double[] m);
    }

    public record Result(
            double[] m, double objective, int iterations, int passes, boolean converged, double gradientMapping) {}

    public static Result solve(Problem problem, int d, double[] m0, double step0, int maxIterations, double tol) {
        if (m0.length != d * d || !(step0 > 0) || maxIterations < 0 || !(tol > 0)) {
            throw new IllegalArgumentException(
                    "ConvexReference.solve: expected a d x d start, step > 0, maxIterations >= 0, tol > 0");
        }
        double[] m = project(m0, d);
        double[] fg = problem.at(m);
        int passes = 1;
        double t = step0, mapping = Double.POSITIVE_INFINITY;
        for (int it = 0; it < maxIterations; it++) {
            while (true) {
                double[] trial = new double[d * d];
                for (int i = 0; i < trial.length; i++) trial[i] = m[i] - t * fg[1 + i];
                trial = project(trial, d);
                double[] tg = problem.at(trial);
                passes++;
                double inner = 0, dist2 = 0;
                for (int i = 0; i < trial.length; i++) {
                    double diff = trial[i] - m[i];
                    inner += fg[1 + i] * diff;
                    dist2 += diff * diff;
                }
                if (tg[0] <= fg[0] + inner + dist2 / (2 * t) + 1e-15 * Math.abs(fg[0]) || t < 1e-300) {
                    mapping = Math.sqrt(dist2) / t;
                    m = trial;
                    fg = tg;
                    break;
                }
                t *= 0.5;
            }
            if (mapping <= tol) return new Result(m, fg[0], it + 1, passes, true, mapping);
            t *= 1.25;
        }
        return new Result(m, fg[0], maxIterations, passes, false, mapping);
    }

    /** The nearest PSD matrix in Frobenius norm: {@code V max(Lambda, 0) V^T}. Symmetrizes the input first. */
    public static double[] project(double[] a, int d) {
        double[] s = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) s[i * d + j] = 0.5 * (a[i * d + j] + a[j * d + i]);
        SymmetricEigen e = SymmetricEigen.withVectors(s, d);
        double[] r = new double[d * d]; // row j: sqrt(max(lambda_j, 0)) v_j
        int rows = 0;
        for (int j = 0; j < d; j++) {
            double l = e.values[j];
            if (l <= 0) continue;
            double sl = Math.sqrt(l);
            for (int i = 0; i < d; i++) r[rows * d + i] = sl * e.vectors[j * d + i];
            rows++;
        }
        double[] out = new double[d * d];
        Gemm.atbAccumulate(r, rows, d, r, 0, d, 1.0, out);
        return out;
    }

    /** A factor W (rank x d, rank = the number of positive eigenvalues) with {@code W^T W = M}, M PSD. */
    public static double[] factor(double[] m, int d, int rows) {
        SymmetricEigen e = SymmetricEigen.withVectors(m, d);
        double[] w = new double[rows * d];
        for (int r = 0; r < rows && r < d; r++) {
            int j = d - 1 - r;
            double sl = Math.sqrt(Math.max(e.values[j], 0));
            for (int i = 0; i < d; i++) w[r * d + i] = sl * e.vectors[j * d + i];
        }
        return w;
    }
}
