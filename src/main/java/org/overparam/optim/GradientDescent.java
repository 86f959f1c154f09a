package org.overparam.optim;

import org.overparam.model.LossEvaluation;

/**
 * Full-batch gradient descent {@code W(k+1) = W(k) - eta * grad L(W(k))} on the driver, over any oracle that returns
 * the loss and gradient of the whole training set (Du et al. 2019, eq. 3; Arora et al. 2019, eq. 3).
 *
 * <p>The loop evaluates W(k) for k = start .. iterations ({@code iterations - start + 1} evaluations, one fewer steps)
 * and hands W(k) with its evaluation to the {@link Listener} before stepping, so iteration k's metrics and checkpoint
 * describe W(k); resuming from a checkpoint of iteration k re-evaluates W(k) and continues identically.
 * Divergence: a NaN or infinite loss, or a loss above {@value #DIVERGENCE_FACTOR} times the initial one, ends the run with
 * a {@link DivergenceException}, after the listener has seen every finite iteration.
 */
public final class GradientDescent implements Minimizer {
    /** A loss that grows by this factor over the initial loss is divergence. */
    public static final double DIVERGENCE_FACTOR = 1e3;

    /** Returns the full-batch loss and gradient at w. */
    @FunctionalInterface
    public interface Oracle<E extends LossEvaluation> {
        E evaluate(double[] w, int iteration);
    }

    /** Sees each iteration: record metrics, write checkpoints, report progress. {@code w} is W(k), not to be kept. */
    @FunctionalInterface
    public interface Listener<E extends LossEvaluation> {
        void onIteration(int k, double[] w, E evaluation, double seconds) throws Exception;
    }

    private final double eta;
    private final double stableStep;

    /**
     * @param eta        the step size, > 0
     * @param stableStep 2 / lambda_max if known (for the divergence message), else NaN
     */
    public GradientDescent(double eta, double stableStep) {
        if (!(eta > 0) || Double.isInfinite(eta))
            throw new IllegalArgumentException("eta must be finite and > 0, found " + eta);
        this.eta = eta;
        this.stableStep = stableStep;
    }

    /** The step size. */
    public double eta() {
        return eta;
    }

    /**
     * Runs from W(start) (in {@code w}, updated in place) to W(iterations).
     *
     * @param initialLoss L(W(0)) when resuming (start > 0), NaN when starting at 0
     * @return the last evaluation, at W(iterations)
     */
    public <E extends LossEvaluation> E run(
            double[] w, int start, int iterations, double initialLoss, Oracle<E> oracle, Listener<E> listener)
            throws Exception {
        if (start < 0 || iterations < start) {
            throw new IllegalArgumentException(
                    "expected 0 <= start <= iterations, found start=" + start + ", iterations=" + iterations);
        }
        double l0 = initialLoss;
        E e = null;
        for (int k = start; k <= iterations; k++) {
            long t0 = System.nanoTime();
            e = oracle.evaluate(w, k);
            double loss = e.loss();
            if (k == 0) l0 = loss;
            if (!Double.isFinite(loss)
                    || (Double.isFinite(l0) && loss > DIVERGENCE_FACTOR * Math.max(l0, Double.MIN_NORMAL))) {
                throw new DivergenceException(k, loss, l0, eta, stableStep);
            }
            listener.onIteration(k, w, e, (System.nanoTime() - t0) / 1e9);
            if (k < iterations) {
                double[] g = e.gradient();
                for (int i = 0; i < w.length; i++) w[i] -= eta * g[i];
            }
        }
        return e;
    }

    /** Plain gradient descent with a stopping rule (iterations, target loss, gradient norm). */
    @Override
    public <E extends LossEvaluation> Outcome<E> minimize(
            double[] w, Oracle<E> oracle, StoppingRule stop, Listener<E> listener) throws Exception {
        double l0 = Double.NaN;
        for (int k = 0; ; k++) {
            long t0 = System.nanoTime();
            E e = oracle.evaluate(w, k);
            if (k == 0) l0 = e.loss();
            Minimizer.checkDivergence(k, e.loss(), l0, eta);
            listener.onIteration(k, w, e, (System.nanoTime() - t0) / 1e9);
            double[] g = e.gradient();
            String reason = stop.reason(k, e.loss(), Minimizer.norm(g));
            if (reason != null) return new Outcome<>(e, k, reason);
            for (int i = 0; i < w.length; i++) w[i] -= eta * g[i];
        }
    }
}
