package org.overparam.experiment.quadratic;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.overparam.UserError;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.data.SampleBlock;
import org.overparam.model.QuadraticEvaluation;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticSums;
import org.overparam.optim.GradientDescent;
import org.overparam.optim.Minimizer;
import org.overparam.optim.StoppingRule;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.JobSummary;
import org.overparam.run.RunLog;
import org.overparam.run.Table;
import org.overparam.spark.ShardedSamples;
import org.overparam.theory.ConvexReference;
import org.overparam.theory.OptimalityCertificate;

/**
 * The {@code landscape} command (Du &amp; Lee 2018, Thms 3.1 and 3.2, as an experiment — the paper has none): for each
 * width k of {@code landscape.widths} and each of {@code landscape.seeds} random initializations, gradient descent on
 * the quadratic net's objective ({@code train.loss}, {@code train.weight-decay}, {@code train.perturbation},
 * {@code train.kappa}); a run <em>reaches the optimum</em> when its objective is within
 * {@code landscape.tolerance * max(1, |F*|)} of the convex reference optimum F* ({@link ConvexReference}). Reported: the
 * fraction of runs reaching it against k, with the paper's thresholds {@code k = d} and the least k with
 * {@code k(k+1)/2 > n} marked, and per run the certificate.
 *
 * <p>The runs are independent and small, so they are what is distributed: the samples are collected to the driver
 * (refused above {@code landscape.max-entries} numbers), broadcast once, and each Spark task trains one (k, seed) pair
 * with the in-memory evaluation of {@link QuadraticNet} (a Spark job per gradient step would cost more than the step).
 */
public final class LandscapeJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final QuadraticSpec spec;
    private final List<Integer> widths;
    private final int seeds;
    private final double eta;
    private final int iterations;
    private final double gradientTolerance;
    private final double tolerance;
    private final long maxEntries;

    public LandscapeJob(DataSpec data, TrainSpec train, QuadraticSpec spec, Config c) {
        this.data = data;
        this.train = train;
        this.spec = spec;
        this.widths = c.getIntList("landscape.widths");
        this.seeds = c.getInt("landscape.seeds");
        this.eta = c.getDouble("landscape.eta");
        this.iterations = c.getInt("landscape.iterations");
        this.gradientTolerance = c.getDouble("landscape.gradient-tolerance");
        this.tolerance = c.getDouble("landscape.tolerance");
        this.maxEntries = c.getLong("landscape.max-entries");
        if (widths.isEmpty() || widths.stream().anyMatch(k -> k < 1))
            throw new UserError("landscape.widths: expected widths >= 1, found " + widths + ".");
        if (seeds < 1) throw new UserError("landscape.seeds: expected >= 1, found " + seeds + ".");
        if (!(eta > 0) || iterations < 1 || !(gradientTolerance >= 0) || !(tolerance > 0)) {
            throw new UserError(
                    "landscape: expected eta > 0, iterations >= 1, gradient-tolerance >= 0 and tolerance > 0; found "
                            + eta + ", " + iterations + ", " + gradientTolerance + ", " + tolerance + ".");
        }
    }

    /** One (k, seed) run's outcome. */
    public record Run(
            int k,
            int seed,
            double objective,
            double gap,
            double gradientNorm,
            int iterations,
            String stop,
            double lambdaMin,
            int rank,
            boolean reached)
            implements Serializable {}

    @Override
    public Summary run(JobContext ctx) throws Exception {
        ShardedSamples samples = ShardedSamples.load(ctx.spark, data);
        int n = samples.plan.n, d = samples.d;
        double[] x = new double[n * d], y = new double[n];
        try {
            for (SampleBlock b : samples.collect(maxEntries)) {
                System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
                System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
            }
        } catch (IllegalStateException e) {
            throw new UserError("landscape trains every run on the driver's copy of the data: " + e.getMessage()
                    + " Lower data.n or raise landscape.max-entries.");
        } finally {
            samples.release();
        }
        QuadraticNet probe = trainer().net(1, d);
        long c0 = System.nanoTime();
        ConvexReference.Result opt = ConvexReference.solve(
                m -> {
                    QuadraticSums s = probe.newSums(QuadraticNet.Path.FORM);
                    probe.accumulate(x, n, y, m, probe.workspace(QuadraticNet.Path.FORM), s);
                    return probe.convexObjective(m, s);
                },
                d,
                new double[d * d],
                1.0,
                100_000,
                1e-10);
        int rankM = OptimalityCertificate.rank(ConvexReference.factor(opt.m(), d, d), d, d);
        ctx.log.info(
                "convex optimum F* = %.10g (rank %d, %s after %d steps, %.1f s)",
                opt.objective(),
                rankM,
                opt.converged() ? "converged" : "NOT converged",
                opt.iterations(),
                (System.nanoTime() - c0) / 1e9);
        if (!opt.converged())
            ctx.log.warn("the convex solver did not converge: 'reached' is judged against an upper bound of F*");
        int kStar = 1;
        while ((long) kStar * (kStar + 1) / 2 <= n) kStar++;

        List<int[]> tasks = new ArrayList<>();
        for (int k : widths) for (int s = 0; s < seeds; s++) tasks.add(new int[] {k, s});
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
        Broadcast<double[][]> bd = jsc.broadcast(new double[][] {x, y});
        ctx.log.info(
                "%d runs (%d widths x %d seeds), up to %d GD steps each, in parallel on the executors",
                tasks.size(), widths.size(), seeds, iterations);
        double fStar = opt.objective();
        Trainer trainer = trainer();
        List<Run> runs;
        try {
            runs = new ArrayList<>(jsc.parallelize(
                            tasks, Math.max(1, Math.min(tasks.size(), 4 * jsc.defaultParallelism())))
                    .map(t -> trainer.run(t[0], t[1], bd.value()[0], bd.value()[1], n, d, fStar))
                    .collect());
        } finally {
            bd.destroy();
        }
        return write(ctx, runs, n, d, kStar, opt, rankM);
    }

    /** What one task needs to train one (k, seed) run: plain values only, shipped to the executors. */
    record Trainer(
            org.overparam.model.Loss loss,
            double weightDecay,
            double perturbation,
            long seed,
            double kappa,
            double eta,
            int iterations,
            double gradientTolerance,
            double tolerance,
            double certificateTolerance)
            implements Serializable {
        QuadraticNet net(int k, int d) {
            double[] c = perturbation > 0 ? QuadraticNet.randomPsd(d, perturbation, seed) : null;
            return QuadraticNet.duLee(k, d, loss, weightDecay, c);
        }

        Run run(int k, int s, double[] x, double[] y, int n, int d, double fStar) throws Exception {
            QuadraticNet net = net(k, d);
            double[] w = net.initialWeights(kappa, org.overparam.Seeds.key(seed, "landscape", s));
            QuadraticNet.Path p = net.cheaperPath(n);
            Minimizer.Outcome<QuadraticEvaluation> out = new GradientDescent(eta, Double.NaN)
                    .minimize(
                            w,
                            (wk, t) -> net.evaluate(x, n, y, wk, p),
                            new StoppingRule(iterations, Double.NEGATIVE_INFINITY, gradientTolerance),
                            (t, wk, e, sec) -> {});
            QuadraticEvaluation e = net.evaluate(x, n, y, w, QuadraticNet.Path.FORM);
            OptimalityCertificate c =
                    OptimalityCertificate.of(e.formGradient(), w, k, d, n, certificateTolerance, net.c != null);
            double gap = e.loss() - fStar;
            return new Run(
                    k,
                    s,
                    e.loss(),
                    gap,
                    e.gradientNorm(),
                    out.iterations(),
                    out.reason(),
                    c.lambdaMin(),
                    c.rank(),
                    gap <= tolerance * Math.max(1, Math.abs(fStar)));
        }
    }

    Trainer trainer() {
        return new Trainer(
                spec.loss,
                spec.weightDecay,
                spec.perturbation,
                train.seed,
                train.kappa,
                eta,
                iterations,
                gradientTolerance,
                tolerance,
                spec.certificateTolerance);
    }

    /**
     * The {@code landscape} command's summary (Du &amp; Lee 2018, Thms 3.1 and 3.2): the sizes, the two sufficient
     * widths (k &gt;= d, and the smallest k with k(k+1)/2 &gt; n), the convex problem's optimum, whether it converged and
     * its rank, the initializations per width, and per width the fraction of runs that reached the optimum.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(
            int n,
            int d,
            @JsonProperty("threshold_k_ge_d") int thresholdKGeD,

            @JsonProperty("threshold_k_k_plus_1_over_2_gt_n")
            int thresholdKSquaredOverTwoGtN,

            double convexOptimum,
            boolean convexConverged,
            int convexRank,
            int seeds,
            List<Width> perWidth,
            String blas)
            implements JobSummary {
        /** Of width k's runs, the share that reached the convex optimum. */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record Width(int k, int runs, double fractionReached) {}
    }

    private Summary write(
            JobContext ctx, List<Run> runs, int n, int d, int kStar, ConvexReference.Result opt, int rankM) {
        writeTable(ctx, runs);
        List<Summary.Width> perWidth = perWidth(runs, ctx.log);
        writeReport(ctx, perWidth, n, d, kStar, opt, rankM);
        return new Summary(n, d, d, kStar, opt.objective(), opt.converged(), rankM, seeds, perWidth, ctx.blas);
    }

    /** Every run: the table {@code landscape} (Parquet and CSV). */
    private static void writeTable(JobContext ctx, List<Run> runs) {
        Table table = new Table(
                "landscape",
                List.of(
                        Table.Column.of("k", Table.Type.INT),
                        Table.Column.of("seed", Table.Type.INT),
                        Table.Column.of("objective", Table.Type.DOUBLE),
                        Table.Column.of("gap", Table.Type.DOUBLE),
                        Table.Column.of("gradient_norm", Table.Type.DOUBLE),
                        Table.Column.of("iterations", Table.Type.INT),
                        Table.Column.of("stop", Table.Type.STRING),
                        Table.Column.nullable("lambda_min_q", Table.Type.DOUBLE),
                        Table.Column.of("rank_w", Table.Type.INT),
                        Table.Column.of("reached", Table.Type.BOOLEAN)));
        for (Run r : runs) {
            table.add(
                    r.k(),
                    r.seed(),
                    r.objective(),
                    r.gap(),
                    r.gradientNorm(),
                    r.iterations(),
                    r.stop(),
                    r.lambdaMin(),
                    r.rank(),
                    r.reached());
        }
        table.write(ctx.dir);
    }

    /** Per width, in increasing k: its runs and the fraction that reached the optimum, each logged. */
    private static List<Summary.Width> perWidth(List<Run> runs, RunLog log) {
        TreeMap<Integer, int[]> byK = new TreeMap<>();
        for (Run r : runs) {
            int[] c = byK.computeIfAbsent(r.k(), k -> new int[2]);
            c[0]++;
            if (r.reached()) c[1]++;
        }
        List<Summary.Width> perWidth = new ArrayList<>();
        for (Map.Entry<Integer, int[]> e : byK.entrySet()) {
            int k = e.getKey(), count = e.getValue()[0], reached = e.getValue()[1];
            perWidth.add(new Summary.Width(k, count, reached / (double) count));
            log.info("k = %3d: %d of %d runs reached the convex optimum", k, reached, count);
        }
        return perWidth;
    }

    /** report.html: the set-up, and the fraction reached against k with the two theorems' widths marked. */
    private void writeReport(
            JobContext ctx,
            List<Summary.Width> perWidth,
            int n,
            int d,
            int kStar,
            ConvexReference.Result opt,
            int rankM) {
        double[] ks = perWidth.stream().mapToDouble(Summary.Width::k).toArray();
        double[] frac =
                perWidth.stream().mapToDouble(Summary.Width::fractionReached).toArray();
        Plots.Chart chart = new Plots.Chart("width k", "fraction of runs reaching the convex optimum");
        chart.add(new Plots.Series("GD from random initializations", ks, frac));
        chart.add(new Plots.Series("k = d = " + d + " (Thm 3.1)", new double[] {d, d}, new double[] {0, 1}));
        chart.add(new Plots.Series(
                "k(k+1)/2 > n from k = " + kStar + " (Thm 3.2)", new double[] {kStar, kStar}, new double[] {0, 1}));
        RunReport report = new RunReport(
                "overparam landscape: Du & Lee's quadratic net, fraction of runs reaching the global optimum");
        report.paragraph("For each width k, " + seeds + " random initializations (W(0) entries N(0, " + train.kappa
                + "^2)) trained by gradient "
                + "descent (eta = " + eta + ", at most " + iterations + " steps, stopping at gradient norm "
                + gradientTolerance + "). A run reaches "
                + "the optimum when its objective is within " + tolerance
                + " x max(1, |F*|) of the convex problem's optimum F* = " + opt.objective()
                + " (rank of the optimal M: " + rankM + "). n = " + n + ", d = " + d + ". Run directory: "
                + ctx.dir.uri());
        Figures.write(
                ctx,
                report,
                "landscape",
                "Fraction of runs reaching the convex optimum against k, with Du & Lee's sufficient widths "
                        + "marked: k >= d (Thm 3.1) and k(k+1)/2 > n (Thm 3.2, for the perturbed objective).",
                chart);
        report.paragraph("Every run: the table landscape (Parquet, and landscape.csv). Provenance: manifest.json.");
        ctx.dir.writeText("report.html", report.html());
    }
}
