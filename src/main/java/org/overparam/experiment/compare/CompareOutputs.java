package org.overparam.experiment.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.overparam.config.TrainSpec;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.JobContext;

/**
 * Outputs of the {@code compare} command: {@code trajectory.csv} (actual and predicted loss per label vector and
 * iteration), {@code gram.csv} ({@code ||H(0) - Hinf||_2 / ||Hinf||_2} per width, with the fitted log-log slope),
 * the overlay plot (Arora et al. Fig. 1a with the measured curves beside the predicted ones), the convergence plot of
 * H(0), {@code report.html}, and the summary.
 */
public final class CompareOutputs {
    private CompareOutputs() {}

    /**
     * Writes {@code trajectory.csv} and {@code gram.csv}, the overlay of actual and predicted losses at the largest
     * width, the Gram convergence figure, the width-limit study when there are several widths, and report.html;
     * returns the summary.
     */
    static CompareSummary write(
            JobContext ctx,
            TrainSpec train,
            List<CompareJob.Point> points,
            List<CompareJob.Run> runs,
            List<double[]> gram,
            int n,
            int d) {
        int m = train.widths.get(train.widths.size() - 1);
        writeCsvs(ctx, points, gram);
        double slope = slope(gram);
        RunReport report = report(ctx, train, runs, n, m);
        Map<String, Object> widthLimit = train.widths.size() > 1 ? widthLimit(ctx, report, runs, gram) : null;
        CompareSummary summary = summary(ctx, train, runs, gram, n, d, m, slope, widthLimit);
        Figures.write(
                ctx,
                report,
                "theory-vs-practice",
                "Training loss of gradient descent and the loss Theorem 4.1 predicts from Hinf, "
                        + "for each label vector.",
                overlay(points, runs, m));
        if (gram.size() >= 1) {
            Figures.write(
                    ctx,
                    report,
                    "gram-convergence",
                    String.format(
                            Locale.ROOT,
                            "Distance of the finite-width Gram H(0) from Hinf against m; fitted log-log slope %.3f (theory: -1/2).",
                            slope),
                    gramChart(gram));
        }
        ctx.dir.writeText("report.html", report.html());
        return summary;
    }

    /** {@code trajectory.csv} (actual and predicted loss per width, label vector and iteration) and {@code gram.csv}. */
    private static void writeCsvs(JobContext ctx, List<CompareJob.Point> points, List<double[]> gram) {
        StringBuilder csv = new StringBuilder("m,labels,iteration,actual_loss,predicted_loss\n");
        for (CompareJob.Point p : points) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%d,%.17g,%.17g%n",
                    p.m(),
                    p.labels(),
                    p.iteration(),
                    p.actual(),
                    p.predicted()));
        }
        ctx.dir.writeText("trajectory.csv", csv.toString());
        StringBuilder g = new StringBuilder("m,relative_error\n");
        for (double[] r : gram) g.append(String.format(Locale.ROOT, "%d,%.17g%n", (int) r[0], r[1]));
        ctx.dir.writeText("gram.csv", g.toString());
    }

    /** The headline figures: per label vector at the largest width, and the Gram error with its slope. */
    private static CompareSummary summary(
            JobContext ctx,
            TrainSpec train,
            List<CompareJob.Run> runs,
            List<double[]> gram,
            int n,
            int d,
            int m,
            double slope,
            Map<String, Object> widthLimit) {
        Map<String, CompareSummary.LabelRun> labels = new LinkedHashMap<>();
        for (CompareJob.Run r : runs) if (r.m() == m) labels.put(r.labels(), CompareSummary.LabelRun.of(r));
        List<CompareSummary.GramError> gramRows = new ArrayList<>();
        for (double[] r : gram) gramRows.add(new CompareSummary.GramError((int) r[0], r[1]));
        return new CompareSummary(
                n,
                d,
                train.widths.size() == 1 ? m : train.widths,
                train.eta,
                train.kappa,
                train.iterations,
                labels,
                gramRows,
                Double.isNaN(slope) ? null : slope,
                ctx.blas,
                widthLimit);
    }

    /** The actual and predicted losses of every label vector at width m. */
    private static Plots.Chart overlay(List<CompareJob.Point> points, List<CompareJob.Run> runs, int m) {
        Plots.Chart overlay = new Plots.Chart("iteration k", "training loss").logY(true);
        for (CompareJob.Run r : runs) {
            if (r.m() != m) continue;
            List<CompareJob.Point> ps = points.stream()
                    .filter(p -> p.m() == m && p.labels().equals(r.labels()))
                    .toList();
            double[] k = new double[ps.size()], a = new double[ps.size()], pr = new double[ps.size()];
            for (int i = 0; i < ps.size(); i++) {
                k[i] = ps.get(i).iteration();
                a[i] = ps.get(i).actual();
                pr[i] = ps.get(i).predicted();
            }
            overlay.add(new Plots.Series(r.labels() + " labels, gradient descent", k, a));
            overlay.add(new Plots.Series(r.labels() + " labels, predicted (Thm 4.1)", k, pr));
        }
        return overlay;
    }

    /** ||H(0) - Hinf|| / ||Hinf|| against m, log axes. */
    private static Plots.Chart gramChart(List<double[]> gram) {
        double[] mx = new double[gram.size()], ey = new double[gram.size()];
        for (int i = 0; i < gram.size(); i++) {
            mx[i] = gram.get(i)[0];
            ey[i] = gram.get(i)[1];
        }
        Plots.Chart conv = new Plots.Chart("width m", "||H(0) - Hinf||_2 / ||Hinf||_2")
                .logX(true)
                .logY(true);
        conv.add(new Plots.Series("measured", mx, ey));
        return conv;
    }

    /** report.html's text and the table per width and label vector (the figures are added by {@link #write}). */
    private static RunReport report(JobContext ctx, TrainSpec train, List<CompareJob.Run> runs, int n, int m) {
        RunReport report = new RunReport("overparam compare: theory against practice, n = " + n + ", m = " + m);
        report.paragraph("Gradient descent on the two-layer ReLU net (eta = " + train.eta + ", kappa = " + train.kappa
                + ") beside Arora et al.'s prediction from the spectrum of Hinf, for each label vector. Run directory: "
                + ctx.dir.uri());
        List<List<?>> rows = new ArrayList<>();
        for (CompareJob.Run r : runs) {
            rows.add(List.of(
                    r.m(),
                    r.labels(),
                    r.finalActual(),
                    r.finalPredicted(),
                    r.maxGap(),
                    r.weightDistance(),
                    r.weightBound(),
                    r.maxUnitDistance(),
                    r.complexity()));
        }
        report.table(
                "Per width and label vector",
                List.of(
                        "m",
                        "labels",
                        "final loss",
                        "predicted",
                        "largest relative gap",
                        "||W(K) - W(0)||_F",
                        "sqrt(y' Hinf^-1 y)",
                        "max_r ||w_r(K) - w_r(0)||",
                        "complexity"),
                rows);
        return report;
    }

    /**
     * The kernel-regime study over the trained widths: {@code width-limit.csv} (one row per width and label vector: the
     * largest relative gap to Theorem 4.1, ||W(K) - W(0)||_F and its bound, max_r ||w_r(K) - w_r(0)||, and
     * ||H(0) - Hinf||_2 / ||Hinf||_2 at that width), each quantity's fitted log-log slope against m per label vector,
     * and one plot of them all against m.
     */
    private static Map<String, Object> widthLimit(
            JobContext ctx, RunReport report, List<CompareJob.Run> runs, List<double[]> gram) {
        writeWidthLimitCsv(ctx, runs, gram);
        Map<String, Object> out = new LinkedHashMap<>();
        Plots.Chart chart = new Plots.Chart("width m", "gap, distance or error")
                .logX(true)
                .logY(true)
                .size(1000, 520);
        List<List<?>> rows = new ArrayList<>();
        for (String labels :
                runs.stream().map(CompareJob.Run::labels).distinct().toList()) {
            List<CompareJob.Run> rs =
                    runs.stream().filter(r -> r.labels().equals(labels)).toList();
            CompareSummary.LabelSeries series = labelSeries(rs);
            out.put(labels, series);
            double[] widths = series(rs, r -> r.m()), gap = series(rs, CompareJob.Run::maxGap);
            double[] unit = series(rs, CompareJob.Run::maxUnitDistance);
            chart.add(new Plots.Series(labels + ": largest gap to Thm 4.1", widths, gap));
            chart.add(new Plots.Series(labels + ": max_r ||w_r(K) - w_r(0)||", widths, unit));
            rows.add(List.of(
                    labels,
                    slope(widths, gap),
                    slope(widths, series(rs, CompareJob.Run::weightDistance)),
                    slope(widths, unit)));
        }
        double[] gm = new double[gram.size()], ge = new double[gram.size()];
        for (int i = 0; i < gram.size(); i++) {
            gm[i] = gram.get(i)[0];
            ge[i] = gram.get(i)[1];
        }
        out.put("h0_relative_error", toList(ge));
        out.put("h0_relative_error_slope", CompareSummary.finite(slope(gm, ge)));
        if (gram.size() > 0) chart.add(new Plots.Series("||H(0) - Hinf||_2 / ||Hinf||_2", gm, ge));
        report.table(
                "Log-log slopes against m",
                List.of("labels", "largest gap", "||W(K) - W(0)||_F", "max_r ||w_r(K) - w_r(0)||"),
                rows);
        Figures.write(
                ctx,
                report,
                "width-limit",
                String.format(
                        Locale.ROOT,
                        "The kernel regime as m grows: the largest relative gap "
                                + "between gradient descent and Theorem 4.1, the largest distance a unit moves, and ||H(0) - Hinf|| / ||Hinf|| "
                                + "(slope %.3f), against the width.",
                        slope(gm, ge)),
                chart);
        return out;
    }

    /** {@code width-limit.csv}: one row per width and label vector. */
    private static void writeWidthLimitCsv(JobContext ctx, List<CompareJob.Run> runs, List<double[]> gram) {
        Map<Integer, Double> h0 = new LinkedHashMap<>();
        for (double[] g : gram) h0.put((int) g[0], g[1]);
        StringBuilder csv = new StringBuilder(
                "m,labels,max_relative_gap,weight_distance,weight_distance_bound,max_unit_distance,h0_relative_error\n");
        for (CompareJob.Run r : runs) {
            Double e = h0.get(r.m());
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%.17g,%.17g,%.17g,%.17g,%s%n",
                    r.m(),
                    r.labels(),
                    r.maxGap(),
                    r.weightDistance(),
                    r.weightBound(),
                    r.maxUnitDistance(),
                    e == null ? "" : String.format(Locale.ROOT, "%.17g", e)));
        }
        ctx.dir.writeText("width-limit.csv", csv.toString());
    }

    /** One label vector's runs over the widths, as series with their fitted slopes. */
    private static CompareSummary.LabelSeries labelSeries(List<CompareJob.Run> rs) {
        double[] gap = series(rs, CompareJob.Run::maxGap), fro = series(rs, CompareJob.Run::weightDistance);
        double[] unit = series(rs, CompareJob.Run::maxUnitDistance), widths = series(rs, r -> r.m());
        return new CompareSummary.LabelSeries(
                rs.stream().map(CompareJob.Run::m).toList(),
                toList(gap),
                CompareSummary.finite(slope(widths, gap)),
                toList(fro),
                CompareSummary.finite(rs.get(0).weightBound()),
                CompareSummary.finite(slope(widths, fro)),
                toList(unit),
                CompareSummary.finite(slope(widths, unit)));
    }

    private static double[] series(List<CompareJob.Run> rs, java.util.function.ToDoubleFunction<CompareJob.Run> f) {
        return rs.stream().mapToDouble(f).toArray();
    }

    private static List<Double> toList(double[] v) {
        List<Double> l = new ArrayList<>();
        for (double x : v) l.add(x);
        return l;
    }

    /** Least-squares slope of log(y) against log(x); NaN with fewer than two points or a non-positive value. */
    static double slope(double[] x, double[] y) {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] > 0 && y[i] > 0)) return Double.NaN;
            pairs.add(new double[] {x[i], y[i]});
        }
        return slope(pairs);
    }

    /** Least-squares slope of log(error) against log(m); NaN with fewer than two widths. */
    static double slope(List<double[]> gram) {
        if (gram.size() < 2) return Double.NaN;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int k = gram.size();
        for (double[] r : gram) {
            double x = Math.log(r[0]), y = Math.log(r[1]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }
}
