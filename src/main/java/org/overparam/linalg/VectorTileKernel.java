package org.overparam.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SymmetricTiles#accumulateOne} with the JDK's vector API ({@code jdk.incubator.vector}, which Spark's launcher
 * adds to every driver and executor JVM): four floats of a tile row widened to four doubles in one instruction, four
 * rows at a time, {@code y_I += T x_J} and {@code y_J += T^T x_I} in the same pass with fused multiply-adds. Loaded
 * only through {@link SymmetricTiles}, which falls back to plain Java where the module is missing.
 */
final class VectorTileKernel {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;
    private static final int LANES = 4;

    private VectorTileKernel() {}

    static void accumulateOne(float[] t, int i0, int ri, int j0, int rj, boolean diagonal, double[] x, double[] y) {
        int r = 0, last = rj - rj % LANES;
        for (; r + 3 < ri; r += 4) {
            int o0 = r * rj, o1 = o0 + rj, o2 = o1 + rj, o3 = o2 + rj;
            double x0 = x[i0 + r], x1 = x[i0 + r + 1], x2 = x[i0 + r + 2], x3 = x[i0 + r + 3];
            DoubleVector v0 = DoubleVector.broadcast(DOUBLES, x0), v1 = DoubleVector.broadcast(DOUBLES, x1);
            DoubleVector v2 = DoubleVector.broadcast(DOUBLES, x2), v3 = DoubleVector.broadcast(DOUBLES, x3);
            DoubleVector d0 = DoubleVector.zero(DOUBLES), d1 = d0, d2 = d0, d3 = d0;
            for (int c = 0; c < last; c += LANES) {
                DoubleVector t0 = widen(t, o0 + c), t1 = widen(t, o1 + c);
                DoubleVector t2 = widen(t, o2 + c), t3 = widen(t, o3 + c);
                DoubleVector xj = DoubleVector.fromArray(DOUBLES, x, j0 + c);
                d0 = t0.fma(xj, d0);
                d1 = t1.fma(xj, d1);
                d2 = t2.fma(xj, d2);
                d3 = t3.fma(xj, d3);
                if (!diagonal) {
                    DoubleVector yj = DoubleVector.fromArray(DOUBLES, y, j0 + c);
                    t3.fma(v3, t2.fma(v2, t1.fma(v1, t0.fma(v0, yj)))).intoArray(y, j0 + c);
                }
            }
            double s0 = d0.reduceLanes(VectorOperators.ADD), s1 = d1.reduceLanes(VectorOperators.ADD);
            double s2 = d2.reduceLanes(VectorOperators.ADD), s3 = d3.reduceLanes(VectorOperators.ADD);
            for (int c = last; c < rj; c++) {
                double t0 = t[o0 + c], t1 = t[o1 + c], t2 = t[o2 + c], t3 = t[o3 + c], xj = x[j0 + c];
                s0 += t0 * xj;
                s1 += t1 * xj;
                s2 += t2 * xj;
                s3 += t3 * xj;
                if (!diagonal) y[j0 + c] += (t0 * x0 + t1 * x1) + (t2 * x2 + t3 * x3);
            }
            y[i0 + r] += s0;
            y[i0 + r + 1] += s1;
            y[i0 + r + 2] += s2;
            y[i0 + r + 3] += s3;
        }
        SymmetricTiles.accumulateRows(t, i0, r, ri, j0, rj, diagonal, x, y);
    }

    /** Calls of {@link #warmUp}: past the JIT's threshold for its optimizing compiler, with room to spare. */
    static final int WARM_UP_CALLS = 6000;

    /** Rows and columns of {@link #warmUp}'s tile. */
    static final int WARM_UP_SIZE = 256;

    /**
     * Runs the kernel {@link #WARM_UP_CALLS} times on a synthetic {@value #WARM_UP_SIZE}-square tile, off-diagonal
     * and diagonal, so that the JIT's optimizing compiler has compiled it before the first pass over real tiles (which
     * otherwise run interpreted, then in the first-tier code, for the first few hundred tiles of each thread). About
     * 0.4 billion multiply-adds: half a second of one core. Returns a sum of the results, which keeps the work alive.
     */
    static double warmUp() {
        int m = WARM_UP_SIZE;
        float[] t = new float[m * m];
        double[] x = new double[2 * m], y = new double[2 * m];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < t.length; i++) t[i] = (float) rng.nextDouble();
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble();
        for (int k = 0; k < WARM_UP_CALLS; k++) accumulateOne(t, 0, m, m, m, k % 8 == 0, x, y);
        double sum = 0;
        for (double v : y) sum += v;
        return sum;
    }

    private static DoubleVector widen(float[] t, int offset) {
        return (DoubleVector) FloatVector.fromArray(FLOATS, t, offset).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }
}
