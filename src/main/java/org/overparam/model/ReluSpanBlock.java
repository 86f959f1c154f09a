package org.overparam.model;

import org.overparam.linalg.BulkDoubles;
import org.overparam.linalg.Gemm;

/**
 * A block of units holding its weights in the span of the samples ({@link UnitRepresentation#SAMPLE_SPAN}):
 * {@code W(k) = W(0) + A(k)^T X}, with {@code A} (n x u), {@code Q = K A} and {@code P(0) = X W(0)^T} (n x u each,
 * row-major: sample i, unit r), {@code K = X X^T}. The pre-activations are {@code X W(k)^T = P(0) + Q(k)}.
 *
 * <p>A step, per panel of {@value ReluUnitBlock#PANEL_UNITS} units: {@code B} at the stored pattern (the gradient is
 * {@code G = B^T X}), one GEMM {@code K B}, then {@code A <- A - eta B}, {@code Q <- Q - eta K B},
 * {@code ||G||_F^2 = sum_ir B_ir (K B)_ir} and {@code ||w_r - w_r(0)||^2 = sum_i A_ir Q_ir}; finally the patterns and
 * predictions of {@code P(0) + Q}. Cost {@code 2 n^2 u} flops, against {@code 4 n u d} with W itself. Memory:
 * {@code 24 n u} bytes, and K ({@code 8 n^2}) once per executor.
 */
final class ReluSpanBlock extends ReluUnitBlock {
    private static final long serialVersionUID = 1L;
    /** A(k), or null while it is zero (at W(0)). */
    private final BulkDoubles span;
    /** Q(k) = K A(k), or null while it is zero. */
    private final BulkDoubles q;
    /** P(0) = X W(0)^T (n x u). */
    private final BulkDoubles p0;
    /** The arrays of the block this one was stepped from, which the next step overwrites (see {@link ReluUnitBlock}). */
    private transient double[] spareSpan;

    private transient double[] spareQ;
    private transient long[] spareMask;

    private ReluSpanBlock(
            int first,
            int units,
            int width,
            int iteration,
            double[] a,
            double[] span,
            double[] q,
            double[] p0,
            long[] mask0,
            long[] mask) {
        super(first, units, width, iteration, a, mask0, mask);
        this.span = BulkDoubles.ofNullable(span);
        this.q = BulkDoubles.ofNullable(q);
        this.p0 = new BulkDoubles(p0);
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
        double[] p0 = initialProducts(first, units, kappa, seed, data, precision);
        double[] predictions = new double[data.n];
        long[] mask = new long[Math.multiplyExact(data.n, words(units))];
        activate(p0, 0, data.n, units, a, predictions, mask, null);
        ReluSpanBlock block = new ReluSpanBlock(first, units, width, 0, a, null, null, p0, mask, mask);
        return new Stepped(block, new Outputs(predictions, 0, 0.0, 0.0, Double.NaN, seconds(t0)));
    }

    static ReluSpanBlock restore(
            int first,
            int units,
            int width,
            int iteration,
            double kappa,
            long seed,
            double[] values,
            TrainingSet data,
            Precision precision,
            Workspace ws) {
        int n = data.n, size = Math.multiplyExact(n, units);
        double[] a = signs(first, units, seed);
        double[] p0 = initialProducts(first, units, kappa, seed, data, precision);
        long[] mask0 = new long[Math.multiplyExact(n, words(units))];
        activate(p0, 0, n, units, a, new double[n], mask0, null);
        if (iteration == 0) return new ReluSpanBlock(first, units, width, 0, a, null, null, p0, mask0, mask0);
        double[] span = java.util.Arrays.copyOfRange(values, 0, size);
        double[] q = java.util.Arrays.copyOfRange(values, size, 2 * size);
        long[] mask = new long[mask0.length];
        activateSum(p0, q, units, a, new double[n], mask, null, ws);
        return new ReluSpanBlock(first, units, width, iteration, a, span, q, p0, mask0, mask);
    }

    /** {@code P(0) = X W(0)^T} (n x u), W(0) drawn from the seed and dropped. */
    private static double[] initialProducts(
            int first, int units, double kappa, long seed, TrainingSet data, Precision precision) {
        int n = data.n, d = data.d;
        double[] w0 = initialRows(first, units, d, kappa, seed);
        double[] p0 = new double[Math.multiplyExact(n, units)];
        if (precision == Precision.FLOAT32) {
            float[] p32 = new float[p0.length];
            Gemm.abt(data.x32(), 0, n, toFloat(w0), 0, units, d, p32);
            for (int k = 0; k < p0.length; k++) p0[k] = p32[k];
        } else {
            Gemm.abt(data.x(), 0, n, w0, 0, units, d, p0);
        }
        return p0;
    }

    @Override
    public UnitRepresentation representation() {
        return UnitRepresentation.SAMPLE_SPAN;
    }

    @Override
    public Stepped step(TrainingSet data, double[] residual, double eta, Precision precision, Workspace ws) {
        requireResidual(data, residual);
        long t0 = System.nanoTime();
        int n = data.n;
        int size = Math.multiplyExact(n, units);
        double[] nextSpan = spareSpan != null ? spareSpan : new double[size];
        double[] nextQ = spareQ != null ? spareQ : new double[size];
        double[] distance = new double[units];
        double[] predictions = new double[n];
        long[] nextMask = spareMask != null ? spareMask : new long[mask.length];
        double[] gradientSquared = new double[1];
        long changes = sweep(
                data,
                residual,
                eta,
                precision,
                ws,
                new Next(nextSpan, nextQ, distance, predictions, nextMask),
                gradientSquared);
        double max = 0, sum = 0;
        for (double v : distance) {
            sum += v;
            max = Math.max(max, Math.sqrt(Math.max(v, 0.0)));
        }
        ReluSpanBlock block =
                new ReluSpanBlock(first, units, width, iteration + 1, a, nextSpan, nextQ, p0.values(), mask0, nextMask);
        block.spareSpan = BulkDoubles.valuesOf(span);
        block.spareQ = BulkDoubles.valuesOf(q);
        if (mask != mask0) block.spareMask = mask;
        return new Stepped(block, new Outputs(predictions, changes, max, sum, gradientSquared[0], seconds(t0)));
    }

    @Override
    void forgetSpares() {
        spareSpan = null;
        spareQ = null;
        spareMask = null;
    }

    @Override
    public double gradientSquared(TrainingSet data, double[] residual, Precision precision, Workspace ws) {
        requireResidual(data, residual);
        double[] squared = new double[1];
        sweep(data, residual, 0.0, precision, ws, null, squared);
        return squared[0];
    }

    @Override
    public double[] weights(TrainingSet data, double kappa, long seed) {
        double[] w = initialRows(first, units, data.d, kappa, seed);
        if (span != null) Gemm.atbAccumulate(span.values(), data.n, units, data.x(), 0, data.d, 1.0, w);
        return w;
    }

    @Override
    public double[] checkpointValues() {
        int size = p0.values().length;
        double[] v = new double[2 * size];
        if (span != null) {
            System.arraycopy(span.values(), 0, v, 0, size);
            System.arraycopy(q.values(), 0, v, size, size);
        }
        return v;
    }

    /** What a step writes: the stepped A and Q, each unit's squared distance, the predictions and patterns. */
    private record Next(double[] span, double[] q, double[] distance, double[] predictions, long[] mask) {}

    /**
     * Per panel of units: B, {@code K B} and {@code ||G||^2} (into {@code squared[0]}); for a step ({@code next} not
     * null) also, in the same pass over the panel, the stepped A and Q, the distances, and the predictions and patterns
     * of {@code P(0) + Q}. Returns the pattern changes against W(0) (0 without a step).
     */
    private long sweep(
            TrainingSet data,
            double[] residual,
            double eta,
            Precision precision,
            Workspace ws,
            Next next,
            double[] squared) {
        int n = data.n, panel = Math.min(units, PANEL_UNITS), words = words(units);
        double[] span = BulkDoubles.valuesOf(this.span), q = BulkDoubles.valuesOf(this.q), p0 = this.p0.values();
        boolean single = precision == Precision.FLOAT32;
        double[] b = ws.b(n * panel), kb = ws.g(n * panel);
        float[] b32 = single ? ws.b32(n * panel) : null, kb32 = single ? ws.g32(n * panel) : null;
        double sum = 0;
        long changes = 0;
        for (int u0 = 0; u0 < units; u0 += panel) {
            int uc = Math.min(panel, units - u0);
            fillB(residual, 0, n, u0, uc, b);
            if (single) {
                for (int k = 0; k < n * uc; k++) b32[k] = (float) b[k];
                Gemm.ab(data.kernel32(), n, n, b32, 0, uc, uc, kb32, 0, uc, 0f);
                for (int k = 0; k < n * uc; k++) kb[k] = kb32[k];
            } else {
                Gemm.ab(data.kernel(), n, n, b, 0, uc, uc, kb, 0, uc, 0.0);
            }
            for (int i = 0; i < n; i++) {
                int row = i * uc, at = i * units + u0;
                if (next == null) {
                    for (int r = 0; r < uc; r++) sum += b[row + r] * kb[row + r];
                    continue;
                }
                // The panel starts at a multiple of 64 units: its pattern bits are whole words.
                double f = next.predictions[i];
                for (int r0 = 0; r0 < uc; r0 += 64) {
                    int end = Math.min(uc, r0 + 64);
                    long bits = 0;
                    for (int r = r0; r < end; r++) {
                        double bv = b[row + r], kv = kb[row + r];
                        sum += bv * kv;
                        double an = (span == null ? 0.0 : span[at + r]) - eta * bv;
                        double qn = (q == null ? 0.0 : q[at + r]) - eta * kv;
                        next.span[at + r] = an;
                        next.q[at + r] = qn;
                        next.distance[u0 + r] += an * qn;
                        double pv = p0[at + r] + qn;
                        f += a[u0 + r] * Math.max(pv, 0.0);
                        bits |= (pv >= 0 ? 1L : 0L) << (r - r0);
                    }
                    int word = i * words + ((u0 + r0) >>> 6);
                    next.mask[word] = bits;
                    changes += Long.bitCount(bits ^ mask0[word]);
                }
                next.predictions[i] = f;
            }
        }
        squared[0] = sum;
        return changes;
    }

    /** Patterns and predictions of {@code P(0) + Q}, in chunks of rows; returns the pattern changes against mask0. */
    private static long activateSum(
            double[] p0,
            double[] q,
            int units,
            double[] a,
            double[] predictions,
            long[] mask,
            long[] mask0,
            Workspace ws) {
        int n = predictions.length, chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / units));
        double[] p = ws.p(chunk * units);
        long changes = 0;
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int c = Math.min(chunk, n - i0), off = i0 * units;
            for (int k = 0; k < c * units; k++) p[k] = p0[off + k] + q[off + k];
            changes += activate(p, i0, c, units, a, predictions, mask, mask0);
        }
        return changes;
    }
}
