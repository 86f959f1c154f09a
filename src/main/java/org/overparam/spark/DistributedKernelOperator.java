package org.overparam.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricOperator;
import org.overparam.linalg.SymmetricTiles;
import scala.Tuple2;

/**
 * An inner-product kernel matrix (Hinf) as a distributed {@link SymmetricOperator}, never assembled: the upper
 * triangle of block pairs {@code (I, J)} of the shards, cut into sub-tiles of at most {@value DistributedGram#TILE}
 * rows and columns; each application {@code Y = H X} broadcasts X (n x b), lets every tile add its products
 * ({@link SymmetricTiles}, two GEMMs) into a per-partition accumulator, and sums the accumulators in partition order
 * ({@link DeterministicAggregate}), so the same layout gives the same Y bit for bit.
 *
 * <p>Tile storage ({@code spectrum.tiles}):
 * <ul>
 *   <li>{@link Storage#FLOAT64} / {@link Storage#FLOAT32}: the tiles are computed once and cached on the executors
 *       ({@code MEMORY_AND_DISK}: what does not fit in storage memory spills to local disk), {@code 4 n^2} or
 *       {@code 2 n^2} bytes in all; each pass then reads them once ({@code 2 n^2 b} flops, memory-bound).
 *       Float32 rounds each entry to a relative {@code 6e-8}.</li>
 *   <li>{@link Storage#RECOMPUTE}: nothing is cached; each pass recomputes every tile ({@code n^2 d} flops for the
 *       GEMMs, {@code n^2 / 2} arccos), for clusters whose storage memory and disk cannot hold the tiles.</li>
 * </ul>
 * The driver holds X, Y and up to {@link DeterministicAggregate#FANOUT} accumulators: {@code 8 n b} bytes each.
 */
public final class DistributedKernelOperator implements SymmetricOperator, AutoCloseable {
    /** How the tiles are kept between passes. */
    public enum Storage {
        FLOAT64,
        FLOAT32,
        RECOMPUTE;

        public static Storage parse(String s) {
            for (Storage x : values())
                if (x.name().toLowerCase(Locale.ROOT).equals(s.trim().toLowerCase(Locale.ROOT))) return x;
            throw new org.overparam.UserError(
                    "spectrum.tiles: expected auto | float64 | float32 | recompute, found '" + s + "'.");
        }
    }

    /**
     * A cached piece of a sub-tile: rows i0.. and columns j0.. of H, in double or float precision. {@code oneSided}: a
     * piece of a diagonal sub-tile (both triangles stored), which adds only {@code Y_I += T X_J}; every other piece also
     * adds the transposed product.
     */
    record Tile(long i0, long j0, int rows, int cols, double[] values, float[] floats, boolean oneSided)
            implements Serializable {}

    private final int n;
    private final Storage storage;
    private final JavaRDD<Tile> cached;
    private final JavaRDD<Tuple2<SampleBlock, SampleBlock>> pairs;
    private final InnerProductKernel kernel;
    private final JavaSparkContext jsc;
    private int passes;
    /** Columns per pass ({@link #chunkColumns}). */
    private int chunk;

    private double seconds;
    private double flops;
    private final int d;

    private DistributedKernelOperator(
            JavaSparkContext jsc,
            int n,
            int d,
            Storage storage,
            JavaRDD<Tile> cached,
            JavaRDD<Tuple2<SampleBlock, SampleBlock>> pairs,
            InnerProductKernel kernel) {
        this.jsc = jsc;
        this.d = d;
        this.n = n;
        this.storage = storage;
        this.cached = cached;
        this.pairs = pairs;
        this.kernel = kernel;
        this.chunk = chunkColumns(n);
    }

    /** Sets the columns per pass (tests: exercises the chunking at small n). */
    DistributedKernelOperator withChunkColumns(int columns) {
        this.chunk = Math.max(1, columns);
        return this;
    }

    /**
     * The operator of {@code kernel} over the n samples of {@code blocks}. With a cached storage the tiles are
     * computed here (one Spark job) and persisted.
     *
     * @param slices partitions of the tile set (block pairs are spread over them in a fixed order)
     */
    public static DistributedKernelOperator of(
            JavaRDD<SampleBlock> blocks, InnerProductKernel kernel, int n, Storage storage, int slices) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
        int d = blocks.first().d;
        int want = partitions(n, storage, slices);
        JavaRDD<SampleBlock> sources = blocks;
        if ((long) blocks.getNumPartitions() * blocks.getNumPartitions() < 2L * want) {
            // Enough block pairs to cut the tile set into `want` partitions: reshuffle the (small) sample blocks.
            sources = blocks.repartition((int) Math.ceil(Math.sqrt(2.0 * want)));
        }
        JavaRDD<Tuple2<SampleBlock, SampleBlock>> pairs =
                DistributedPairs.upperTriangle(sources).coalesce(want);
        if (storage == Storage.RECOMPUTE) {
            return new DistributedKernelOperator(jsc, n, d, storage, null, pairs, kernel);
        }
        boolean single = storage == Storage.FLOAT32;
        JavaRDD<Tile> tiles = pairs.flatMap(p -> tiles(p._1(), p._2(), kernel, single, STORED_ROWS));
        tiles.persist(StorageLevel.MEMORY_AND_DISK());
        tiles.count();
        return new DistributedKernelOperator(jsc, n, d, storage, tiles, null, kernel);
    }

    /**
     * The storage {@code auto} picks: float64 tiles if their {@code 4 n^2} bytes fit in half the cluster's free
     * storage memory, else float32 if {@code 2 n^2} bytes do, else float32 spilling to disk (still cheaper than
     * recomputing when {@code d} is in the hundreds: one disk read against {@code n^2 d} flops per pass).
     */
    public static Storage auto(JavaSparkContext jsc, long n) {
        long free = executorMemory(jsc, false);
        double float64 = 4.0 * n * n;
        return float64 <= 0.5 * free ? Storage.FLOAT64 : Storage.FLOAT32;
    }

    /**
     * Largest share of the cached tiles, in bytes, that one partition should hold: a partition is cached (or spilled)
     * whole, and Spark unrolls it in storage memory before caching, so a few large partitions can leave much of the
     * storage memory unused and push whole partitions to disk.
     */
    static final double PARTITION_BYTES = 1.5e9;

    /**
     * Partitions of the tile set: four per slice (the block pairs differ in size, so with one partition per core one
     * core idles while the other finishes; docs/performance.md), up to the
     * {@link DeterministicAggregate#FANOUT} a pass merges without a shuffle round, and in any case enough that none
     * holds more than {@link #PARTITION_BYTES}.
     */
    static int partitions(long n, Storage storage, int slices) {
        int balanced = Math.max(Math.max(1, slices), Math.min(DeterministicAggregate.FANOUT, 4 * slices));
        return Math.max(balanced, (int) Math.ceil(cachedBytes(n, storage) / PARTITION_BYTES));
    }

    /**
     * Storage memory of the cluster (the sum over executors' block managers, bytes): with less than
     * {@link #cachedBytes} of it, the rest of the tiles spill to local disk and are read back on every pass.
     */
    public static long storageMemory(JavaSparkContext jsc) {
        return executorMemory(jsc, true);
    }

    /** The executors' storage memory summed over the cluster: the maximum, or what remains free. */
    private static long executorMemory(JavaSparkContext jsc, boolean maximum) {
        long sum = 0;
        scala.collection.Iterator<Tuple2<String, Tuple2<Object, Object>>> it =
                jsc.sc().getExecutorMemoryStatus().iterator();
        while (it.hasNext()) {
            Tuple2<Object, Object> status = it.next()._2();
            sum += (Long) (maximum ? status._1() : status._2());
        }
        return sum;
    }

    /** The bytes the cached tiles take (0 when recomputed). */
    public static double cachedBytes(long n, Storage s) {
        return switch (s) {
            case FLOAT64 -> 4.0 * n * (n + DistributedGram.TILE);
            case FLOAT32 -> 2.0 * n * (n + DistributedGram.TILE);
            case RECOMPUTE -> 0;
        };
    }

    /**
     * Rows per stored piece of a sub-tile. A whole {@value DistributedGram#TILE}-square sub-tile is a 4 or 8 MB array,
     * which G1 allocates as a humongous object in whole regions (8 MB regions at a 16 GB heap): the cached tiles of
     * n = 70,000 then took twice their 9.9 GB and the executor ran out of heap. Pieces of 64 rows (256 KB in float32,
     * 512 KB in float64) stay ordinary objects for heaps of 4 GB and more.
     */
    static final int STORED_ROWS = 64;

    /**
     * The sub-tiles of the block pair (A, B), in pieces of at most {@code pieceRows} rows ({@link #STORED_ROWS} for
     * the cache; {@link DistributedGram#TILE}, whole sub-tiles without a copy, for a pass that uses them and drops them).
     */
    static Iterator<Tile> tiles(SampleBlock a, SampleBlock b, InnerProductKernel k, boolean single, int pieceRows) {
        if (single) SymmetricTiles.warmUpOnce();
        boolean same = a.rowStart == b.rowStart;
        int t = DistributedGram.TILE;
        List<Tile> out = new ArrayList<>();
        for (int i0 = 0; i0 < a.rows; i0 += t) {
            int ri = Math.min(t, a.rows - i0);
            for (int j0 = same ? i0 : 0; j0 < b.rows; j0 += t) {
                int rj = Math.min(t, b.rows - j0);
                boolean diagonal = same && i0 == j0;
                double[] v = k.tile(a.x, i0, ri, b.x, j0, rj, a.d, diagonal);
                for (int r0 = 0; r0 < ri; r0 += pieceRows) {
                    int rows = Math.min(pieceRows, ri - r0);
                    double[] dv = null;
                    float[] f = null;
                    if (single) {
                        f = new float[rows * rj];
                        for (int q = 0; q < f.length; q++) f[q] = (float) v[r0 * rj + q];
                    } else {
                        dv = rows == ri ? v : java.util.Arrays.copyOfRange(v, r0 * rj, (r0 + rows) * rj);
                    }
                    out.add(new Tile(a.rowStart + i0 + r0, b.rowStart + j0, rows, rj, dv, f, diagonal));
                }
            }
        }
        return out.iterator();
    }

    @Override
    public int n() {
        return n;
    }

    public Storage storage() {
        return storage;
    }

    /** Applications so far (each one pass over the tiles). */
    public int passes() {
        return passes;
    }

    /**
     * Floating-point operations of the applications so far: {@code 2 n^2 b} per pass for the products, plus
     * {@code n^2 d} per pass for the tile GEMMs when recomputed (the arccos map not counted).
     */
    public double flops() {
        return flops;
    }

    /** Wall seconds spent in applications so far. */
    public double seconds() {
        return seconds;
    }

    /**
     * Most doubles of one pass's block (n x b): wider blocks are applied in column chunks, one pass each, because every
     * partition builds an n x b accumulator and the driver merges up to {@link DeterministicAggregate#FANOUT} of them
     * (at n = 70,000 a block of 1,000 columns would be 0.56 GB per accumulator).
     */
    static final long MAX_BLOCK_DOUBLES = 8_000_000;

    /** The columns per pass for blocks of n rows. */
    public static int chunkColumns(int n) {
        return (int) Math.max(1, MAX_BLOCK_DOUBLES / Math.max(1, n));
    }

    @Override
    public void apply(double[] x, double[] y, int b) {
        if (x.length < (long) n * b || y.length < (long) n * b) {
            throw new IllegalArgumentException(
                    "DistributedKernelOperator: expected n x b = " + n + " x " + b + " blocks");
        }
        if (b <= chunk) {
            applyPass(x, y, b);
            return;
        }
        for (int c0 = 0; c0 < b; c0 += chunk) {
            int w = Math.min(chunk, b - c0);
            double[] xs = new double[n * w], ys = new double[n * w];
            for (int i = 0; i < n; i++) System.arraycopy(x, i * b + c0, xs, i * w, w);
            applyPass(xs, ys, w);
            for (int i = 0; i < n; i++) System.arraycopy(ys, i * w, y, i * b + c0, w);
        }
    }

    private void applyPass(double[] x, double[] y, int b) {
        long start = System.nanoTime();
        Broadcast<double[]> bx = jsc.broadcast(java.util.Arrays.copyOf(x, n * b));
        int size = n * b;
        try {
            double[] sum;
            if (cached != null) {
                sum = DeterministicAggregate.aggregatePartitions(
                        cached,
                        () -> new double[size],
                        it -> {
                            double[] acc = new double[size];
                            double[] xv = bx.value();
                            double[] strip = null;
                            while (it.hasNext()) {
                                Tile t = it.next();
                                if (t.values() != null) {
                                    SymmetricTiles.accumulate(
                                            t.values(), t.i0(), t.rows(), t.j0(), t.cols(), t.oneSided(), xv, acc, b);
                                } else {
                                    if (strip == null) strip = new double[SymmetricTiles.STRIP * DistributedGram.TILE];
                                    SymmetricTiles.accumulate(
                                            t.floats(),
                                            t.i0(),
                                            t.rows(),
                                            t.j0(),
                                            t.cols(),
                                            t.oneSided(),
                                            xv,
                                            acc,
                                            b,
                                            strip);
                                }
                            }
                            return acc;
                        },
                        DistributedKernelOperator::add);
            } else {
                InnerProductKernel k = kernel;
                sum = DeterministicAggregate.aggregatePartitions(
                        pairs,
                        () -> new double[size],
                        it -> {
                            double[] acc = new double[size];
                            double[] xv = bx.value();
                            while (it.hasNext()) {
                                Tuple2<SampleBlock, SampleBlock> p = it.next();
                                Iterator<Tile> ts = tiles(p._1(), p._2(), k, false, DistributedGram.TILE);
                                while (ts.hasNext()) {
                                    Tile t = ts.next();
                                    SymmetricTiles.accumulate(
                                            t.values(), t.i0(), t.rows(), t.j0(), t.cols(), t.oneSided(), xv, acc, b);
                                }
                            }
                            return acc;
                        },
                        DistributedKernelOperator::add);
            }
            System.arraycopy(sum, 0, y, 0, size);
        } finally {
            bx.destroy();
        }
        passes++;
        seconds += (System.nanoTime() - start) / 1e9;
        flops += 2.0 * n * n * b + (cached == null ? (double) n * n * d : 0);
    }

    /**
     * For every row i, {@code max_{j != i} H_ij}: one pass over the tiles (with {@link Storage#RECOMPUTE}, one
     * recomputation of them), merged by maximum in partition order. For Hinf this ranks the samples by how close their
     * nearest neighbour is (h is increasing in the cosine): the bottom of Hinf's spectrum lives on groups of
     * near-duplicate inputs.
     */
    public double[] rowMaxima() {
        long start = System.nanoTime();
        int size = n;
        InnerProductKernel k = kernel;
        JavaRDD<Tile> source =
                cached != null ? cached : pairs.flatMap(p -> tiles(p._1(), p._2(), k, false, DistributedGram.TILE));
        double[] max = DeterministicAggregate.aggregatePartitions(
                source,
                () -> filled(size),
                it -> {
                    double[] acc = filled(size);
                    while (it.hasNext()) {
                        Tile t = it.next();
                        for (int i = 0; i < t.rows(); i++) {
                            int gi = (int) t.i0() + i;
                            for (int j = 0; j < t.cols(); j++) {
                                int gj = (int) t.j0() + j;
                                if (gi == gj) continue;
                                double h = t.values() != null
                                        ? t.values()[i * t.cols() + j]
                                        : t.floats()[i * t.cols() + j];
                                if (h > acc[gi]) acc[gi] = h;
                                // A diagonal sub-tile holds (j, i) as well; elsewhere the entry stands for both.
                                if (!t.oneSided() && h > acc[gj]) acc[gj] = h;
                            }
                        }
                    }
                    return acc;
                },
                (a, b) -> {
                    for (int i = 0; i < a.length; i++) a[i] = Math.max(a[i], b[i]);
                    return a;
                });
        passes++;
        seconds += (System.nanoTime() - start) / 1e9;
        return max;
    }

    private static double[] filled(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NEGATIVE_INFINITY);
        return a;
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        return a;
    }

    /** Releases the cached tiles. */
    @Override
    public void close() {
        if (cached != null) cached.unpersist(false);
    }
}
