package org.overparam.optim;

import org.overparam.model.LossEvaluation;

/** A driver-side optimizer over a full-batch (or mini-batch) oracle: GD, perturbed GD, Adam. */
public interface Minimizer {
    /** The last evaluation, the iteration it belongs to and why the run stopped. */
    record Outcome<E extends LossEvaluation>(E last, int iterations, String reason) {}

    /**
     * Minimizes from {@code w} (updated in place; on return it holds the point {@code last} was evaluated at).
     * The listener sees every evaluated iterate before the step from it.
     */
    <E extends LossEvaluation> Outcome<E> minimize(
            double[] w, GradientDescent.Oracle<E> oracle, StoppingRule stop, GradientDescent.Listener<E> listener)
            throws Exception;

    static double norm(double[] g) {
        double s = 0;
        for (double v : g) s += v * v;
        return Math.sqrt(s);
    }

    /** A NaN or infinite loss, or one that grew {@link GradientDescent#DIVERGENCE_FACTOR}-fold, is divergence. */
    static void checkDivergence(int k, double loss, double l0, double step) {
        if (diverged(loss, l0)) throw new DivergenceException(k, loss, l0, step, Double.NaN);
    }

    /** Whether {@link #checkDivergence} would stop at {@code loss} against the initial loss {@code l0}. */
    static boolean diverged(double loss, double l0) {
        return !Double.isFinite(loss)
                || (Double.isFinite(l0)
                        && loss > GradientDescent.DIVERGENCE_FACTOR * Math.max(Math.abs(l0), Double.MIN_NORMAL));
    }
}
