package org.overparam.spark;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * How a training step's unit blocks map to Spark tasks.
 *
 * <p>A Spark job costs about as much as 16 ms of compute here (docs/performance.md), paid once per step when each block
 * is a task of its own: the blocks' parts of the predictions must meet on the driver before the next step can start.
 * When one executor holds every block (local mode: the driver's JVM is the one executor), its cores share memory, and
 * one task can step all the blocks at once on those cores and add their parts itself: the steps up to the next
 * checkpoint or metric the driver needs run in one job. The arithmetic, and so every number, is the same.
 */
public enum BlockTasks {
    /** One task per block, one job per step; the driver adds the blocks' parts and forms each residual. */
    ONE_PER_BLOCK,
    /**
     * Every block in one partition; its task steps the blocks at once on the executor's cores, forming each next
     * residual as the driver does, and runs the steps up to the next checkpoint or metric in one job.
     */
    ONE_FOR_ALL;

    /** {@link #ONE_FOR_ALL} in local mode, where the one executor has every core; else {@link #ONE_PER_BLOCK}. */
    public static BlockTasks of(JavaSparkContext jsc) {
        return jsc.sc().isLocal() ? ONE_FOR_ALL : ONE_PER_BLOCK;
    }

    /** Spark partitions of a layout of {@code blocks} blocks. */
    int partitions(int blocks) {
        return this == ONE_FOR_ALL ? 1 : blocks;
    }

    /** Threads one task steps its blocks on: the executor's cores for {@link #ONE_FOR_ALL}, else 1. */
    int threads(int blocks, int executorCores) {
        return this == ONE_FOR_ALL ? Math.max(1, Math.min(blocks, executorCores)) : 1;
    }
}
