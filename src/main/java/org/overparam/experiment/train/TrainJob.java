package org.overparam.experiment.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.UserError;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.experiment.Jobs;
import org.overparam.experiment.quadratic.QuadraticTraining;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.Precision;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;
import org.overparam.optim.DivergenceException;
import org.overparam.optim.GradientDescent;
import org.overparam.run.IterationListener;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.RunLog;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.GridLayout;
import org.overparam.spark.GridShardedRelu;
import org.overparam.spark.ReluTrainer;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.TaskTraffic;
import org.overparam.spark.UnitLayout;
import org.overparam.spark.UnitShardedRelu;

/**
 * The {@code train} command for {@code train.model = relu} ({@link Jobs#train} gives the quadratic models to
 * {@link QuadraticTraining}): full-batch gradient descent of Du et al.'s two-layer ReLU net with its
 * hidden units sharded over the executors ({@link UnitShardedRelu}, laid out by {@link UnitLayout}), once per width in
 * {@code train.width}, recording per iteration the loss, the gradient norm, the fraction of activation
 * patterns changed since W(0), {@code max_r ||w_r(k) - w_r(0)||}, {@code ||W(k) - W(0)||_F} and the time, and every
 * {@code train.gram-every} iterations {@code lambda_min(H(k))} and {@code ||H(k) - H(0)||_F / ||H(0)||_F}
 * (Du et al. 2019, Sec. 5 and Lemma 3.2). Writes {@code metrics/} (Parquet), {@code metrics.csv}, checkpoints, plots
 * and {@code report.html}; the executors write the checkpoints of their unit blocks ({@link TrainCheckpoint}), and
 * {@code --resume} continues an interrupted run from them bit for bit.
 */
public final class TrainJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final boolean resume;
    private final IterationListener listener;

    public TrainJob(DataSpec data, TrainSpec train, boolean resume) {
        this(data, train, resume, IterationListener.NONE);
    }

    public TrainJob(DataSpec data, TrainSpec train, boolean resume, IterationListener listener) {
        this.data = data;
        this.train = train;
        this.resume = resume;
        this.listener = listener;
    }

    @Override
    public TrainSummary run(JobContext ctx) throws Exception {
        if (train.model != TrainSpec.Model.RELU) {
            throw new IllegalArgumentException(
                    "TrainJob trains the relu model; " + train.model.id() + " is QuadraticTraining's");
        }
        RunLog log = ctx.log;
        List<TrainMetrics.Row> recorded = new ArrayList<>();
        List<TrainSummary.WidthRun> runs = new ArrayList<>();
        ReluSamples samples = null;
        try {
            samples = reluSamples(ctx);
            if (train.gramEvery > 0)
                DistributedGram.requireDriverMemory(
                        samples.n(), 4, "train.gram-every > 0 (X X^T, H(0), H(k) and LAPACK's copy)");
            for (int m : train.widths) runs.add(trainWidth(ctx, samples, m, recorded));
        } finally {
            if (!recorded.isEmpty()) TrainMetrics.write(ctx.dir, recorded);
            if (samples != null && samples.sharded() != null) samples.sharded().release();
        }
        if (train.reportPeak) runs = withPeak(ctx, runs);
        TrainOutputs.plotsAndReport(ctx, recorded, runs, train);
        return TrainSummary.of(train.model.id(), train.widths, train.precision.id(), ctx.blas, runs);
    }

    /** The runs with the dgemm peak of this JVM and each width's share of it. */
    private static List<TrainSummary.WidthRun> withPeak(JobContext ctx, List<TrainSummary.WidthRun> runs) {
        double peak = ctx.dgemmPeak();
        return runs.stream().map(r -> r.withPeak(peak)).toList();
    }

    /**
     * The samples of a relu run: brought to the driver once and shipped whole to every executor ({@code set}), or,
     * when they do not fit there or {@code train.sample-blocks > 1}, left on the executors as sample blocks for a grid
     * ({@code sharded}, with the labels and the blocks' first rows on the driver).
     */
    record ReluSamples(int n, int d, TrainingSet set, ShardedSamples sharded, double[] y, long[] starts) {
        boolean grid() {
            return sharded != null;
        }
    }

    private ReluSamples reluSamples(JobContext ctx) {
        int blockSize = train.blockSize > 0 ? train.blockSize : data.blockSize;
        ShardedSamples samples = ShardedSamples.load(ctx.spark, data.withLayout(blockSize, data.partitions));
        int n = samples.plan.n, d = samples.d;
        ctx.log.info("training data: %d samples, d = %d, %s", n, d, samples.plan.description);
        UnitLayout.Executors executors =
                UnitLayout.Executors.of(JavaSparkContext.fromSparkContext(ctx.spark.sparkContext()));
        boolean grid = train.sampleBlocks > 1
                || (train.sampleBlocks == 0 && !GridLayout.samplesFitEveryExecutor(n, d, train.precision, executors));
        if (!grid) {
            try {
                return new ReluSamples(n, d, samples.trainingSet(train.precision), null, null, null);
            } finally {
                samples.release();
            }
        }
        try {
            if (train.precision != Precision.FLOAT64) {
                throw new UserError("A grid of sample blocks (train.sample-blocks = " + train.sampleBlocks
                        + ", or samples too large to ship " + "whole) trains in float64 only; found train.precision = "
                        + train.precision.id() + ".");
            }
            if (train.representation == UnitRepresentation.SAMPLE_SPAN) {
                throw new UserError(
                        "A grid of sample blocks trains the weights representation only; found train.representation = "
                                + train.representation.id()
                                + ". Set train.representation = weights (or auto), or train.sample-blocks = 1.");
            }
            if (train.gramEvery > 0) {
                throw new UserError("H(k) (train.gram-every = " + train.gramEvery
                        + ") needs all samples on the driver and every executor, "
                        + "which a grid of sample blocks does not ship. Set train.gram-every = 0.");
            }
            ctx.log.info("the samples stay on the executors: a grid of sample blocks x unit blocks");
            return new ReluSamples(n, d, null, samples, samples.labels(), samples.blockStarts());
        } catch (RuntimeException e) {
            samples.release();
            throw e;
        }
    }

    /** Checkpoints at these iterations: every {@code train.checkpoint-every}, and the last. */
    private boolean checkpointAt(int k) {
        return k == train.iterations || (train.checkpointEvery > 0 && k % train.checkpointEvery == 0);
    }

    private TrainSummary.WidthRun trainWidth(
            JobContext ctx, ReluSamples samples, int m, List<TrainMetrics.Row> recorded) throws Exception {
        int n = samples.n(), d = samples.d();
        TrainCheckpoint checkpoint = resume ? checkpoint(ctx, m, n, d) : null;
        if (checkpoint != null && checkpoint.completed()) {
            ctx.log.info("m = %d: completed before (%d iterations), kept", m, checkpoint.iteration());
            recorded.addAll(checkpoint.rows());
            return runSummary(m, n, d, checkpoint.rows(), null);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
        try (ReluTrainer engine = engine(jsc, samples, m, checkpoint, ctx.log);
                TaskTraffic traffic = TaskTraffic.attach(ctx.spark.sparkContext())) {
            Descent descent = new Descent(ctx, engine, m, n, d, checkpoint, recorded);
            StepCosts costs = descent.run();
            ctx.log.info("m = %d: %d steps; tasks: %s", m, costs.steps, traffic.taskTimes());
            int sampleBlocks = engine instanceof GridShardedRelu g ? g.sampleBlocks() : 1;
            UnitLayout layout = engine.layout();
            return runSummary(
                    m,
                    n,
                    d,
                    descent.rows,
                    costs.summary(layout, traffic, layout.representation().stepFlops(n, d, m), sampleBlocks));
        }
    }

    /** The checkpoint of width m, or null; refuses one written for other data. */
    private static TrainCheckpoint checkpoint(JobContext ctx, int m, int n, int d) {
        TrainCheckpoint checkpoint = TrainCheckpoint.read(ctx.dir, m);
        if (checkpoint != null && (checkpoint.d() != d || checkpoint.n() != n)) {
            throw new UserError("Checkpoint of width " + m + " has n = " + checkpoint.n() + ", d = " + checkpoint.d()
                    + " but the data have n = " + n + ", d = " + d + ".");
        }
        return checkpoint;
    }

    /**
     * One width's gradient descent from W(0) or a checkpoint: per iteration the metrics row (with H(k) every
     * {@code train.gram-every}), the step, the driver's state every {@code train.checkpoint-every} steps, progress, and
     * the divergence check.
     */
    private final class Descent {
        final JobContext ctx;
        final ReluTrainer engine;
        final int m, n, d;
        final List<TrainMetrics.Row> rows, recorded;
        final UnitLayout layout;
        final StepCosts costs = new StepCosts();
        UnitShardedRelu.Pass pass;
        TrainMetrics.Row pending;
        /** Passes the engine has already stepped to, beyond {@link #pass}. */
        final java.util.ArrayDeque<UnitShardedRelu.Pass> ahead = new java.util.ArrayDeque<>();

        final double initialLoss;

        Descent(
                JobContext ctx,
                ReluTrainer engine,
                int m,
                int n,
                int d,
                TrainCheckpoint checkpoint,
                List<TrainMetrics.Row> recorded) {
            this.ctx = ctx;
            this.engine = engine;
            this.m = m;
            this.n = n;
            this.d = d;
            this.recorded = recorded;
            this.layout = engine.layout();
            this.rows = new ArrayList<>(checkpoint != null ? checkpoint.rows() : List.of());
            recorded.addAll(rows);
            if (checkpoint != null) {
                pass = engine.resume(
                        ctx.dir.resolve(TrainCheckpoint.unitsFolder(m, checkpoint.iteration())),
                        checkpoint.iteration(),
                        checkpoint.predictions());
                ctx.log.info("m = %d: resuming at iteration %d of %d", m, pass.iteration(), train.iterations);
                initialLoss = checkpoint.initialLoss();
                pending = checkpoint.pending();
            } else {
                pass = engine.start();
                initialLoss = pass.loss();
            }
        }

        StepCosts run() throws Exception {
            GramTracker gram = train.gramEvery > 0 ? new GramTracker(engine, ctx.log, m) : null;
            double stableStep = gram != null ? 2.0 / gram.lambdaMax0 : Double.NaN;
            if (gram != null && train.eta >= stableStep) {
                ctx.log.warn(
                        "eta = %g >= 2 / lambda_max(H(0)) = %.4g: gradient descent is expected to diverge",
                        train.eta, stableStep);
            }
            Progress progress = new Progress(ctx.log, m, pass.iteration(), train.iterations, train.progressSeconds);
            boolean stateDue = false;
            for (int k = pass.iteration(); ; k++) {
                if (pending == null) {
                    double[] h = gram != null && k % train.gramEvery == 0 ? gram.at(k) : null;
                    pending = row(m, k, n, pass, h);
                }
                if (stateDue) writeState(k, false);
                UnitShardedRelu.Pass next = k < train.iterations ? step(k) : null;
                double gradientSquared = next != null ? next.previousGradientSquared() : engine.gradientSquared();
                TrainMetrics.Row row = pending.withGradientNorm(Math.sqrt(gradientSquared));
                rows.add(row);
                recorded.add(row);
                progress.report(row);
                listener.afterIteration(m, k);
                if (next == null) {
                    pending = null;
                    writeState(k, true);
                    return costs;
                }
                double loss = next.loss();
                if (!Double.isFinite(loss)
                        || loss > GradientDescent.DIVERGENCE_FACTOR * Math.max(initialLoss, Double.MIN_NORMAL)) {
                    throw new DivergenceException(k + 1, loss, initialLoss, train.eta, stableStep);
                }
                pass = next;
                pending = null;
                stateDue = checkpointAt(k + 1);
            }
        }

        /**
         * The pass at W(k + 1). The engine steps to the next iteration that needs the blocks themselves (a checkpoint,
         * H(k), the last) at once, which a block of every unit does in one job; the executors write their blocks at a
         * checkpoint.
         */
        private UnitShardedRelu.Pass step(int k) {
            if (ahead.isEmpty()) {
                int end = k + 1;
                while (end < train.iterations && !checkpointAt(end) && !(gramDue(end))) end++;
                String folder = checkpointAt(end) ? ctx.dir.resolve(TrainCheckpoint.unitsFolder(m, end)) : null;
                for (UnitShardedRelu.Pass p : engine.steps(train.eta, end - k, folder)) {
                    costs.add(p);
                    ahead.add(p);
                }
            }
            return ahead.poll();
        }

        private boolean gramDue(int k) {
            return train.gramEvery > 0 && k % train.gramEvery == 0;
        }

        /** The driver's state at iteration k: the rows so far, the pending row and predictions, or completion. */
        private void writeState(int k, boolean completed) {
            new TrainCheckpoint(
                            m,
                            n,
                            d,
                            k,
                            completed,
                            layout.cuts(),
                            layout.representation(),
                            initialLoss,
                            rows,
                            completed ? null : pending,
                            completed ? null : pass.predictions())
                    .write(ctx.dir);
        }
    }

    /**
     * The engine for width m: the unit-sharded one when the samples are shipped whole, else the grid; laid out by the
     * cost model, or as the checkpoint was.
     */
    private ReluTrainer engine(
            JavaSparkContext jsc, ReluSamples samples, int m, TrainCheckpoint checkpoint, RunLog log) {
        UnitLayout.Executors executors = UnitLayout.Executors.of(jsc);
        int n = samples.n(), d = samples.d();
        if (samples.grid()) {
            GridLayout grid = GridLayout.choose(
                    m,
                    n,
                    d,
                    executors,
                    train.sampleBlocks,
                    checkpoint != null ? checkpoint.cuts().length - 1 : train.unitBlocks);
            if (checkpoint != null
                    && (checkpoint.representation() != UnitRepresentation.WEIGHTS
                            || !java.util.Arrays.equals(
                                    checkpoint.cuts(), grid.units().cuts()))) {
                throw new UserError("The checkpoint of width " + m + " was written by " + checkpoint.cuts().length
                        + " - 1 unit blocks (" + checkpoint.representation().id()
                        + "), which a grid of sample blocks cannot continue: resume with train.sample-blocks = 1.");
            }
            int[] rowCuts = GridShardedRelu.rowCuts(samples.starts(), n, grid.sampleBlocks());
            log.info(
                    "m = %d: %d parameters on a grid of %d sample blocks x %s; %.3g flops per iteration, %.3g doubles shuffled per step",
                    m,
                    (long) m * d,
                    rowCuts.length - 1,
                    grid.units(),
                    4.0 * n * m * d,
                    2.0 * (rowCuts.length - 1) * m * d);
            return new GridShardedRelu(
                    jsc, samples.sharded().blocks, d, samples.y(), grid.units(), rowCuts, train.kappa, train.seed);
        }
        TrainingSet set = samples.set();
        long driverBytes = 2 * TrainingSet.bytes(n, d, train.precision) + (train.gramEvery > 0 ? 32L * n * n : 0);
        UnitLayout layout;
        if (checkpoint != null) {
            layout = new UnitLayout(m, checkpoint.cuts(), checkpoint.representation());
            layout.requireFits(set, train.precision, executors, driverBytes);
        } else {
            layout = UnitLayout.choose(
                    m, set, train.precision, executors, train.unitBlocks, train.representation, driverBytes);
        }
        log.info(
                "m = %d: %d parameters in %s; %.3g flops per iteration",
                m, (long) m * d, layout, layout.representation().stepFlops(n, d, m));
        return new UnitShardedRelu(jsc, set, layout, train.kappa, train.seed, train.precision);
    }

    private static TrainMetrics.Row row(int m, int k, int n, UnitShardedRelu.Pass pass, double[] gram) {
        return new TrainMetrics.Row(
                m,
                k,
                pass.loss(),
                Double.NaN,
                pass.patternChanges() / ((double) n * m),
                pass.maxDistance(),
                Math.sqrt(pass.distanceSquared()),
                pass.seconds(),
                gram != null ? gram[0] : Double.NaN,
                gram != null ? gram[1] : Double.NaN);
    }

    /** Where the steps' time went and what they moved, for summary.json. */
    private static final class StepCosts {
        int steps;
        double seconds;
        double taskSeconds;

        void add(UnitShardedRelu.Pass p) {
            steps++;
            seconds += p.seconds();
            taskSeconds += p.taskSeconds();
        }

        TrainSummary.StepCosts summary(UnitLayout layout, TaskTraffic traffic, double flopsPerStep, int sampleBlocks) {
            boolean stepped = steps > 0;
            return new TrainSummary.StepCosts(
                    layout.blocks(),
                    layout.representation().id(),
                    flopsPerStep,
                    steps,
                    stepped ? traffic.resultBytes() / (double) (steps + 1) : null,
                    stepped ? traffic.shuffleBytes() / (double) (steps + 1) : null,
                    stepped ? (seconds > 0 ? Math.max(0, 1 - taskSeconds / seconds) : 0.0) : null,
                    sampleBlocks);
        }
    }

    /** H(0) once, then H(k) on request: lambda_min(H(k)) and the relative change from H(0). */
    private static final class GramTracker {
        final ReluTrainer engine;
        final double[] h0;
        final double h0Norm;
        final double lambdaMin0;
        final double lambdaMax0;
        final int n;

        GramTracker(ReluTrainer engine, RunLog log, int m) {
            this.engine = engine;
            long t0 = System.nanoTime();
            n = engine.samples();
            h0 = engine.gram(true);
            SymmetricEigen e = SymmetricEigen.values(h0, n);
            lambdaMin0 = e.min();
            lambdaMax0 = e.max();
            double s = 0;
            for (double v : h0) s += v * v;
            h0Norm = Math.sqrt(s);
            log.info(
                    "m = %d: H(0) is %d x %d; lambda_min = %.6g, lambda_max = %.6g (%.1f s)",
                    m, n, n, lambdaMin0, lambdaMax0, (System.nanoTime() - t0) / 1e9);
        }

        /** {lambda_min(H(k)), ||H(k) - H(0)||_F / ||H(0)||_F}. */
        double[] at(int k) {
            if (k == 0) return new double[] {lambdaMin0, 0.0};
            double[] h = engine.gram(false);
            double diff = 0;
            for (int i = 0; i < h.length; i++) diff += (h[i] - h0[i]) * (h[i] - h0[i]);
            return new double[] {SymmetricEigen.values(h, n).min(), Math.sqrt(diff) / h0Norm};
        }
    }

    private TrainSummary.WidthRun runSummary(
            int m, int n, int d, List<TrainMetrics.Row> rows, TrainSummary.StepCosts costs) {
        TrainMetrics.Row first = rows.get(0), last = rows.get(rows.size() - 1);
        double seconds = 0;
        int counted = 0;
        for (TrainMetrics.Row r : rows) {
            if (r.iteration() > 0) {
                seconds += r.seconds();
                counted++;
            }
        }
        return new TrainSummary.WidthRun(
                train.model.id(),
                n,
                d,
                m,
                train.eta,
                train.kappa,
                last.iteration(),
                first.loss(),
                last.loss(),
                counted == 0 ? last.seconds() : seconds / counted,
                last.maxWeightDistance(),
                last.patternChangeFraction(),
                Double.isNaN(first.lambdaMinH()) ? null : first.lambdaMinH(),
                costs,
                null,
                null);
    }

    /** Progress lines: iteration, loss, rate, time left; at most one every few seconds. */
    private static final class Progress {
        final RunLog log;
        final int m;
        final int start;
        final int end;
        final double every;
        final long t0 = System.nanoTime();
        long lastLine;

        Progress(RunLog log, int m, int start, int end, double every) {
            this.log = log;
            this.m = m;
            this.start = start;
            this.end = end;
            this.every = every;
        }

        void report(TrainMetrics.Row r) {
            long now = System.nanoTime();
            int k = r.iteration();
            if (k != start && k != end && (now - lastLine) / 1e9 < every) return;
            lastLine = now;
            double elapsed = (now - t0) / 1e9;
            int done = k - start + 1;
            double rate = done / elapsed;
            double left = (end - k) / rate;
            log.info(
                    "m = %-6d iter %5d/%d  loss %.6e  |grad| %.3e  patterns %.4f%%  max dist %.4g  %.2f it/s  %s left",
                    m,
                    k,
                    end,
                    r.loss(),
                    r.gradientNorm(),
                    100 * r.patternChangeFraction(),
                    r.maxWeightDistance(),
                    rate,
                    duration(left));
        }

        static String duration(double s) {
            if (s < 90) return String.format(java.util.Locale.ROOT, "%.0f s", s);
            if (s < 5400) return String.format(java.util.Locale.ROOT, "%.1f min", s / 60);
            return String.format(java.util.Locale.ROOT, "%.1f h", s / 3600);
        }
    }
}
