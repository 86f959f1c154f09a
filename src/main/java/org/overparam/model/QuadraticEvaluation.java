package org.overparam.model;

/**
 * The objective of a quadratic-activation net at W and its gradient (k x d, row-major), with the parts the
 * certificates need: the mean data loss and, when the pass aggregated it ({@link QuadraticNet.Path#FORM}),
 * {@code grad_M} of the objective as a function of {@code M = W^T D W} (d x d), else null.
 */
public record QuadraticEvaluation(double loss, double[] gradient, double dataLoss, double[] formGradient)
        implements LossEvaluation {
    public double gradientNorm() {
        double s = 0;
        for (double v : gradient) s += v * v;
        return Math.sqrt(s);
    }
}
