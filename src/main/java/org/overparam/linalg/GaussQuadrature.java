package org.overparam.linalg;

import java.util.function.DoubleUnaryOperator;
import org.netlib.util.intW;

/**
 * The m-point Gauss quadrature of the spectral measure of a start vector u,
 * {@code mu_u = sum_i (v_i . u)^2 delta(lambda_i)}, from m Lanczos steps: nodes the Ritz values {@code theta_j}
 * (eigenvalues of T_m), weights {@code ||u||^2 z_{1j}^2} with {@code z_j} the unit eigenvectors of T_m
 * (Golub and Welsch 1969). Then {@code u^T f(H) u ~ sum_j w_j f(theta_j)}, exact for polynomials of degree up to
 * {@code 2m - 1} and, when the Krylov space was invariant, for every f.
 *
 * <p>Each node's Ritz residual {@code ||H x_j - theta_j x_j|| = beta_m |z_{mj}|} bounds the distance from
 * {@code theta_j} to the nearest eigenvalue of H (Parlett, "The Symmetric Eigenvalue Problem", Thm 11.4.1 with Weyl).
 * Cost {@code O(m^2)} (LAPACK {@code dstev}).
 */
public final class GaussQuadrature {
    private final double[] nodes;
    private final double[] weights;
    private final double[] residuals;
    private final double normSquared;
    private final boolean exact;

    private GaussQuadrature(double[] nodes, double[] weights, double[] residuals, double normSquared, boolean exact) {
        this.nodes = nodes;
        this.weights = weights;
        this.residuals = residuals;
        this.normSquared = normSquared;
        this.exact = exact;
    }

    /** From the first m coefficients of a Lanczos recurrence ({@code beta[m - 1]} is the residual coefficient). */
    static GaussQuadrature of(double[] alpha, double[] beta, int m, double normSquared, boolean exact) {
        double[] d = java.util.Arrays.copyOf(alpha, m);
        double[] e = java.util.Arrays.copyOf(beta, Math.max(1, m - 1));
        double[] z = new double[m * m];
        double[] work = new double[Math.max(1, 2 * m - 2)];
        intW info = new intW(0);
        NativeLibraries.lapack().dstev("V", m, d, e, z, m, work, info);
        if (info.val != 0) {
            throw new ArithmeticException(
                    "LAPACK dstev failed on the " + m + " x " + m + " Lanczos matrix: info = " + info.val);
        }
        double[] w = new double[m], r = new double[m];
        double sum = 0;
        for (int j = 0; j < m; j++) {
            double first = z[j * m];
            w[j] = first * first;
            sum += w[j];
            r[j] = exact ? 0 : Math.abs(beta[m - 1] * z[j * m + m - 1]);
        }
        // The first row of an orthogonal Z has unit norm; normalizing removes dstev's rounding from the total mass.
        for (int j = 0; j < m; j++) w[j] *= normSquared / sum;
        return new GaussQuadrature(d, w, r, normSquared, exact);
    }

    /** A copy of the nodes (Ritz values), increasing. */
    public double[] nodes() {
        return nodes.clone();
    }

    /** A copy of the weights, in the order of the nodes; they sum to {@code ||u||^2}. */
    public double[] weights() {
        return weights.clone();
    }

    /** A copy of the Ritz residuals {@code beta_m |z_{mj}|}, in the order of the nodes (all 0 when exact). */
    public double[] residuals() {
        return residuals.clone();
    }

    public int size() {
        return nodes.length;
    }

    /** {@code ||u||^2}, the total mass. */
    public double normSquared() {
        return normSquared;
    }

    /** Whether the Krylov space was invariant, so the measure is represented exactly. */
    public boolean exact() {
        return exact;
    }

    /** {@code sum_j w_j f(theta_j)}, the estimate of {@code u^T f(H) u}. */
    public double integrate(DoubleUnaryOperator f) {
        double s = 0;
        for (int j = 0; j < nodes.length; j++) {
            if (weights[j] != 0) s += weights[j] * f.applyAsDouble(nodes[j]);
        }
        return s;
    }

    /** The largest Ritz value, a lower bound on {@code lambda_max(H)}. */
    public double maxNode() {
        return nodes[nodes.length - 1];
    }

    /** The smallest Ritz value, an upper bound on {@code lambda_min(H)}. */
    public double minNode() {
        return nodes[0];
    }
}
