package org.overparam.spark;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.UserError;
import org.overparam.model.Precision;
import org.overparam.model.ReluUnitBlock;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;

/**
 * How the m hidden units are cut into blocks, one block per partition (block b holds units
 * {@code cuts[b] .. cuts[b+1] - 1}, the blocks as even as integer division allows), and how each block holds its
 * weights ({@link UnitRepresentation}).
 *
 * <p>The cost model. A step costs {@code 4 n m d} flops with W itself and {@code 2 n^2 m} in the span of the samples;
 * the cheaper is taken (the sample span when {@code n < 2 d}) if every executor can also hold {@code K = X X^T}. The
 * flops are split over the blocks in proportion to their units; a step moves {@code 16 n} bytes per block (the
 * residual into the task, its predictions back), plus Spark's fixed cost per task. So: as few blocks as keep every core
 * busy, one per core ({@code spark.default.parallelism}), in one wave, but no more than one per
 * {@value #MIN_TASK_FLOPS} flops of a step; more (a multiple of the cores) only when a block would not fit its share of
 * an executor's memory, or its weights would pass {@value #MAX_BLOCK_DOUBLES} doubles (one Java array). Every executor holds all n samples ({@code 8 n d} bytes, shipped
 * once): this engine has one sample block, and refuses, before any work, a width or sample set that the executors'
 * memory cannot hold ({@link #requireFits}). {@code train.unit-blocks} forces the number of blocks.
 */
public record UnitLayout(int width, int[] cuts, UnitRepresentation representation) {
    /**
     * Flops below which a step is not split over more blocks: a task's fixed cost (scheduling, its closure, its result)
     * is worth about this much compute on one core. Set by {@code bench/width-sweep} (the small widths).
     */
    public static final double MIN_TASK_FLOPS = 1e9;
    /**
     * Flops of dgemm that one byte of a streaming elementwise pass (an optimizer's update, a norm) costs as much time
     * as on one core: the ratio of a core's dgemm rate to its memory bandwidth. Set by {@code bench/ge-mnist}.
     */
    public static final double FLOPS_PER_BYTE = 8;
    /** Largest W(k) of one block, in doubles (1 GB): beyond it a block is split further. */
    public static final long MAX_BLOCK_DOUBLES = 1L << 27;
    /** Share of an executor's heap, after Spark's 300 MB reserve, that the blocks, workspace and samples may take. */
    public static final double USABLE_HEAP = 0.8;

    static final long SPARK_RESERVED = 300L << 20;

    public UnitLayout {
        if (cuts.length < 2 || cuts[0] != 0 || cuts[cuts.length - 1] != width) {
            throw new IllegalArgumentException(
                    "UnitLayout: cuts must run from 0 to m = " + width + ", found " + Arrays.toString(cuts));
        }
        for (int b = 1; b < cuts.length; b++) {
            if (cuts[b] <= cuts[b - 1])
                throw new IllegalArgumentException("UnitLayout: empty block in " + Arrays.toString(cuts));
        }
    }

    /** m units in {@code blocks} near-equal blocks (at most m). */
    public static UnitLayout even(int m, int blocks, UnitRepresentation representation) {
        int p = Math.max(1, Math.min(blocks, m));
        int[] cuts = new int[p + 1];
        for (int b = 0; b <= p; b++) cuts[b] = (int) ((long) b * m / p);
        return new UnitLayout(m, cuts, representation);
    }

    public int blocks() {
        return cuts.length - 1;
    }

    /** Units of the largest block. */
    public int largestBlock() {
        int max = 0;
        for (int b = 0; b + 1 < cuts.length; b++) max = Math.max(max, cuts[b + 1] - cuts[b]);
        return max;
    }

    /** What the executors offer: their number, cores each, and heap each (bytes); in local mode the driver's JVM. */
    public record Executors(int count, int cores, long heapBytes, boolean local) {
        public static Executors of(JavaSparkContext jsc) {
            int slots = Math.max(1, jsc.defaultParallelism());
            if (jsc.sc().isLocal())
                return new Executors(1, slots, Runtime.getRuntime().maxMemory(), true);
            int registered = Math.max(1, jsc.sc().getExecutorMemoryStatus().size() - 1);
            long heap = (long) jsc.sc().executorMemory() << 20;
            return new Executors(registered, Math.max(1, slots / registered), heap, false);
        }

        long usable() {
            return (long) (USABLE_HEAP * Math.max(0, heapBytes - SPARK_RESERVED));
        }
    }

    /**
     * The layout of the cost model for width m ({@code forcedBlocks} > 0 and a non-null {@code forcedRepresentation}
     * override it), checked against the executors' memory.
     *
     * @param driverBytes what the driver needs besides (counted against the same heap in local mode)
     */
    public static UnitLayout choose(
            int m,
            TrainingSet data,
            Precision precision,
            Executors executors,
            int forcedBlocks,
            UnitRepresentation forcedRepresentation,
            long driverBytes) {
        UnitRepresentation representation = forcedRepresentation;
        if (representation == null) {
            representation = UnitRepresentation.cheaper(data.n, data.d);
            if (ReluUnitBlock.sharedBytes(representation, data, precision) > executors.usable() / 2) {
                representation = UnitRepresentation.WEIGHTS;
            }
        }
        int cores = executors.count() * executors.cores();
        int blocks;
        if (forcedBlocks > 0) {
            blocks = forcedBlocks;
        } else {
            int useful =
                    (int) Math.max(1, Math.min(cores, representation.stepFlops(data.n, data.d, m) / MIN_TASK_FLOPS));
            blocks = Math.max(
                    useful, (int) Math.ceil((double) m * valuesPerUnit(representation, data) / MAX_BLOCK_DOUBLES));
            if (blocks > useful) blocks = roundUp(blocks, cores);
            blocks = Math.min(m, blocks);
            // More blocks shrink a step's extra memory, not the state an executor holds: stop when only that is left.
            long floor = ReluUnitBlock.sharedBytes(representation, data, precision)
                    + ReluUnitBlock.stateBytes(
                            representation, (m + executors.count() - 1) / executors.count(), data.d, data.n);
            while (floor < executors.usable()
                    && blocks < m
                    && executorBytes(even(m, blocks, representation), data, precision, executors)
                            > executors.usable()) {
                blocks = Math.min(m, roundUp(2 * blocks, cores));
            }
        }
        UnitLayout layout = even(m, blocks, representation);
        layout.requireFits(data, precision, executors, driverBytes);
        return layout;
    }

    /** Refuses, with the memory needed and what to change, a layout the executors (or the driver) cannot hold. */
    public void requireFits(TrainingSet data, Precision precision, Executors executors, long driverBytes) {
        long perUnit = valuesPerUnit(representation, data);
        if (largestBlock() * perUnit > MAX_BLOCK_DOUBLES) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "train.unit-blocks = %d cuts m = %,d into blocks of %,d units: "
                            + "a block's %s would hold %,d doubles, more than one block may (%,d). Use at least %d blocks.",
                    blocks(),
                    width,
                    largestBlock(),
                    representation == UnitRepresentation.WEIGHTS ? "W" : "A",
                    largestBlock() * perUnit,
                    MAX_BLOCK_DOUBLES,
                    (long) Math.ceil((double) width * perUnit / MAX_BLOCK_DOUBLES)));
        }
        long need = executorBytes(this, data, precision, executors) + (executors.local() ? driverBytes : 0);
        long have = executors.usable();
        if (need > have) {
            int perExecutor = (blocks() + executors.count() - 1) / executors.count();
            throw new UserError(String.format(
                    Locale.ROOT,
                    "Training m = %,d hidden units on n = %,d samples of d = %d (%s, %s) needs %.2f GB per executor: the samples "
                            + "%.2f GB, %d unit blocks of up to %,d units %.2f GB, and while a step runs "
                            + "%.2f GB more per running block (its new state and the workspace)%s. An executor has %.2f GB "
                            + "(%.0f%% of its %.2f GB heap after Spark's 300 MB reserve), %d executor(s). Give the executors "
                            + "more memory (OVERPARAM_DRIVER_MEMORY for jobs/run, --executor-memory for jobs/submit), add "
                            + "executors, or train a smaller width.",
                    width,
                    data.n,
                    data.d,
                    precision.id(),
                    representation.id(),
                    need / 1e9,
                    ReluUnitBlock.sharedBytes(representation, data, precision) / 1e9,
                    perExecutor,
                    largestBlock(),
                    perExecutor * ReluUnitBlock.stateBytes(representation, largestBlock(), data.d, data.n) / 1e9,
                    ReluUnitBlock.stepBytes(representation, largestBlock(), data.d, data.n, precision) / 1e9,
                    executors.local() && driverBytes > 0
                            ? String.format(
                                    Locale.ROOT, ", and the driver's %.2f GB in the same JVM", driverBytes / 1e9)
                            : "",
                    have / 1e9,
                    100 * USABLE_HEAP,
                    executors.heapBytes() / 1e9,
                    executors.count()));
        }
    }

    /** Bytes one executor needs: the samples, its share of the blocks, and a step's extra for each block running at once. */
    static long executorBytes(UnitLayout layout, TrainingSet data, Precision precision, Executors executors) {
        int perExecutor = (layout.blocks() + executors.count() - 1) / executors.count();
        int running = Math.min(perExecutor, executors.cores());
        long largest = layout.largestBlock();
        UnitRepresentation r = layout.representation();
        return ReluUnitBlock.sharedBytes(r, data, precision)
                + perExecutor * ReluUnitBlock.stateBytes(r, largest, data.d, data.n)
                + running * ReluUnitBlock.stepBytes(r, largest, data.d, data.n, precision);
    }

    /** Doubles of the largest array per unit: W's row (d) or A's column (n). */
    private static long valuesPerUnit(UnitRepresentation r, TrainingSet data) {
        return r == UnitRepresentation.WEIGHTS ? data.d : data.n;
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitLayout l
                && l.width == width
                && Arrays.equals(l.cuts, cuts)
                && l.representation == representation;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + Arrays.hashCode(cuts)) + representation.hashCode();
    }

    @Override
    public String toString() {
        return blocks() + " unit blocks of " + (width / blocks()) + (width % blocks() == 0 ? "" : "-" + largestBlock())
                + " units (" + representation.id() + ")";
    }
}
