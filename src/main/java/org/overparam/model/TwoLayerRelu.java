package org.overparam.model;

import org.overparam.Seeds;
import org.overparam.linalg.Gemm;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The two-layer ReLU network of Du et al. (ICLR 2019, eq. 1) and Arora et al. (ICML 2019, Sec. 3):
 * {@code f(W, a, x) = (1/sqrt(m)) sum_r a_r relu(w_r . x)}, second layer {@code a_r ~ unif{-1,+1}} fixed, first layer
 * {@code w_r(0) ~ N(0, kappa^2 I)}, loss {@code L(W) = sum_i 1/2 (f(x_i) - y_i)^2} (a sum, not a mean), gradient
 * {@code dL/dw_r = (1/sqrt(m)) sum_i (f(x_i) - y_i) a_r 1{w_r . x_i >= 0} x_i} (Du et al. eq. 3; the ReLU's derivative
 * at 0 is taken as 1, matching the indicator {@code >= 0}).
 *
 * <p>Per block of samples, in chunks of {@value #CHUNK} rows: {@code P = X W^T} (one GEMM, chunk x m), the mask, the
 * predictions and residuals, then {@code G += (mask o (r a^T))^T X / sqrt(m)} (one GEMM). Cost {@code 4 n m d} flops per
 * evaluation; workspace {@code 2 * CHUNK * m} doubles, independent of n. Weights are m x d row-major.
 */
public final class TwoLayerRelu implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per GEMM chunk: large enough for BLAS efficiency, small enough for a bounded workspace. */
    public static final int CHUNK = 256;

    public final int m;
    public final int d;
    /** Second-layer signs, fixed. */
    public final double[] a;

    public TwoLayerRelu(int m, int d, double[] a) {
        if (m < 1 || d < 1 || a.length != m) {
            throw new IllegalArgumentException("TwoLayerRelu: expected m, d >= 1 and m signs, found m=" + m + ", d=" + d + ", " + a.length + " signs");
        }
        this.m = m;
        this.d = d;
        this.a = a;
    }

    /** Signs a_r ~ unif{-1,+1}, unit r's from its own stream of {@code seed}. */
    public static TwoLayerRelu withRandomSigns(int m, int d, long seed) {
        double[] a = new double[m];
        for (int r = 0; r < m; r++) a[r] = Seeds.stream(seed, "relu/a", r).nextBoolean() ? 1.0 : -1.0;
        return new TwoLayerRelu(m, d, a);
    }

    /** W(0): rows w_r ~ N(0, kappa^2 I_d), unit r's from its own stream of {@code seed}. */
    public double[] initialWeights(double kappa, long seed) {
        double[] w = new double[m * d];
        for (int r = 0; r < m; r++) {
            SplittableRandom rng = Seeds.stream(seed, "relu/w", r);
            for (int j = 0; j < d; j++) w[r * d + j] = kappa * rng.nextGaussian();
        }
        return w;
    }

    /** Reusable per-thread buffers of one evaluation. */
    public static final class Workspace {
        final double[] p;
        final float[] p32;
        final float[] g32;

        public Workspace(int m, int d, Precision precision) {
            p = new double[CHUNK * m];
            boolean f = precision == Precision.FLOAT32;
            p32 = f ? new float[CHUNK * m] : null;
            g32 = f ? new float[m * d] : null;
        }
    }

    /** The activation pattern {@code 1{w_r . x_i >= 0}} of a block as bits (bit {@code i m + r}). */
    public long[] patternBits(double[] x, int rows, double[] w) {
        long[] bits = new long[(int) (((long) rows * m + 63) / 64)];
        double[] p = new double[CHUNK * m];
        for (int i0 = 0; i0 < rows; i0 += CHUNK) {
            int c = Math.min(CHUNK, rows - i0);
            Gemm.abt(x, i0 * d, c, w, 0, m, d, p);
            for (int i = 0; i < c; i++) {
                long base = (long) (i0 + i) * m;
                for (int r = 0; r < m; r++) {
                    if (p[i * m + r] >= 0) set(bits, base + r);
                }
            }
        }
        return bits;
    }

    /**
     * Adds a block's loss, gradient and pattern changes to {@code out}.
     *
     * @param x     rows x d row-major (float64)
     * @param x32   the same in float32, or null unless {@code precision == FLOAT32}
     * @param mask0 the block's pattern at W(0) ({@link #patternBits}), or null to skip the pattern count
     * @param w     m x d weights; {@code w32} its float32 copy for FLOAT32 (the caller converts once per pass)
     */
    public void accumulate(double[] x, float[] x32, int rows, double[] y, long[] mask0, double[] w, float[] w32,
                           Precision precision, Workspace ws, ReluEvaluation out) {
        final double s = 1.0 / Math.sqrt(m);
        final double[] p = ws.p;
        boolean single = precision == Precision.FLOAT32;
        if (single) java.util.Arrays.fill(ws.g32, 0f);
        for (int i0 = 0; i0 < rows; i0 += CHUNK) {
            int c = Math.min(CHUNK, rows - i0);
            if (single) {
                Gemm.abt(x32, i0 * d, c, w32, 0, m, d, ws.p32);
                for (int k = 0; k < c * m; k++) p[k] = ws.p32[k];
            } else {
                Gemm.abt(x, i0 * d, c, w, 0, m, d, p);
            }
            long changes = 0;
            for (int i = 0; i < c; i++) {
                int row = i * m;
                double f = 0;
                for (int r = 0; r < m; r++) {
                    double v = p[row + r];
                    if (v > 0) f += a[r] * v;
                }
                f *= s;
                double res = f - y[i0 + i];
                out.loss += 0.5 * res * res;
                double rs = res * s;
                long base = (long) (i0 + i) * m;
                for (int r = 0; r < m; r++) {
                    boolean on = p[row + r] >= 0;
                    if (mask0 != null && on != get(mask0, base + r)) changes++;
                    p[row + r] = on ? rs * a[r] : 0.0;
                }
            }
            out.patternChanges += changes;
            if (single) {
                for (int k = 0; k < c * m; k++) ws.p32[k] = (float) p[k];
                Gemm.atbAccumulate(ws.p32, c, m, x32, i0 * d, d, 1.0f, ws.g32);
            } else {
                Gemm.atbAccumulate(p, c, m, x, i0 * d, d, 1.0, out.gradient);
            }
        }
        if (single) {
            double[] g = out.gradient;
            for (int k = 0; k < g.length; k++) g[k] += ws.g32[k];
        }
        out.rows += rows;
    }

    /** Predictions f(x_i) of a block, float64. */
    public double[] predict(double[] x, int rows, double[] w) {
        double[] f = new double[rows];
        double[] p = new double[CHUNK * m];
        double s = 1.0 / Math.sqrt(m);
        for (int i0 = 0; i0 < rows; i0 += CHUNK) {
            int c = Math.min(CHUNK, rows - i0);
            Gemm.abt(x, i0 * d, c, w, 0, m, d, p);
            for (int i = 0; i < c; i++) {
                double v = 0;
                for (int r = 0; r < m; r++) v += a[r] * Math.max(p[i * m + r], 0);
                f[i0 + i] = s * v;
            }
        }
        return f;
    }

    static void set(long[] bits, long k) {
        bits[(int) (k >>> 6)] |= 1L << (k & 63);
    }

    static boolean get(long[] bits, long k) {
        return (bits[(int) (k >>> 6)] & (1L << (k & 63))) != 0;
    }
}
