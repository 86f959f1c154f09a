package org.overparam.spark;

import org.apache.spark.api.java.JavaRDD;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.CosineTiles;
import scala.Tuple2;

/**
 * The pairs of sample blocks a symmetric computation over all sample pairs needs: the upper triangle of block pairs
 * {@code (I, J)}, {@code I <= J} by first row, from a cartesian product of the shards (the one place it is formed, for
 * the Gram matrices, the kernel operator's tiles and the count of parallel pairs). A pair's blocks travel to the
 * executor that computes its tile; the data matrix never reaches the driver.
 */
public final class DistributedPairs {
    private DistributedPairs() {}

    /** The block pairs {@code (I, J)} with I's first row at most J's: each unordered pair once, and every diagonal block. */
    public static JavaRDD<Tuple2<SampleBlock, SampleBlock>> upperTriangle(JavaRDD<SampleBlock> blocks) {
        return blocks.cartesian(blocks)
                .filter(p -> p._1().rowStart <= p._2().rowStart)
                .map(p -> new Tuple2<>(p._1(), p._2()));
    }

    /**
     * Parallel or duplicate input pairs over all {@code n (n - 1) / 2} pairs, each tile one GEMM where it lives
     * ({@link CosineTiles}): {@code n^2 d} flops in all.
     */
    public static long countParallel(JavaRDD<SampleBlock> blocks, double tol) {
        return upperTriangle(blocks)
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
