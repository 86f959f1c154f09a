package org.overparam.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.CoreThreads;

/**
 * How a training step's unit blocks map to Spark tasks.
 *
 * <p>A Spark job costs about as much as 16 ms of compute here (docs/performance.md), paid once per step when each block
 * is a task of its own: the blocks' parts of the predictions must meet on the driver before the next step can start.
 * When one executor holds every block (local mode: the driver's JVM is the one executor), its cores share memory, and
 * one task can step all the blocks at once on those cores and add their parts itself: the steps up to the next
 * checkpoint or metric the driver needs run in one job. The arithmetic, and so every number, is the same. Both
 * training engines ({@link UnitShardedRelu}, {@link UnitShardedQuadratic}) take their tasks from here.
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

    /** A function of one element that Spark can ship. */
    interface ElementFunction<T, R> extends java.util.function.Function<T, R>, java.io.Serializable {}

    /**
     * {@code f} of every element, a partition's elements on up to {@code threads} threads at once, in their order
     * ({@link CoreThreads}): with {@link #ONE_FOR_ALL} the blocks of the one partition run on the executor's cores.
     */
    static <T, R> JavaRDD<R> eachInThreads(JavaRDD<T> rdd, int threads, ElementFunction<T, R> f) {
        return rdd.mapPartitions(it -> CoreThreads.map(list(it), threads, f).iterator());
    }

    static <T> List<T> list(java.util.Iterator<T> it) {
        List<T> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        return all;
    }
}
