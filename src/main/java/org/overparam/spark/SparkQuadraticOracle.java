package org.overparam.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.Seeds;
import org.overparam.data.SampleBlock;
import org.overparam.model.QuadraticEvaluation;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticSums;
import org.overparam.model.RandomFeatureMap;
import org.overparam.optim.GradientDescent;

import java.util.Arrays;
import java.util.Iterator;

/**
 * The loss and gradient of a {@link QuadraticNet} over the shards, full batch or mini-batch. Each evaluation
 * broadcasts one operand — {@code M = W^T D W} (d x d) on the FORM path, W (k x d) on the UNITS path, whichever has
 * fewer flops for the rows it sees ({@link QuadraticNet#cheaperPath}) — every partition adds its blocks into one
 * {@link QuadraticSums}, the partition sums are merged in a fixed order ({@link DeterministicAggregate}), the broadcast
 * is destroyed, and the driver finishes the gradient ({@link QuadraticNet#finish}).
 *
 * <p>Mini-batches ({@code batchSize > 0}): the rows are shuffled once per epoch by a permutation drawn from
 * {@code (seed, "minibatch/epoch", epoch)} and cut into consecutive batches of {@code batchSize} (the last one of an
 * epoch may be shorter); iteration t uses batch {@code t mod B} of epoch {@code t / B}, {@code B = ceil(n / batchSize)}.
 * Which rows a batch holds depends only on the seed and t, never on the partitioning. Each mini-batch step is one Spark
 * job (tens of milliseconds of scheduling here), so small batches are dominated by that overhead.
 */
public final class SparkQuadraticOracle implements GradientDescent.Oracle<QuadraticEvaluation> {
    private final JavaSparkContext jsc;
    private final JavaRDD<SampleBlock> shards;
    private final QuadraticNet net;
    private final long n;
    private final int batchSize;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] permutation;

    /** @param shards persisted sample blocks, owned by the caller; {@code batchSize} 0 = full batch */
    public SparkQuadraticOracle(JavaRDD<SampleBlock> shards, long n, QuadraticNet net, int batchSize, long seed) {
        if (batchSize < 0) throw new IllegalArgumentException("batchSize must be >= 0, found " + batchSize);
        this.jsc = JavaSparkContext.fromSparkContext(shards.context());
        this.shards = shards;
        this.net = net;
        this.n = n;
        this.batchSize = (int) Math.min(batchSize, n);
        this.seed = seed;
    }

    /** The shards mapped through a random first layer, persisted MEMORY_AND_DISK and materialized. */
    public static JavaRDD<SampleBlock> withFeatures(JavaRDD<SampleBlock> blocks, RandomFeatureMap map) {
        JavaRDD<SampleBlock> z = blocks.map(b -> b.withFeatures(map.k, map.apply(b.x, b.rows))).persist(StorageLevel.MEMORY_AND_DISK());
        z.count();
        return z;
    }

    public long n() {
        return n;
    }

    @Override
    public QuadraticEvaluation evaluate(double[] w, int iteration) {
        long[] rows = batchSize > 0 ? batch(iteration) : null;
        QuadraticNet.Path p = net.cheaperPath(rows == null ? n : rows.length);
        return net.finish(w, sums(shards, net, p, net.operand(p, w), rows));
    }

    /** Du &amp; Lee's convex objective and its gradient at M ({@link QuadraticNet#convexObjective}), one full pass. */
    public double[] convexAt(double[] m) {
        return net.convexObjective(m, sums(shards, net, QuadraticNet.Path.FORM, m, null));
    }

    /** The sorted global row ids of iteration t's mini-batch. */
    long[] batch(int t) {
        int perEpoch = (int) ((n + batchSize - 1) / batchSize);
        int epoch = t / perEpoch, j = t % perEpoch;
        if (epoch != cachedEpoch) {
            permutation = Seeds.choose(Seeds.stream(seed, "minibatch/epoch", epoch), Math.toIntExact(n), Math.toIntExact(n));
            cachedEpoch = epoch;
        }
        int from = j * batchSize, to = (int) Math.min(n, (long) from + batchSize);
        long[] rows = new long[to - from];
        for (int i = from; i < to; i++) rows[i - from] = permutation[i];
        Arrays.sort(rows);
        return rows;
    }

    /** One pass: the sums of {@code net} at {@code operand} over all rows, or over the sorted global {@code rows}. */
    public static QuadraticSums sums(JavaRDD<SampleBlock> blocks, QuadraticNet net, QuadraticNet.Path p, double[] operand, long[] rows) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
        Broadcast<ShippedWeights> b = jsc.broadcast(new ShippedWeights(operand, null));
        Broadcast<long[]> br = rows == null ? null : jsc.broadcast(rows);
        try {
            return DeterministicAggregate.aggregatePartitions(blocks, () -> net.newSums(p), (Iterator<SampleBlock> it) -> {
                QuadraticSums acc = net.newSums(p);
                double[] ws = workspace(net, p);
                double[] op = b.value().w;
                long[] sel = br == null ? null : br.value();
                while (it.hasNext()) {
                    SampleBlock s = it.next();
                    if (sel == null) net.accumulate(s.x, s.rows, s.y, op, ws, acc);
                    else {
                        SampleBlock part = select(s, sel);
                        if (part.rows > 0) net.accumulate(part.x, part.rows, part.y, op, ws, acc);
                    }
                }
                return acc;
            }, QuadraticSums::merge);
        } finally {
            b.destroy();
            if (br != null) br.destroy();
        }
    }

    /** The rows of block s whose global ids are in the sorted array {@code sel}. */
    static SampleBlock select(SampleBlock s, long[] sel) {
        int lo = Arrays.binarySearch(sel, s.rowStart);
        if (lo < 0) lo = -lo - 1;
        int hi = Arrays.binarySearch(sel, s.rowStart + s.rows);
        if (hi < 0) hi = -hi - 1;
        int m = hi - lo, d = s.d;
        double[] x = new double[m * d], y = new double[m];
        long[] ids = new long[m];
        int[] cls = new int[m];
        for (int i = 0; i < m; i++) {
            int r = (int) (sel[lo + i] - s.rowStart);
            System.arraycopy(s.x, r * d, x, i * d, d);
            y[i] = s.y[r];
            ids[i] = s.sourceIds[r];
            cls[i] = s.classes[r];
        }
        return new SampleBlock(s.rowStart, m, d, x, y, ids, cls);
    }

    private static final ThreadLocal<Object[]> WORKSPACES = new ThreadLocal<>();

    /** One workspace per executor thread and (net shape, path), reused across iterations. */
    static double[] workspace(QuadraticNet net, QuadraticNet.Path p) {
        String key = net.k + "x" + net.d + "/" + p;
        Object[] cached = WORKSPACES.get();
        if (cached != null && cached[0].equals(key)) return (double[]) cached[1];
        double[] ws = net.workspace(p);
        WORKSPACES.set(new Object[] {key, ws});
        return ws;
    }
}
