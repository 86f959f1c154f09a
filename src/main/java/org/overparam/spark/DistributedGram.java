package org.overparam.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.overparam.UserError;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.EmpiricalNtk;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.model.TwoLayerRelu;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Gram matrices built from tiles where the shards live and assembled on the driver: the upper triangle of block pairs
 * {@code (I, J)}, {@code I <= J}, comes from a cartesian product of the shards, each tile cut into sub-tiles of at most
 * {@value #TILE} x {@value #TILE} (8 MiB); they are computed in parallel, then the driver streams them in partition by
 * partition ({@code toLocalIterator}) and mirrors the lower triangle. The data matrix itself never reaches the driver.
 */
public final class DistributedGram {
    /** Rows and columns of a sub-tile shipped to the driver. */
    public static final int TILE = 1024;
    /** Fraction of the driver's maximum heap a dense path may plan to use. */
    public static final double HEAP_FRACTION = 0.6;

    private DistributedGram() {
    }

    /** A sub-tile: rows {@code i0..} and columns {@code j0..} of the n x n matrix. */
    record Tile(long i0, long j0, int rows, int cols, double[] values, long parallelPairs) implements Serializable {
    }

    /** An assembled n x n matrix (row-major) and, for inner-product kernels, the count of parallel input pairs. */
    public record Matrix(double[] values, long parallelPairs) {
    }

    /**
     * Refuses, before any work, a dense n x n computation that would not fit the driver: {@code matrices} float64
     * n x n arrays must fit in {@value #HEAP_FRACTION} of the maximum heap.
     */
    public static void requireDriverMemory(long n, int matrices, String what) {
        double need = 8.0 * n * n * matrices;
        double have = HEAP_FRACTION * Runtime.getRuntime().maxMemory();
        if (need > have) {
            throw new UserError(String.format(java.util.Locale.ROOT,
                    "%s needs %d dense %,d x %,d float64 matrices on the driver: %.2f GB, but the driver heap allows %.2f GB (%.0f%% of %.2f GB). "
                            + "Give the driver more memory (OVERPARAM_DRIVER_MEMORY for jobs/run, --driver-memory for jobs/submit), or lower n.",
                    what, matrices, n, n, need / 1e9, have / 1e9, 100 * HEAP_FRACTION, Runtime.getRuntime().maxMemory() / 1e9));
        }
    }

    /**
     * The finite-width Gram {@code H(W)} of Du et al. over all n samples (n x n, row-major, symmetric).
     *
     * @param w the weights, or null for W(0), whose patterns the shards already hold
     */
    public static double[] empiricalNtk(JavaRDD<ReluShard> shards, TwoLayerRelu net, double[] w, int n) {
        requireDriverMemory(n, 1, "The Gram matrix H(W)");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(shards.context());
        Broadcast<double[]> bw = w == null ? null : jsc.broadcast(w);
        int m = net.m, d = net.d;
        try {
            JavaRDD<Tuple2<SampleBlock, long[]>> patterned = shards.map(s -> new Tuple2<>(s.block(),
                    bw == null ? s.mask0() : net.patternBits(s.block().x, s.block().rows, bw.value())));
            JavaRDD<Tile> tiles = patterned.cartesian(patterned)
                    .filter(p -> p._1()._1().rowStart <= p._2()._1().rowStart)
                    .flatMap(p -> subTiles(p._1()._1(), p._1()._2(), p._2()._1(), p._2()._2(), d, m));
            return assemble(tiles, n).values();
        } finally {
            if (bw != null) bw.destroy();
        }
    }

    /**
     * A kernel of the inner products, {@code K_ij = k(x_i . x_j)} (Hinf, or the squared-inner Gram), over all n samples
     * (n x n, row-major, symmetric).
     */
    public static double[] kernel(JavaRDD<SampleBlock> blocks, InnerProductKernel k, int n) {
        return kernel(blocks, k, n, 0).values();
    }

    /**
     * As {@link #kernel(JavaRDD, InnerProductKernel, int)}, also counting the input pairs with
     * {@code |cos(x_i, x_j)| > 1 - tol} from the same tiles (tol = 0 counts none).
     */
    public static Matrix kernel(JavaRDD<SampleBlock> blocks, InnerProductKernel k, int n, double tol) {
        requireDriverMemory(n, 1, "The " + k.id + " kernel matrix");
        JavaRDD<Tile> tiles = blocks.cartesian(blocks)
                .filter(p -> p._1().rowStart <= p._2().rowStart)
                .flatMap(p -> subTiles(p._1(), p._2(), (i0, ri, j0, rj, parallel) -> k.tile(p._1().x, i0, ri, p._2().x, j0, rj,
                        p._1().d, p._1().rowStart == p._2().rowStart && i0 == j0, tol, tol > 0 ? parallel : null)));
        return assemble(tiles, n);
    }

    /** Computes the sub-tile of rows i0.. of block A and j0.. of block B. */
    interface TileFunction {
        /** The sub-tile's values; it may add parallel pairs it finds to {@code parallel[0]}. */
        double[] apply(int i0, int ri, int j0, int rj, long[] parallel);
    }

    static Iterator<Tile> subTiles(SampleBlock a, long[] bitsA, SampleBlock b, long[] bitsB, int d, int m) {
        return subTiles(a, b, (i0, ri, j0, rj, parallel) -> EmpiricalNtk.tile(a.x, bitsA, i0, ri, b.x, bitsB, j0, rj, d, m));
    }

    /** The upper-triangle sub-tiles of the block pair (A, B), each at most TILE x TILE. */
    static Iterator<Tile> subTiles(SampleBlock a, SampleBlock b, TileFunction f) {
        boolean same = a.rowStart == b.rowStart;
        List<Tile> out = new ArrayList<>();
        for (int i0 = 0; i0 < a.rows; i0 += TILE) {
            int ri = Math.min(TILE, a.rows - i0);
            for (int j0 = same ? i0 : 0; j0 < b.rows; j0 += TILE) {
                int rj = Math.min(TILE, b.rows - j0);
                long[] parallel = new long[1];
                double[] values = f.apply(i0, ri, j0, rj, parallel);
                out.add(new Tile(a.rowStart + i0, b.rowStart + j0, ri, rj, values, parallel[0]));
            }
        }
        return out.iterator();
    }

    /**
     * Computes all tiles in parallel (cached where they are made), then streams them to the driver one partition at a
     * time: the driver holds the n x n matrix and one partition's tiles, never all tiles at once.
     */
    static Matrix assemble(JavaRDD<Tile> tiles, int n) {
        tiles.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            tiles.count();
            return assemble(tiles.toLocalIterator(), n);
        } finally {
            tiles.unpersist(false);
        }
    }

    static Matrix assemble(Iterator<Tile> tiles, int n) {
        double[] h = new double[n * n];
        long parallel = 0;
        while (tiles.hasNext()) {
            Tile t = tiles.next();
            parallel += t.parallelPairs();
            for (int i = 0; i < t.rows(); i++) {
                long gi = t.i0() + i;
                for (int j = 0; j < t.cols(); j++) {
                    long gj = t.j0() + j;
                    double v = t.values()[i * t.cols() + j];
                    h[(int) (gi * n + gj)] = v;
                    h[(int) (gj * n + gi)] = v;
                }
            }
        }
        return new Matrix(h, parallel);
    }
}
