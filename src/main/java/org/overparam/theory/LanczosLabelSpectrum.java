package org.overparam.theory;

import org.overparam.linalg.GaussQuadrature;
import org.overparam.linalg.Lanczos;

/**
 * The label spectral measure {@code mu_y = sum_i (v_i . y)^2 delta(lambda_i)} of a label vector y with respect to a
 * kernel matrix H, without an eigendecomposition: the Gauss quadrature of m Lanczos steps started at y
 * ({@link Lanczos}, {@link GaussQuadrature}). It gives what {@link LabelSpectrum} gives from all eigenpairs:
 * <ul>
 *   <li>the predicted loss of Arora et al. (ICML 2019) Thm 4.1, {@code 1/2 y^T (I - eta H)^(2k) y
 *       ~ 1/2 sum_j w_j (1 - eta theta_j)^(2k)}, for every k at O(m) each;</li>
 *   <li>the share of {@code ||y||^2} on eigenvalues {@code <= lambda}, bracketed by the Chebyshev-Markov-Stieltjes
 *       inequalities (Golub and Meurant 2010, Thm 6.8): between the quadrature's distribution just before the node
 *       below lambda and just after the node above it.</li>
 * </ul>
 * Error estimate of the predicted loss: the difference from the quadrature of {@code m'} = {@value #SHORT_FRACTION}
 * m steps. Gauss quadratures of a smooth f converge geometrically, so this estimates the error of the shorter rule
 * and over-estimates that of the full one.
 */
public final class LanczosLabelSpectrum {
    /** Fraction of the steps in the comparison quadrature of the error estimate. */
    public static final double SHORT_FRACTION = 0.75;

    private final GaussQuadrature full;
    private final GaussQuadrature shorter;

    public LanczosLabelSpectrum(Lanczos.Run run) {
        this.full = run.quadrature();
        int m = run.steps();
        this.shorter = run.invariant() ? full : run.quadrature(Math.max(1, (int) Math.floor(SHORT_FRACTION * m)));
    }

    public GaussQuadrature quadrature() {
        return full;
    }

    /** {@code ||y||^2}. */
    public double labelNormSquared() {
        return full.normSquared();
    }

    /** Lanczos steps m (nodes of the quadrature). */
    public int steps() {
        return full.size();
    }

    /** Whether the Krylov space was invariant: the measure, and every quantity here, is then exact. */
    public boolean exact() {
        return full.exact();
    }

    /** Arora et al. Thm 4.1, {@code 1/2 y^T (I - eta H)^(2k) y}, by quadrature ({@code ||y||^2 / 2} at k = 0). */
    public double predictedLoss(double eta, long k) {
        return loss(full, eta, k);
    }

    /** The estimated absolute error of {@link #predictedLoss}: its difference from the shorter quadrature. */
    public double predictedLossError(double eta, long k) {
        return full == shorter ? 0 : Math.abs(loss(full, eta, k) - loss(shorter, eta, k));
    }

    private static double loss(GaussQuadrature q, double eta, long k) {
        if (!(eta > 0) || !Double.isFinite(eta))
            throw new IllegalArgumentException("eta must be positive and finite, found " + eta);
        if (k < 0) throw new IllegalArgumentException("predictedLoss: k must be >= 0, found " + k);
        if (k == 0) return 0.5 * q.normSquared();
        double twoK = 2.0 * k;
        return 0.5 * q.integrate(t -> LabelSpectrum.decay(eta * t, twoK));
    }

    /**
     * The share of {@code ||y||^2} on eigenvalues {@code <= lambda}: {@code [estimate, lower, upper]}, the estimate
     * the quadrature's own distribution, the bounds from the nodes on either side.
     */
    public double[] shareAtOrBelow(double lambda) {
        double[] x = full.nodes(), w = full.weights();
        double total = full.normSquared();
        int j = 0;
        double below = 0;
        while (j < x.length && x[j] <= lambda) below += w[j++];
        // Nodes 0..j-1 are <= lambda. Lower bound: all but the last of them; upper: also the next node.
        double lower = j == 0 ? 0 : below - w[j - 1];
        double upper = j < x.length ? below + w[j] : below;
        if (exact()) {
            lower = below;
            upper = below;
        }
        return new double[] {below / total, lower / total, upper / total};
    }
}
