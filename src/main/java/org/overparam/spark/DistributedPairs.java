package org.overparam.spark;

import org.apache.spark.api.java.JavaRDD;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.CosineTiles;

/**
 * Counts parallel or duplicate input pairs over all {@code n (n - 1) / 2} pairs without collecting the data: the
 * upper triangle of block pairs {@code (I, J)}, {@code I <= J}, is formed by a cartesian product of the shards, and each
 * tile is one GEMM on the executor that holds it ({@link CosineTiles}). Cost {@code n^2 d} flops in all.
 */
public final class DistributedPairs {
    private DistributedPairs() {}

    public static long countParallel(JavaRDD<SampleBlock> blocks, double tol) {
        return blocks.cartesian(blocks)
                .filter(p -> p._1().rowStart <= p._2().rowStart)
                .map(p -> CosineTiles.countParallel(
                        p._1().x,
                        p._1().rows,
                        p._2().x,
                        p._2().rows,
                        p._1().d,
                        tol,
                        p._1().rowStart == p._2().rowStart))
                .fold(0L, Long::sum);
    }
}
