package org.overparam.optim;

/**
 * When a driver-side optimizer stops: after {@code maxIterations} steps, once the loss is at most {@code targetLoss},
 * or once the gradient norm is at most {@code gradientTolerance}, whichever comes first. Serializable: a run of
 * training steps in one Spark task stops where the driver's loop would. {@code targetLoss = -inf} and
 * {@code gradientTolerance = 0} switch those rules off.
 */
public record StoppingRule(int maxIterations, double targetLoss, double gradientTolerance)
        implements java.io.Serializable {
    public StoppingRule {
        if (maxIterations < 0) throw new IllegalArgumentException("maxIterations must be >= 0, found " + maxIterations);
        if (Double.isNaN(targetLoss))
            throw new IllegalArgumentException("targetLoss must not be NaN (use -Infinity for off)");
        if (!(gradientTolerance >= 0))
            throw new IllegalArgumentException("gradientTolerance must be >= 0, found " + gradientTolerance);
    }

    public static StoppingRule iterations(int n) {
        return new StoppingRule(n, Double.NEGATIVE_INFINITY, 0.0);
    }

    /** Why to stop at iteration k with this loss and gradient norm, or null to go on. */
    public String reason(int k, double loss, double gradientNorm) {
        if (loss <= targetLoss) return "target loss";
        if (gradientTolerance > 0 && gradientNorm <= gradientTolerance) return "gradient norm";
        if (k >= maxIterations) return "iterations";
        return null;
    }
}
