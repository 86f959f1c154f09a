package org.overparam.model;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.linalg.Gemm;

/**
 * The two-layer ReLU network of Du et al. (ICLR 2019, eq. 1) and Arora et al. (ICML 2019, Sec. 3):
 * {@code f(W, a, x) = (1/sqrt(m)) sum_r a_r relu(w_r . x)}, second layer {@code a_r ~ unif{-1,+1}} fixed, first layer
 * {@code w_r(0) ~ N(0, kappa^2 I)}, loss {@code L(W) = sum_i 1/2 (f(x_i) - y_i)^2} (a sum, not a mean), gradient
 * {@code dL/dw_r = (1/sqrt(m)) sum_i (f(x_i) - y_i) a_r 1{w_r . x_i >= 0} x_i} (Du et al. eq. 3; the ReLU's derivative
 * at 0 is taken as 1, matching the indicator {@code >= 0}).
 *
 * <p>Per block of samples, in chunks of {@link #chunkRows} rows: {@code P = X W^T} (one GEMM, chunk x m), the mask,
 * the predictions and residuals, then {@code G += (mask o (r a^T))^T X / sqrt(m)} (one GEMM). Cost {@code 4 n m d} flops
 * per evaluation; workspace about {@value #WORKSPACE_DOUBLES} doubles (64 MiB), independent of n. Weights are m x d
 * row-major. Activation patterns are stored as bits, each sample's row padded to whole 64-bit words
 * ({@link #words} per row), so comparing two patterns is a popcount of XORed words.
 */
public final class TwoLayerRelu implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Budget of the chunk workspace P (chunk x m doubles). */
    public static final int WORKSPACE_DOUBLES = 1 << 23;

    public final int m;
    public final int d;
    /** Second-layer signs, fixed. */
    public final double[] a;

    private int workspaceDoubles = WORKSPACE_DOUBLES;

    /**
     * Rows per GEMM chunk: as many as the workspace budget allows (few chunks mean few passes over the m x d gradient,
     * which is memory-bound), between 64 and 4096.
     */
    public int chunkRows() {
        return Math.max(1, Math.min(4096, workspaceDoubles / m));
    }

    /** The same network with another workspace budget (smaller budgets mean more, smaller chunks). */
    public TwoLayerRelu withWorkspaceBudget(int doubles) {
        TwoLayerRelu t = new TwoLayerRelu(m, d, a);
        t.workspaceDoubles = doubles;
        return t;
    }

    /** 64-bit words per sample in a pattern bit set. */
    public int words() {
        return (m + 63) >>> 6;
    }

    public TwoLayerRelu(int m, int d, double[] a) {
        if (m < 1 || d < 1 || a.length != m) {
            throw new IllegalArgumentException("TwoLayerRelu: expected m, d >= 1 and m signs, found m=" + m + ", d=" + d
                    + ", " + a.length + " signs");
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

        public Workspace(TwoLayerRelu net, Precision precision) {
            int chunk = net.chunkRows();
            p = new double[chunk * net.m];
            boolean f = precision == Precision.FLOAT32;
            p32 = f ? new float[chunk * net.m] : null;
            g32 = f ? new float[net.m * net.d] : null;
        }
    }

    /** The activation pattern {@code 1{w_r . x_i >= 0}} of a block as bits: row i, unit r is bit r of row i's words. */
    public long[] patternBits(double[] x, int rows, double[] w) {
        int words = words(), chunk = chunkRows();
        long[] bits = new long[Math.multiplyExact(rows, words)];
        double[] p = new double[chunk * m];
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int c = Math.min(chunk, rows - i0);
            Gemm.abt(x, i0 * d, c, w, 0, m, d, p);
            for (int i = 0; i < c; i++) {
                int base = (i0 + i) * words;
                for (int r = 0; r < m; r++) {
                    if (p[i * m + r] >= 0) bits[base + (r >>> 6)] |= 1L << (r & 63);
                }
            }
        }
        return bits;
    }

    /**
     * A block of samples as {@link #accumulate} reads them.
     *
     * @param x     rows x d row-major (float64)
     * @param x32   the same in float32, or null unless the pass runs in {@link Precision#FLOAT32}
     * @param rows  the number of rows
     * @param y     their labels
     * @param mask0 the block's pattern at W(0) ({@link #patternBits}), or null to skip the pattern count
     */
    public record SampleRows(double[] x, float[] x32, int rows, double[] y, long[] mask0) {
        /** Float64 rows only. */
        public static SampleRows of(double[] x, int rows, double[] y, long[] mask0) {
            return new SampleRows(x, null, rows, y, mask0);
        }
    }

    /**
     * The weights a pass reads: W (m x d, row-major), its float32 copy for {@link Precision#FLOAT32} (the caller
     * converts once per pass, else null), and the precision of the pass's GEMMs.
     */
    public record PassWeights(double[] w, float[] w32, Precision precision) {
        public static PassWeights float64(double[] w) {
            return new PassWeights(w, null, Precision.FLOAT64);
        }
    }

    /**
     * Adds a block's loss {@code sum_i (f(x_i) - y_i)^2 / 2}, gradient {@code dL/dW} and pattern changes against W(0)
     * to {@code out}: {@code 4 rows m d} flops, in chunks of rows.
     */
    public void accumulate(SampleRows block, PassWeights weights, Workspace ws, ReluEvaluation out) {
        double[] x = block.x(), y = block.y(), w = weights.w();
        float[] x32 = block.x32(), w32 = weights.w32();
        long[] mask0 = block.mask0();
        int rows = block.rows();
        Precision precision = weights.precision();
        final double s = 1.0 / Math.sqrt(m);
        final double[] p = ws.p;
        final int chunk = chunkRows(), words = words();
        boolean single = precision == Precision.FLOAT32;
        if (single) java.util.Arrays.fill(ws.g32, 0f);
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int c = Math.min(chunk, rows - i0);
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
                for (int r = 0; r < m; r++) f += a[r] * Math.max(p[row + r], 0.0);
                double res = f * s - y[i0 + i];
                out.loss += 0.5 * res * res;
                double rs = res * s;
                int base = (i0 + i) * words;
                // Branch-free: the signs of P are coin flips, so branches would mispredict half the time.
                for (int r0 = 0, word = 0; r0 < m; r0 += 64, word++) {
                    int end = Math.min(m, r0 + 64);
                    long bits = 0;
                    for (int r = r0; r < end; r++) {
                        long on = p[row + r] >= 0 ? 1L : 0L;
                        bits |= on << (r - r0);
                        p[row + r] = on * (rs * a[r]);
                    }
                    if (mask0 != null) changes += Long.bitCount(bits ^ mask0[base + word]);
                }
            }
            out.patternChanges += changes;
            if (single) {
                for (int k = 0; k < c * m; k++) ws.p32[k] = (float) p[k];
                Gemm.atbAccumulate(ws.p32, c, m, x32, i0 * d, d, 1.0f, ws.g32);
            } else {
                Gemm.atbAccumulate(p, c, m, x, i0 * d, d, 1.0, out.gradient());
            }
        }
        if (single) {
            double[] g = out.gradient();
            for (int k = 0; k < g.length; k++) g[k] += ws.g32[k];
        }
        out.rows += rows;
    }

    /** Predictions f(x_i) of a block, float64. */
    public double[] predict(double[] x, int rows, double[] w) {
        double[] f = new double[rows];
        int chunk = chunkRows();
        double[] p = new double[chunk * m];
        double s = 1.0 / Math.sqrt(m);
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int c = Math.min(chunk, rows - i0);
            Gemm.abt(x, i0 * d, c, w, 0, m, d, p);
            for (int i = 0; i < c; i++) {
                double v = 0;
                for (int r = 0; r < m; r++) v += a[r] * Math.max(p[i * m + r], 0);
                f[i0 + i] = s * v;
            }
        }
        return f;
    }
}
