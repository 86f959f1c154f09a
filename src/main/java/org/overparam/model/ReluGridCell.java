package org.overparam.model;

import java.io.Serializable;
import org.overparam.linalg.Gemm;

/**
 * One cell of the samples x units grid of Du et al.'s two-layer ReLU net: the rows {@code rowStart .. rowStart + rows - 1}
 * of X (sample block s) and, for the units {@code first .. first + units - 1} (unit block b), their signs and their
 * activation patterns on those rows at W(0) and at W(k), as bits. The cell holds no weights: its part of the gradient
 * needs only the pattern, {@code G_sb = B_s^T X_s} with {@code B_ir = 1{w_r(k) . x_i >= 0} (res_i / sqrt(m)) a_r}
 * ({@link #gradient}, {@code 2 rows units d} flops); its forward pass ({@link #forward}) takes the block's new W from
 * the unit side. Memory: {@code 8 rows d} for X_s and {@code 16 rows ceil(units / 64)} for the two patterns.
 */
public final class ReluGridCell implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int sample;
    public final int rowStart;
    public final int rows;
    public final int d;
    public final int first;
    public final int units;
    public final int width;
    private final double[] x;
    private final double[] a;
    private final long[] mask0;
    private final long[] mask;

    /**
     * A cell's part of a forward pass.
     *
     * @param predictions    {@code sum_{r in block} a_r relu(w_r . x_i)} for the cell's rows (unscaled)
     * @param patternChanges patterns differing from W(0)'s on the cell's rows
     * @param computeSeconds the pass's compute time
     */
    public record Outputs(double[] predictions, long patternChanges, double computeSeconds) implements Serializable {}

    /** A cell after a forward pass, with its outputs. */
    public record Forwarded(ReluGridCell cell, Outputs outputs) implements Serializable {}

    private ReluGridCell(
            int sample,
            int rowStart,
            int rows,
            int d,
            double[] x,
            int first,
            int units,
            int width,
            double[] a,
            long[] mask0,
            long[] mask) {
        this.sample = sample;
        this.rowStart = rowStart;
        this.rows = rows;
        this.d = d;
        this.x = x;
        this.first = first;
        this.units = units;
        this.width = width;
        this.a = a;
        this.mask0 = mask0;
        this.mask = mask;
    }

    /**
     * The cell at W(0) of a net of width m whose units {@code first ..} have the initial rows {@code w0} (units x d),
     * their signs drawn from {@code seed} as {@link ReluUnitBlock} draws them, with its forward pass.
     */
    public static Forwarded initial(
            int sample,
            int rowStart,
            int rows,
            int d,
            double[] x,
            int first,
            int units,
            int width,
            long seed,
            double[] w0) {
        if (x.length != (long) rows * d || w0.length != (long) units * d) {
            throw new IllegalArgumentException("ReluGridCell: expected X of " + rows + " x " + d + " and W of " + units
                    + " x " + d + ", found " + x.length + " and " + w0.length + " values");
        }
        double[] a = ReluUnitBlock.signs(first, units, seed);
        long[] mask0 = new long[Math.multiplyExact(rows, ReluUnitBlock.words(units))];
        double[] f = new double[rows];
        pass(x, rows, d, w0, units, a, f, mask0, null);
        ReluGridCell cell = new ReluGridCell(sample, rowStart, rows, d, x, first, units, width, a, mask0, mask0);
        return new Forwarded(cell, new Outputs(f, 0, 0.0));
    }

    /** The cell at W(k) given the block's W(0) and W(k): both patterns recomputed with the arithmetic of training. */
    public static Forwarded restore(
            int sample,
            int rowStart,
            int rows,
            int d,
            double[] x,
            int first,
            int units,
            int width,
            long seed,
            double[] w0,
            double[] w) {
        ReluGridCell start = initial(sample, rowStart, rows, d, x, first, units, width, seed, w0)
                .cell();
        return start.forward(w);
    }

    /**
     * {@code G_sb = B_s^T X_s} (units x d, row-major) for the residual of the whole net ({@code residual}, n values, of
     * which the cell reads its rows), at the stored pattern.
     */
    public double[] gradient(double[] residual) {
        int chunk = Math.max(1, Math.min(rows, ReluUnitBlock.WORKSPACE_DOUBLES / units));
        double[] b = new double[chunk * units], g = new double[units * d];
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int c = Math.min(chunk, rows - i0);
            ReluUnitBlock.fillB(mask, a, units, width, residual, rowStart, i0, c, 0, units, b);
            Gemm.atbAccumulate(b, c, units, x, i0 * d, d, 1.0, g);
        }
        return g;
    }

    /** The forward pass at the block's new weights {@code w} (units x d): the new cell and its outputs. */
    public Forwarded forward(double[] w) {
        long t0 = System.nanoTime();
        long[] next = new long[mask0.length];
        double[] f = new double[rows];
        long changes = pass(x, rows, d, w, units, a, f, next, mask0);
        return new Forwarded(
                new ReluGridCell(sample, rowStart, rows, d, x, first, units, width, a, mask0, next),
                new Outputs(f, changes, (System.nanoTime() - t0) / 1e9));
    }

    /** Bytes a cell of {@code rows} samples and {@code units} units keeps, and its step needs at most twice that. */
    public static long bytes(long rows, long d, long units) {
        return 8 * rows * d + 16 * rows * ReluUnitBlock.words(units) + 8 * units;
    }

    private static long pass(
            double[] x, int rows, int d, double[] w, int units, double[] a, double[] f, long[] mask, long[] mask0) {
        int chunk = Math.max(1, Math.min(rows, ReluUnitBlock.WORKSPACE_DOUBLES / units));
        double[] p = new double[chunk * units];
        long changes = 0;
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int c = Math.min(chunk, rows - i0);
            Gemm.abt(x, i0 * d, c, w, 0, units, d, p);
            changes += ReluUnitBlock.activate(p, i0, c, units, a, f, mask, mask0);
        }
        return changes;
    }
}
