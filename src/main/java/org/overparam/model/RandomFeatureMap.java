package org.overparam.model;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.linalg.Gemm;

/**
 * The fixed random first layer of Ge et al.'s three-layer net (2020, Appendix A): {@code z = (R x)^p} elementwise,
 * {@code R} k x d with entries {@code N(0, s^2)} (row i from its own seeded stream), p a positive integer power. One
 * GEMM per block ({@code 2 rows k d} flops). Inputs are not modified.
 */
public final class RandomFeatureMap implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int k;
    public final int d;
    public final int power;
    public final double[] r;

    public RandomFeatureMap(int k, int d, double s, int power, long seed) {
        if (k < 1 || d < 1 || power < 1 || !(s > 0)) {
            throw new IllegalArgumentException("RandomFeatureMap: expected k, d, power >= 1 and s > 0, found k=" + k
                    + ", d=" + d + ", power=" + power + ", s=" + s);
        }
        this.k = k;
        this.d = d;
        this.power = power;
        this.r = new double[k * d];
        for (int i = 0; i < k; i++) {
            SplittableRandom rng = Seeds.stream(seed, "features/R", i);
            for (int j = 0; j < d; j++) r[i * d + j] = s * rng.nextGaussian();
        }
    }

    /** {@code (X R^T)^p} for rows x d row-major X: rows x k, row-major. */
    public double[] apply(double[] x, int rows) {
        if (x.length < (long) rows * d)
            throw new IllegalArgumentException("RandomFeatureMap: expected rows x " + d + " inputs");
        double[] z = new double[rows * k];
        Gemm.abt(x, 0, rows, r, 0, k, d, z);
        if (power > 1) for (int i = 0; i < z.length; i++) z[i] = pow(z[i], power);
        return z;
    }

    /** The samples mapped: {@code (X R^T)^p} with the same labels. */
    public TrainingSet apply(TrainingSet set) {
        if (set.d != d)
            throw new IllegalArgumentException(
                    "RandomFeatureMap: expected samples of d = " + d + ", found d = " + set.d);
        return new TrainingSet(set.n, k, apply(set.x(), set.n), set.y());
    }

    private static double pow(double v, int p) {
        double out = 1;
        for (int i = 0; i < p; i++) out *= v;
        return out;
    }
}
