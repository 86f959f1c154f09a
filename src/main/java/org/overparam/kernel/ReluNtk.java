package org.overparam.kernel;

/**
 * The limit Gram matrix of the two-layer ReLU net (Du et al. 2019, eq. 4; Arora et al. 2019, eq. 2):
 * {@code Hinf_ij = E_{w ~ N(0, I)}[x_i . x_j 1{w . x_i >= 0, w . x_j >= 0}] = t (pi - arccos t) / (2 pi)} with
 * {@code t = x_i . x_j} for unit-norm inputs; t is clamped to [-1, 1] against rounding.
 */
public final class ReluNtk {
    private ReluNtk() {
    }

    /** The kernel value for an inner product t of two unit vectors. */
    public static double value(double t) {
        double c = Math.max(-1.0, Math.min(1.0, t));
        return c * (Math.PI - Math.acos(c)) / (2 * Math.PI);
    }
}
