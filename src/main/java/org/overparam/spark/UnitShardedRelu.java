package org.overparam.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.CoreThreads;
import org.overparam.data.HadoopFiles;
import org.overparam.model.Precision;
import org.overparam.model.ReluUnitBlock;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;
import org.overparam.optim.DivergenceException;
import org.overparam.optim.GradientDescent;

/**
 * Full-batch gradient descent of Du et al.'s two-layer ReLU net with the hidden units sharded: the m units are cut
 * into blocks ({@link UnitLayout}), each block ({@link ReluUnitBlock}: its weights, signs, activation patterns) lives in one partition of a cached RDD and is stepped where it lives. The samples are stationary: one
 * copy of X and y per executor (a broadcast). The driver never holds W.
 *
 * <p>Tasks ({@link BlockTasks}): in local mode the one executor holds every block, and one task steps them all at once
 * on its cores, adding their parts of the predictions as the driver does, for the steps up to the next checkpoint or
 * metric in one job. On a cluster, one Spark job per step: every task steps its units with the residual of the previous step (a broadcast of
 * {@code 8 n} bytes, so that the tasks' lineage stays small however many steps it spans) and returns its part of the new predictions ({@code 8 n} bytes) and of the metrics; the
 * driver adds the parts in partition order (bit-for-bit repeatable for the same layout), scales by {@code 1/sqrt(m)}
 * and forms the residual, the loss and the metrics. Traffic per step is {@code O(n)} per block, independent of m and
 * d; the {@code 4 n m d} flops run in the tasks.
 *
 * <p>Faults: each step's RDD is derived from the previous one, so a lost block is recomputed by Spark from the
 * residuals since the last checkpoint. A checkpoint ({@link #step} with a folder) has every task write its weights
 * ({@link UnitCheckpoints}) and cuts the lineage there: later recomputations, and a resumed run
 * ({@link #resume}), start from the files.
 */
public final class UnitShardedRelu implements ReluTrainer {
    /**
     * The driver's view after a pass at W(k).
     *
     * @param predictions             f(x_i) at W(k)
     * @param loss                    {@code sum_i (f(x_i) - y_i)^2 / 2}
     * @param patternChanges          patterns differing from W(0)'s, summed over samples and units
     * @param maxDistance             {@code max_r ||w_r(k) - w_r(0)||}
     * @param distanceSquared         {@code ||W(k) - W(0)||_F^2}
     * @param previousGradientSquared {@code ||grad L(W(k-1))||_F^2}, computed by this step (NaN for k = 0 or a resume)
     * @param seconds                 wall time of the job, on the driver
     * @param taskSeconds             the longest task's compute time
     */
    public record Pass(
            int iteration,
            double[] predictions,
            double loss,
            long patternChanges,
            double maxDistance,
            double distanceSquared,
            double previousGradientSquared,
            double seconds,
            double taskSeconds) {}

    private final JavaSparkContext jsc;
    private final TrainingSet data;
    private final Broadcast<TrainingSet> shipped;
    private final UnitLayout layout;
    private final double kappa;
    private final long seed;
    private final Precision precision;
    private final BlockTasks tasks;
    /** Threads a task steps its blocks on. */
    private final int threads;
    /** The Hadoop configuration, shipped once (a Configuration serializes to tens of KB; tasks capture this handle). */
    private final Broadcast<HadoopFiles.Conf> hadoop;
    /** The blocks at the last pass, cached: what jobs at W(k) read. */
    private JavaRDD<ReluUnitBlock.Stepped> current;
    /** What the next step derives from: {@link #current}, or after a checkpoint the blocks read back from it. */
    private JavaRDD<ReluUnitBlock.Stepped> base;

    private Pass last;
    /** The residuals the lineage since the last checkpoint was computed with (one broadcast per step, n doubles). */
    private final List<Broadcast<double[]>> residuals = new ArrayList<>();

    /** The engine with the tasks of {@link BlockTasks#of}. */
    public UnitShardedRelu(
            JavaSparkContext jsc, TrainingSet data, UnitLayout layout, double kappa, long seed, Precision precision) {
        this(jsc, data, layout, kappa, seed, precision, BlockTasks.of(jsc));
    }

    public UnitShardedRelu(
            JavaSparkContext jsc,
            TrainingSet data,
            UnitLayout layout,
            double kappa,
            long seed,
            Precision precision,
            BlockTasks tasks) {
        if (jsc.getConf().getBoolean("spark.speculation", false)) {
            throw new org.overparam.UserError(
                    "Training needs spark.speculation = false: the unit blocks of a step reuse the "
                            + "arrays of the step before last, which two attempts of one task would share. Remove "
                            + "--conf spark.speculation=true.");
        }
        this.jsc = jsc;
        this.data = data;
        this.layout = layout;
        this.kappa = kappa;
        this.seed = seed;
        this.precision = precision;
        this.tasks = tasks;
        this.threads =
                tasks.threads(layout.blocks(), UnitLayout.Executors.of(jsc).cores());
        this.shipped = jsc.broadcast(data);
        this.hadoop = jsc.broadcast(new HadoopFiles.Conf(jsc.hadoopConfiguration()));
    }

    @Override
    public UnitLayout layout() {
        return layout;
    }

    /** Builds the blocks at W(0) on the executors (one job) and returns the pass at W(0). */
    @Override
    public Pass start() {
        long t0 = System.nanoTime();
        Broadcast<TrainingSet> set = shipped;
        int[] cuts = layout.cuts();
        int m = layout.width();
        double k = kappa;
        long s = seed;
        Precision p = precision;
        UnitRepresentation form = layout.representation();
        JavaRDD<ReluUnitBlock.Stepped> blocks = eachInThreads(
                blockIdsInPartitions(),
                b -> ReluUnitBlock.initial(form, cuts[b], cuts[b + 1] - cuts[b], m, k, s, set.value(), p, workspace()));
        return advance(blocks, 0, t0);
    }

    /**
     * Continues from a checkpoint of iteration k written by {@link #step} into {@code folder}, whose predictions the
     * caller kept ({@code predictions}, f at W(k)). The files are checked first.
     */
    @Override
    public Pass resume(String folder, int iteration, double[] predictions) {
        if (predictions.length != data.n) {
            throw new IllegalArgumentException(
                    "resume: expected " + data.n + " predictions, found " + predictions.length);
        }
        UnitCheckpoints.requireComplete(jsc.hadoopConfiguration(), folder, layout, data.activeD(), data.n);
        current = fromCheckpoint(folder, iteration).persist(StorageLevel.MEMORY_AND_DISK());
        base = current;
        last = new Pass(iteration, predictions, loss(predictions), 0, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        return last;
    }

    /**
     * One gradient step from the last pass's W(k) to W(k+1), and the pass at W(k+1). With a non-null
     * {@code checkpointFolder} every task also writes its W(k+1) there and the lineage is cut at the files.
     */
    @Override
    public Pass step(double eta, String checkpointFolder) {
        return run(eta, 1, checkpointFolder).get(0);
    }

    /**
     * {@code count} steps from the last pass, and their passes in order; the last step's blocks are checkpointed into
     * {@code checkpointFolder} when it is given. With every block in one task ({@link BlockTasks#ONE_FOR_ALL}, or a
     * single block), the steps run in one job, the task forming each next residual itself ({@link ReluUnitBlock#steps}):
     * the same numbers as {@code count} calls of {@link #step}, bit for bit, for one Spark job instead of
     * {@code count}. Otherwise one job per step.
     */
    @Override
    public List<Pass> steps(double eta, int count, String checkpointFolder) {
        if (tasks.partitions(layout.blocks()) > 1 || count == 1)
            return ReluTrainer.super.steps(eta, count, checkpointFolder);
        int run = stepsPerJob(data.n, count);
        List<Pass> passes = new ArrayList<>(count);
        for (int done = 0; done < count; done += run) {
            int c = Math.min(run, count - done);
            passes.addAll(run(eta, c, done + c == count ? checkpointFolder : null));
        }
        return passes;
    }

    /** Most doubles of predictions one job of {@link #steps} returns (16 MB). */
    static final long RUN_RESULT_DOUBLES = 1 << 21;

    /**
     * Steps one job of {@link #steps} runs: a job returns every step's n predictions, at most
     * {@link #RUN_RESULT_DOUBLES} of them, so a longer run takes more jobs.
     */
    static int stepsPerJob(long n, int count) {
        return (int) Math.max(1, Math.min(count, RUN_RESULT_DOUBLES / n));
    }

    /**
     * {@code count} steps in one job (more than one only for a task of every unit): every block steps where it lives,
     * its outputs summed per step in partition order; the previous blocks are unpersisted, and with a folder the last
     * step's blocks are written there and the lineage restarts from the files.
     */
    private List<Pass> run(double eta, int count, String checkpointFolder) {
        long t0 = System.nanoTime();
        Broadcast<double[]> residual = jsc.broadcast(residual(last.predictions()));
        residuals.add(residual);
        JavaRDD<ReluUnitBlock.Stepped> next = RddFunction.mapPartitions(
                base, new Step(shipped, residual, eta, precision, hadoop, checkpointFolder, count, threads));
        JavaRDD<ReluUnitBlock.Stepped> previous = current;
        boolean fromFiles = base != current;
        next.persist(StorageLevel.MEMORY_AND_DISK());
        List<List<ReluUnitBlock.Outputs>> parts = RddFunction.collect(next, new AllOutputsOf());
        current = next;
        base = next;
        double seconds = (System.nanoTime() - t0) / 1e9 / count;
        List<Pass> passes = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            List<ReluUnitBlock.Outputs> step = new ArrayList<>(parts.size());
            for (List<ReluUnitBlock.Outputs> block : parts) step.add(block.get(j));
            passes.add(pass(step, last.iteration() + 1 + j, seconds));
        }
        last = passes.get(count - 1);
        previous.unpersist(false);
        // A step from a checkpoint's blocks starts a new lineage: the residuals before it are no longer reachable.
        if (fromFiles) while (residuals.size() > 1) residuals.remove(0).destroy(false);
        if (checkpointFolder != null) base = fromCheckpoint(checkpointFolder, last.iteration());
        return passes;
    }

    /** Sees each pass of {@link #train}. */
    @FunctionalInterface
    public interface PassListener {
        void onPass(Pass pass) throws Exception;
    }

    /**
     * Plain full-batch gradient descent from W(0): {@link #start}, then {@code iterations} steps without checkpoints,
     * each pass handed to the listener. A NaN loss, or one above {@link GradientDescent#DIVERGENCE_FACTOR} times the
     * initial loss, ends the run with a {@link DivergenceException} after the listener has seen every finite pass.
     *
     * @param stableStep 2 / lambda_max if known (for the divergence message), else NaN
     */
    public Pass train(int iterations, double eta, double stableStep, PassListener listener) throws Exception {
        Pass pass = start();
        double initial = pass.loss();
        for (int k = 0; ; k++) {
            double loss = pass.loss();
            if (!Double.isFinite(loss)
                    || loss > GradientDescent.DIVERGENCE_FACTOR * Math.max(initial, Double.MIN_NORMAL)) {
                throw new DivergenceException(k, loss, initial, eta, stableStep);
            }
            listener.onPass(pass);
            if (k == iterations) return pass;
            pass = step(eta, null);
        }
    }

    /** The net's predictions {@code f(x)} at the last pass's weights on other samples ({@code test}; one job). */
    @Override
    public double[] predict(TrainingSet test) {
        if (test.d != data.d)
            throw new IllegalArgumentException("predict: expected samples of d = " + data.d + ", found d = " + test.d);
        Broadcast<TrainingSet> set = shipped, other = jsc.broadcast(test);
        double k = kappa;
        long s = seed;
        try {
            List<double[]> parts = eachInThreads(current, b -> {
                        TrainingSet o = other.value();
                        return b.block().predict(set.value(), k, s, o.x(), o.n);
                    })
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

    /** {@code ||grad L(W(k))||_F^2} at the last pass's weights, without stepping (one job). */
    @Override
    public double gradientSquared() {
        double[] residual = residual(last.predictions());
        Broadcast<TrainingSet> set = shipped;
        Precision p = precision;
        List<Double> parts = eachInThreads(
                        current, b -> b.block().gradientSquared(set.value(), residual, p, workspace()))
                .collect();
        double sum = 0;
        for (double v : parts) sum += v;
        return sum;
    }

    /**
     * The finite-width Gram matrix at the last pass's weights (at W(0) if {@code initial}), {@code H(k) = (X X^T) o C / m} with C the co-activation
     * counts summed over the blocks in a fixed order (n x n, row-major), K = X X^T from {@link TrainingSet#kernel}
     * (made once and kept).
     */
    @Override
    public double[] gram(boolean initial) {
        int n = data.n;
        DistributedGram.requireDriverMemory(n, 1, "The Gram matrix H(k)");
        int t = threads;
        double[] c = DeterministicAggregate.aggregatePartitions(
                current.map(ReluUnitBlock.Stepped::block),
                () -> new double[n * n],
                it -> coactivations(BlockTasks.list(it), n, initial, t),
                (x, y) -> {
                    for (int i = 0; i < x.length; i++) x[i] += y[i];
                    return x;
                });
        double inv = 1.0 / layout.width();
        double[] xxt = data.kernel();
        for (int i = 0; i < c.length; i++) c[i] = xxt[i] * (c[i] * inv);
        return c;
    }

    /** The number of samples n. */
    @Override
    public int samples() {
        return data.n;
    }

    /** The residual {@code f(x_i) - y_i} at the given predictions. */
    public double[] residual(double[] predictions) {
        double[] y = data.y();
        double[] r = new double[predictions.length];
        for (int i = 0; i < r.length; i++) r[i] = predictions[i] - y[i];
        return r;
    }

    private double loss(double[] predictions) {
        double[] y = data.y();
        double loss = 0;
        for (int i = 0; i < predictions.length; i++) {
            double r = predictions[i] - y[i];
            loss += 0.5 * r * r;
        }
        return loss;
    }

    /** Persists and materializes {@code blocks} (the step's one job) and sums the blocks' outputs in partition order. */
    private Pass advance(JavaRDD<ReluUnitBlock.Stepped> blocks, int iteration, long t0) {
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        List<ReluUnitBlock.Outputs> parts = RddFunction.collect(blocks, new OutputsOf());
        current = blocks;
        base = blocks;
        last = pass(parts, iteration, (System.nanoTime() - t0) / 1e9);
        return last;
    }

    /** The blocks' outputs of one pass summed in partition order, scaled by {@code 1/sqrt(m)}: the driver's view. */
    private Pass pass(List<ReluUnitBlock.Outputs> parts, int iteration, double seconds) {
        int n = data.n;
        double[] f = new double[n];
        long changes = 0;
        double max = 0, distance = 0, gradient = 0, task = 0;
        for (ReluUnitBlock.Outputs o : parts) {
            double[] part = o.predictions();
            for (int i = 0; i < n; i++) f[i] += part[i];
            changes += o.patternChanges();
            max = Math.max(max, o.maxDistance());
            distance += o.distanceSquared();
            gradient += o.gradientSquared();
            task = Math.max(task, o.computeSeconds());
        }
        double s = 1.0 / Math.sqrt(layout.width());
        for (int i = 0; i < n; i++) f[i] *= s;
        return new Pass(iteration, f, loss(f), changes, max, distance, gradient, seconds, task);
    }

    /** The blocks of a checkpoint: the writing executor's own block when it is at hand, else the file. */
    private JavaRDD<ReluUnitBlock.Stepped> fromCheckpoint(String folder, int iteration) {
        Broadcast<TrainingSet> set = shipped;
        int[] cuts = layout.cuts();
        int m = layout.width(), d = data.d;
        double k = kappa;
        long s = seed;
        Precision p = precision;
        Broadcast<HadoopFiles.Conf> conf = hadoop;
        UnitRepresentation form = layout.representation();
        return eachInThreads(blockIdsInPartitions(), b -> {
            Object kept = UnitCheckpoints.takeHandoff(folder, cuts[b]);
            if (kept instanceof ReluUnitBlock block && block.iteration == iteration)
                return new ReluUnitBlock.Stepped(block, null);
            int units = cuts[b + 1] - cuts[b];
            TrainingSet samples = set.value();
            long length = ReluUnitBlock.checkpointLength(form, units, samples.activeD(), samples.n);
            double[] values = UnitCheckpoints.read(conf.value(), folder, cuts[b], Math.toIntExact(length));
            return new ReluUnitBlock.Stepped(
                    ReluUnitBlock.restore(form, cuts[b], units, m, iteration, k, s, values, samples, p, workspace()),
                    null);
        });
    }

    /** A function of one element that Spark can ship inside a task's function. */
    /** {@code f} of every element, a partition's elements on up to {@link #threads} threads at once, in their order. */
    private <T, R> JavaRDD<R> eachInThreads(JavaRDD<T> rdd, BlockTasks.ElementFunction<T, R> f) {
        return BlockTasks.eachInThreads(rdd, threads, f);
    }

    /**
     * The co-activation counts of {@code blocks} summed (n x n), on up to {@code threads} threads, each adding a
     * contiguous group of the blocks into its own matrix: the counts are integers, so every order of the sums gives
     * the same doubles.
     */
    private static double[] coactivations(List<ReluUnitBlock> blocks, int n, boolean initial, int threads) {
        int groups = Math.max(1, Math.min(threads, blocks.size()));
        List<List<ReluUnitBlock>> cut = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++)
            cut.add(blocks.subList(g * blocks.size() / groups, (g + 1) * blocks.size() / groups));
        List<double[]> sums = CoreThreads.map(cut, groups, group -> {
            double[] acc = new double[n * n];
            for (ReluUnitBlock b : group) b.addCoactivations(n, acc, initial);
            return acc;
        });
        double[] c = sums.get(0);
        for (int g = 1; g < groups; g++) {
            double[] other = sums.get(g);
            for (int i = 0; i < c.length; i++) c[i] += other[i];
        }
        return c;
    }

    /**
     * A step of every block of a partition (and, with a folder, their checkpoints), the blocks on up to
     * {@code threads} threads: the function of each step's one job. {@code count} steps in a row when the partition
     * holds every unit.
     */
    private static final class Step extends RddFunction<List<ReluUnitBlock.Stepped>, List<ReluUnitBlock.Stepped>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<TrainingSet> set;
        private final Broadcast<double[]> residual;
        private final double eta;
        private final Precision precision;
        private final Broadcast<HadoopFiles.Conf> conf;
        private final String folder;
        /** Steps in a row (more than 1 only for a partition of every unit). */
        private final int count;

        private final int threads;

        Step(
                Broadcast<TrainingSet> set,
                Broadcast<double[]> residual,
                double eta,
                Precision precision,
                Broadcast<HadoopFiles.Conf> conf,
                String folder,
                int count,
                int threads) {
            this.set = set;
            this.residual = residual;
            this.eta = eta;
            this.precision = precision;
            this.conf = conf;
            this.folder = folder;
            this.count = count;
            this.threads = threads;
        }

        @Override
        public List<ReluUnitBlock.Stepped> apply(List<ReluUnitBlock.Stepped> partition) {
            TrainingSet data = set.value();
            double[] r = residual.value();
            List<ReluUnitBlock.Stepped> stepped;
            if (count == 1) {
                stepped =
                        CoreThreads.map(partition, threads, s -> s.block().step(data, r, eta, precision, workspace()));
            } else {
                List<ReluUnitBlock> blocks = new ArrayList<>(partition.size());
                for (ReluUnitBlock.Stepped s : partition) blocks.add(s.block());
                stepped = ReluUnitBlock.steps(
                        blocks, data, r, eta, count, precision, threads, UnitShardedRelu::workspace);
            }
            if (folder != null) {
                CoreThreads.map(stepped, threads, s -> {
                    ReluUnitBlock b = s.block();
                    UnitCheckpoints.write(conf.value(), folder, b.first, b.checkpointValues(), b);
                    return b;
                });
            }
            return stepped;
        }
    }

    /** Every step's outputs of a block stepped several times in one job, in order. */
    private static final class AllOutputsOf extends RddFunction<ReluUnitBlock.Stepped, List<ReluUnitBlock.Outputs>> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<ReluUnitBlock.Outputs> apply(ReluUnitBlock.Stepped s) {
            List<ReluUnitBlock.Outputs> all = new ArrayList<>(s.before());
            all.add(s.outputs());
            return all;
        }
    }

    private static final class OutputsOf extends RddFunction<ReluUnitBlock.Stepped, ReluUnitBlock.Outputs> {
        private static final long serialVersionUID = 1L;

        @Override
        public ReluUnitBlock.Outputs apply(ReluUnitBlock.Stepped s) {
            return s.outputs();
        }
    }

    /** The block indices, in as many partitions as the tasks take. */
    private JavaRDD<Integer> blockIdsInPartitions() {
        return jsc.parallelize(blockIds(), tasks.partitions(layout.blocks()));
    }

    private List<Integer> blockIds() {
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b + 1 < layout.cuts().length; b++) ids.add(b);
        return ids;
    }

    private static final ThreadLocal<ReluUnitBlock.Workspace> WORKSPACES =
            ThreadLocal.withInitial(ReluUnitBlock.Workspace::new);

    private static ReluUnitBlock.Workspace workspace() {
        return WORKSPACES.get();
    }

    @Override
    public void close() {
        if (current != null) current.unpersist(false);
        for (Broadcast<double[]> r : residuals) r.destroy(false);
        shipped.destroy();
        hadoop.destroy();
    }
}
