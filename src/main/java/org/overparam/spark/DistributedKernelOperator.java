package org.overparam.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricOperator;
import org.overparam.linalg.SymmetricTiles;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

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
        FLOAT64, FLOAT32, RECOMPUTE;

        public static Storage parse(String s) {
            for (Storage x : values()) if (x.name().toLowerCase(Locale.ROOT).equals(s.trim().toLowerCase(Locale.ROOT))) return x;
            throw new org.overparam.UserError("spectrum.tiles: expected auto | float64 | float32 | recompute, found '" + s + "'.");
        }
    }

    /** A cached sub-tile: rows i0.. and columns j0.. of H, in double or float precision. */
    record Tile(long i0, long j0, int rows, int cols, double[] values, float[] floats) implements Serializable {
        double[] asDouble() {
            if (values != null) return values;
            double[] d = new double[floats.length];
            for (int k = 0; k < d.length; k++) d[k] = floats[k];
            return d;
        }
    }

    private final int n;
    private final Storage storage;
    private final JavaRDD<Tile> cached;
    private final JavaRDD<Tuple2<SampleBlock, SampleBlock>> pairs;
    private final InnerProductKernel kernel;
    private final JavaSparkContext jsc;
    private int passes;
    private double seconds;
    private double flops;
    private final int d;

    private DistributedKernelOperator(JavaSparkContext jsc, int n, int d, Storage storage, JavaRDD<Tile> cached,
                                      JavaRDD<Tuple2<SampleBlock, SampleBlock>> pairs, InnerProductKernel kernel) {
        this.jsc = jsc;
        this.d = d;
        this.n = n;
        this.storage = storage;
        this.cached = cached;
        this.pairs = pairs;
        this.kernel = kernel;
    }

    /**
     * The operator of {@code kernel} over the n samples of {@code blocks}. With a cached storage the tiles are
     * computed here (one Spark job) and persisted.
     *
     * @param slices partitions of the tile set (block pairs are spread over them in a fixed order)
     */
    public static DistributedKernelOperator of(JavaRDD<SampleBlock> blocks, InnerProductKernel kernel, int n, Storage storage, int slices) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
        int d = blocks.first().d;
        JavaRDD<Tuple2<SampleBlock, SampleBlock>> pairs = blocks.cartesian(blocks)
                .filter(p -> p._1().rowStart <= p._2().rowStart)
                .map(p -> new Tuple2<>(p._1(), p._2()))
                .coalesce(Math.max(1, slices));
        if (storage == Storage.RECOMPUTE) {
            return new DistributedKernelOperator(jsc, n, d, storage, null, pairs, kernel);
        }
        boolean single = storage == Storage.FLOAT32;
        JavaRDD<Tile> tiles = pairs.flatMap(p -> tiles(p._1(), p._2(), kernel, single));
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
        long free = 0;
        scala.collection.Iterator<Tuple2<String, Tuple2<Object, Object>>> it = jsc.sc().getExecutorMemoryStatus().iterator();
        while (it.hasNext()) free += (Long) it.next()._2()._2();
        double float64 = 4.0 * n * n;
        return float64 <= 0.5 * free ? Storage.FLOAT64 : Storage.FLOAT32;
    }

    /** The bytes the cached tiles take (0 when recomputed). */
    public static double cachedBytes(long n, Storage s) {
        return switch (s) {
            case FLOAT64 -> 4.0 * n * (n + DistributedGram.TILE);
            case FLOAT32 -> 2.0 * n * (n + DistributedGram.TILE);
            case RECOMPUTE -> 0;
        };
    }

    static Iterator<Tile> tiles(SampleBlock a, SampleBlock b, InnerProductKernel k, boolean single) {
        boolean same = a.rowStart == b.rowStart;
        int t = DistributedGram.TILE;
        List<Tile> out = new ArrayList<>();
        for (int i0 = 0; i0 < a.rows; i0 += t) {
            int ri = Math.min(t, a.rows - i0);
            for (int j0 = same ? i0 : 0; j0 < b.rows; j0 += t) {
                int rj = Math.min(t, b.rows - j0);
                double[] v = k.tile(a.x, i0, ri, b.x, j0, rj, a.d, same && i0 == j0);
                float[] f = null;
                if (single) {
                    f = new float[v.length];
                    for (int q = 0; q < v.length; q++) f[q] = (float) v[q];
                    v = null;
                }
                out.add(new Tile(a.rowStart + i0, b.rowStart + j0, ri, rj, v, f));
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

    @Override
    public void apply(double[] x, double[] y, int b) {
        if (x.length < (long) n * b || y.length < (long) n * b) {
            throw new IllegalArgumentException("DistributedKernelOperator: expected n x b = " + n + " x " + b + " blocks");
        }
        long start = System.nanoTime();
        Broadcast<double[]> bx = jsc.broadcast(java.util.Arrays.copyOf(x, n * b));
        int size = n * b;
        try {
            double[] sum;
            if (cached != null) {
                sum = DeterministicAggregate.aggregatePartitions(cached, () -> new double[size], it -> {
                    double[] acc = new double[size];
                    double[] xv = bx.value();
                    while (it.hasNext()) {
                        Tile t = it.next();
                        SymmetricTiles.accumulate(t.asDouble(), t.i0(), t.rows(), t.j0(), t.cols(), t.i0() == t.j0(), xv, acc, b);
                    }
                    return acc;
                }, DistributedKernelOperator::add);
            } else {
                InnerProductKernel k = kernel;
                sum = DeterministicAggregate.aggregatePartitions(pairs, () -> new double[size], it -> {
                    double[] acc = new double[size];
                    double[] xv = bx.value();
                    while (it.hasNext()) {
                        Tuple2<SampleBlock, SampleBlock> p = it.next();
                        Iterator<Tile> ts = tiles(p._1(), p._2(), k, false);
                        while (ts.hasNext()) {
                            Tile t = ts.next();
                            SymmetricTiles.accumulate(t.values(), t.i0(), t.rows(), t.j0(), t.cols(), t.i0() == t.j0(), xv, acc, b);
                        }
                    }
                    return acc;
                }, DistributedKernelOperator::add);
            }
            System.arraycopy(sum, 0, y, 0, size);
        } finally {
            bx.destroy();
        }
        passes++;
        seconds += (System.nanoTime() - start) / 1e9;
        flops += 2.0 * n * n * b + (cached == null ? (double) n * n * d : 0);
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
