package org.overparam.model;

import java.io.Serializable;

/**
 * How a unit block moves its weights by the gradient of the step, element by element (so any cut of the units
 * into blocks gives the same weights): plain gradient descent, or one Adam step with the driver's learning rate and
 * bias corrections for that iteration ({@link org.overparam.optim.Adam} has the formulas).
 */
public sealed interface UnitUpdate extends Serializable {
    /** {@code w -= eta g}. */
    record Descent(double eta) implements UnitUpdate {}

    /**
     * {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
     * {@code w -= rate (m / correction1) / (sqrt(v / correction2) + epsilon)} with {@code correction_i = 1 - b_i^(t+1)}.
     */
    record AdamStep(double rate, double beta1, double beta2, double epsilon, double correction1, double correction2)
            implements UnitUpdate {}
}
