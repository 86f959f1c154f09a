package org.overparam.theory;

import java.util.LinkedHashMap;
import java.util.Map;
import org.overparam.linalg.Gemm;
import org.overparam.linalg.SymmetricEigen;

/**
 * Du &amp; Lee's (ICML 2018) global-optimality certificate for the quadratic net {@code f(x) = x^T W^T W x}: with
 * {@code F(M) = (1/n) sum_i l(x_i^T M x_i, y_i) + (lambda/2) tr M (+ <C, M>)} the convex objective over
 * {@code M = W^T W}, the matrix {@code Q = grad F(W^T W) = S + (lambda/2) I (+ C)},
 * {@code S = (1/n) sum_i l'(f(x_i), y_i) x_i x_i^T}. The net's gradient is {@code 2 W Q}, so a stationary W has
 * {@code Q W^T W = 0}; if moreover {@code Q} is PSD, {@code W^T W} satisfies the KKT conditions of the convex problem
 * and W is a global minimum (proof of Thm 3.1, eqs. 6-8). Conversely, if W is rank deficient (rank &lt; k, always when
 * k &gt; d) and Q has a negative eigenvalue with unit eigenvector u, then with a unit e in W's left null space
 * ({@code e^T W = 0}), {@code W + t e u^T} has {@code M + t^2 u u^T} and lowers the objective by about
 * {@code t^2 |u^T Q u|}, so W is not a global minimum. (PAPERS.md writes {@code lambda I}; this class keeps
 * the constant consistent with the objective {@code (lambda/2) ||W||_F^2}, whose gradient in M is {@code (lambda/2) I}.)
 *
 * <p>Reported: {@code lambda_min(Q)}, whether it is {@code >= -tol}, the numerical rank of W (singular values above
 * {@link #RANK_TOLERANCE} times the largest), and which of the paper's regimes holds: {@code k >= d} (Thm 3.1: every
 * local minimum is global) or {@code k(k+1)/2 > n} (Thm 3.2: the same for the perturbed objective, with probability
 * 1 over C). Cost: one {@code dsyevd} of a d x d and of a min(k, d) square matrix.
 */
public record OptimalityCertificate(
        double lambdaMin,
        double tolerance,
        boolean holds,
        int rank,
        int k,
        int d,
        long n,
        String regime,
        String conclusion) {
    /** Singular values of W below this fraction of the largest count as zero. */
    public static final double RANK_TOLERANCE = 1e-6;

    /**
     * @param q the d x d matrix {@code grad F(W^T W)} ({@code QuadraticEvaluation.formGradient()})
     * @param w the k x d weights, row-major
     */
    public static OptimalityCertificate of(
            double[] q, double[] w, int k, int d, long n, double tol, boolean perturbed) {
        if (q.length != d * d || w.length != k * d) {
            throw new IllegalArgumentException("OptimalityCertificate: expected a " + d + "x" + d + " Q and " + k + "x"
                    + d + " W, found " + q.length + " and " + w.length + " entries");
        }
        return of(q, rank(w, k, d), k, d, n, tol, perturbed);
    }

    /**
     * The certificate from Q and {@code M = W^T W} (d x d) instead of W: the rank of W is the number of eigenvalues of M
     * above the tolerance, since M's nonzero eigenvalues are W's squared singular values.
     */
    public static OptimalityCertificate ofForm(
            double[] q, double[] m, int k, int d, long n, double tol, boolean perturbed) {
        if (q.length != d * d || m.length != d * d) {
            throw new IllegalArgumentException("OptimalityCertificate: expected " + d + "x" + d + " Q and M, found "
                    + q.length + " and " + m.length + " entries");
        }
        return of(q, Math.min(k, rankOfGram(m, d)), k, d, n, tol, perturbed);
    }

    private static OptimalityCertificate of(double[] q, int rank, int k, int d, long n, double tol, boolean perturbed) {
        double lambdaMin = SymmetricEigen.values(q, d).min();
        String regime = k >= d
                ? "k >= d (Thm 3.1)"
                : (long) k * (k + 1) / 2 > n
                        ? (perturbed
                                ? "k(k+1)/2 > n with C (Thm 3.2)"
                                : "k(k+1)/2 > n but no perturbation C (Thm 3.2 needs one)")
                        : "neither k >= d nor k(k+1)/2 > n";
        boolean holds = lambdaMin >= -tol;
        String conclusion = holds
                ? "global minimum (if stationary): Q is PSD"
                : rank < k
                        ? "not a global minimum: Q has a negative eigenvalue and W is rank deficient"
                        : "inconclusive: Q not PSD but W has full row rank k";
        return new OptimalityCertificate(lambdaMin, tol, holds, rank, k, d, n, regime, conclusion);
    }

    /** Numerical rank of W from the eigenvalues of the smaller of {@code W W^T} and {@code W^T W}. */
    public static int rank(double[] w, int k, int d) {
        int s = Math.min(k, d);
        double[] g = new double[s * s];
        if (k <= d) Gemm.abt(w, 0, k, w, 0, k, d, g);
        else Gemm.atbAccumulate(w, k, d, w, 0, d, 1.0, g);
        return rankOfGram(g, s);
    }

    /** Eigenvalues v of the s x s Gram matrix g with {@code sqrt(v) > RANK_TOLERANCE sqrt(v_max)}. */
    static int rankOfGram(double[] g, int s) {
        double[] ev = SymmetricEigen.values(g, s).values;
        double max = Math.max(ev[s - 1], 0);
        int r = 0;
        for (double v : ev) if (v > 0 && Math.sqrt(v) > RANK_TOLERANCE * Math.sqrt(max)) r++;
        return r;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lambda_min_q", lambdaMin);
        m.put("tolerance", tolerance);
        m.put("certificate_holds", holds);
        m.put("rank_w", rank);
        m.put("regime", regime);
        m.put("conclusion", conclusion);
        return m;
    }
}
