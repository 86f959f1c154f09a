package org.overparam.spark;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.overparam.UserError;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * Gram matrices built from tiles where the shards live and assembled on the driver: the upper triangle of block pairs
 * {@code (I, J)}, {@code I <= J}, comes from a cartesian product of the shards, each tile cut into sub-tiles of at most
 * {@value #TILE} x {@value #TILE} (8 MiB); they are computed in parallel and collected by the driver in batches of
 * partitions, which it copies into place and, unless asked not to, mirrors to the lower triangle. The data matrix
 * itself never reaches the driver.
 */
public final class DistributedGram {
    /** Rows and columns of a sub-tile shipped to the driver. */
    public static final int TILE = 1024;
    /** Fraction of the driver's maximum heap a dense path may plan to use. */
    public static final double HEAP_FRACTION = 0.6;

    private DistributedGram() {}

    /** A sub-tile: rows {@code i0..} and columns {@code j0..} of the n x n matrix. */
    record Tile(long i0, long j0, int rows, int cols, byte[] values, long parallelPairs) implements Serializable {}

    /** An assembled n x n matrix (row-major) and, for inner-product kernels, the count of parallel input pairs. */
    public record Matrix(double[] values, long parallelPairs) {}

    /**
     * Refuses, before any work, a dense n x n computation that would not fit the driver: {@code matrices} float64
     * n x n arrays must fit in {@value #HEAP_FRACTION} of the maximum heap.
     */
    public static void requireDriverMemory(long n, int matrices, String what) {
        double need = 8.0 * n * n * matrices;
        double have = HEAP_FRACTION * Runtime.getRuntime().maxMemory();
        if (need > have) {
            throw new UserError(String.format(
                    java.util.Locale.ROOT,
                    "%s needs %d dense %,d x %,d float64 matrices on the driver: %.2f GB, but the driver heap allows %.2f GB (%.0f%% of %.2f GB). "
                            + "Give the driver more memory (OVERPARAM_DRIVER_MEMORY for jobs/run, --driver-memory for jobs/submit), or lower n.",
                    what,
                    matrices,
                    n,
                    n,
                    need / 1e9,
                    have / 1e9,
                    100 * HEAP_FRACTION,
                    Runtime.getRuntime().maxMemory() / 1e9));
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
        return kernel(blocks, k, n, tol, true);
    }

    /**
     * As {@link #kernel(JavaRDD, InnerProductKernel, int, double)}, but with {@code mirror} false only the upper
     * triangle ({@code j >= i} of the row-major matrix; entries below it may be zero) is filled: what LAPACK's
     * symmetric routines read as the lower triangle of the column-major matrix. Saves a pass over the matrix that
     * goes against the cache.
     */
    public static Matrix kernel(JavaRDD<SampleBlock> blocks, InnerProductKernel k, int n, double tol, boolean mirror) {
        requireDriverMemory(n, 1, "The " + k.id + " kernel matrix");
        JavaRDD<Tile> tiles = DistributedPairs.upperTriangle(blocks)
                .flatMap(p -> subTiles(
                        p._1(),
                        p._2(),
                        (i0, ri, j0, rj, parallel) -> k.tile(
                                p._1().x,
                                i0,
                                ri,
                                p._2().x,
                                j0,
                                rj,
                                p._1().d,
                                p._1().rowStart == p._2().rowStart && i0 == j0,
                                tol,
                                tol > 0 ? parallel : null)));
        return assemble(tiles, n, mirror);
    }

    /**
     * Rows per shard for a dense kernel: a Spark task forms the tiles of one pair of shards, so shards of this size give
     * {@code P (P + 1) / 2} tasks of at most {@code 8 * }{@value #SHARD_ROWS}{@code ^2} bytes of results each
     * ({@code P = ceil(n / }{@value #SHARD_ROWS}{@code )}): enough tasks to keep every core busy to the end, and
     * small results.
     */
    public static final int SHARD_ROWS = 1536;

    /** The number of shards {@link #SHARD_ROWS} asks for at n samples. */
    public static int shardsFor(int n) {
        return Math.max(1, (n + SHARD_ROWS - 1) / SHARD_ROWS);
    }

    /** Computes the sub-tile of rows i0.. of block A and j0.. of block B. */
    interface TileFunction {
        /** The sub-tile's values; it may add parallel pairs it finds to {@code parallel[0]}. */
        double[] apply(int i0, int ri, int j0, int rj, long[] parallel);
    }

    /**
     * The upper-triangle sub-tiles of the block pair (A, B), each at most TILE x TILE: a block's rows are cut into
     * {@code ceil(rows / TILE)} near-equal pieces (1,333 rows into 667 + 666, not 1,024 + 309), so the tasks of a
     * job stay even.
     */
    static Iterator<Tile> subTiles(SampleBlock a, SampleBlock b, TileFunction f) {
        boolean same = a.rowStart == b.rowStart;
        int[] ca = cuts(a.rows), cb = same ? ca : cuts(b.rows);
        List<Tile> out = new ArrayList<>();
        for (int p = 0; p + 1 < ca.length; p++) {
            int i0 = ca[p], ri = ca[p + 1] - i0;
            for (int q = same ? p : 0; q + 1 < cb.length; q++) {
                int j0 = cb[q], rj = cb[q + 1] - j0;
                long[] parallel = new long[1];
                double[] values = f.apply(i0, ri, j0, rj, parallel);
                out.add(new Tile(a.rowStart + i0, b.rowStart + j0, ri, rj, encode(values), parallel[0]));
            }
        }
        return out.iterator();
    }

    /** Piece boundaries {@code 0 = c_0 < c_1 < .. < c_k = rows} with {@code k = ceil(rows / TILE)} near-equal pieces. */
    static int[] cuts(int rows) {
        int k = Math.max(1, (rows + TILE - 1) / TILE);
        int[] c = new int[k + 1];
        for (int i = 0; i <= k; i++) c[i] = (int) ((long) rows * i / k);
        return c;
    }

    /**
     * A sub-tile's doubles as little-endian bytes. Spark serializes a task's result with Java serialization, which
     * writes a {@code double[]} one value at a time (about 0.3 GB/s here) but a {@code byte[]} as one block; the driver
     * decodes each row straight into place.
     */
    static byte[] encode(double[] v) {
        byte[] out = new byte[8 * v.length];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(v);
        return out;
    }

    /**
     * Computes the tiles in parallel and places each partition's tiles in the driver's matrix as soon as its task
     * ends, in one Spark job (or a few, when the tiles would pass {@code spark.driver.maxResultSize}, which bounds a
     * job's results): the driver holds the n x n matrix and the results of the tasks not yet placed, never all tiles.
     * With {@code mirror}, the lower triangle is then filled from the upper; without it, only the upper triangle
     * ({@code j >= i} of the row-major matrix) is defined.
     */
    static Matrix assemble(JavaRDD<Tile> tiles, int n, boolean mirror) {
        double[] h = new double[n * n];
        long[] parallel = {0};
        int parts = tiles.getNumPartitions();
        SparkContext sc = tiles.context();
        scala.Function2<TaskContext, scala.collection.Iterator<Tile>, ArrayList<Tile>> gather =
                (scala.Function2<TaskContext, scala.collection.Iterator<Tile>, ArrayList<Tile>> & Serializable)
                        (task, it) -> {
                            ArrayList<Tile> out = new ArrayList<>();
                            while (it.hasNext()) out.add(it.next());
                            return out;
                        };
        // Called on the driver, one task's result at a time.
        scala.Function2<Object, ArrayList<Tile>, BoxedUnit> placeAll = (index, result) -> {
            for (Tile t : result) parallel[0] += place(t, h, n);
            return BoxedUnit.UNIT;
        };
        @SuppressWarnings("unchecked")
        ClassTag<ArrayList<Tile>> tag =
                (ClassTag<ArrayList<Tile>>) (ClassTag<?>) ClassTag$.MODULE$.apply(ArrayList.class);
        int perJob = partitionsPerJob(parts, n, sc.conf().getSizeAsBytes("spark.driver.maxResultSize", "1g"));
        for (int p0 = 0; p0 < parts; p0 += perJob) {
            List<Object> ids = new ArrayList<>();
            for (int p = p0; p < Math.min(parts, p0 + perJob); p++) ids.add(p);
            sc.runJob(tiles.rdd(), gather, CollectionConverters.asScala(ids).toSeq(), placeAll, tag);
        }
        if (mirror) mirrorUpper(h, n);
        return new Matrix(h, parallel[0]);
    }

    /**
     * Partitions per job so a job's results stay within half of {@code maxResultBytes} (0: no limit): the upper-triangle
     * tiles are about {@code 4 n^2} bytes in all, and one partition of a cartesian product may hold twice its share.
     */
    static int partitionsPerJob(int parts, int n, long maxResultBytes) {
        if (maxResultBytes <= 0) return Math.max(1, parts);
        double perPartition = 2 * 4.0 * n * n / Math.max(1, parts);
        return (int) Math.max(1, Math.min(parts, 0.5 * maxResultBytes / Math.max(1.0, perPartition)));
    }

    /** Copies the tile's rows into the row-major n x n matrix h; returns the tile's parallel pairs. */
    static long place(Tile t, double[] h, int n) {
        java.nio.DoubleBuffer values =
                ByteBuffer.wrap(t.values()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        for (int i = 0; i < t.rows(); i++) {
            values.get(h, (int) ((t.i0() + i) * n + t.j0()), t.cols());
        }
        return t.parallelPairs();
    }

    /** Fills {@code h[i][j]}, j &lt; i, from {@code h[j][i]}, in square blocks so both sides stay in cache. */
    static void mirrorUpper(double[] h, int n) {
        final int b = 64;
        for (int i0 = 0; i0 < n; i0 += b) {
            int i1 = Math.min(n, i0 + b);
            for (int j0 = 0; j0 <= i0; j0 += b) {
                int j1 = Math.min(n, j0 + b);
                for (int i = i0; i < i1; i++) {
                    int row = i * n;
                    for (int j = j0; j < Math.min(j1, i); j++) h[row + j] = h[j * n + i];
                }
            }
        }
    }
}
