package org.overparam.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.overparam.CoreThreads;
import org.overparam.Seeds;
import org.overparam.linalg.Gemm;

/**
 * The hidden units {@code r = first .. first + units - 1} of Du et al.'s two-layer ReLU net
 * {@code f(x) = (1/sqrt(m)) sum_r a_r relu(w_r . x)} (ICLR 2019, eq. 1), with all that full-batch gradient descent
 * keeps of them: their signs a_r, their activation patterns {@code 1{w_r . x_i >= 0}} at W(0) and at W(k) as bits,
 * and their first-layer weights in one of two {@linkplain UnitRepresentation representations}
 * ({@link ReluWeightsBlock}, {@link ReluSpanBlock}). Given the residual {@code res_i = f(x_i) - y_i} of the whole net
 * at W(k), the units are independent: a block steps itself,
 * {@code w_r(k+1) = w_r(k) - eta (1/sqrt(m)) sum_i res_i a_r 1{w_r(k) . x_i >= 0} x_i} (Du et al. eq. 3), and returns
 * its part of the predictions at W(k+1), {@code sum_{r in block} a_r relu(w_r(k+1) . x_i)} for every i, with its part
 * of the metrics. Initialization draws unit r's sign and row from its own streams of the seed, exactly as
 * {@link TwoLayerRelu#withRandomSigns} and {@link TwoLayerRelu#initialWeights} do, so any cut of the units into blocks
 * trains the same network.
 *
 * <p>A step returns a new block and leaves this one as it was, so a retried or recomputed task sees the same input.
 * The new block's arrays are those of the block this one was stepped from (two iterations back), kept in transient
 * fields, which no task reads any more once the driver has moved on: steady-state training allocates nothing large
 * (fresh memory costs a page fault per page, and concurrent tasks of one JVM serialize on those faults). A block
 * read back from Spark's disk store or a checkpoint has no spare arrays and allocates once. Speculative execution
 * ({@code spark.speculation}) must stay off, and the training engine refuses it: two attempts of one step would
 * share the spare arrays. Memory:
 * {@link #stateBytes} for the block, {@link #stepBytes} more while a step runs.
 */
public abstract class ReluUnitBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Budget, in doubles, of a chunk of pre-activations (rows x units) and of the gradient's B panel. */
    public static final int WORKSPACE_DOUBLES = 1 << 23;
    /** Units per panel of a step's GEMM: the panel's buffers are the only width-sized workspace. */
    public static final int PANEL_UNITS = 1024;

    public final int first;
    public final int units;
    /** m, the width of the whole net (the output scale is 1/sqrt(m)). */
    public final int width;

    public final int iteration;
    final double[] a;
    final long[] mask0;
    final long[] mask;

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
    public record Outputs(
            double[] predictions,
            long patternChanges,
            double maxDistance,
            double distanceSquared,
            double gradientSquared,
            double computeSeconds)
            implements Serializable {}

    /**
     * A block after a pass, with its outputs (null for a block restored from a checkpoint), and after
     * {@link #steps} the outputs of the steps before the last, in order (empty otherwise).
     */
    public record Stepped(ReluUnitBlock block, Outputs outputs, List<Outputs> before) implements Serializable {
        public Stepped(ReluUnitBlock block, Outputs outputs) {
            this(block, outputs, List.of());
        }
    }

    ReluUnitBlock(int first, int units, int width, int iteration, double[] a, long[] mask0, long[] mask) {
        this.first = first;
        this.units = units;
        this.width = width;
        this.iteration = iteration;
        this.a = a;
        this.mask0 = mask0;
        this.mask = mask;
    }

    public abstract UnitRepresentation representation();

    /**
     * One gradient step with the residual {@code f(x_i) - y_i} of the whole net at W(k): the gradient of this block's
     * units at W(k) from the stored pattern, {@code W(k+1) = W(k) - eta G}, then the pass at W(k+1).
     */
    public abstract Stepped step(TrainingSet data, double[] residual, double eta, Precision precision, Workspace ws);

    /**
     * {@code count} steps in a row of {@code blocks} that together hold every unit of the net, in unit order, the
     * blocks of a step stepped at once on up to {@code threads} cores ({@link CoreThreads}): the first step with
     * {@code residual} (at W(k)), each next one with the residual of the predictions the step before returned,
     * {@code f_i - y_i = (1/sqrt(m)) sum_blocks sum_r a_r relu(w_r . x_i) - y_i}, the blocks' parts added in block order
     * as the driver adds them, so the steps are those {@code count} single steps of every block would take, bit for bit.
     * The blocks stepped from stay as they were (a retried task sees the same input); the blocks in between are this
     * call's own, and each next step reuses their arrays. Each thread steps with its own {@code workspace}.
     *
     * @return every block after the last step, with the outputs of the steps before in {@link Stepped#before}
     */
    public static List<Stepped> steps(
            List<ReluUnitBlock> blocks,
            TrainingSet data,
            double[] residual,
            double eta,
            int count,
            Precision precision,
            int threads,
            Supplier<Workspace> workspace) {
        requireEveryUnit(blocks, count);
        List<List<Outputs>> before = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) before.add(new ArrayList<>());
        List<ReluUnitBlock> at = blocks;
        List<Stepped> stepped = null;
        double scale = 1.0 / Math.sqrt(blocks.get(0).width);
        double[] y = data.y(), r = residual;
        for (int j = 0; j < count; j++) {
            double[] res = r;
            stepped = CoreThreads.map(at, threads, b -> b.step(data, res, eta, precision, workspace.get()));
            if (j == 0) for (Stepped s : stepped) s.block().forgetSpares(); // their arrays are the cached blocks'
            if (j + 1 == count) break;
            double[] f = new double[data.n];
            for (int b = 0; b < stepped.size(); b++) {
                Outputs o = stepped.get(b).outputs();
                before.get(b).add(o);
                double[] part = o.predictions();
                for (int i = 0; i < f.length; i++) f[i] += part[i];
            }
            r = new double[data.n];
            for (int i = 0; i < r.length; i++) r[i] = f[i] * scale - y[i];
            at = new ArrayList<>(stepped.size());
            for (Stepped s : stepped) at.add(s.block());
        }
        List<Stepped> out = new ArrayList<>(stepped.size());
        for (int b = 0; b < stepped.size(); b++) {
            Stepped s = stepped.get(b);
            out.add(new Stepped(s.block(), s.outputs(), before.get(b)));
        }
        return out;
    }

    private static void requireEveryUnit(List<ReluUnitBlock> blocks, int count) {
        int next = 0;
        for (ReluUnitBlock b : blocks) {
            if (b.first != next) break;
            next += b.units;
        }
        int width = blocks.isEmpty() ? -1 : blocks.get(0).width;
        if (blocks.isEmpty() || next != width || count < 1) {
            List<String> ranges = new ArrayList<>();
            for (ReluUnitBlock b : blocks) ranges.add(b.first + ".." + (b.first + b.units));
            throw new IllegalArgumentException("ReluUnitBlock.steps: expected blocks of every unit (0.." + width
                    + ") in order and count >= 1; found units " + ranges + ", count " + count);
        }
    }

    /** Makes the next step allocate its arrays instead of reusing those of the block this one was stepped from. */
    abstract void forgetSpares();

    /** {@code ||dL/dW_block||_F^2} at W(k), for the residual at W(k), without stepping. */
    public abstract double gradientSquared(TrainingSet data, double[] residual, Precision precision, Workspace ws);

    /** W(k) of this block (units x d, row-major), formed if the block does not hold it; kappa and seed re-derive W(0). */
    public abstract double[] weights(TrainingSet data, double kappa, long seed);

    /**
     * {@code sum_{r in block} a_r relu(w_r(k) . x)} for each row of {@code x} (rows x d, row-major): this block's part
     * of the predictions on other samples, unscaled.
     */
    public double[] predict(TrainingSet data, double kappa, long seed, double[] x, int rows) {
        return predictions(weights(data, kappa, seed), a, units, data.d, x, rows);
    }

    /**
     * {@code sum_r a_r relu(w_r . x)} over the units of {@code w} (units x d) for each row of {@code x} (rows x d),
     * unscaled, in chunks of rows: {@code 2 rows units d} flops.
     */
    static double[] predictions(double[] w, double[] a, int units, int d, double[] x, int rows) {
        int chunk = Math.max(1, Math.min(rows, WORKSPACE_DOUBLES / units));
        double[] p = new double[chunk * units], f = new double[rows];
        long[] bits = new long[Math.multiplyExact(rows, words(units))];
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int c = Math.min(chunk, rows - i0);
            Gemm.abt(x, i0 * d, c, w, 0, units, d, p);
            activate(p, i0, c, units, a, f, bits, null);
        }
        return f;
    }

    /**
     * What a checkpoint keeps of the block (W(k) on the samples' active columns, or A(k) and Q(k)); {@link #restore}
     * takes it back.
     */
    public abstract double[] checkpointValues();

    /** The block at W(0), with its predictions and patterns: units {@code first ..} of a net of width m. */
    public static Stepped initial(
            UnitRepresentation representation,
            int first,
            int units,
            int width,
            double kappa,
            long seed,
            TrainingSet data,
            Precision precision,
            Workspace ws) {
        check(first, units, width);
        return representation == UnitRepresentation.WEIGHTS
                ? ReluWeightsBlock.initial(first, units, width, kappa, seed, data, precision, ws)
                : ReluSpanBlock.initial(first, units, width, kappa, seed, data, precision, ws);
    }

    /**
     * The block of a checkpoint of iteration k: signs and W(0) re-derived from the seed, the patterns recomputed with
     * the arithmetic of training, so that training continues bit for bit.
     */
    public static ReluUnitBlock restore(
            UnitRepresentation representation,
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
        check(first, units, width);
        long expected = checkpointLength(representation, units, data.activeD(), data.n);
        if (values.length != expected) {
            throw new IllegalArgumentException(
                    "ReluUnitBlock.restore: expected " + expected + " checkpointed values for units " + first + ".. ("
                            + representation.id() + "), found " + values.length);
        }
        return representation == UnitRepresentation.WEIGHTS
                ? ReluWeightsBlock.restore(first, units, width, iteration, kappa, seed, values, data, precision, ws)
                : ReluSpanBlock.restore(first, units, width, iteration, kappa, seed, values, data, precision, ws);
    }

    /** The length of {@link #checkpointValues} for u units, with d the samples' active columns. */
    public static long checkpointLength(UnitRepresentation representation, long units, long d, long n) {
        return representation == UnitRepresentation.WEIGHTS ? units * d : 2 * n * units;
    }

    /** Bytes a block of u units keeps between steps. */
    public static long stateBytes(UnitRepresentation representation, long units, long d, long n) {
        long common = 8 * units + 16 * n * words(units);
        return common + (representation == UnitRepresentation.WEIGHTS ? 16 * units * d : 24 * n * units);
    }

    /** Bytes a step needs beyond {@link #stateBytes}: the new state, and the workspace. */
    public static long stepBytes(UnitRepresentation representation, long units, long d, long n, Precision precision) {
        long panel = Math.min(units, PANEL_UNITS);
        long perValue = precision == Precision.FLOAT32 ? 12 : 8;
        long common = 8 * n * words(units) + 8 * n;
        if (representation == UnitRepresentation.WEIGHTS) {
            long chunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / units));
            long bChunk = Math.max(1, Math.min(n, WORKSPACE_DOUBLES / panel));
            return common
                    + 8 * units * d
                    + perValue * (chunk * units + bChunk * panel + panel * d)
                    + (precision == Precision.FLOAT32 ? 4 * units * d : 0);
        }
        return common + 16 * n * units + 2 * perValue * n * panel + 8 * units;
    }

    /**
     * Bytes every executor holds for the samples: X, and for the sample span K = X X^T, for W itself X restricted to its
     * active columns ({@link TrainingSet#active}).
     */
    public static long sharedBytes(UnitRepresentation representation, TrainingSet data, Precision precision) {
        long n = data.n;
        long extra = representation == UnitRepresentation.SAMPLE_SPAN
                ? n * n * (precision == Precision.FLOAT32 ? 12 : 8)
                : data.activeCopyBytes(precision);
        return TrainingSet.bytes(n, data.d, precision) + extra;
    }

    /**
     * Adds this block's co-activation counts {@code C_ij += sum_{r in block} 1{w_r . x_i >= 0} 1{w_r . x_j >= 0}} at
     * W(k), or at W(0) if {@code initial}, to {@code c} (n x n, row-major): with {@code H(k) = (X X^T) o C / m} the
     * finite-width Gram matrix of Du et al. (Sec. 3). Cost {@code 2 n^2 u} flops, in GEMMs over panels of 512 units.
     */
    public void addCoactivations(int n, double[] c, boolean initial) {
        if (c.length != (long) n * n)
            throw new IllegalArgumentException(
                    "addCoactivations: expected n x n = " + n + " x " + n + ", found " + c.length);
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

    /**
     * Rows {@code i0 .. i0 + rows} of the pre-activations, {@code p} (rows x units, row-major): adds
     * {@code sum_r a_r relu(p_ir)} to the predictions, writes the pattern bits, and returns the number of patterns
     * that differ from {@code mask0} (0 if it is null).
     */
    static long activate(
            double[] p, int i0, int rows, int units, double[] a, double[] predictions, long[] mask, long[] mask0) {
        int words = words(units);
        long changes = 0;
        for (int i = 0; i < rows; i++) {
            int row = i * units, base = (i0 + i) * words;
            // One pass for the sum and the bits, four units at a time: four partial sums break the chain of dependent
            // additions, and the bits are set without branches (the signs of P are coin flips).
            double f0 = 0, f1 = 0, f2 = 0, f3 = 0;
            for (int r0 = 0, word = 0; r0 < units; r0 += 64, word++) {
                int end = Math.min(units, r0 + 64), r = r0;
                long bits = 0;
                for (; r + 3 < end; r += 4) {
                    double q0 = p[row + r], q1 = p[row + r + 1], q2 = p[row + r + 2], q3 = p[row + r + 3];
                    f0 += a[r] * Math.max(q0, 0.0);
                    f1 += a[r + 1] * Math.max(q1, 0.0);
                    f2 += a[r + 2] * Math.max(q2, 0.0);
                    f3 += a[r + 3] * Math.max(q3, 0.0);
                    int at = r - r0;
                    bits |= ((q0 >= 0 ? 1L : 0L) << at)
                            | ((q1 >= 0 ? 1L : 0L) << (at + 1))
                            | ((q2 >= 0 ? 1L : 0L) << (at + 2))
                            | ((q3 >= 0 ? 1L : 0L) << (at + 3));
                }
                for (; r < end; r++) {
                    double q = p[row + r];
                    f0 += a[r] * Math.max(q, 0.0);
                    bits |= (q >= 0 ? 1L : 0L) << (r - r0);
                }
                mask[base + word] = bits;
                if (mask0 != null) changes += Long.bitCount(bits ^ mask0[base + word]);
            }
            predictions[i0 + i] = (f0 + f1) + (f2 + f3);
        }
        return changes;
    }

    /**
     * The panel of units {@code u0 .. u0 + uc} and rows {@code i0 .. i0 + rows} of
     * {@code B_ir = 1{w_r . x_i >= 0} (res_i / sqrt(m)) a_r} (the gradient is {@code G = B^T X}), into {@code b}
     * (rows x uc, row-major).
     */
    void fillB(double[] residual, int i0, int rows, int u0, int uc, double[] b) {
        fillB(mask, a, units, width, residual, 0, i0, rows, u0, uc, b);
    }

    /**
     * {@link #fillB} for any pattern {@code mask} (rows x ceil(units / 64) words) and signs {@code a}: row i of the
     * pattern takes the residual at {@code residualOffset + i}.
     */
    static void fillB(
            long[] mask,
            double[] a,
            int units,
            int width,
            double[] residual,
            int residualOffset,
            int i0,
            int rows,
            int u0,
            int uc,
            double[] b) {
        if ((u0 & 63) != 0) throw new IllegalArgumentException("fillB: a panel starts at a multiple of 64, not " + u0);
        int words = words(units);
        double s = 1.0 / Math.sqrt(width);
        for (int i = 0; i < rows; i++) {
            double rs = residual[residualOffset + i0 + i] * s;
            int base = (i0 + i) * words, row = i * uc;
            // Word by word: a panel starts at a multiple of 64 units (or at unit 0), so its bits are whole words.
            for (int r0 = 0; r0 < uc; r0 += 64) {
                long bits = mask[base + ((u0 + r0) >>> 6)];
                int end = Math.min(uc, r0 + 64);
                for (int r = r0; r < end; r++) b[row + r] = ((bits >>> (r - r0)) & 1L) * (rs * a[u0 + r]);
            }
        }
    }

    static int words(long units) {
        return (int) ((units + 63) >>> 6);
    }

    static double[] signs(int first, int units, long seed) {
        double[] a = new double[units];
        for (int r = 0; r < units; r++)
            a[r] = Seeds.stream(seed, "relu/a", first + r).nextBoolean() ? 1.0 : -1.0;
        return a;
    }

    /**
     * W(0) of units {@code first ..} restricted to {@code columns} (units x columns.length): each row drawn whole from
     * its unit's stream, as {@link #initialRows(int, int, int, double, long)} draws it, and only those columns kept.
     */
    static double[] initialRows(int first, int units, int d, int[] columns, double kappa, long seed) {
        if (columns == null) return initialRows(first, units, d, kappa, seed);
        int k = columns.length;
        double[] w = new double[Math.multiplyExact(units, k)];
        double[] row = new double[d];
        for (int r = 0; r < units; r++) {
            SplittableRandom rng = Seeds.stream(seed, "relu/w", first + r);
            for (int j = 0; j < d; j++) row[j] = kappa * rng.nextGaussian();
            for (int c = 0; c < k; c++) w[r * k + c] = row[columns[c]];
        }
        return w;
    }

    static double[] initialRows(int first, int units, int d, double kappa, long seed) {
        double[] w = new double[Math.multiplyExact(units, d)];
        for (int r = 0; r < units; r++) {
            SplittableRandom rng = Seeds.stream(seed, "relu/w", first + r);
            for (int j = 0; j < d; j++) w[r * d + j] = kappa * rng.nextGaussian();
        }
        return w;
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    static void requireResidual(TrainingSet data, double[] residual) {
        if (residual.length != data.n) {
            throw new IllegalArgumentException(
                    "ReluUnitBlock: expected a residual of n = " + data.n + " values, found " + residual.length);
        }
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void check(int first, int units, int width) {
        if (first < 0 || units < 1 || first + (long) units > width) {
            throw new IllegalArgumentException(
                    "ReluUnitBlock: expected 0 <= first and 1 <= units with first + units <= m; found first=" + first
                            + ", units=" + units + ", m=" + width);
        }
    }
}
