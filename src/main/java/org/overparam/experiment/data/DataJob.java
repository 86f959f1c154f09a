package org.overparam.experiment.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.overparam.data.DataSpec;
import org.overparam.data.DataSummary;
import org.overparam.data.SampleBlock;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.JobSummary;
import org.overparam.run.RunLog;
import org.overparam.spark.DistributedPairs;
import org.overparam.spark.ShardedSamples;

/**
 * The {@code data} command: loads and transforms a data set as configured and summarizes it: n, d, class counts,
 * norm range, label statistics, and the number of parallel or duplicate input pairs
 * ({@code |cos(x_i, x_j)| > 1 - data.parallel-tolerance}; the papers' theorems need none). With
 * {@code data.write = true} it also writes the samples as Parquet ({@code samples/}) for notebooks.
 */
public final class DataJob implements Job {
    private final DataSpec spec;

    public DataJob(DataSpec spec) {
        this.spec = spec;
    }

    @Override
    public Summary run(JobContext ctx) {
        long t0 = System.nanoTime();
        ctx.log.info(
                "loading %s, split %s, classes %s, n = %s, labels %s",
                spec.source.id,
                spec.split(),
                spec.classes.length == 0 ? "all" : Arrays.toString(spec.classes),
                spec.n == DataSpec.ALL ? "all" : spec.n,
                spec.labels);
        ShardedSamples samples = ShardedSamples.load(ctx.spark, spec);
        double loadSeconds = seconds(t0);
        ctx.log.info(
                "loaded %d samples of dimension %d from %s in %.1f s: %d blocks in %d partitions",
                samples.plan.n,
                samples.d,
                samples.plan.description,
                loadSeconds,
                samples.plan.blocks.size(),
                samples.partitions);
        ctx.recordLayout(samples.partitions, samples.plan.blocks.size());
        DataSummary s = samples.blocks.treeAggregate(new DataSummary(), DataSummary::add, DataSummary::merge);
        ParallelPairs pairs = parallelPairs(ctx.log, samples);
        Summary summary = summary(s, samples, pairs.count(), loadSeconds, pairs.seconds());
        ctx.log.info(
                "n = %d, d = %d, classes %s, norms in [%.6g, %.6g], labels in [%.4g, %.4g] (mean %.4g, std %.4g)",
                s.n,
                s.d,
                summary.classCounts(),
                s.minNorm,
                s.maxNorm,
                s.minLabel,
                s.maxLabel,
                s.labelMean(),
                s.labelStd());
        if (spec.write) {
            writeSamples(ctx, samples.blocks);
            ctx.log.info("samples written to %s", ctx.dir.resolve("samples"));
        }
        samples.release();
        return summary;
    }

    /** How many input pairs are parallel or duplicates, and the seconds it took to count them. */
    private record ParallelPairs(long count, double seconds) {}

    /** The pairs of inputs that are parallel or duplicates, warned about when there are any. */
    private ParallelPairs parallelPairs(RunLog log, ShardedSamples samples) {
        long t1 = System.nanoTime();
        double flops = (double) samples.plan.n * samples.plan.n * samples.d;
        log.info(
                "counting parallel pairs among %d x %d / 2 input pairs (%.2g flops)",
                samples.plan.n, samples.plan.n, flops);
        long parallel = DistributedPairs.countParallel(samples.blocks, spec.parallelTolerance);
        double pairSeconds = seconds(t1);
        log.info(
                "parallel or duplicate pairs: %d (%.1f s, %.1f GFLOP/s)",
                parallel, pairSeconds, flops / pairSeconds / 1e9);
        if (parallel > 0) {
            log.warn(
                    "%d pairs of inputs are parallel or duplicates: lambda_min(Hinf) = 0 and the papers' theorems do not apply as stated.",
                    parallel);
        }
        return new ParallelPairs(parallel, pairSeconds);
    }

    private Summary summary(
            DataSummary s, ShardedSamples samples, long parallel, double loadSeconds, double pairSeconds) {
        Map<String, Long> counts = new LinkedHashMap<>();
        s.classCounts.forEach((k, v) -> counts.put(Integer.toString(k), v));
        Map<String, Long> labelCounts = null;
        if (s.labelCounts != null) {
            labelCounts = new LinkedHashMap<>();
            for (Map.Entry<Double, Long> e : s.labelCounts.entrySet())
                labelCounts.put(formatLabel(e.getKey()), e.getValue());
        }
        return new Summary(
                s.n,
                s.d,
                counts,
                parallel,
                spec.source.id,
                spec.split(),
                samples.plan.description,
                new Summary.Range(s.minNorm, s.maxNorm),
                new Summary.Labels(
                        spec.labels.toString(),
                        samples.plan.randomizedLabels,
                        s.minLabel,
                        s.maxLabel,
                        s.labelMean(),
                        s.labelStd(),
                        labelCounts),
                new Summary.Seconds(loadSeconds, pairSeconds));
    }

    /**
     * The data job's summary: the samples' count and dimension, the class counts, the parallel or duplicate pairs, where
     * the samples came from, the range of their norms, the labels, and the time to load and to count pairs.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(
            long n,
            int d,
            Map<String, Long> classCounts,
            long parallelPairs,
            String source,
            String split,
            String files,
            Range norm,
            Labels labels,
            Seconds seconds)
            implements JobSummary {
        public record Range(double min, double max) {}

        /** The label scheme, whether labels were randomized, their range, mean, std and (for few values) counts. */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Labels(
                String scheme,
                int randomized,
                double min,
                double max,
                double mean,
                double std,
                Map<String, Long> counts) {}

        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record Seconds(double load, double parallelPairs) {}
    }

    private static String formatLabel(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static void writeSamples(JobContext ctx, JavaRDD<SampleBlock> blocks) {
        StructType schema = new StructType()
                .add("row", DataTypes.LongType, false)
                .add("source_id", DataTypes.LongType, false)
                .add("class", DataTypes.IntegerType, false)
                .add("label", DataTypes.DoubleType, false)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        JavaRDD<Row> rows = blocks.flatMap(b -> {
            List<Row> out = new ArrayList<>(b.rows);
            for (int i = 0; i < b.rows; i++) {
                out.add(RowFactory.create(
                        b.rowStart + i,
                        b.sourceIds[i],
                        b.classes[i],
                        b.y[i],
                        Arrays.copyOfRange(b.x, i * b.d, (i + 1) * b.d)));
            }
            return out.iterator();
        });
        Dataset<Row> df = ctx.spark.createDataFrame(rows, schema);
        df.write().mode("overwrite").parquet(ctx.dir.resolve("samples"));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
