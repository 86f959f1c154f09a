package org.overparam.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.feature.PCA;
import org.apache.spark.mllib.feature.PCAModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.overparam.data.BlockReader;
import org.overparam.data.BlockSpec;
import org.overparam.data.DataPlan;
import org.overparam.data.DataSpec;
import org.overparam.data.SampleBlock;
import org.overparam.data.Transforms;
import org.overparam.linalg.Gemm;

/**
 * The training samples as a cached {@code RDD<SampleBlock>}: the shards every job works on.
 *
 * <p>The driver plans (scan, selection, labels: {@link DataPlan}); executors read or generate their own blocks, so the
 * data matrix never passes through the driver. Optional PCA ({@code data.pca}, MLlib's {@link PCA}, fitted on the
 * selected samples) and noise ({@code data.noise}) follow, in that order. The result is persisted
 * {@code MEMORY_AND_DISK} and materialized once.
 */
public final class ShardedSamples {
    public final DataPlan plan;
    public final JavaRDD<SampleBlock> blocks;
    /** Dimension of the features after PCA. */
    public final int d;

    public final int partitions;

    private ShardedSamples(DataPlan plan, JavaRDD<SampleBlock> blocks, int d, int partitions) {
        this.plan = plan;
        this.blocks = blocks;
        this.d = d;
        this.partitions = partitions;
    }

    public static ShardedSamples load(SparkSession spark, DataSpec spec) {
        return load(spark, spec, n -> 0);
    }

    /**
     * As {@link #load(SparkSession, DataSpec)}; unless {@code data.partitions} is set, the shards get
     * {@code max(default parallelism, partitionsFor(n))} partitions, n being the number of samples selected.
     */
    public static ShardedSamples load(
            SparkSession spark, DataSpec spec, java.util.function.IntUnaryOperator partitionsFor) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = spec.partitions > 0 ? spec.partitions : jsc.defaultParallelism();
        DataPlan plan = DataPlan.build(spec, jsc.hadoopConfiguration(), partitions);
        int wanted = spec.partitions == 0 ? partitionsFor.applyAsInt(plan.n) : 0;
        if (wanted > partitions) {
            partitions = wanted;
            plan = plan.withPartitions(partitions);
        }
        int slices = Math.min(partitions, plan.blocks.size());
        BlockReader reader = plan.reader;
        int rawD = plan.d;
        JavaRDD<SampleBlock> blocks = jsc.parallelize(plan.blocks, slices).mapPartitions(it -> {
            List<BlockSpec> specs = new ArrayList<>();
            it.forEachRemaining(specs::add);
            return reader.read(specs, rawD).iterator();
        });
        int d = rawD;
        JavaRDD<SampleBlock> loaded = null;
        if (spec.pca > 0) {
            if (spec.pca > rawD) {
                throw new org.overparam.UserError(
                        "data.pca = " + spec.pca + " is more than the input dimension " + rawD + ".");
            }
            loaded = blocks.persist(StorageLevel.MEMORY_AND_DISK());
            double[] pc = fitPca(loaded, spec.pca);
            int k = spec.pca;
            blocks = loaded.map(b -> project(b, pc, k));
            d = k;
        }
        if (spec.noise > 0) {
            double sigma = spec.noise;
            long seed = spec.seed;
            String split = spec.split();
            blocks = blocks.map(b -> {
                SampleBlock noisy = Transforms.addNoise(b, sigma, seed, split);
                Transforms.requireFinite(noisy, "adding noise");
                return noisy;
            });
        }
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count();
        if (loaded != null) loaded.unpersist(false);
        return new ShardedSamples(plan, blocks, d, slices);
    }

    /** MLlib PCA on the rows; returns the d x k principal components, column-major. */
    private static double[] fitPca(JavaRDD<SampleBlock> blocks, int k) {
        JavaRDD<Vector> rows = blocks.flatMap(b -> {
            List<Vector> out = new ArrayList<>(b.rows);
            for (int i = 0; i < b.rows; i++) out.add(Vectors.dense(Arrays.copyOfRange(b.x, i * b.d, (i + 1) * b.d)));
            return out.iterator();
        });
        PCAModel model = new PCA(k).fit(rows.rdd());
        return model.pc().toArray();
    }

    private static SampleBlock project(SampleBlock b, double[] pc, int k) {
        double[] z = new double[b.rows * k];
        Gemm.abColMajor(b.x, b.rows, b.d, pc, k, z);
        return b.withFeatures(k, z);
    }

    /**
     * Brings every block to the driver, in row order. Refuses more than {@code maxEntries} doubles: for tests and
     * small data only.
     */
    public List<SampleBlock> collect(long maxEntries) {
        long entries = (long) plan.n * d;
        if (entries > maxEntries) {
            throw new IllegalStateException("Refusing to collect " + plan.n + " x " + d + " samples (" + entries
                    + " doubles) to the driver; the limit is " + maxEntries + ".");
        }
        List<SampleBlock> all = new ArrayList<>(blocks.collect());
        all.sort(Comparator.comparingLong(b -> b.rowStart));
        return all;
    }

    /**
     * The features of the given global rows (strictly increasing), row-major {@code rows.length x d}, collected to the
     * driver: for small subsets only ({@code 8 d} bytes per row).
     */
    public double[] features(int[] rows) {
        for (int i = 1; i < rows.length; i++) {
            if (rows[i] <= rows[i - 1])
                throw new IllegalArgumentException(
                        "ShardedSamples.features: rows must increase, found " + rows[i - 1] + " then " + rows[i]);
        }
        int dim = d;
        java.util.List<scala.Tuple2<Integer, double[]>> got = blocks.flatMap(b -> {
                    java.util.List<scala.Tuple2<Integer, double[]>> out = new java.util.ArrayList<>();
                    int from = java.util.Arrays.binarySearch(rows, (int) b.rowStart);
                    if (from < 0) from = -from - 1;
                    for (int q = from; q < rows.length && rows[q] < b.rowStart + b.rows; q++) {
                        int local = (int) (rows[q] - b.rowStart);
                        out.add(new scala.Tuple2<>(
                                q, java.util.Arrays.copyOfRange(b.x, local * dim, (local + 1) * dim)));
                    }
                    return out.iterator();
                })
                .collect();
        if (got.size() != rows.length) {
            throw new IllegalStateException(
                    "ShardedSamples.features: expected " + rows.length + " rows, found " + got.size());
        }
        double[] x = new double[rows.length * dim];
        for (scala.Tuple2<Integer, double[]> t : got) System.arraycopy(t._2(), 0, x, t._1() * dim, dim);
        return x;
    }

    /** The labels y in row order (n values), brought to the driver without the features. */
    public double[] labels() {
        return labels(blocks, plan.n);
    }

    /** The labels of n samples held as {@code blocks}, in row order: one job, the features stay on the executors. */
    public static double[] labels(JavaRDD<SampleBlock> blocks, int n) {
        double[] y = new double[n];
        for (scala.Tuple2<Long, double[]> t :
                blocks.map(b -> new scala.Tuple2<>(b.rowStart, b.y)).collect()) {
            System.arraycopy(t._2(), 0, y, Math.toIntExact(t._1()), t._2().length);
        }
        return y;
    }

    /** The first row of every block, ascending. */
    public long[] blockStarts() {
        return blocks.map(b -> b.rowStart).collect().stream()
                .mapToLong(Long::longValue)
                .sorted()
                .toArray();
    }

    /**
     * All samples on the driver as one {@link org.overparam.model.TrainingSet} (for shipping to every executor),
     * refused up front, with the memory needed, if they and their shipped copy do not fit the driver.
     */
    public org.overparam.model.TrainingSet trainingSet(org.overparam.model.Precision precision) {
        int n = plan.n;
        long bytes = 2 * org.overparam.model.TrainingSet.bytes(n, d, precision);
        double have = DistributedGram.HEAP_FRACTION * Runtime.getRuntime().maxMemory();
        if (bytes > have) {
            throw new org.overparam.UserError(String.format(
                    java.util.Locale.ROOT,
                    "The %,d x %d samples are shipped from the "
                            + "driver to every executor: the driver needs %.2f GB for them and has %.2f GB. Give the driver more memory "
                            + "(OVERPARAM_DRIVER_MEMORY for jobs/run, --driver-memory for jobs/submit), or lower data.n.",
                    n,
                    d,
                    bytes / 1e9,
                    have / 1e9));
        }
        double[] x = new double[Math.multiplyExact(n, d)], y = new double[n];
        for (SampleBlock b : collect(Long.MAX_VALUE)) {
            System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
            System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
        }
        return new org.overparam.model.TrainingSet(n, d, x, y);
    }

    public void release() {
        blocks.unpersist(false);
    }
}
