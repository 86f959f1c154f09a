package org.overparam.model;

import org.overparam.Seeds;
import org.overparam.linalg.BulkArrays;
import org.overparam.linalg.Gemm;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The hidden units {@code r = first .. first + units - 1} of Du et al.'s two-layer ReLU net
 * {@code f(x) = (1/sqrt(m)) sum_r a_r relu(w_r . x)} (ICLR 2019, eq. 1), with all that full-batch gradient descent
 * keeps of them: their rows of W(k) and W(0), their signs a_r, and their activation patterns
 * {@code 1{w_r . x_i >= 0}} at W(0) and at W(k), as bits. Given the residual {@code f(x_i) - y_i} of the whole net,
 * the units are independent: a block steps itself,
 * {@code w_r(k+1) = w_r(k) - eta (1/sqrt(m)) sum_i (f(x_i) - y_i) a_r 1{w_r(k) . x_i >= 0} x_i} (Du et al. eq. 3), and
 * returns its part of the next predictions, {@code sum_{r in block} a_r relu(w_r(k+1) . x_i)} for every i, with its
 * part of the metrics. Initialization draws unit r's sign and row from its own streams of the seed, exactly as
 * {@link TwoLayerRelu#withRandomSigns} and {@link TwoLayerRelu#initialWeights} do, so any cut of the units into blocks
 * trains the same network.
 *
 * <p>Immutable: a step returns a new block and leaves this one as it was (a retried or recomputed task sees the same
 * input). Cost of a step: {@code 4 n u d} flops in GEMMs ({@code u} units here): the gradient {@code B^T X} in panels
 * of {@value #PANEL_UNITS} units, then {@code X W^T} for the new predictions and patterns. Memory:
 * {@link #stateBytes} for the block, {@link #stepBytes} more while a step runs (the new W and the workspace).
 */
public final class ReluUnitBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Budget, in doubles, of the chunk of {@code X W^T} (rows x units) and of the gradient's B panel. */
    public static final int WORKSPACE_DOUBLES = 1 << 23;
    /** Units per gradient panel: the panel's gradient (units x d) is the only m-sized buffer of a step. */
    public static final int PANEL_UNITS = 1024;

    public final int first;
    public final int units;
    /** m, the width of the whole net (the output scale is 1/sqrt(m)). */
    public final int width;
    public final int iteration;
    private final double[] a;
    private transient double[] w;
    private transient double[] w0;
    private final long[] mask0;
    private final long[] mask;

    /**
     * A block's part of one pass.
     *
     * @param predictions     {@code sum_{r in block} a_r relu(w_r . x_i)}, i = 0..n-1 (not yet scaled by 1/sqrt(m))
     * @param patternChanges  {@code sum_i sum_{r in block} 1{pattern at W(k) != pattern at W(0)}}
     * @param maxDistance     {@code max_{r in block} ||w_r(k) - w_r(0)||}
     * @param distanceSquared {@code sum_{r in block} ||w_r(k) - w_r(0)||^2}
     * @param gradientSquared {@code ||dL/dW_block||_F^2} at the weights the step started from (NaN for W(0))
     * @param computeSeconds  the task's own compute time
     */
    public record Outputs(double[] predictions, long patternChanges, double maxDistance, double distanceSquared,
                          double gradientSquared, double computeSeconds) implements Serializable {
    }

    /** A block after a pass, with its outputs. */
    public record Stepped(ReluUnitBlock block, Outputs outputs) implements Serializable {
    }

    private ReluUnitBlock(int first, int units, int width, int iteration, double[] a, double[] w, double[] w0,
                          long[] mask0, long[] mask) {
        this.first = first;
        this.units = units;
        this.width = width;
        this.iteration = iteration;
        this.a = a;
        this.w = w;
        this.w0 = w0;
        this.mask0 = mask0;
        this.mask = mask;
    }

    /** The block at W(0), with its predictions and patterns: units {@code first ..} of a net of width m. */
    public static Stepped initial(int first, int units, int width, double kappa, long seed, TrainingSet data,
                                  Precision precision, Workspace ws) {
        check(first, units, width);
        long t0 = System.nanoTime();
        double[] a = signs(first, units, seed);
        double[] w0 = initialRows(first, units, data.d, kappa, seed);
        Forward f = forward(w0, a, units, data, null, precision, ws);
        ReluUnitBlock block = new ReluUnitBlock(first, units, width, 0, a, w0, w0, f.mask, f.mask);
        return new Stepped(block, new Outputs(f.predictions, 0, 0.0, 0.0, Double.NaN, seconds(t0)));
    }

    /**
     * The block at a checkpointed W(k): its signs and W(0) re-derived from the seed, both patterns recomputed (the
     * same arithmetic as during training, so training continues bit for bit).
     */
    public static ReluUnitBlock restore(int first, int units, int width, int iteration, double kappa, long seed,
                                        double[] w, TrainingSet data, Precision precision, Workspace ws) {
        check(first, units, width);
        if (w.length != (long) units * data.d) {
            throw new IllegalArgumentException("ReluUnitBlock.restore: expected " + units + " x " + data.d
                    + " weights for units " + first + "..; found " + w.length + " values");
        }
        double[] a = signs(first, units, seed);
        double[] w0 = initialRows(first, units, data.d, kappa, seed);
        long[] mask0 = forward(w0, a, units, data, null, precision, ws).mask;
        long[] mask = iteration == 0 ? mask0 : forward(w, a, units, data, null, precision, ws).mask;
        return new ReluUnitBlock(first, units, width, iteration, a, iteration == 0 ? w0 : w, w0, mask0, mask);
    }

    /**
     * One gradient step with the residual {@code res_i = f(x_i) - y_i} of the whole net at W(k): the gradient of this
     * block's units at W(k) from the stored pattern, {@code W(k+1) = W(k) - eta G}, then the pass at W(k+1).
     */
    public Stepped step(TrainingSet data, double[] residual, double eta, Precision precision, Workspace ws) {
        requireResidual(data, residual);
        long t0 = System.nanoTime();
        double[] next = new double[w.length];
        double gradientSquared = gradient(data, residual, precision, ws, eta, next);
        Forward f = forward(next, a, units, data, mask0, precision, ws);
        int d = data.d;
        double max = 0, sum = 0;
        for (int r = 0; r < units; r++) {
            double s = 0;
            for (int j = r * d, end = j + d; j < end; j++) {
                double diff = next[j] - w0[j];
                s += diff * diff;
            }
            sum += s;
            max = Math.max(max, Math.sqrt(s));
        }
        ReluUnitBlock block = new ReluUnitBlock(first, units, width, iteration + 1, a, next, w0, mask0, f.mask);
        return new Stepped(block, new Outputs(f.predictions, f.changes, max, sum, gradientSquared, seconds(t0)));
    }

    /** {@code ||dL/dW_block||_F^2} at W(k), for the residual at W(k), without stepping. */
    public double gradientSquared(TrainingSet data, double[] residual, Precision precision, Workspace ws) {
        requireResidual(data, residual);
        return gradient(data, residual, precision, ws, 0.0, null);
    }

    /** W(k) of this block, units x d row-major (not to be modified). */
    public double[] weights() {
        return w;
    }

    /**
     * Adds this block's co-activation counts {@code C_ij += sum_{r in block} 1{w_r . x_i >= 0} 1{w_r . x_j >= 0}} at
     * W(k), or at W(0) if {@code initial}, to {@code c} (n x n, row-major): with {@code H(k) = (X X^T) o C / m} the finite-width Gram matrix of Du et
     * al. (Sec. 3). Cost {@code 2 n^2 u} flops, in GEMMs over panels of 512 units.
     */
    public void addCoactivations(int n, double[] c, boolean initial) {
        if (c.length != (long) n * n) throw new IllegalArgumentException("addCoactivations: expected n x n = " + n + " x " + n + ", found " + c.length);
        int panel = Math.min(512, units), words = words(units);
        long[] pattern = initial ? mask0 : mask;
        double[] m01 = new double[n * panel];
        for (int u0 = 0; u0 < units; u0 += panel) {
            int uc = Math.min(panel, units - u0);
            for (int i = 0; i < n; i++) {
                int base = i * words;
                for (int r = 0; r < uc; r++) {
                    int u = u0 + r;
                    m01[i * uc + r] = (pattern[base + (u >>> 6)] >>> (u & 63)) & 1L;
                }
            }
            Gemm.abt(m01, 0, n, m01, 0, n, uc, c, 1.0);
        }
    }

    /** Bytes a block of u units keeps between steps: W(k), W(0), signs and two patterns. */
    public static long stateBytes(long units, long d, long n) {
        return 16 * units * d + 8 * units + 16 * n * words(units);
    }

    /** Bytes a step needs beyond {@link #stateBytes}: the new W, its own patterns and predictions, and the workspace. */
    public static long stepBytes(long units, long d, long n, Precision precision) {
        long panel = Math.min(units, PANEL_UNITS);
        long chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / units));
        long bChunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / panel));
        long perValue = precision == Precision.FLOAT32 ? 12 : 8;
        return 8 * units * d + 8 * n * words(units) + 8 * n + perValue * (chunk * units + bChunk * panel + panel * d)
                + (precision == Precision.FLOAT32 ? 4 * units * d : 0);
    }

    /** Reusable buffers of one thread's passes; grown on demand. */
    public static final class Workspace {
        private double[] p = new double[0], b = new double[0], g = new double[0];
        private float[] p32 = new float[0], b32 = new float[0], g32 = new float[0];

        double[] p(int size) {
            if (p.length < size) p = new double[size];
            return p;
        }

        double[] b(int size) {
            if (b.length < size) b = new double[size];
            return b;
        }

        double[] g(int size) {
            if (g.length < size) g = new double[size];
            return g;
        }

        float[] p32(int size) {
            if (p32.length < size) p32 = new float[size];
            return p32;
        }

        float[] b32(int size) {
            if (b32.length < size) b32 = new float[size];
            return b32;
        }

        float[] g32(int size) {
            if (g32.length < size) g32 = new float[size];
            return g32;
        }
    }

    private record Forward(double[] predictions, long[] mask, long changes) {
    }

    /** Predictions, patterns and (against {@code mask0}, if given) pattern changes at weights w. */
    private static Forward forward(double[] w, double[] a, int units, TrainingSet data, long[] mask0, Precision precision,
                                   Workspace ws) {
        int n = data.n, d = data.d, words = words(units);
        int chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / units));
        boolean single = precision == Precision.FLOAT32;
        double[] x = data.x();
        float[] x32 = single ? data.x32() : null;
        float[] w32 = single ? toFloat(w) : null;
        double[] p = ws.p(chunk * units);
        double[] predictions = new double[n];
        long[] mask = new long[Math.multiplyExact(n, words)];
        long changes = 0;
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int c = Math.min(chunk, n - i0);
            if (single) {
                float[] p32 = ws.p32(chunk * units);
                Gemm.abt(x32, i0 * d, c, w32, 0, units, d, p32);
                for (int k = 0; k < c * units; k++) p[k] = p32[k];
            } else {
                Gemm.abt(x, i0 * d, c, w, 0, units, d, p);
            }
            for (int i = 0; i < c; i++) {
                int row = i * units, base = (i0 + i) * words;
                double f = 0;
                for (int r = 0; r < units; r++) f += a[r] * Math.max(p[row + r], 0.0);
                predictions[i0 + i] = f;
                // Branch-free: the signs of X W^T are coin flips, so branches would mispredict half the time.
                for (int r0 = 0, word = 0; r0 < units; r0 += 64, word++) {
                    int end = Math.min(units, r0 + 64);
                    long bits = 0;
                    for (int r = r0; r < end; r++) bits |= (p[row + r] >= 0 ? 1L : 0L) << (r - r0);
                    mask[base + word] = bits;
                    if (mask0 != null) changes += Long.bitCount(bits ^ mask0[base + word]);
                }
            }
        }
        return new Forward(predictions, mask, changes);
    }

    /**
     * {@code G = B^T X / sqrt(m)} with {@code B_ir = 1{w_r . x_i >= 0} res_i a_r} at the stored pattern, panel by panel;
     * writes {@code W - eta G} into {@code next} (unless null) and returns {@code ||G||_F^2}.
     */
    private double gradient(TrainingSet data, double[] residual, Precision precision, Workspace ws, double eta, double[] next) {
        int n = data.n, d = data.d, words = words(units);
        int panel = Math.min(units, PANEL_UNITS);
        int chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / panel));
        boolean single = precision == Precision.FLOAT32;
        double[] x = data.x();
        float[] x32 = single ? data.x32() : null;
        double s = 1.0 / Math.sqrt(width);
        double[] b = ws.b(chunk * panel), g = ws.g(panel * d);
        float[] b32 = single ? ws.b32(chunk * panel) : null, g32 = single ? ws.g32(panel * d) : null;
        double squared = 0;
        for (int u0 = 0; u0 < units; u0 += panel) {
            int uc = Math.min(panel, units - u0);
            if (single) Arrays.fill(g32, 0, uc * d, 0f);
            else Arrays.fill(g, 0, uc * d, 0.0);
            for (int i0 = 0; i0 < n; i0 += chunk) {
                int c = Math.min(chunk, n - i0);
                for (int i = 0; i < c; i++) {
                    double rs = residual[i0 + i] * s;
                    int base = (i0 + i) * words, row = i * uc;
                    for (int r = 0; r < uc; r++) {
                        int u = u0 + r;
                        long on = (mask[base + (u >>> 6)] >>> (u & 63)) & 1L;
                        b[row + r] = on * (rs * a[u]);
                    }
                }
                if (single) {
                    for (int k = 0; k < c * uc; k++) b32[k] = (float) b[k];
                    Gemm.atbAccumulate(b32, c, uc, x32, i0 * d, d, 1.0f, g32);
                } else {
                    Gemm.atbAccumulate(b, c, uc, x, i0 * d, d, 1.0, g);
                }
            }
            if (single) for (int k = 0; k < uc * d; k++) g[k] = g32[k];
            int off = u0 * d;
            for (int k = 0; k < uc * d; k++) {
                double v = g[k];
                squared += v * v;
                if (next != null) next[off + k] = w[off + k] - eta * v;
            }
        }
        return squared;
    }

    static int words(long units) {
        return (int) ((units + 63) >>> 6);
    }

    private static double[] signs(int first, int units, long seed) {
        double[] a = new double[units];
        for (int r = 0; r < units; r++) a[r] = Seeds.stream(seed, "relu/a", first + r).nextBoolean() ? 1.0 : -1.0;
        return a;
    }

    private static double[] initialRows(int first, int units, int d, double kappa, long seed) {
        double[] w = new double[Math.multiplyExact(units, d)];
        for (int r = 0; r < units; r++) {
            SplittableRandom rng = Seeds.stream(seed, "relu/w", first + r);
            for (int j = 0; j < d; j++) w[r * d + j] = kappa * rng.nextGaussian();
        }
        return w;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    private static void check(int first, int units, int width) {
        if (first < 0 || units < 1 || first + (long) units > width) {
            throw new IllegalArgumentException("ReluUnitBlock: expected 0 <= first and 1 <= units with first + units <= m; found first="
                    + first + ", units=" + units + ", m=" + width);
        }
    }

    private static void requireResidual(TrainingSet data, double[] residual) {
        if (residual.length != data.n) {
            throw new IllegalArgumentException("ReluUnitBlock: expected a residual of n = " + data.n + " values, found " + residual.length);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        BulkArrays.write(out, w0);
        out.writeBoolean(w == w0);
        if (w != w0) BulkArrays.write(out, w);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        w0 = BulkArrays.read(in);
        w = in.readBoolean() ? w0 : BulkArrays.read(in);
    }
}
