package org.overparam.spark;

import java.util.Locale;
import org.overparam.UserError;
import org.overparam.model.Precision;
import org.overparam.model.ReluGridCell;
import org.overparam.model.ReluUnitBlock;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;

/**
 * The grid of S sample blocks x B unit blocks for training Du et al.'s ReLU net ({@link GridShardedRelu}) when the
 * samples cannot be shipped whole to every executor (or to the driver), and its cost model.
 *
 * <p>An executor holding {@code c} of the {@code S B} cells holds {@code c} sample blocks of {@code 8 n d / S}
 * bytes: spread over E executors (S a multiple of E), {@code 8 n d B / E} bytes of samples each. A unit block's
 * reduce holds the S parts of its gradient, {@code 8 S (m / B) d} bytes, to sum them in a fixed order. So the grid
 * takes as few unit blocks as fit (from B = ceil(m d / {@value UnitLayout#MAX_BLOCK_DOUBLES}), usually 1, doubling)
 * with as many sample blocks as keep every core busy; a step then moves {@code 2 S m d} doubles through the
 * shuffles. {@code train.sample-blocks} and {@code train.unit-blocks} force S
 * and B. In local mode all cells share one JVM, so the grid saves only the driver's two copies of X.
 */
public record GridLayout(UnitLayout units, int sampleBlocks) {
    /** Whether the unit-sharded engine (one sample block, X on the driver and on every executor) can hold n x d. */
    public static boolean samplesFitEveryExecutor(long n, long d, Precision precision, UnitLayout.Executors executors) {
        long shipped = TrainingSet.bytes(n, d, precision);
        long driver = 2 * shipped + (executors.local() ? shipped : 0);
        return shipped <= executors.usable() / 2
                && driver
                        <= DistributedGram.HEAP_FRACTION * Runtime.getRuntime().maxMemory();
    }

    /**
     * The grid of the cost model for width m on n samples of d ({@code forcedSamples}, {@code forcedUnits} > 0 override):
     * the fewest unit blocks (from what one block's W may hold) whose grid fits, with as many sample blocks as there are
     * cores per unit block, a multiple of the executors so that their shares are even.
     */
    public static GridLayout choose(
            int m, long n, int d, UnitLayout.Executors executors, int forcedSamples, int forcedUnits) {
        int cores = executors.count() * executors.cores();
        int fewest = forcedUnits > 0
                ? forcedUnits
                : (int) Math.max(1, Math.ceil((double) m * d / UnitLayout.MAX_BLOCK_DOUBLES));
        GridLayout first = null;
        for (int b = fewest; b <= Math.min(m, Math.max(fewest, 64)); b = forcedUnits > 0 ? m + 1 : 2 * b) {
            int s = forcedSamples > 0
                    ? forcedSamples
                    : roundUp(Math.max(executors.count(), (cores + b - 1) / b), executors.count());
            GridLayout g = new GridLayout(UnitLayout.even(m, b, UnitRepresentation.WEIGHTS), (int) Math.min(s, n));
            if (first == null) first = g;
            if (executorBytes(m, n, d, b, g.sampleBlocks, executors) <= executors.usable()) return g;
        }
        first.requireFits(n, d, executors);
        return first;
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** Refuses, with the memory needed and what to change, a grid the executors cannot hold. */
    public void requireFits(long n, int d, UnitLayout.Executors executors) {
        int m = units.width(), b = units.blocks();
        if ((long) units.largestBlock() * d > UnitLayout.MAX_BLOCK_DOUBLES) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "train.unit-blocks = %d cuts m = %,d into blocks of %,d units: a block's W "
                            + "would hold %,d doubles, more than one block may (%,d).",
                    b,
                    m,
                    units.largestBlock(),
                    (long) units.largestBlock() * d,
                    UnitLayout.MAX_BLOCK_DOUBLES));
        }
        long need = executorBytes(m, n, d, b, sampleBlocks, executors), have = executors.usable();
        if (need > have) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "Training m = %,d hidden units on n = %,d samples of d = %d on a grid of %d "
                            + "sample blocks x %d unit blocks needs %.2f GB per executor (%d executor(s); each holds B n d / E of the "
                            + "samples); an executor has %.2f GB (%.0f%% of its %.2f GB heap after Spark's 300 MB reserve). Add executors or "
                            + "executor memory (--executor-memory for jobs/submit), use fewer unit blocks (train.unit-blocks), or lower data.n.",
                    m,
                    n,
                    d,
                    sampleBlocks,
                    b,
                    need / 1e9,
                    executors.count(),
                    have / 1e9,
                    100 * UnitLayout.USABLE_HEAP,
                    executors.heapBytes() / 1e9));
        }
    }

    /**
     * One executor's bytes for the grid: its cells (a sample block and two patterns each, twice while a step runs), its
     * unit blocks (W and W(0), and the new W), and a unit block's gradient parts from all S cells at its reduce.
     */
    static long executorBytes(int m, long n, int d, int b, int s, UnitLayout.Executors executors) {
        long cells = ((long) s * b + executors.count() - 1) / executors.count();
        long rows = (n + s - 1) / s, perBlock = (m + b - 1L) / b;
        long unitBlocks = (b + executors.count() - 1L) / executors.count();
        int running = (int) Math.min(cells, executors.cores());
        long cellBytes = ReluGridCell.bytes(rows, d, perBlock);
        return cells * cellBytes
                + running * (16 * Math.min(rows * perBlock, ReluUnitBlock.WORKSPACE_DOUBLES) + 8 * perBlock * d)
                + unitBlocks * 24 * perBlock * d
                + Math.min(unitBlocks, executors.cores()) * 8L * (s + 1) * perBlock * d;
    }

    @Override
    public String toString() {
        return sampleBlocks + " sample blocks x " + units;
    }
}
