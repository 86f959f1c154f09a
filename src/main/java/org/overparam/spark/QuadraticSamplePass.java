package org.overparam.spark;

import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.data.SampleBlock;
import org.overparam.linalg.BulkDoubles;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticSums;
import org.overparam.model.RandomFeatureMap;

/**
 * A pass over the sample blocks of a quadratic-activation net at a broadcast operand: {@code M = W^T D W} (d x d) on
 * the FORM path, W (k x d) on the UNITS path ({@link QuadraticNet#cheaperPath}). Every partition adds its blocks into
 * one {@link QuadraticSums}, the partition sums are merged in a fixed order ({@link DeterministicAggregate}) and the
 * broadcast is destroyed. The training engine ({@link UnitShardedQuadratic}) uses it for the FORM path's
 * {@code S = sum_i l'(f(x_i), y_i) x_i x_i^T}; Du &amp; Lee's certificate and convex reference problem use it at the
 * final M. Cost {@code 4 rows d^2} flops (FORM) on the executors, {@code 8 d^2} bytes each way per partition.
 */
public final class QuadraticSamplePass {
    private QuadraticSamplePass() {}

    /** The shards mapped through a random first layer, persisted MEMORY_AND_DISK and materialized. */
    public static JavaRDD<SampleBlock> withFeatures(JavaRDD<SampleBlock> blocks, RandomFeatureMap map) {
        JavaRDD<SampleBlock> z =
                blocks.map(b -> b.withFeatures(map.k, map.apply(b.x, b.rows))).persist(StorageLevel.MEMORY_AND_DISK());
        z.count();
        return z;
    }

    /** Du &amp; Lee's convex objective and its gradient at M ({@link QuadraticNet#convexObjective}), one full pass. */
    public static double[] convexAt(JavaRDD<SampleBlock> blocks, QuadraticNet net, double[] m) {
        return net.convexObjective(m, sums(blocks, net, QuadraticNet.Path.FORM, m, null));
    }

    /** One pass: the sums of {@code net} at {@code operand} over all rows, or over the sorted global {@code rows}. */
    public static QuadraticSums sums(
            JavaRDD<SampleBlock> blocks, QuadraticNet net, QuadraticNet.Path p, double[] operand, long[] rows) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
        Broadcast<BulkDoubles> b = jsc.broadcast(new BulkDoubles(operand));
        Broadcast<long[]> br = rows == null ? null : jsc.broadcast(rows);
        try {
            return DeterministicAggregate.aggregatePartitions(
                    blocks,
                    () -> net.newSums(p),
                    (Iterator<SampleBlock> it) -> {
                        QuadraticSums acc = net.newSums(p);
                        double[] ws = workspace(net, p);
                        double[] op = b.value().values();
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
                    },
                    QuadraticSums::merge);
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
