package org.overparam.model;

/** A loss and its gradient at some weights: what a full-batch optimizer needs from one pass over the data. */
public interface LossEvaluation {
    double loss();

    /** The gradient, same layout as the weights. Owned by the caller once returned. */
    double[] gradient();
}
