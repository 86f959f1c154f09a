package org.overparam.job;

import org.overparam.report.Plots;
import org.overparam.report.RunReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outputs of the {@code compare} command: {@code trajectory.csv} (actual and predicted loss per label vector and
 * iteration), {@code gram.csv} ({@code ||H(0) - Hinf||_2 / ||Hinf||_2} per width, with the fitted log-log slope),
 * the overlay plot (Arora et al. Fig. 1a with the measured curves beside the predicted ones), the convergence plot of
 * H(0), {@code report.html}, and the summary.
 */
final class CompareOutputs {
    private CompareOutputs() {
    }

    static Map<String, Object> write(JobContext ctx, TrainSpec train, List<CompareJob.Point> points, List<CompareJob.Run> runs,
                                     List<double[]> gram, int n, int d, int m) {
        StringBuilder csv = new StringBuilder("labels,iteration,actual_loss,predicted_loss\n");
        for (CompareJob.Point p : points) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%.17g,%.17g%n", p.labels(), p.iteration(), p.actual(), p.predicted()));
        }
        ctx.dir.writeText("trajectory.csv", csv.toString());
        StringBuilder g = new StringBuilder("m,relative_error\n");
        for (double[] r : gram) g.append(String.format(Locale.ROOT, "%d,%.17g%n", (int) r[0], r[1]));
        ctx.dir.writeText("gram.csv", g.toString());
        double slope = slope(gram);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("n", n);
        summary.put("d", d);
        summary.put("m", m);
        summary.put("eta", train.eta);
        summary.put("kappa", train.kappa);
        summary.put("iterations", train.iterations);
        Map<String, Object> labels = new LinkedHashMap<>();
        for (CompareJob.Run r : runs) labels.put(r.labels(), CompareJob.runMap(r));
        summary.put("labels", labels);
        List<Map<String, Object>> gramRows = new ArrayList<>();
        for (double[] r : gram) gramRows.add(Map.of("m", (int) r[0], "relative_error", r[1]));
        summary.put("gram", gramRows);
        summary.put("gram_slope", Double.isNaN(slope) ? null : slope);
        summary.put("blas", ctx.blas);

        Plots.Chart overlay = new Plots.Chart("iteration k", "training loss").logY(true);
        for (CompareJob.Run r : runs) {
            List<CompareJob.Point> ps = points.stream().filter(p -> p.labels().equals(r.labels())).toList();
            double[] k = new double[ps.size()], a = new double[ps.size()], pr = new double[ps.size()];
            for (int i = 0; i < ps.size(); i++) {
                k[i] = ps.get(i).iteration();
                a[i] = ps.get(i).actual();
                pr[i] = ps.get(i).predicted();
            }
            overlay.add(new Plots.Series(r.labels() + " labels, gradient descent", k, a));
            overlay.add(new Plots.Series(r.labels() + " labels, predicted (Thm 4.1)", k, pr));
        }
        RunReport report = new RunReport("overparam compare: theory against practice, n = " + n + ", m = " + m);
        report.paragraph("Gradient descent on the two-layer ReLU net (eta = " + train.eta + ", kappa = " + train.kappa
                + ") beside Arora et al.'s prediction from the spectrum of Hinf, for each label vector. Run directory: " + ctx.dir.uri());
        List<List<?>> rows = new ArrayList<>();
        for (CompareJob.Run r : runs) {
            rows.add(List.of(r.labels(), r.finalActual(), r.finalPredicted(), r.maxGap(), r.weightDistance(), r.weightBound(), r.complexity()));
        }
        report.table("Per label vector", List.of("labels", "final loss", "predicted", "largest relative gap", "||W(K) - W(0)||_F",
                "sqrt(y' Hinf^-1 y)", "complexity"), rows);
        Figures.write(ctx, report, "theory-vs-practice", "Training loss of gradient descent and the loss Theorem 4.1 predicts from Hinf, "
                + "for each label vector.", overlay);
        if (gram.size() >= 1) {
            double[] mx = new double[gram.size()], ey = new double[gram.size()];
            for (int i = 0; i < gram.size(); i++) {
                mx[i] = gram.get(i)[0];
                ey[i] = gram.get(i)[1];
            }
            Plots.Chart conv = new Plots.Chart("width m", "||H(0) - Hinf||_2 / ||Hinf||_2").logX(true).logY(true);
            conv.add(new Plots.Series("measured", mx, ey));
            Figures.write(ctx, report, "gram-convergence", String.format(Locale.ROOT,
                    "Distance of the finite-width Gram H(0) from Hinf against m; fitted log-log slope %.3f (theory: -1/2).", slope), conv);
        }
        ctx.dir.writeText("report.html", report.html());
        return summary;
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
