package org.overparam.experiment.noise;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.UserError;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.data.LabelScheme;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.model.TrainingSet;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.JobSummary;
import org.overparam.run.Table;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.UnitLayout;
import org.overparam.spark.UnitShardedRelu;
import org.overparam.theory.ComplexityMeasure;

/**
 * The {@code noise} command (Arora et al., ICML 2019, Fig. 2): for each label-noise fraction p, a seeded fraction p of
 * the training and of the test labels is redrawn from unif{-1,+1}; the complexity measure
 * {@code sqrt(2 y^T Hinf^{-1} y / n)} is computed on the training set (Cholesky of Hinf), the two-layer ReLU net is
 * trained by gradient descent ({@code train.*}, one width), and its test l1 loss {@code mean |f(x) - y|} and test
 * classification error {@code mean 1{sign f(x) != y}} are measured on the held-out split. The paper's finding: the
 * complexity measure tracks the test error.
 */
public final class NoiseJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final List<Double> fractions;
    private final int testN;

    public NoiseJob(DataSpec data, TrainSpec train, List<Double> fractions, int testN) {
        if (data.test)
            throw new UserError(
                    "noise trains on the training split: set data.split = train (the test split is held out).");
        if (data.classes.length != 2 || data.labels.kind != LabelScheme.Kind.TRUE) {
            throw new UserError(
                    "noise needs two classes with data.labels = true (it randomizes the labels itself), found classes "
                            + java.util.Arrays.toString(data.classes) + " and labels " + data.labels + ".");
        }
        if (train.widths.size() != 1)
            throw new UserError("noise trains one width: set train.width to one value, found " + train.widths + ".");
        if (fractions.isEmpty()) throw new UserError("noise.fractions: expected at least one fraction, found [].");
        for (double p : fractions) {
            if (!(p >= 0 && p <= 1))
                throw new UserError("noise.fractions: expected fractions in [0, 1], found " + p + ".");
        }
        this.data = data;
        this.train = train;
        this.fractions = fractions;
        this.testN = testN;
    }

    record Result(double p, double complexity, double trainLoss, double testL1, double testError) {}

    /**
     * The {@code noise} command's summary (Arora et al. 2019, Fig. 2): per fraction p of randomized labels the
     * complexity, final training loss, test l1 loss and test error, and the complexity's Pearson correlation with the
     * test error and the test l1 loss (NaN with fewer than two fractions).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(
            List<Fraction> fractions,
            double correlationComplexityTestError,
            double correlationComplexityTestL1,
            int m,
            double eta,
            int iterations,
            String blas)
            implements JobSummary {
        /** One fraction's results; the complexity is null where it is not finite. */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record Fraction(double p, Double complexity, double trainLoss, double testL1Loss, double testError) {}
    }

    @Override
    public Summary run(JobContext ctx) throws Exception {
        List<Result> results = new ArrayList<>();
        for (double p : fractions) results.add(one(ctx, p));
        return write(ctx, results);
    }

    private Result one(JobContext ctx, double p) throws Exception {
        LabelScheme scheme = LabelScheme.parse("random:" + p);
        ShardedSamples trainSet = ShardedSamples.load(ctx.spark, data.withSplit(false, data.n, scheme));
        ShardedSamples testSet = ShardedSamples.load(ctx.spark, data.withSplit(true, testN, scheme));
        try {
            int n = trainSet.plan.n, d = trainSet.d, m = train.widths.get(0);
            DistributedGram.requireDriverMemory(n, 2, "noise (Hinf and its Cholesky factor)");
            double[] hinf = DistributedGram.kernel(trainSet.blocks, InnerProductKernel.RELU_NTK, n);
            ComplexityMeasure.Result c =
                    ComplexityMeasure.byCholesky(hinf, n, ShardedSamples.labels(trainSet.blocks, n));
            TrainingSet set = trainSet.trainingSet(train.precision), test = testSet.trainingSet(train.precision);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
            UnitLayout layout = UnitLayout.choose(
                    m, set, train.precision, UnitLayout.Executors.of(jsc), train.unitBlocks, train.representation, 0);
            double[] last = {Double.NaN};
            double[] f;
            try (UnitShardedRelu engine =
                    new UnitShardedRelu(jsc, set, layout, train.kappa, train.seed, train.precision)) {
                engine.train(train.iterations, train.eta, Double.NaN, pass -> last[0] = pass.loss());
                f = engine.predict(test);
            }
            double[] y = test.y();
            double[] sums = new double[3];
            for (int i = 0; i < f.length; i++) {
                sums[0] += Math.abs(f[i] - y[i]);
                if (Math.signum(f[i]) != Math.signum(y[i])) sums[1]++;
            }
            sums[2] = f.length;
            Result r = new Result(p, c.complexity(), last[0], sums[0] / sums[2], sums[1] / sums[2]);
            ctx.log.info(
                    "p = %.2f: complexity %.4g, final training loss %.4g, test l1 loss %.4f, test error %.4f (%d train, %d test)",
                    p, r.complexity(), r.trainLoss(), r.testL1(), r.testError(), n, (long) sums[2]);
            return r;
        } finally {
            trainSet.release();
            testSet.release();
        }
    }

    private Summary write(JobContext ctx, List<Result> results) {
        writeTable(ctx, results);
        double[] ps = column(results, Result::p), cx = column(results, Result::complexity);
        double[] l1 = column(results, Result::testL1), err = column(results, Result::testError);
        writeReport(ctx, results, ps, cx, l1, err);
        List<Summary.Fraction> rows = new ArrayList<>();
        for (Result r : results) {
            rows.add(new Summary.Fraction(
                    r.p(),
                    Double.isNaN(r.complexity()) ? null : r.complexity(),
                    r.trainLoss(),
                    r.testL1(),
                    r.testError()));
        }
        return new Summary(
                rows, pearson(cx, err), pearson(cx, l1), train.widths.get(0), train.eta, train.iterations, ctx.blas);
    }

    private static double[] column(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        return results.stream().mapToDouble(f).toArray();
    }

    /** Per fraction: the table {@code noise} (Parquet and CSV). */
    private static void writeTable(JobContext ctx, List<Result> results) {
        Table noise = new Table(
                "noise",
                List.of(
                        Table.Column.of("p", Table.Type.DOUBLE),
                        Table.Column.nullable("complexity", Table.Type.DOUBLE),
                        Table.Column.of("train_loss", Table.Type.DOUBLE),
                        Table.Column.of("test_l1_loss", Table.Type.DOUBLE),
                        Table.Column.of("test_error", Table.Type.DOUBLE)));
        for (Result r : results) noise.add(r.p(), r.complexity(), r.trainLoss(), r.testL1(), r.testError());
        noise.write(ctx.dir);
    }

    /** report.html: the correlations, the figure of Arora et al.'s Fig. 2, and the table per fraction. */
    private static void writeReport(
            JobContext ctx, List<Result> results, double[] ps, double[] cx, double[] l1, double[] err) {
        Plots.Chart chart = new Plots.Chart("fraction p of randomized labels", "value");
        chart.add(new Plots.Series("complexity sqrt(2 y' Hinf^-1 y / n)", ps, cx));
        chart.add(new Plots.Series("test l1 loss", ps, l1));
        chart.add(new Plots.Series("test classification error", ps, err));
        RunReport report = new RunReport("overparam noise: label noise against complexity and test error");
        report.paragraph(String.format(
                Locale.ROOT,
                "Arora et al. (ICML 2019), Fig. 2. Correlation of the complexity measure with the test "
                        + "error: %.3f; with the test l1 loss: %.3f. Run directory: %s",
                pearson(cx, err),
                pearson(cx, l1),
                ctx.dir.uri()));
        Figures.write(
                ctx,
                report,
                "noise",
                "Complexity measure, test l1 loss and test classification error against the fraction "
                        + "of random labels.",
                chart);
        List<List<?>> table = new ArrayList<>();
        for (Result r : results) table.add(List.of(r.p(), r.complexity(), r.trainLoss(), r.testL1(), r.testError()));
        report.table(
                "Per fraction", List.of("p", "complexity", "final training loss", "test l1 loss", "test error"), table);
        ctx.dir.writeText("report.html", report.html());
    }

    /** Pearson correlation; NaN with fewer than two points or no spread. */
    static double pearson(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) return Double.NaN;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i] / n;
            mb += b[i] / n;
        }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
