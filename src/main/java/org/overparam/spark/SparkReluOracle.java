package org.overparam.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.data.SampleBlock;
import org.overparam.model.Precision;
import org.overparam.model.ReluEvaluation;
import org.overparam.model.TwoLayerRelu;
import org.overparam.optim.GradientDescent;

import java.io.Serializable;
import java.util.Iterator;

/**
 * The full-batch loss and gradient of {@link TwoLayerRelu} over the shards: each iteration broadcasts W, every
 * partition adds its blocks into one {@link ReluEvaluation} (two GEMMs per chunk, see {@link TwoLayerRelu}), the
 * partition results are summed in a fixed order ({@link DeterministicAggregate}), and the broadcast is destroyed.
 *
 * <p>Per iteration: {@code 4 n m d} flops on the executors; {@code 8 m d} bytes broadcast and {@code 8 m d} bytes
 * per partition aggregated (the gradient), which bounds the speed-up when {@code n} is small next to the partitions.
 */
public final class SparkReluOracle implements GradientDescent.Oracle<ReluEvaluation>, AutoCloseable {
    private final JavaSparkContext jsc;
    private final TwoLayerRelu net;
    private final Precision precision;
    private final JavaRDD<ReluShard> shards;
    /** W(0): kept until {@link #close} because the shards' lineage needs it to rebuild a lost partition. */
    private final Broadcast<double[]> w0;

    /** The weights as the executors need them: float64 (bulk-serialized), or only the float32 copy. */
    static final class Weights implements Serializable {
        private static final long serialVersionUID = 1L;
        transient double[] w;
        final float[] w32;

        Weights(double[] w, float[] w32) {
            this.w = w;
            this.w32 = w32;
        }

        private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
            out.defaultWriteObject();
            org.overparam.linalg.BulkArrays.write(out, w);
        }

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            w = org.overparam.linalg.BulkArrays.read(in);
        }
    }

    /**
     * Builds the training shards: each block with its pattern at W(0) (computed once here, as bits) and, for float32,
     * its float copy. Persisted MEMORY_AND_DISK; a lost partition is rebuilt from its lineage (source, W(0)).
     */
    public SparkReluOracle(JavaRDD<SampleBlock> blocks, TwoLayerRelu net, double[] w0, Precision precision) {
        this.jsc = JavaSparkContext.fromSparkContext(blocks.context());
        this.net = net;
        this.precision = precision;
        Broadcast<double[]> b0 = jsc.broadcast(w0);
        this.w0 = b0;
        boolean single = precision == Precision.FLOAT32;
        this.shards = blocks.map(b -> new ReluShard(b, net.patternBits(b.x, b.rows, b0.value()), single ? toFloat(b.x) : null))
                .persist(StorageLevel.MEMORY_AND_DISK());
        shards.count();
    }

    public JavaRDD<ReluShard> shards() {
        return shards;
    }

    @Override
    public ReluEvaluation evaluate(double[] w, int iteration) {
        boolean single = precision == Precision.FLOAT32;
        Broadcast<Weights> bw = jsc.broadcast(new Weights(single ? null : w, single ? toFloat(w) : null));
        TwoLayerRelu model = net;
        Precision p = precision;
        try {
            return DeterministicAggregate.aggregatePartitions(shards, () -> new ReluEvaluation(model.m, model.d),
                    (Iterator<ReluShard> it) -> {
                        ReluEvaluation acc = new ReluEvaluation(model.m, model.d);
                        TwoLayerRelu.Workspace ws = workspace(model, p);
                        Weights weights = bw.value();
                        while (it.hasNext()) {
                            ReluShard s = it.next();
                            SampleBlock b = s.block();
                            model.accumulate(b.x, s.x32(), b.rows, b.y, s.mask0(), weights.w, weights.w32, p, ws, acc);
                        }
                        return acc;
                    }, ReluEvaluation::merge);
        } finally {
            bw.destroy();
        }
    }

    /** One workspace per executor thread, reused across iterations (tens of MB: not worth reallocating each time). */
    private static final ThreadLocal<Object[]> WORKSPACES = new ThreadLocal<>();

    static TwoLayerRelu.Workspace workspace(TwoLayerRelu net, Precision p) {
        Object[] cached = WORKSPACES.get();
        if (cached != null && cached[0].equals(net.m + "x" + net.d + "/" + net.chunkRows() + "/" + p)) {
            return (TwoLayerRelu.Workspace) cached[1];
        }
        TwoLayerRelu.Workspace ws = new TwoLayerRelu.Workspace(net, p);
        WORKSPACES.set(new Object[] {net.m + "x" + net.d + "/" + net.chunkRows() + "/" + p, ws});
        return ws;
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    @Override
    public void close() {
        shards.unpersist(false);
        w0.destroy();
    }
}
