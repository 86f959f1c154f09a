package org.overparam.theory;

import java.util.SplittableRandom;

/**
 * Test fixtures: unit vectors and their limit Gram matrix Hinf, written out entrywise here
 * ({@code t (pi - arccos t) / (2 pi)}, Du et al. 2019, eq. 4) rather than through the production kernel.
 */
final class ReluKernels {
    private ReluKernels() {}

    /** n random unit vectors in R^d, row-major, from a seeded Gaussian. */
    static double[] unitVectors(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = rng.nextGaussian();
                s += x[i * d + j] * x[i * d + j];
            }
            double inv = 1.0 / Math.sqrt(s);
            for (int j = 0; j < d; j++) {
                x[i * d + j] *= inv;
            }
        }
        return x;
    }

    /** Hinf of the n rows of x (row-major, d columns): exactly symmetric, n x n. */
    static double[] hinf(double[] x, int n, int d) {
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double t = 0;
                for (int c = 0; c < d; c++) {
                    t += x[i * d + c] * x[j * d + c];
                }
                t = Math.max(-1.0, Math.min(1.0, t));
                double v = t * (Math.PI - Math.acos(t)) / (2 * Math.PI);
                h[i * n + j] = v;
                h[j * n + i] = v;
            }
        }
        return h;
    }

    /** n seeded standard Gaussian labels. */
    static double[] gaussianLabels(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextGaussian();
        }
        return y;
    }

    /** n seeded labels unif{-1, +1} (Arora et al.'s random labels). */
    static double[] randomSigns(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextBoolean() ? 1.0 : -1.0;
        }
        return y;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
