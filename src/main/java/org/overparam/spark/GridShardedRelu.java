package org.overparam.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.UserError;
import org.overparam.data.HadoopFiles;
import org.overparam.data.SampleBlock;
import org.overparam.model.ReluGridCell;
import org.overparam.model.ReluUnitWeights;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;
import scala.Tuple2;

/**
 * Full-batch gradient descent of Du et al.'s two-layer ReLU net on a grid of S sample blocks x B unit blocks, for
 * sample sets too large to ship whole to every executor. Cell (s, b) ({@link ReluGridCell}, partition {@code s B + b}
 * of a cached RDD) holds the rows of sample block s and the patterns of unit block b on them; unit block b
 * ({@link ReluUnitWeights}, partition b of another) holds W_b. The driver holds neither X nor W: only y, the residual
 * and the predictions (n values each).
 *
 * <p>One Spark job per step, in three stages: every cell computes its part {@code G_sb = B_s^T X_s} of its unit
 * block's gradient with the residual of the step before ({@code 2 (n/S) (m/B) d} flops); the parts of each unit block
 * are shuffled to it and summed there in the order of s (so a run repeats bit for bit), and the block steps,
 * {@code W_b -= eta sum_s G_sb}; the new W_b is shuffled to its S cells, which make the forward pass on their rows
 * and return their parts of f (n / S values). The driver adds the parts of f in the order of b and scales by
 * {@code 1/sqrt(m)}. Traffic per step: {@code 2 S m d} doubles through the shuffles (the gradient parts in, the
 * weights out) and {@code B n} doubles of predictions; the {@code 4 n m d} flops are spread over the {@code S B} cells.
 * With S = 1 the grid computes what {@link UnitShardedRelu} computes, with the gradient's rows summed in another
 * order: the two agree to rounding.
 *
 * <p>Faults: the step's RDDs derive from the previous step's. A checkpoint ({@link #step} with a folder) has every unit
 * block write its W(k+1) ({@link UnitCheckpoints}, the files {@link UnitShardedRelu} writes) and restarts the
 * lineage there: the unit blocks from the files, the cells rebuilt from the samples and the files' weights (in local
 * mode the cell objects are handed over instead). Without checkpoints the lineage is cut every
 * {@value #LINEAGE_LIMIT} steps by Spark's local checkpoint. Only the WEIGHTS representation in float64, and no
 * H(k) (it needs all samples on the driver).
 */
public final class GridShardedRelu implements ReluTrainer {
    /** Steps after which the lineage is cut (Spark's local checkpoint) when no file checkpoint has cut it. */
    public static final int LINEAGE_LIMIT = 50;

    private final JavaSparkContext jsc;
    private final JavaRDD<SampleBlock> samples;
    private final int n;
    private final int d;
    private final double[] y;
    private final UnitLayout layout;
    private final int[] rowCuts;
    private final double kappa;
    private final long seed;
    private final Broadcast<HadoopFiles.Conf> hadoop;
    private JavaRDD<ReluGridCell.Forwarded> cells;
    private JavaRDD<ReluUnitWeights.Stepped> units;
    private JavaRDD<double[]> sampleRows;
    private UnitShardedRelu.Pass last;
    private int sinceCut;
    private final List<Broadcast<double[]>> residuals = new ArrayList<>();

    /**
     * @param samples the samples as persisted sample blocks (owned by the caller, kept while the engine lives)
     * @param y       the n labels, in row order
     * @param rowCuts the sample blocks: rows {@code rowCuts[s] .. rowCuts[s+1] - 1}, cut at the samples' block
     *                boundaries ({@link #rowCuts})
     */
    public GridShardedRelu(
            JavaSparkContext jsc,
            JavaRDD<SampleBlock> samples,
            int d,
            double[] y,
            UnitLayout layout,
            int[] rowCuts,
            double kappa,
            long seed) {
        if (layout.representation() != UnitRepresentation.WEIGHTS) {
            throw new UserError(
                    "A grid of sample blocks trains the weights representation only; found train.representation = "
                            + layout.representation().id()
                            + ". Set train.representation = weights or train.sample-blocks = 1.");
        }
        if (jsc.getConf().getBoolean("spark.speculation", false)) {
            throw new UserError("Training needs spark.speculation = false. Remove --conf spark.speculation=true.");
        }
        if (rowCuts[0] != 0 || rowCuts[rowCuts.length - 1] != y.length) {
            throw new IllegalArgumentException("GridShardedRelu: row cuts must run from 0 to n = " + y.length);
        }
        this.jsc = jsc;
        this.samples = samples;
        this.n = y.length;
        this.d = d;
        this.y = y;
        this.layout = layout;
        this.rowCuts = rowCuts;
        this.kappa = kappa;
        this.seed = seed;
        this.hadoop = jsc.broadcast(new HadoopFiles.Conf(jsc.hadoopConfiguration()));
    }

    /**
     * S near-equal sample blocks of the n rows, cut at boundaries of the given blocks ({@code starts}: their first rows,
     * ascending, starting at 0), at most as many as there are blocks.
     */
    public static int[] rowCuts(long[] starts, int n, int sampleBlocks) {
        int s = Math.max(1, Math.min(sampleBlocks, starts.length));
        int[] cuts = new int[s + 1];
        int next = 0;
        for (int k = 1; k < s; k++) {
            long target = (long) k * n / s;
            while (next < starts.length && starts[next] < target) next++;
            int at = next < starts.length ? (int) starts[next] : n;
            cuts[k] = Math.max(at, cuts[k - 1] + 1);
        }
        cuts[s] = n;
        for (int k = 1; k <= s; k++) {
            if (cuts[k] <= cuts[k - 1])
                throw new IllegalArgumentException("GridShardedRelu: empty sample block in the cuts");
        }
        return cuts;
    }

    public int sampleBlocks() {
        return rowCuts.length - 1;
    }

    @Override
    public UnitLayout layout() {
        return layout;
    }

    @Override
    public int samples() {
        return n;
    }

    @Override
    public UnitShardedRelu.Pass start() {
        long t0 = System.nanoTime();
        int[] cuts = layout.cuts();
        int dim = d;
        double k = kappa;
        long s = seed;
        JavaRDD<ReluUnitWeights.Stepped> initial = jsc.parallelize(blockIds(), cuts.length - 1)
                .map(b -> new ReluUnitWeights.Stepped(
                        ReluUnitWeights.initial(cuts[b], cuts[b + 1] - cuts[b], dim, k, s), null));
        return advance(initial, cells(null, null), 0, t0);
    }

    @Override
    public UnitShardedRelu.Pass resume(String folder, int iteration, double[] predictions) {
        if (predictions.length != n)
            throw new IllegalArgumentException("resume: expected " + n + " predictions, found " + predictions.length);
        UnitCheckpoints.requireComplete(jsc.hadoopConfiguration(), folder, layout, d, n);
        units = unitsFromFiles(folder, iteration).persist(StorageLevel.MEMORY_AND_DISK());
        cells = cellsFromFiles(folder).persist(StorageLevel.MEMORY_AND_DISK());
        last = new UnitShardedRelu.Pass(
                iteration, predictions, loss(predictions), 0, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        return last;
    }

    @Override
    public UnitShardedRelu.Pass step(double eta, String checkpointFolder) {
        long t0 = System.nanoTime();
        Broadcast<double[]> residual = jsc.broadcast(residual(last.predictions()));
        residuals.add(residual);
        int blocks = layout.blocks(), sampleBlocks = sampleBlocks();
        Broadcast<HadoopFiles.Conf> conf = hadoop;
        int next = last.iteration() + 1;
        JavaRDD<ReluUnitWeights.Stepped> stepped = units.zipPartitions(summedGradients(residual), (u, parts) -> {
            ReluUnitWeights w = u.next().weights();
            GradientSum g = GradientSum.of(parts, w.units * w.d);
            ReluUnitWeights.Stepped s = w.step(g.sum, eta, g.seconds);
            if (checkpointFolder != null)
                UnitCheckpoints.write(
                        conf.value(), checkpointFolder, w.first, s.weights().weights(), s.weights());
            return List.of(s).iterator();
        });
        stepped.persist(StorageLevel.MEMORY_AND_DISK());
        JavaPairRDD<Integer, double[]> toCells = stepped.mapPartitionsWithIndex(
                        (b, it) -> {
                            double[] w = it.next().weights().weights();
                            List<Tuple2<Integer, double[]>> out = new ArrayList<>();
                            for (int s = 0; s < sampleBlocks; s++) out.add(new Tuple2<>(s * blocks + b, w));
                            return out.iterator();
                        },
                        true)
                .mapToPair(t -> t)
                .partitionBy(new HashPartitioner(sampleBlocks * blocks));
        String folder = checkpointFolder;
        JavaRDD<ReluGridCell.Forwarded> forwarded = cells.zipPartitions(toCells, (c, w) -> {
            ReluGridCell.Forwarded f = c.next().cell().forward(w.next()._2());
            if (folder != null) UnitCheckpoints.leave(folder, cellKey(f.cell().sample, f.cell().first), f.cell());
            return List.of(f).iterator();
        });
        JavaRDD<ReluGridCell.Forwarded> previousCells = cells;
        JavaRDD<ReluUnitWeights.Stepped> previousUnits = units;
        // Spark cuts an RDD's lineage at a local checkpoint only if it is marked before its first job.
        boolean cut = checkpointFolder == null && ++sinceCut >= LINEAGE_LIMIT;
        if (cut) {
            stepped.rdd().localCheckpoint();
            forwarded.rdd().localCheckpoint();
        }
        UnitShardedRelu.Pass pass = advance(stepped, forwarded, next, t0);
        previousCells.unpersist(false);
        previousUnits.unpersist(false);
        if (checkpointFolder != null) {
            units = unitsFromFiles(checkpointFolder, next).persist(StorageLevel.MEMORY_AND_DISK());
            cells = cellsFromFiles(checkpointFolder).persist(StorageLevel.MEMORY_AND_DISK());
            cutLineage();
        } else if (cut) {
            cutLineage();
        }
        return pass;
    }

    @Override
    public double gradientSquared() {
        Broadcast<double[]> residual = jsc.broadcast(residual(last.predictions()));
        try {
            int blocks = layout.blocks(), dim = d;
            int[] cuts = layout.cuts();
            List<Double> parts = summedGradients(residual)
                    .mapPartitionsWithIndex(
                            (b, it) -> {
                                int length = (cuts[b + 1] - cuts[b]) * dim;
                                double[] g = GradientSum.of(it, length).sum;
                                double s = 0;
                                for (double v : g) s += v * v;
                                return List.of(s).iterator();
                            },
                            true)
                    .collect();
            if (parts.size() != blocks)
                throw new IllegalStateException(
                        "gradientSquared: expected " + blocks + " parts, found " + parts.size());
            double sum = 0;
            for (double v : parts) sum += v;
            return sum;
        } finally {
            residual.destroy(false);
        }
    }

    @Override
    public double[] gram(boolean initial) {
        throw new UserError(
                "H(k) (train.gram-every > 0) needs all samples on every executor: it is not computed on a grid of "
                        + sampleBlocks()
                        + " sample blocks. Set train.gram-every = 0, or train.sample-blocks = 1 if the samples fit.");
    }

    @Override
    public double[] predict(TrainingSet test) {
        if (test.d != d)
            throw new IllegalArgumentException("predict: expected samples of d = " + d + ", found d = " + test.d);
        Broadcast<TrainingSet> other = jsc.broadcast(test);
        long s = seed;
        try {
            List<double[]> parts = units.map(
                            u -> u.weights().predict(other.value().x(), other.value().n, s))
                    .collect();
            double[] f = new double[test.n];
            for (double[] part : parts) for (int i = 0; i < f.length; i++) f[i] += part[i];
            double scale = 1.0 / Math.sqrt(layout.width());
            for (int i = 0; i < f.length; i++) f[i] *= scale;
            return f;
        } finally {
            other.destroy();
        }
    }

    /** The residual {@code f(x_i) - y_i}. */
    public double[] residual(double[] predictions) {
        double[] r = new double[predictions.length];
        for (int i = 0; i < r.length; i++) r[i] = predictions[i] - y[i];
        return r;
    }

    /** Each unit block's gradient parts {@code (s, G_sb)}, shuffled to partition b. */
    private JavaPairRDD<Integer, Iterable<GradientPart>> summedGradients(Broadcast<double[]> residual) {
        int blocks = layout.blocks();
        return cells.mapPartitionsWithIndex(
                        (c, it) -> {
                            ReluGridCell cell = it.next().cell();
                            long t0 = System.nanoTime();
                            double[] g = cell.gradient(residual.value());
                            GradientPart part = new GradientPart(c / blocks, g, (System.nanoTime() - t0) / 1e9);
                            return List.of(new Tuple2<>(c % blocks, part)).iterator();
                        },
                        true)
                .mapToPair(t -> t)
                .groupByKey(new HashPartitioner(blocks));
    }

    /** One cell's part of its unit block's gradient: its sample block, {@code G_sb}, and the time it took. */
    private record GradientPart(int sample, double[] gradient, double seconds) implements java.io.Serializable {}

    /** The sum of a unit block's gradient parts in the order of their sample block, and the longest part's time. */
    private record GradientSum(double[] sum, double seconds) {
        static GradientSum of(java.util.Iterator<Tuple2<Integer, Iterable<GradientPart>>> parts, int length) {
            List<GradientPart> all = new ArrayList<>();
            while (parts.hasNext()) for (GradientPart p : parts.next()._2()) all.add(p);
            all.sort(Comparator.comparingInt(GradientPart::sample));
            double[] g = new double[length];
            double seconds = 0;
            for (GradientPart p : all) {
                double[] v = p.gradient();
                for (int k = 0; k < length; k++) g[k] += v[k];
                seconds = Math.max(seconds, p.seconds());
            }
            return new GradientSum(g, seconds);
        }
    }

    /** Materializes the step (one job), sums the cells' predictions in the order of b, and reads the blocks' metrics. */
    private UnitShardedRelu.Pass advance(
            JavaRDD<ReluUnitWeights.Stepped> steppedUnits,
            JavaRDD<ReluGridCell.Forwarded> forwarded,
            int iteration,
            long t0) {
        steppedUnits.persist(StorageLevel.MEMORY_AND_DISK());
        forwarded.persist(StorageLevel.MEMORY_AND_DISK());
        List<ReluGridCell.Outputs> outs =
                forwarded.map(ReluGridCell.Forwarded::outputs).collect();
        List<ReluUnitWeights.Metrics> metrics =
                steppedUnits.map(ReluUnitWeights.Stepped::metrics).collect();
        cells = forwarded;
        units = steppedUnits;
        int blocks = layout.blocks();
        double[] f = new double[n];
        long changes = 0;
        double cellSeconds = 0;
        for (int c = 0; c < outs.size(); c++) {
            ReluGridCell.Outputs o = outs.get(c);
            int start = rowCuts[c / blocks];
            double[] part = o.predictions();
            for (int i = 0; i < part.length; i++) f[start + i] += part[i];
            changes += o.patternChanges();
            cellSeconds = Math.max(cellSeconds, o.computeSeconds());
        }
        double max = 0, distance = 0, gradient = 0, unitSeconds = 0;
        for (ReluUnitWeights.Metrics m : metrics) {
            if (m == null) {
                gradient = Double.NaN;
                continue;
            }
            max = Math.max(max, m.maxDistance());
            distance += m.distanceSquared();
            gradient += m.gradientSquared();
            unitSeconds = Math.max(unitSeconds, m.computeSeconds());
        }
        double s = 1.0 / Math.sqrt(layout.width());
        for (int i = 0; i < n; i++) f[i] *= s;
        last = new UnitShardedRelu.Pass(
                iteration,
                f,
                loss(f),
                changes,
                max,
                distance,
                gradient,
                (System.nanoTime() - t0) / 1e9,
                cellSeconds + unitSeconds);
        return last;
    }

    /**
     * The rows of X each cell reads, partition {@code s B + b} holding sample block s (B copies of the samples in all,
     * one per unit block): one shuffle of the sample blocks, made once and kept.
     */
    private JavaRDD<double[]> sampleRows() {
        if (sampleRows != null) return sampleRows;
        int blocks = layout.blocks(), sampleBlocks = sampleBlocks();
        int[] rows = rowCuts;
        int dim = d;
        sampleRows = samples.flatMapToPair(block -> {
                    int sb = sampleBlockOf(rows, block.rowStart);
                    List<Tuple2<Integer, SampleBlock>> out = new ArrayList<>();
                    for (int b = 0; b < blocks; b++) out.add(new Tuple2<>(sb * blocks + b, block));
                    return out.iterator();
                })
                .partitionBy(new HashPartitioner(sampleBlocks * blocks))
                .mapPartitionsWithIndex(
                        (c, it) -> {
                            int sb = c / blocks;
                            int first = rows[sb], count = rows[sb + 1] - rows[sb];
                            double[] x = new double[Math.multiplyExact(count, dim)];
                            int filled = 0;
                            while (it.hasNext()) {
                                SampleBlock block = it.next()._2();
                                System.arraycopy(block.x, 0, x, (int) (block.rowStart - first) * dim, block.rows * dim);
                                filled += block.rows;
                            }
                            if (filled != count)
                                throw new IllegalStateException(
                                        "GridShardedRelu: cell " + c + " expected " + count + " rows, found " + filled);
                            return List.of(x).iterator();
                        },
                        true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        return sampleRows;
    }

    /**
     * The cells at W(0) ({@code current} null) or at W(k) given each unit block's W(k); with a {@code folder}, a cell
     * this JVM left there at the checkpoint is taken instead of recomputed.
     */
    private JavaRDD<ReluGridCell.Forwarded> cells(BlockWeights current, String folder) {
        int blocks = layout.blocks();
        int[] cuts = layout.cuts(), rows = rowCuts;
        int m = layout.width(), dim = d;
        double k = kappa;
        long s = seed;
        return sampleRows()
                .mapPartitionsWithIndex(
                        (c, it) -> {
                            int sb = c / blocks, b = c % blocks;
                            if (folder != null
                                    && UnitCheckpoints.take(folder, cellKey(sb, cuts[b]))
                                            instanceof ReluGridCell cell) {
                                return List.of(new ReluGridCell.Forwarded(cell, null))
                                        .iterator();
                            }
                            double[] x = it.next();
                            int units = cuts[b + 1] - cuts[b];
                            double[] w0 = ReluUnitWeights.initial(cuts[b], units, dim, k, s)
                                    .initialWeights();
                            int first = rows[sb], count = rows[sb + 1] - rows[sb];
                            ReluGridCell.Forwarded f = current == null
                                    ? ReluGridCell.initial(sb, first, count, dim, x, cuts[b], units, m, s, w0)
                                    : ReluGridCell.restore(
                                            sb, first, count, dim, x, cuts[b], units, m, s, w0, current.of(b));
                            return List.of(f).iterator();
                        },
                        true);
    }

    /** Unit block b's weights, computed or read on an executor. */
    @FunctionalInterface
    private interface BlockWeights extends java.io.Serializable {
        double[] of(int b) throws Exception;
    }

    private JavaRDD<ReluUnitWeights.Stepped> unitsFromFiles(String folder, int iteration) {
        int[] cuts = layout.cuts();
        int dim = d;
        double k = kappa;
        long s = seed;
        Broadcast<HadoopFiles.Conf> conf = hadoop;
        return jsc.parallelize(blockIds(), cuts.length - 1).map(b -> {
            Object kept = UnitCheckpoints.takeHandoff(folder, cuts[b]);
            if (kept instanceof ReluUnitWeights w && w.iteration == iteration)
                return new ReluUnitWeights.Stepped(w, null);
            int count = cuts[b + 1] - cuts[b];
            double[] w = UnitCheckpoints.read(conf.value(), folder, cuts[b], Math.multiplyExact(count, dim));
            return new ReluUnitWeights.Stepped(ReluUnitWeights.restore(cuts[b], count, dim, iteration, k, s, w), null);
        });
    }

    /** The cells at a checkpoint: the ones this JVM left when it wrote it, else rebuilt from the samples and the files. */
    private JavaRDD<ReluGridCell.Forwarded> cellsFromFiles(String folder) {
        int[] cuts = layout.cuts();
        int dim = d;
        Broadcast<HadoopFiles.Conf> conf = hadoop;
        return cells(
                b -> UnitCheckpoints.read(
                        conf.value(), folder, cuts[b], Math.multiplyExact(cuts[b + 1] - cuts[b], dim)),
                folder);
    }

    private static String cellKey(int sampleBlock, int firstUnit) {
        return "cell-" + sampleBlock + "-" + firstUnit;
    }

    private void cutLineage() {
        sinceCut = 0;
        while (residuals.size() > 1) residuals.remove(0).destroy(false);
    }

    private static int sampleBlockOf(int[] rowCuts, long row) {
        int s = java.util.Arrays.binarySearch(rowCuts, (int) row);
        return s >= 0 ? Math.min(s, rowCuts.length - 2) : -s - 2;
    }

    private double loss(double[] predictions) {
        double loss = 0;
        for (int i = 0; i < predictions.length; i++) {
            double r = predictions[i] - y[i];
            loss += 0.5 * r * r;
        }
        return loss;
    }

    private List<Integer> blockIds() {
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < layout.blocks(); b++) ids.add(b);
        return ids;
    }

    private List<Integer> cellIds() {
        List<Integer> ids = new ArrayList<>();
        for (int c = 0; c < layout.blocks() * sampleBlocks(); c++) ids.add(c);
        return ids;
    }

    @Override
    public void close() {
        if (cells != null) cells.unpersist(false);
        if (units != null) units.unpersist(false);
        if (sampleRows != null) sampleRows.unpersist(false);
        for (Broadcast<double[]> r : residuals) r.destroy(false);
        hadoop.destroy();
    }
}
