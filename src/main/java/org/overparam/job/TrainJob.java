package org.overparam.job;

import org.overparam.UserError;
import org.overparam.data.DataSpec;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.ReluEvaluation;
import org.overparam.model.TwoLayerRelu;
import org.overparam.optim.GradientDescent;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.SparkReluOracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code train} command. For {@code train.model = quadratic | signed-quadratic} it hands over to
 * {@link QuadraticTraining}; for {@code relu}: full-batch gradient descent of Du et al.'s two-layer ReLU net on the shards, once per
 * width in {@code train.width}, recording per iteration the loss, the gradient norm, the fraction of activation
 * patterns changed since W(0), {@code max_r ||w_r(k) - w_r(0)||}, {@code ||W(k) - W(0)||_F} and the time, and every
 * {@code train.gram-every} iterations {@code lambda_min(H(k))} and {@code ||H(k) - H(0)||_F / ||H(0)||_F}
 * (Du et al. 2019, Sec. 5 and Lemma 3.2). Writes {@code metrics/} (Parquet), {@code metrics.csv}, checkpoints, plots
 * and {@code report.html}; {@code --resume} continues an interrupted run from its checkpoints.
 */
public final class TrainJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final boolean resume;
    /** For tests: end the run (as if killed) right after the checkpoint of this iteration of width {@link #interruptWidth}. */
    int interruptAfter = -1;
    int interruptWidth = -1;

    /** Thrown by the test hook {@link #interruptAfter}. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted(int k) {
            super("run interrupted after iteration " + k + " (test hook)");
        }
    }

    public TrainJob(DataSpec data, TrainSpec train, boolean resume) {
        this.data = data;
        this.train = train;
        this.resume = resume;
    }

    @Override
    public Map<String, Object> run(JobContext ctx) throws Exception {
        if (!train.model.equals("relu")) {
            if (resume) throw new UserError("--resume continues relu runs only; a " + train.model + " run keeps no checkpoints.");
            return new QuadraticTraining(data, train, QuadraticSpec.from(ctx.config.config())).run(ctx);
        }
        RunLog log = ctx.log;
        List<TrainMetrics.Row> recorded = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        ShardedSamples samples = null;
        try {
            DataSpec spec = effectiveData(ctx.dir);
            samples = ShardedSamples.load(ctx.spark, spec);
            int n = samples.plan.n;
            int d = samples.d;
            log.info("training data: %d samples, d = %d, %s; %d blocks in %d partitions", n, d, samples.plan.description,
                    samples.plan.blocks.size(), samples.partitions);
            ctx.manifestExtras.put("partitions", samples.partitions);
            ctx.manifestExtras.put("blocks", samples.plan.blocks.size());
            if (train.gramEvery > 0) DistributedGram.requireDriverMemory(n, 3, "train.gram-every > 0 (H(0), H(k) and LAPACK's copy)");
            for (int m : train.widths) {
                runs.add(trainWidth(ctx, samples, m, n, d, recorded));
            }
        } finally {
            if (!recorded.isEmpty()) TrainMetrics.write(ctx.dir, recorded);
            if (samples != null) samples.release();
        }
        TrainOutputs.plotsAndReport(ctx, recorded, runs, train);
        return summary(runs, ctx);
    }

    /** The data settings, with the partitioning of the checkpoints when resuming (the sums must be merged alike). */
    private DataSpec effectiveData(RunDirectory dir) {
        DataSpec spec = data;
        int blockSize = train.blockSize > 0 ? train.blockSize : data.blockSize;
        int partitions = data.partitions;
        if (resume) {
            for (int m : train.widths) {
                TrainCheckpoint c = TrainCheckpoint.read(dir, m);
                if (c != null) {
                    partitions = c.partitions();
                    break;
                }
            }
        }
        return spec.withLayout(blockSize, partitions);
    }

    private Map<String, Object> trainWidth(JobContext ctx, ShardedSamples samples, int m, int n, int d,
                                           List<TrainMetrics.Row> recorded) throws Exception {
        RunLog log = ctx.log;
        TrainCheckpoint checkpoint = resume ? TrainCheckpoint.read(ctx.dir, m) : null;
        if (checkpoint != null && checkpoint.d() != d) {
            throw new UserError("Checkpoint of width " + m + " has d = " + checkpoint.d() + " but the data have d = " + d + ".");
        }
        if (checkpoint != null && checkpoint.completed()) {
            log.info("m = %d: completed before (%d iterations), kept", m, checkpoint.iteration());
            recorded.addAll(checkpoint.rows());
            return runSummary(m, n, d, checkpoint.rows());
        }
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, d, train.seed);
        double[] w0 = net.initialWeights(train.kappa, train.seed);
        double[] w = checkpoint != null ? checkpoint.weights() : w0.clone();
        int start = checkpoint != null ? checkpoint.iteration() : 0;
        List<TrainMetrics.Row> rows = new ArrayList<>(checkpoint != null ? checkpoint.rows() : List.of());
        recorded.addAll(rows);
        double initialLoss = checkpoint != null ? checkpoint.initialLoss() : Double.NaN;
        if (checkpoint != null) log.info("m = %d: resuming at iteration %d of %d", m, start, train.iterations);
        log.info("m = %d: %d parameters; %.3g flops per iteration", m, (long) m * d, 4.0 * n * m * d);

        try (SparkReluOracle oracle = new SparkReluOracle(samples.blocks, net, w0, train.precision)) {
            GramTracker gram = train.gramEvery > 0 ? new GramTracker(oracle, net, n, log) : null;
            double stableStep = gram != null ? 2.0 / gram.lambdaMax0 : Double.NaN;
            if (gram != null && train.eta >= stableStep) {
                log.warn("eta = %g >= 2 / lambda_max(H(0)) = %.4g: gradient descent is expected to diverge", train.eta, stableStep);
            }
            Progress progress = new Progress(log, m, start, train.iterations, train.progressSeconds);
            final double[] initial = {initialLoss};
            GradientDescent gd = new GradientDescent(train.eta, stableStep);
            gd.run(w, start, train.iterations, initialLoss, oracle, (k, wk, e, seconds) -> {
                if (k == 0) initial[0] = e.loss();
                boolean gramNow = gram != null && k % train.gramEvery == 0;
                double[] h = gramNow ? gram.at(k, wk) : null;
                TrainMetrics.Row row = row(m, k, wk, w0, d, e, seconds, h);
                rows.add(row);
                recorded.add(row);
                progress.report(row);
                boolean last = k == train.iterations;
                if (last || (train.checkpointEvery > 0 && k % train.checkpointEvery == 0 && k > start)) {
                    new TrainCheckpoint(m, d, k, last, samples.partitions, initial[0], wk.clone(),
                            last ? rows : rows.subList(0, rows.size() - 1)).write(ctx.dir);
                }
                if (k == interruptAfter && m == interruptWidth) throw new Interrupted(k);
            });
        }
        return runSummary(m, n, d, rows);
    }

    private static TrainMetrics.Row row(int m, int k, double[] w, double[] w0, int d, ReluEvaluation e, double seconds,
                                        double[] gram) {
        double maxDist = 0, fro = 0;
        for (int r = 0; r < m; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double diff = w[r * d + j] - w0[r * d + j];
                s += diff * diff;
            }
            fro += s;
            maxDist = Math.max(maxDist, Math.sqrt(s));
        }
        return new TrainMetrics.Row(m, k, e.loss, e.gradientNorm(), e.patternChangeFraction(), maxDist, Math.sqrt(fro),
                seconds, gram != null ? gram[0] : Double.NaN, gram != null ? gram[1] : Double.NaN);
    }

    /** H(0) once, then H(k) on request: lambda_min(H(k)) and the relative change from H(0). */
    private static final class GramTracker {
        final SparkReluOracle oracle;
        final TwoLayerRelu net;
        final int n;
        final double[] h0;
        final double h0Norm;
        final double lambdaMin0;
        final double lambdaMax0;

        GramTracker(SparkReluOracle oracle, TwoLayerRelu net, int n, RunLog log) {
            this.oracle = oracle;
            this.net = net;
            this.n = n;
            long t0 = System.nanoTime();
            h0 = DistributedGram.empiricalNtk(oracle.shards(), net, null, n);
            SymmetricEigen e = SymmetricEigen.values(h0, n);
            lambdaMin0 = e.min();
            lambdaMax0 = e.max();
            double s = 0;
            for (double v : h0) s += v * v;
            h0Norm = Math.sqrt(s);
            log.info("m = %d: H(0) is %d x %d; lambda_min = %.6g, lambda_max = %.6g (%.1f s)", net.m, n, n, lambdaMin0,
                    lambdaMax0, (System.nanoTime() - t0) / 1e9);
        }

        /** {lambda_min(H(k)), ||H(k) - H(0)||_F / ||H(0)||_F}. */
        double[] at(int k, double[] w) {
            if (k == 0) return new double[] {lambdaMin0, 0.0};
            double[] h = DistributedGram.empiricalNtk(oracle.shards(), net, w, n);
            double diff = 0;
            for (int i = 0; i < h.length; i++) diff += (h[i] - h0[i]) * (h[i] - h0[i]);
            return new double[] {SymmetricEigen.values(h, n).min(), Math.sqrt(diff) / h0Norm};
        }
    }

    private Map<String, Object> runSummary(int m, int n, int d, List<TrainMetrics.Row> rows) {
        TrainMetrics.Row first = rows.get(0), last = rows.get(rows.size() - 1);
        double seconds = 0;
        int counted = 0;
        for (TrainMetrics.Row r : rows) {
            if (r.iteration() > 0) {
                seconds += r.seconds();
                counted++;
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", train.model);
        s.put("n", n);
        s.put("d", d);
        s.put("m", m);
        s.put("eta", train.eta);
        s.put("kappa", train.kappa);
        s.put("iterations", last.iteration());
        s.put("initial_loss", first.loss());
        s.put("final_loss", last.loss());
        s.put("seconds_per_iteration", counted == 0 ? last.seconds() : seconds / counted);
        s.put("max_weight_distance", last.maxWeightDistance());
        s.put("pattern_change_fraction", last.patternChangeFraction());
        if (!Double.isNaN(first.lambdaMinH())) s.put("lambda_min_h0", first.lambdaMinH());
        return s;
    }

    private Map<String, Object> summary(List<Map<String, Object>> runs, JobContext ctx) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (runs.size() == 1) s.putAll(runs.get(0));
        else {
            s.put("model", train.model);
            s.put("widths", train.widths);
        }
        s.put("precision", train.precision.id());
        s.put("blas", ctx.blas);
        s.put("runs", runs);
        return s;
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
            log.info("m = %-6d iter %5d/%d  loss %.6e  |grad| %.3e  patterns %.4f%%  max dist %.4g  %.2f it/s  %s left",
                    m, k, end, r.loss(), r.gradientNorm(), 100 * r.patternChangeFraction(), r.maxWeightDistance(), rate,
                    duration(left));
        }

        static String duration(double s) {
            if (s < 90) return String.format(java.util.Locale.ROOT, "%.0f s", s);
            if (s < 5400) return String.format(java.util.Locale.ROOT, "%.1f min", s / 60);
            return String.format(java.util.Locale.ROOT, "%.1f h", s / 3600);
        }
    }
}
