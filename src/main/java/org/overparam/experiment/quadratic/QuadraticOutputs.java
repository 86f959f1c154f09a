package org.overparam.experiment.quadratic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.TrainSpec;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.JobContext;
import org.overparam.run.RunLog;
import org.overparam.run.Table;
import org.overparam.spark.QuadraticOptimizers;

/**
 * Metrics, figures and report of a quadratic-net training run: {@code metrics.csv} and {@code metrics/} (Parquet) with
 * one row per recorded iteration, the training objective against the iteration (log scale), the same smoothed as Ge et
 * al. plot it (each point the mean of the last {@value #SMOOTHING} records), the gradient norm, and {@code report.html}.
 */
public final class QuadraticOutputs {
    /** Ge et al.'s smoothing window, in records. */
    static final int SMOOTHING = 20;

    public static final List<String> COLUMNS =
            List.of("width", "iteration", "loss", "data_loss", "gradient_norm", "learning_rate", "seconds");

    private QuadraticOutputs() {}

    /** One recorded iteration; on a mini-batch run, loss and gradient are the batch's. */
    record Row(
            int width,
            int iteration,
            double loss,
            double dataLoss,
            double gradientNorm,
            double learningRate,
            double seconds) {
        Object[] values() {
            return new Object[] {width, iteration, loss, dataLoss, gradientNorm, learningRate, seconds};
        }
    }

    /** Records every {@code every}-th iteration (and the last), and prints progress lines. */
    static class Recorder implements QuadraticOptimizers.Listener {
        final int width;
        final int every;
        final List<Row> rows;
        final RunLog log;
        final double progressSeconds;
        final int maxIterations;
        final long t0 = System.nanoTime();
        long lastLine;
        final int firstIteration;
        Row pending;
        boolean pendingRecorded;

        /** From iteration {@code firstIteration} (0, or where a resumed run continues). */
        Recorder(
                int width,
                int every,
                List<Row> rows,
                RunLog log,
                double progressSeconds,
                int maxIterations,
                int firstIteration) {
            this.firstIteration = firstIteration;
            this.width = width;
            this.every = every;
            this.rows = rows;
            this.log = log;
            this.progressSeconds = progressSeconds;
            this.maxIterations = maxIterations;
        }

        @Override
        public void onIterate(QuadraticOptimizers.Iterate e) throws Exception {
            int k = e.iteration();
            pending = new Row(width, k, e.loss(), e.dataLoss(), e.gradientNorm(), e.learningRate(), e.seconds());
            pendingRecorded = k % every == 0;
            if (pendingRecorded) rows.add(pending);
            long now = System.nanoTime();
            if (k == firstIteration || (now - lastLine) / 1e9 >= progressSeconds) {
                lastLine = now;
                double elapsed = (now - t0) / 1e9, itps = (k + 1 - firstIteration) / Math.max(elapsed, 1e-9);
                log.info(
                        "width %-6d iter %6d/%d  loss %.6e  |grad| %.3e  %.2f it/s  %s left",
                        width,
                        k,
                        maxIterations,
                        e.loss(),
                        e.gradientNorm(),
                        itps,
                        duration((maxIterations - k) / itps));
            }
        }

        /** Adds the last iteration if it fell between records. */
        void finish() {
            if (pending != null && !pendingRecorded) rows.add(pending);
        }
    }

    static String duration(double s) {
        if (s < 90) return String.format(Locale.ROOT, "%.0f s", s);
        if (s < 5400) return String.format(Locale.ROOT, "%.1f min", s / 60);
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }

    /** Writes {@code metrics/} (Parquet) and {@code metrics.csv}. */
    static void writeMetrics(JobContext ctx, List<Row> rows) {
        List<Table.Column> columns = new ArrayList<>(
                List.of(Table.Column.of("width", Table.Type.INT), Table.Column.of("iteration", Table.Type.INT)));
        for (String c : COLUMNS.subList(2, COLUMNS.size())) columns.add(Table.Column.of(c, Table.Type.DOUBLE));
        Table table = new Table("metrics", columns);
        for (Row r : rows) table.add(r.values());
        table.write(ctx.dir);
    }

    /** Each point the mean of the last {@code window} values up to it (fewer at the start). */
    static double[] trailingMean(double[] v, int window) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** report.html: the set-up and settings, the results per width, and the loss and gradient-norm figures. */
    static void plotsAndReport(
            JobContext ctx, List<Row> rows, List<QuadraticSummary.WidthRun> runs, TrainSpec train, QuadraticSpec spec) {
        RunReport report = header(ctx, train, spec);
        report.table("Results per width", RESULT_COLUMNS, results(runs));
        figures(ctx, report, rows, train, spec);
        report.paragraph(
                "Per-iteration metrics: metrics.csv and metrics/ (Parquet). Certificates and gaps: summary.json. Provenance: manifest.json.");
        ctx.dir.writeText("report.html", report.html());
    }

    private static final List<String> RESULT_COLUMNS = List.of(
            "width",
            "iterations",
            "stop_reason",
            "initial_loss",
            "final_loss",
            "final_gradient_norm",
            "certificate",
            "convex gap",
            "test_mse");

    /** The report's title, what was trained, and the data and train settings. */
    private static RunReport header(JobContext ctx, TrainSpec train, QuadraticSpec spec) {
        String what = train.model == TrainSpec.Model.QUADRATIC
                ? "Du & Lee's quadratic net f(x) = sum_j (w_j . x)^2"
                : "Ge et al.'s signed quadratic net f(x) = sum_i a_i (w_i . x)^2";
        RunReport report = new RunReport("overparam train: " + what + ", widths " + train.widths);
        report.paragraph(what
                + (spec.featuresK > 0
                        ? ", on random features z = (R x)^" + spec.featuresPower + " (k = " + spec.featuresK + ")"
                        : "")
                + ", trained by " + spec.optimizer.name().toLowerCase(Locale.ROOT) + ". Run directory: "
                + ctx.dir.uri());
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String section : List.of("data", "train")) {
            ctx.config.config().getConfig(section).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> settings.put(
                            section + "." + e.getKey(), e.getValue().unwrapped()));
        }
        report.keyValues("Settings", settings);
        return report;
    }

    /** One row per width, in {@link #RESULT_COLUMNS}' order. */
    private static List<List<?>> results(List<QuadraticSummary.WidthRun> runs) {
        List<List<?>> table = new ArrayList<>();
        for (QuadraticSummary.WidthRun r : runs) {
            Object cert = r.certificate() != null
                    ? r.certificate().lambdaMinQ() + " (" + r.certificate().conclusion() + ")"
                    : "";
            table.add(List.of(
                    r.width(),
                    r.iterations(),
                    r.stopReason(),
                    r.initialLoss(),
                    r.finalLoss(),
                    r.finalGradientNorm(),
                    cert,
                    r.convexReference() != null ? r.convexReference().gap() : "",
                    r.testMse() != null ? r.testMse() : ""));
        }
        return table;
    }

    /** The objective (raw and smoothed as Ge et al. plot it) and the gradient norm against the iteration, per width. */
    private static void figures(JobContext ctx, RunReport report, List<Row> rows, TrainSpec train, QuadraticSpec spec) {
        TreeMap<Integer, List<Row>> byWidth = new TreeMap<>();
        for (Row r : rows)
            byWidth.computeIfAbsent(r.width(), k -> new ArrayList<>()).add(r);
        Plots.Chart loss = new Plots.Chart("iteration", "training objective").logY(true);
        Plots.Chart smooth = new Plots.Chart(
                        "iteration", "training objective, mean of the last " + SMOOTHING + " records")
                .logY(true);
        Plots.Chart grad = new Plots.Chart("iteration", "gradient norm").logY(true);
        for (Map.Entry<Integer, List<Row>> e : byWidth.entrySet()) {
            List<Row> rs = e.getValue();
            double[] it = new double[rs.size()], l = new double[rs.size()], g = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                it[i] = rs.get(i).iteration();
                l[i] = rs.get(i).loss();
                g[i] = rs.get(i).gradientNorm();
            }
            String name = (train.model == TrainSpec.Model.SIGNED_QUADRATIC ? "r = " : "k = ") + e.getKey();
            loss.add(new Plots.Series(name, it, l));
            smooth.add(new Plots.Series(name, it, trailingMean(l, SMOOTHING)));
            grad.add(new Plots.Series(name, it, g));
        }
        Figures.write(
                ctx,
                report,
                "loss",
                "Training objective against the iteration"
                        + (spec.batchSize > 0 && spec.optimizer == QuadraticSpec.Optimizer.ADAM
                                ? " (mini-batch objective; summary.json's final_loss is the whole training set's)"
                                : "")
                        + ".",
                loss);
        Figures.write(
                ctx,
                report,
                "loss-smoothed",
                "The same, smoothed as Ge et al. (2020, App. A) plot it: recorded every " + spec.recordEvery
                        + " iterations, each point the mean of the last " + SMOOTHING + " records.",
                smooth);
        Figures.write(ctx, report, "gradient-norm", "Norm of the gradient of the objective.", grad);
    }
}
