package org.overparam.optim;

import org.overparam.UserError;

/**
 * Gradient descent diverged: the loss became NaN or infinite, or grew past {@link GradientDescent#DIVERGENCE_FACTOR}
 * times its initial value. The message names the step size and, when known, the largest stable step
 * {@code 2 / lambda_max} (of the Gram matrix that governs the linearized dynamics).
 */
public final class DivergenceException extends UserError {
    private static final long serialVersionUID = 1L;
    public final int iteration;
    public final double loss;

    public DivergenceException(int iteration, double loss, double initialLoss, double eta, double stableStep) {
        super(String.format(
                java.util.Locale.ROOT,
                "Gradient descent diverged at iteration %d: the loss is %s (it started at %.6g). The step size eta = %g is too large%s. "
                        + "Lower train.eta; the metrics up to iteration %d are kept in the run directory.",
                iteration,
                Double.isFinite(loss) ? String.format(java.util.Locale.ROOT, "%.6g", loss) : Double.toString(loss),
                initialLoss,
                eta,
                Double.isFinite(stableStep) && stableStep > 0
                        ? String.format(
                                java.util.Locale.ROOT,
                                "; the largest stable step is about 2 / lambda_max = %.4g",
                                stableStep)
                        : " (the largest stable step 2 / lambda_max is not known for this run: set train.gram-every to compute lambda_max(H))",
                iteration - 1));
        this.iteration = iteration;
        this.loss = loss;
    }
}
