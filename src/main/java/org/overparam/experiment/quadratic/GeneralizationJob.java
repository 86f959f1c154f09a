package org.overparam.experiment.quadratic;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.model.MiniBatches;
import org.overparam.model.Precision;
import org.overparam.model.QuadraticNet;
import org.overparam.model.TrainingSet;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.IterationListener;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.JobSummary;
import org.overparam.run.Table;
import org.overparam.spark.QuadraticOptimizers;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.UnitShardedQuadratic;

/**
 * The {@code generalization} command (Du &amp; Lee 2018, Sec. 4: with {@code ||W||_F <= M} and Gaussian inputs,
 * {@code L_test - L_train <= C L M^2 sqrt(d / n)}): for each training-set size n of {@code generalization.n}, the
 * quadratic net ({@code train.*}, one width) is trained on the shards and its mean loss measured on the training set and
 * on {@code generalization.test-n} fresh samples of the test split (the same generator, e.g. {@code data.source =
 * gaussian} with its planted teacher). Reported: train loss, test loss, their gap and {@code ||W||_F} per n, and the
 * least-squares slope of {@code log gap} against {@code log n} beside the bound's -1/2, on a log-log plot.
 */
public final class GeneralizationJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final QuadraticSpec spec;
    private final List<Integer> sizes;
    private final int testN;

    public GeneralizationJob(DataSpec data, TrainSpec train, QuadraticSpec spec, List<Integer> sizes, int testN) {
        if (train.model != TrainSpec.Model.QUADRATIC)
            throw new UserError("generalization trains Du & Lee's net: set train.model = quadratic, found "
                    + train.model.id() + ".");
        if (train.widths.size() != 1)
            throw new UserError(
                    "generalization trains one width: set train.width to one value, found " + train.widths + ".");
        if (sizes.size() < 2 || sizes.stream().anyMatch(v -> v < 1)) {
            throw new UserError("generalization.n: expected at least two sizes >= 1 for a slope, found " + sizes + ".");
        }
        if (testN < 1) throw new UserError("generalization.test-n: expected >= 1, found " + testN + ".");
        this.data = data;
        this.train = train;
        this.spec = spec;
        this.sizes = sizes;
        this.testN = testN;
    }

    record Point(
            int n, double trainLoss, double testLoss, double gap, double weightNorm, int iterations, String stop) {}

    @Override
    public Summary run(JobContext ctx) throws Exception {
        QuadraticTraining training = new QuadraticTraining(data, train, spec, false, IterationListener.NONE);
        int k = train.widths.get(0);
        List<Point> points = new ArrayList<>();
        ShardedSamples test = ShardedSamples.load(ctx.spark, data.withSplit(true, testN, data.labels));
        try {
            TrainingSet testSet = test.trainingSet(Precision.FLOAT64);
            for (int n : sizes) {
                ShardedSamples set = ShardedSamples.load(ctx.spark, data.withSplit(false, n, data.labels));
                try {
                    points.add(one(ctx, training, set, testSet, k));
                } finally {
                    set.release();
                }
            }
        } finally {
            test.release();
        }
        return write(ctx, points, k);
    }

    private Point one(JobContext ctx, QuadraticTraining training, ShardedSamples set, TrainingSet testSet, int k)
            throws Exception {
        int n = set.plan.n, d = set.d;
        QuadraticNet net = training.net(k, d);
        MiniBatches full = new MiniBatches(n, 0, train.seed);
        UnitShardedQuadratic.Placement placement = training.placement(ctx, n, d);
        QuadraticTraining.Samples samples = new QuadraticTraining.Samples(
                n,
                d,
                placement,
                placement == UnitShardedQuadratic.Placement.EVERY_EXECUTOR ? set.trainingSet(Precision.FLOAT64) : null,
                set.blocks,
                set.partitions,
                testSet);
        long t0 = System.nanoTime();
        try (UnitShardedQuadratic engine = training.engine(ctx, samples, net, full, null)) {
            QuadraticOptimizers.Outcome out = QuadraticOptimizers.minimize(
                    engine, training.minimizer(net, n), training.stoppingRule(), full, it -> {});
            double[] f = engine.predict(testSet);
            double testLoss = 0;
            for (int i = 0; i < f.length; i++) testLoss += net.loss.value(f[i], testSet.y()[i]);
            testLoss /= f.length;
            double trainLoss = out.last().dataLoss();
            Point pt = new Point(
                    n,
                    trainLoss,
                    testLoss,
                    testLoss - trainLoss,
                    Math.sqrt(engine.weightsSquared()),
                    out.iterations(),
                    out.reason());
            ctx.log.info(
                    "n = %6d: train loss %.6g, test loss %.6g, gap %.4g, ||W||_F %.4g (%d iterations, %s, %.1f s)",
                    n,
                    trainLoss,
                    testLoss,
                    pt.gap(),
                    pt.weightNorm(),
                    out.iterations(),
                    out.reason(),
                    (System.nanoTime() - t0) / 1e9);
            return pt;
        }
    }

    /** Least-squares slope of log y against log x over the points with y > 0; NaN with fewer than two. */
    static double logLogSlope(double[] x, double[] y) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = 0;
        for (int i = 0; i < x.length; i++) {
            if (!(y[i] > 0)) continue;
            double lx = Math.log(x[i]), ly = Math.log(y[i]);
            sx += lx;
            sy += ly;
            sxx += lx * lx;
            sxy += lx * ly;
            m++;
        }
        if (m < 2) return Double.NaN;
        return (m * sxy - sx * sy) / (m * sxx - sx * sx);
    }

    /**
     * The {@code generalization} command's summary (Du &amp; Lee 2018, Sec. 4): the width, the test set's size, the fitted
     * log-log slope of the train/test gap against n beside the bound's rate -1/2, and each n's point.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(int k, int testN, double fittedSlope, double theorySlope, List<Size> points, String blas)
            implements JobSummary {
        /** One training-set size: the final training and test losses, their gap, ||W||_F and how training stopped. */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record Size(
                int n,
                double trainLoss,
                double testLoss,
                double gap,
                double weightNorm,
                int iterations,
                String stopReason) {}
    }

    private Summary write(JobContext ctx, List<Point> points, int k) {
        writeTable(ctx, points);
        double[] ns = points.stream().mapToDouble(Point::n).toArray();
        double[] gaps = points.stream().mapToDouble(Point::gap).toArray();
        double slope = logLogSlope(ns, gaps);
        writeReport(ctx, ns, gaps, slope, k);
        List<Summary.Size> sizes = points.stream()
                .map(p -> new Summary.Size(
                        p.n(), p.trainLoss(), p.testLoss(), p.gap(), p.weightNorm(), p.iterations(), p.stop()))
                .toList();
        return new Summary(k, testN, slope, -0.5, sizes, ctx.blas);
    }

    /** Per n: the table {@code generalization} (Parquet and CSV). */
    private static void writeTable(JobContext ctx, List<Point> points) {
        Table table = new Table(
                "generalization",
                List.of(
                        Table.Column.of("n", Table.Type.INT),
                        Table.Column.of("train_loss", Table.Type.DOUBLE),
                        Table.Column.of("test_loss", Table.Type.DOUBLE),
                        Table.Column.of("gap", Table.Type.DOUBLE),
                        Table.Column.of("weight_norm", Table.Type.DOUBLE),
                        Table.Column.of("iterations", Table.Type.INT),
                        Table.Column.of("stop", Table.Type.STRING)));
        for (Point p : points) {
            table.add(p.n(), p.trainLoss(), p.testLoss(), p.gap(), p.weightNorm(), p.iterations(), p.stop());
        }
        table.write(ctx.dir);
    }

    /**
     * The gap against n, log-log, with the least-squares line and a line of slope -1/2 through the first positive
     * point (points with a gap &lt;= 0 have no logarithm and are left out).
     */
    private static Plots.Chart gapChart(double[] ns, double[] gaps, double slope) {
        Plots.Chart chart = new Plots.Chart("training samples n", "test loss - train loss")
                .logX(true)
                .logY(true);
        chart.add(new Plots.Series("measured gap", ns, gaps));
        int first = 0;
        while (first < gaps.length && !(gaps[first] > 0)) first++;
        if (first == gaps.length || Double.isNaN(slope)) return chart;
        double[] fit = new double[ns.length], half = new double[ns.length];
        double x0 = ns[first], y0 = gaps[first];
        double b = 0;
        int m = 0;
        for (int i = 0; i < ns.length; i++)
            if (gaps[i] > 0) {
                b += Math.log(gaps[i]) - slope * Math.log(ns[i]);
                m++;
            }
        b /= m;
        for (int i = 0; i < ns.length; i++) {
            fit[i] = Math.exp(b + slope * Math.log(ns[i]));
            half[i] = y0 * Math.sqrt(x0 / ns[i]);
        }
        chart.add(new Plots.Series(String.format(Locale.ROOT, "fitted slope %.3f", slope), ns, fit));
        chart.add(new Plots.Series("slope -1/2 (Du & Lee, Sec. 4)", ns, half));
        return chart;
    }

    /** report.html: the set-up, the fitted slope, and the gap chart. */
    private void writeReport(JobContext ctx, double[] ns, double[] gaps, double slope, int k) {
        long nonPositive = java.util.Arrays.stream(gaps).filter(g -> !(g > 0)).count();
        RunReport report =
                new RunReport("overparam generalization: Du & Lee's quadratic net, train/test gap against n");
        report.paragraph("Width k = " + k + ", weight decay lambda = " + spec.weightDecay + ", loss " + spec.loss.id
                + ", optimizer "
                + spec.optimizer.name().toLowerCase(Locale.ROOT) + " (at most " + train.iterations
                + " iterations); test set: " + testN
                + " fresh samples. Fitted log-log slope of the gap: " + String.format(Locale.ROOT, "%.3f", slope)
                + " (the bound's rate: -0.5)"
                + (nonPositive > 0
                        ? "; " + nonPositive + " point(s) with a gap <= 0 are left out of the fit and the log plot"
                        : "")
                + ". Run directory: " + ctx.dir.uri());
        Figures.write(
                ctx,
                report,
                "generalization-gap",
                "Test loss minus training loss against n, log-log, with the least-squares line "
                        + "and a line of slope -1/2 through the first point (the rate of Du & Lee's bound C L M^2 sqrt(d / n)).",
                gapChart(ns, gaps, slope));
        report.paragraph(
                "Per n: the table generalization (Parquet, and generalization.csv). Provenance: manifest.json.");
        ctx.dir.writeText("report.html", report.html());
    }
}
