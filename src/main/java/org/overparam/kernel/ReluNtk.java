package org.overparam.kernel;

/**
 * The limit Gram matrix of the two-layer ReLU net (Du et al. 2019, eq. 4; Arora et al. 2019, eq. 2):
 * {@code Hinf_ij = E_{w ~ N(0, I)}[x_i . x_j 1{w . x_i >= 0, w . x_j >= 0}] = t (pi - arccos t) / (2 pi)} with
 * {@code t = x_i . x_j} for unit-norm inputs; t is clamped to [-1, 1] against rounding.
 */
public final class ReluNtk {
    private ReluNtk() {}

    /** The kernel value for an inner product t of two unit vectors. */
    public static double value(double t) {
        double c = Math.max(-1.0, Math.min(1.0, t));
        return c * (Math.PI - arccos(c)) / (2 * Math.PI);
    }

    /**
     * {@code arccos c}, by fdlibm's algorithm (Sun Microsystems, 1993, {@code e_acos.c}: "Permission to use, copy, modify,
     * and distribute this software is freely granted, provided that this notice is preserved"), in Java so that C2
     * compiles it into the kernel map's loop: {@link Math#acos} and {@code atan2} are native calls on JDK 17, several
     * times slower per entry (docs/performance.md, "Measurements behind design choices").
     * Within 1 ulp of {@link Math#acos}, which is fdlibm's C code (tested).
     *
     * <p>For |c| &lt; 1/2, {@code acos c = pi/2 - (c + c r(c^2))}; for |c| &gt;= 1/2, with {@code z = (1 - |c|)/2},
     * {@code acos |c| = 2 asin sqrt(z)} and {@code asin s = s + s r(s^2)}, r a rational approximation of
     * {@code (asin s - s)/s} with error below 2^-58.75. pi/2 is split into a high and a low part.
     */
    public static double arccos(double c) {
        double ax = Math.abs(c);
        if (ax >= 1) {
            if (c == 1) return 0.0;
            if (c == -1) return PI + 2.0 * PIO2_LO;
            return Double.NaN;
        }
        if (ax < 0.5) {
            if (ax <= 0x1p-57) return PIO2_HI + PIO2_LO;
            double z = c * c;
            return PIO2_HI - (c - (PIO2_LO - c * ratio(z)));
        }
        if (c < 0) {
            double z = (1 + c) * 0.5;
            double s = Math.sqrt(z);
            double w = ratio(z) * s - PIO2_LO;
            return PI - 2.0 * (s + w);
        }
        double z = (1 - c) * 0.5;
        double s = Math.sqrt(z);
        double df = Double.longBitsToDouble(
                Double.doubleToRawLongBits(s) & 0xffffffff00000000L); // s with 32 low bits cleared
        double corr = (z - df * df) / (s + df);
        double w = ratio(z) * s + corr;
        return 2.0 * (df + w);
    }

    /** fdlibm's rational approximation {@code r(z) = p(z)/q(z)} of {@code (asin s - s)/s}, {@code z = s^2}. */
    private static double ratio(double z) {
        double p = z * (PS0 + z * (PS1 + z * (PS2 + z * (PS3 + z * (PS4 + z * PS5)))));
        double q = 1.0 + z * (QS1 + z * (QS2 + z * (QS3 + z * QS4)));
        return p / q;
    }

    private static final double PI = 3.14159265358979311600e+00;
    private static final double PIO2_HI = 1.57079632679489655800e+00;
    private static final double PIO2_LO = 6.12323399573676603587e-17;
    private static final double PS0 = 1.66666666666666657415e-01;
    private static final double PS1 = -3.25565818622400915405e-01;
    private static final double PS2 = 2.01212532134862925881e-01;
    private static final double PS3 = -4.00555345006794114027e-02;
    private static final double PS4 = 7.91534994289814532176e-04;
    private static final double PS5 = 3.47933107596021167570e-05;
    private static final double QS1 = -2.40339491173441421878e+00;
    private static final double QS2 = 2.02094576023350569471e+00;
    private static final double QS3 = -6.88283971605453293030e-01;
    private static final double QS4 = 7.70381505559019352791e-02;
}
