package org.overparam.model;

import java.util.Arrays;
import org.overparam.linalg.BulkDoubles;
import org.overparam.linalg.Gemm;

/**
 * A block of units holding W(k) itself ({@link UnitRepresentation#WEIGHTS}). A step: the gradient
 * {@code G = B^T X} at the stored pattern in panels of {@value ReluUnitBlock#PANEL_UNITS} units,
 * {@code W(k+1) = W(k) - eta G}, then {@code X W(k+1)^T} in chunks of rows for the predictions and patterns:
 * {@code 4 n u d'} flops. The block holds and steps only the d' {@linkplain TrainingSet#activeColumns active columns}
 * of W: on a column where every sample is zero the gradient is zero, so W keeps W(0) there, and the column adds
 * nothing to {@code w_r . x_i}. {@link #weights} and the checkpoints carry the whole rows. Memory: W(k) and W(0) on the
 * active columns, {@code 16 u d'} bytes.
 */
final class ReluWeightsBlock extends ReluUnitBlock {
    private static final long serialVersionUID = 1L;
    /** W(k); the same holder as {@link #w0} at W(0), so that a serialized block carries W(0) once. */
    private final BulkDoubles w;

    private final BulkDoubles w0;
    /** The arrays of the block this one was stepped from, which the next step overwrites (see {@link ReluUnitBlock}). */
    private transient double[] spareW;

    private transient long[] spareMask;

    private ReluWeightsBlock(
            int first,
            int units,
            int width,
            int iteration,
            double[] a,
            BulkDoubles w,
            BulkDoubles w0,
            long[] mask0,
            long[] mask) {
        super(first, units, width, iteration, a, mask0, mask);
        this.w = w;
        this.w0 = w0;
    }

    static Stepped initial(
            int first,
            int units,
            int width,
            double kappa,
            long seed,
            TrainingSet data,
            Precision precision,
            Workspace ws) {
        long t0 = System.nanoTime();
        double[] a = signs(first, units, seed);
        double[] w0 = initialRows(first, units, data.d, data.activeColumns(), kappa, seed);
        double[] predictions = new double[data.n];
        long[] mask = new long[Math.multiplyExact(data.n, words(units))];
        forward(w0, a, units, data, null, precision, ws, predictions, mask);
        BulkDoubles initial = new BulkDoubles(w0);
        ReluWeightsBlock block = new ReluWeightsBlock(first, units, width, 0, a, initial, initial, mask, mask);
        return new Stepped(block, new Outputs(predictions, 0, 0.0, 0.0, Double.NaN, seconds(t0)));
    }

    static ReluWeightsBlock restore(
            int first,
            int units,
            int width,
            int iteration,
            double kappa,
            long seed,
            double[] w,
            TrainingSet data,
            Precision precision,
            Workspace ws) {
        double[] a = signs(first, units, seed);
        double[] w0 = initialRows(first, units, data.d, data.activeColumns(), kappa, seed);
        int words = words(units);
        long[] mask0 = new long[Math.multiplyExact(data.n, words)];
        forward(w0, a, units, data, null, precision, ws, new double[data.n], mask0);
        long[] mask = mask0;
        if (iteration > 0) {
            mask = new long[mask0.length];
            forward(w, a, units, data, null, precision, ws, new double[data.n], mask);
        }
        BulkDoubles initial = new BulkDoubles(w0);
        BulkDoubles current = iteration == 0 ? initial : new BulkDoubles(w);
        return new ReluWeightsBlock(first, units, width, iteration, a, current, initial, mask0, mask);
    }

    @Override
    public UnitRepresentation representation() {
        return UnitRepresentation.WEIGHTS;
    }

    @Override
    public Stepped step(TrainingSet data, double[] residual, double eta, Precision precision, Workspace ws) {
        requireResidual(data, residual);
        long t0 = System.nanoTime();
        double[] w = this.w.values(), w0 = this.w0.values();
        double[] next = spareW != null ? spareW : new double[w.length];
        double gradientSquared = gradient(data, residual, precision, ws, eta, next);
        double[] predictions = new double[data.n];
        long[] nextMask = spareMask != null ? spareMask : new long[mask.length];
        long changes = forward(next, a, units, data, mask0, precision, ws, predictions, nextMask);
        int d = data.active().d();
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
        ReluWeightsBlock block = new ReluWeightsBlock(
                first, units, width, iteration + 1, a, new BulkDoubles(next), this.w0, mask0, nextMask);
        if (w != w0) block.spareW = w;
        if (mask != mask0) block.spareMask = mask;
        return new Stepped(block, new Outputs(predictions, changes, max, sum, gradientSquared, seconds(t0)));
    }

    @Override
    void forgetSpares() {
        spareW = null;
        spareMask = null;
    }

    @Override
    public double gradientSquared(TrainingSet data, double[] residual, Precision precision, Workspace ws) {
        requireResidual(data, residual);
        return gradient(data, residual, precision, ws, 0.0, null);
    }

    @Override
    public double[] weights(TrainingSet data, double kappa, long seed) {
        int[] columns = data.activeColumns();
        if (columns == null) return w.values();
        double[] full = initialRows(first, units, data.d, kappa, seed), active = w.values();
        int d = data.d, k = columns.length;
        for (int r = 0; r < units; r++) for (int c = 0; c < k; c++) full[r * d + columns[c]] = active[r * k + c];
        return full;
    }

    /** W(k) on the active columns (units x d'): what the block steps, and what it needs to continue. */
    @Override
    public double[] checkpointValues() {
        return w.values();
    }

    /** Predictions and patterns at weights w, in chunks of rows; returns the pattern changes against mask0 (if given). */
    private static long forward(
            double[] w,
            double[] a,
            int units,
            TrainingSet data,
            long[] mask0,
            Precision precision,
            Workspace ws,
            double[] predictions,
            long[] mask) {
        TrainingSet.Active active = data.active();
        int n = data.n, d = active.d();
        int chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / units));
        boolean single = precision == Precision.FLOAT32;
        double[] x = active.x();
        float[] x32 = single ? data.activeX32() : null;
        float[] w32 = single ? toFloat(w) : null;
        double[] p = ws.p(chunk * units);
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
            changes += activate(p, i0, c, units, a, predictions, mask, mask0);
        }
        return changes;
    }

    /** {@code G = B^T X}, panel by panel; writes {@code W - eta G} into {@code next} (unless null); returns {@code ||G||_F^2}. */
    private double gradient(
            TrainingSet data, double[] residual, Precision precision, Workspace ws, double eta, double[] next) {
        TrainingSet.Active active = data.active();
        int n = data.n, d = active.d();
        double[] w = this.w.values();
        int panel = Math.min(units, PANEL_UNITS);
        int chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / panel));
        boolean single = precision == Precision.FLOAT32;
        double[] x = active.x();
        float[] x32 = single ? data.activeX32() : null;
        double[] b = ws.b(chunk * panel), g = ws.g(panel * d);
        float[] b32 = single ? ws.b32(chunk * panel) : null, g32 = single ? ws.g32(panel * d) : null;
        double squared = 0;
        for (int u0 = 0; u0 < units; u0 += panel) {
            int uc = Math.min(panel, units - u0);
            if (single) Arrays.fill(g32, 0, uc * d, 0f);
            else Arrays.fill(g, 0, uc * d, 0.0);
            for (int i0 = 0; i0 < n; i0 += chunk) {
                int c = Math.min(chunk, n - i0);
                fillB(residual, i0, c, u0, uc, b);
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
}
