package org.overparam.model;

import java.io.Serializable;

/**
 * The unit side of the samples x units grid of Du et al.'s ReLU net: the rows of W(k) and W(0) of the units
 * {@code first .. first + units - 1}, stepped once per iteration with the gradient summed over the sample blocks,
 * {@code W(k+1) = W(k) - eta sum_s G_sb} (Du et al. eq. 3), with the block's metrics. W(0) is drawn from the seed as
 * {@link ReluUnitBlock} draws it. Memory: {@code 16 units d} bytes.
 */
public final class ReluUnitWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int first;
    public final int units;
    public final int d;
    public final int iteration;
    private final double[] w0;
    private final double[] w;

    /**
     * The block's part of the metrics of a step.
     *
     * @param gradientSquared {@code ||dL/dW_block||_F^2} at the weights the step started from
     * @param maxDistance     {@code max_{r in block} ||w_r(k+1) - w_r(0)||}
     * @param distanceSquared {@code sum_{r in block} ||w_r(k+1) - w_r(0)||^2}
     * @param computeSeconds  the longest of the block's gradient tasks plus its update
     */
    public record Metrics(double gradientSquared, double maxDistance, double distanceSquared, double computeSeconds)
            implements Serializable {}

    /** A block after a step, with its metrics. */
    public record Stepped(ReluUnitWeights weights, Metrics metrics) implements Serializable {}

    private ReluUnitWeights(int first, int units, int d, int iteration, double[] w0, double[] w) {
        this.first = first;
        this.units = units;
        this.d = d;
        this.iteration = iteration;
        this.w0 = w0;
        this.w = w;
    }

    /** W(0) of the units, N(0, kappa^2) entries from their own streams of the seed. */
    public static ReluUnitWeights initial(int first, int units, int d, double kappa, long seed) {
        double[] w0 = ReluUnitBlock.initialRows(first, units, d, kappa, seed);
        return new ReluUnitWeights(first, units, d, 0, w0, w0);
    }

    /** W(k) from a checkpoint, W(0) re-derived from the seed. */
    public static ReluUnitWeights restore(
            int first, int units, int d, int iteration, double kappa, long seed, double[] w) {
        if (w.length != (long) units * d) {
            throw new IllegalArgumentException(
                    "ReluUnitWeights.restore: expected " + units + " x " + d + " values, found " + w.length);
        }
        double[] w0 = ReluUnitBlock.initialRows(first, units, d, kappa, seed);
        return new ReluUnitWeights(first, units, d, iteration, w0, iteration == 0 ? w0 : w);
    }

    /** W(k), units x d, row-major; not to be modified. */
    public double[] weights() {
        return w;
    }

    /** W(0), units x d, row-major; not to be modified. */
    public double[] initialWeights() {
        return w0;
    }

    /**
     * {@code W(k+1) = W(k) - eta g} for the block's whole gradient {@code g} (units x d), with the metrics;
     * {@code gradientSeconds} is the longest time a cell took for its part of g.
     */
    public Stepped step(double[] g, double eta, double gradientSeconds) {
        long t0 = System.nanoTime();
        if (g.length != w.length)
            throw new IllegalArgumentException(
                    "ReluUnitWeights.step: expected " + w.length + " values, found " + g.length);
        double[] next = new double[w.length];
        double squared = 0, max = 0, sum = 0;
        for (int k = 0; k < g.length; k++) {
            double v = g[k];
            squared += v * v;
            next[k] = w[k] - eta * v;
        }
        for (int r = 0; r < units; r++) {
            double s = 0;
            for (int j = r * d, end = j + d; j < end; j++) {
                double diff = next[j] - w0[j];
                s += diff * diff;
            }
            sum += s;
            max = Math.max(max, Math.sqrt(s));
        }
        return new Stepped(
                new ReluUnitWeights(first, units, d, iteration + 1, w0, next),
                new Metrics(squared, max, sum, gradientSeconds + (System.nanoTime() - t0) / 1e9));
    }

    /** {@code sum_{r in block} a_r relu(w_r(k) . x)} for each row of {@code x} (rows x d): the block's part of f, unscaled. */
    public double[] predict(double[] x, int rows, long seed) {
        return ReluUnitBlock.predictions(w, ReluUnitBlock.signs(first, units, seed), units, d, x, rows);
    }
}
