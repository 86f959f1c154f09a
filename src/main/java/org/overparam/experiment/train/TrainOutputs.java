package org.overparam.experiment.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.overparam.config.TrainSpec;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.JobContext;

/**
 * The figures and report of a training run: Du et al. (2019) Figure 1 — (a) training loss, (b) fraction of activation
 * patterns changed since initialization, (c) {@code max_r ||w_r(k) - w_r(0)||} — each against the iteration with one
 * curve per width m, plus {@code lambda_min(H(k))} and the relative change of H when the Gram matrix was tracked.
 * PNG and SVG under {@code plots/}, and {@code report.html}.
 */
public final class TrainOutputs {
    private TrainOutputs() {}

    record Figure(String file, String caption, Plots.Chart chart) {}

    static List<Figure> figures(List<TrainMetrics.Row> rows) {
        TreeMap<Integer, List<TrainMetrics.Row>> byWidth = new TreeMap<>();
        for (TrainMetrics.Row r : rows)
            byWidth.computeIfAbsent(r.m(), k -> new ArrayList<>()).add(r);
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(
                "loss",
                "Training loss L(W(k)) = sum_i (f(x_i) - y_i)^2 / 2 against the iteration, one curve per width m "
                        + "(Du et al. 2019, Fig. 1a): wider networks converge faster.",
                chart(byWidth, "training loss", TrainMetrics.Row::loss, true)));
        figures.add(new Figure(
                "pattern-changes",
                "Fraction of activation patterns 1{w_r . x_i >= 0} changed since initialization "
                        + "(Du et al. 2019, Fig. 1b): it shrinks as m grows (Lemma 3.2).",
                chart(byWidth, "fraction of patterns changed", TrainMetrics.Row::patternChangeFraction, false)));
        figures.add(new Figure(
                "max-distance",
                "max_r ||w_r(k) - w_r(0)||_2 (Du et al. 2019, Fig. 1c): the weights move less as m grows "
                        + "(Lemma 3.3, Corollary 4.1).",
                chart(byWidth, "max distance from initialization", TrainMetrics.Row::maxWeightDistance, true)));
        boolean gram = rows.stream().anyMatch(r -> !Double.isNaN(r.lambdaMinH()));
        if (gram) {
            figures.add(new Figure(
                    "lambda-min",
                    "lambda_min(H(k)) of the finite-width Gram matrix: Du et al.'s argument needs it to stay "
                            + "near lambda_min(H(0)) > 0.",
                    chart(byWidth, "lambda_min(H(k))", TrainMetrics.Row::lambdaMinH, false)));
            figures.add(new Figure(
                    "gram-change",
                    "||H(k) - H(0)||_F / ||H(0)||_F: H stays near H(0) for wide networks.",
                    chart(byWidth, "relative change of H", TrainMetrics.Row::hRelativeChange, false)));
        }
        return figures;
    }

    private static Plots.Chart chart(
            TreeMap<Integer, List<TrainMetrics.Row>> byWidth,
            String y,
            java.util.function.Function<TrainMetrics.Row, Double> f,
            boolean logY) {
        Plots.Chart c = new Plots.Chart("iteration", y).logY(logY);
        for (Map.Entry<Integer, List<TrainMetrics.Row>> e : byWidth.entrySet()) {
            List<TrainMetrics.Row> rs =
                    e.getValue().stream().filter(r -> !Double.isNaN(f.apply(r))).toList();
            double[] xs = new double[rs.size()], ys = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                xs[i] = rs.get(i).iteration();
                ys[i] = f.apply(rs.get(i));
            }
            c.add(new Plots.Series("m = " + e.getKey(), xs, ys));
        }
        return c;
    }

    static void plotsAndReport(
            JobContext ctx, List<TrainMetrics.Row> rows, List<TrainSummary.WidthRun> runs, TrainSpec train) {
        RunReport report = new RunReport("overparam train: two-layer ReLU network, widths " + train.widths);
        report.paragraph(
                "Full-batch gradient descent of f(x) = (1/sqrt(m)) sum_r a_r relu(w_r . x) with a_r ~ unif{-1,+1} fixed and "
                        + "w_r(0) ~ N(0, kappa^2 I), on the loss sum_i (f(x_i) - y_i)^2 / 2 (Du et al., ICLR 2019). Run directory: "
                        + ctx.dir.uri());
        report.keyValues("Settings", settings(ctx));
        List<String> columns = List.of(
                "m",
                "iterations",
                "initial_loss",
                "final_loss",
                "pattern_change_fraction",
                "max_weight_distance",
                "seconds_per_iteration");
        List<List<?>> table = new ArrayList<>();
        for (TrainSummary.WidthRun r : runs) {
            table.add(List.of(
                    r.m(),
                    r.iterations(),
                    r.initialLoss(),
                    r.finalLoss(),
                    r.patternChangeFraction(),
                    r.maxWeightDistance(),
                    r.secondsPerIteration()));
        }
        report.table("Results per width", columns, table);
        for (Figure f : figures(rows)) Figures.write(ctx, report, f.file(), f.caption(), f.chart());
        report.paragraph("Per-iteration metrics: metrics.csv and metrics/ (Parquet). Provenance: manifest.json.");
        ctx.dir.writeText("report.html", report.html());
    }

    private static Map<String, Object> settings(JobContext ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String section : List.of("data", "train")) {
            ctx.config.config().getConfig(section).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> m.put(section + "." + e.getKey(), e.getValue().unwrapped()));
        }
        m.put("BLAS", ctx.blas);
        return m;
    }
}
