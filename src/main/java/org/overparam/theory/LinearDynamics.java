package org.overparam.theory;

import java.util.Arrays;
import org.overparam.linalg.NativeLibraries;

/**
 * The linear dynamics of Arora, Du, Hu, Li, Wang (ICML 2019), Sec. 4, iterated literally:
 * <pre>{@code  u(k+1) = u(k) - eta H (u(k) - y),   u(0) = 0,}</pre>
 * reporting the loss {@code 1/2 ||y - u(k)||^2}. Its closed form is {@link LabelSpectrum#predictedLoss}
 * (their Thm 4.1); this class is the ground truth that formula is checked against, and a way to follow the dynamics
 * without an eigendecomposition when only a few hundred steps are wanted.
 *
 * <p>Each step is one DGEMV ({@code 2 n^2} flops), so k steps cost {@code 2 k n^2} flops: use
 * {@link LabelSpectrum#predictedLoss} for large k. Memory: two vectors of n doubles. H and y are not modified.
 * H is read whole as a column-major matrix; it is symmetric, so row- and column-major agree.
 */
public final class LinearDynamics {
    private LinearDynamics() {}

    /**
     * {@code 1/2 ||y - u(k)||^2} for each k of {@code ks}, in the given order (any order, repeats allowed); the
     * iteration runs once, up to the largest k.
     *
     * @param h   symmetric n x n matrix; not modified
     * @param y   the targets, n entries; not modified
     * @param eta the step size, positive and finite
     * @param ks  iterations, each >= 0
     */
    public static double[] losses(double[] h, int n, double[] y, double eta, long[] ks) {
        check(h, n, y, eta);
        long[] sorted = ks.clone();
        Arrays.sort(sorted);
        if (sorted.length > 0 && sorted[0] < 0) {
            throw new IllegalArgumentException("LinearDynamics: iterations must be >= 0, found " + sorted[0]);
        }
        double[] lossAt = new double[sorted.length];
        double[] u = new double[n];
        double[] d = new double[n];
        long k = 0;
        for (int j = 0; j < sorted.length; j++) {
            for (; k < sorted[j]; k++) {
                step(h, n, y, eta, u, d);
            }
            lossAt[j] = halfSquaredResidual(y, u);
        }
        double[] out = new double[ks.length];
        for (int j = 0; j < ks.length; j++) {
            out[j] = lossAt[Arrays.binarySearch(sorted, ks[j])];
        }
        return out;
    }

    /**
     * The predictions {@code u(k)} after k steps.
     *
     * @param h symmetric n x n matrix; not modified
     */
    public static double[] predictions(double[] h, int n, double[] y, double eta, long k) {
        check(h, n, y, eta);
        if (k < 0) {
            throw new IllegalArgumentException("LinearDynamics: iterations must be >= 0, found " + k);
        }
        double[] u = new double[n];
        double[] d = new double[n];
        for (long s = 0; s < k; s++) {
            step(h, n, y, eta, u, d);
        }
        return u;
    }

    /** {@code u <- u - eta H (u - y)}, with {@code d} as workspace. */
    private static void step(double[] h, int n, double[] y, double eta, double[] u, double[] d) {
        for (int i = 0; i < n; i++) {
            d[i] = u[i] - y[i];
        }
        NativeLibraries.blas().dgemv("N", n, n, -eta, h, n, d, 1, 1.0, u, 1);
    }

    private static double halfSquaredResidual(double[] y, double[] u) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double r = y[i] - u[i];
            sum += r * r;
        }
        return 0.5 * sum;
    }

    private static void check(double[] h, int n, double[] y, double eta) {
        if (n <= 0 || h.length < (long) n * n) {
            throw new IllegalArgumentException("LinearDynamics: expected an n x n matrix with n >= 1, found n = " + n
                    + " and " + h.length + " entries");
        }
        if (y.length != n) {
            throw new IllegalArgumentException(
                    "LinearDynamics: expected " + n + " targets (one per row of H), found " + y.length);
        }
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("LinearDynamics: eta must be positive and finite, found " + eta);
        }
    }
}
