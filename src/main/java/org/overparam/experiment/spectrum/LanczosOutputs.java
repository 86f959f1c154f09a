package org.overparam.experiment.spectrum;

import java.util.ArrayList;
import java.util.List;
import org.overparam.config.SpectrumSpec;
import org.overparam.linalg.GaussQuadrature;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.JobContext;
import org.overparam.run.JobRunner;
import org.overparam.run.RunDirectory;
import org.overparam.run.Table;
import org.overparam.theory.LabelSpectrum;

/**
 * The outputs of the large-n spectrum path, analogous to {@link SpectrumOutputs}: tables {@code top_eigenvalues},
 * {@code spectral_density} (log-spaced bins with the standard error across probes), {@code density_nodes} (each
 * probe's quadrature nodes and weights, each probe's weights summing to the fraction of eigenvalues it stands for, and
 * the exactly counted top eigenvalues as probe -1 with weight 1/n each: the estimated distribution is the mean over
 * probes plus the exact part), {@code label_measure} (the Gauss
 * quadrature nodes and weights of each label vector), {@code predicted_loss} (with its error estimate); plots of the
 * density on a log axis with its band, the label measures, and the predicted loss curves; the summary says which path
 * ran, the iterations and the error estimates.
 */
public final class LanczosOutputs {
    private LanczosOutputs() {}

    /**
     * Writes the large-n path's tables, figures and report: the top eigenvalues, the density (histogram, its nodes,
     * its figure), the label measures and predicted losses (tables and figures), then report.html.
     */
    static void write(JobContext ctx, SpectrumSpec spec, LanczosSpectrum.Result r, LanczosSpectrumSummary summary) {
        topEigenvalues(ctx.dir, r);
        Plots.Chart density = density(ctx.dir, spec, r);
        densityNodes(ctx.dir, r);
        LabelCharts labels = labelTables(ctx.dir, spec, r);
        RunReport report = report(ctx.dir, spec, r, summary);
        Figures.write(
                ctx,
                report,
                "spectral-density",
                "Eigenvalue density of the kernel by stochastic Lanczos quadrature (log axes), "
                        + "with a band of two standard errors across probes; the top eigenvalues are counted exactly.",
                density);
        Figures.write(
                ctx,
                report,
                "label-measure",
                "Share of ||y||^2 on eigenvalues at or below each Ritz value, from each label vector's "
                        + "Gauss quadrature (true labels sit on the top eigenvalues, Arora et al. Fig. 1b).",
                labels.measures());
        Figures.write(
                ctx,
                report,
                "predicted-loss",
                "Predicted training loss 1/2 y^T (I - eta H)^(2k) y with eta = " + spec.eta
                        + " by Lanczos quadrature (Arora et al. Thm 4.1, Fig. 1a).",
                labels.curves());
        report.paragraph(
                "Tables: top_eigenvalues, spectral_density, label_measure and predicted_loss, as Parquet folders with CSV copies. Provenance: manifest.json.");
        ctx.dir.writeText("report.html", report.html());
    }

    /** {@code top_eigenvalues}: ARPACK's eigenvalues and residuals. */
    private static void topEigenvalues(RunDirectory dir, LanczosSpectrum.Result r) {
        Table top = new Table(
                "top_eigenvalues",
                List.of(
                        Table.Column.of("index", Table.Type.INT),
                        Table.Column.of("eigenvalue", Table.Type.DOUBLE),
                        Table.Column.of("residual", Table.Type.DOUBLE)));
        for (int i = 0; i < r.top().values().length; i++)
            top.add(i + 1, r.top().values()[i], r.top().residuals()[i]);
        top.write(dir);
    }

    /** {@code spectral_density}, log-spaced bins from lambda_min to lambda_max, and its chart with a 2-SE band. */
    private static Plots.Chart density(RunDirectory dir, SpectrumSpec spec, LanczosSpectrum.Result r) {
        double[] range = r.density().range();
        double lo = Math.max(range[0], r.bottom().value()) * 0.999, hi = range[1] * 1.001;
        if (!(lo > 0)) lo = Math.max(r.bottom().value(), hi * 1e-12);
        double[] edges = org.overparam.linalg.SpectralDensity.logEdges(lo, hi, spec.lanczos.densityBins);
        double[][] hist = r.density().histogram(edges);
        Table density = new Table(
                "spectral_density",
                List.of(
                        Table.Column.of("bin_low", Table.Type.DOUBLE),
                        Table.Column.of("bin_high", Table.Type.DOUBLE),
                        Table.Column.of("eigenvalues", Table.Type.DOUBLE),
                        Table.Column.of("standard_error", Table.Type.DOUBLE)));
        List<Double> cx = new ArrayList<>(), cy = new ArrayList<>(), cl = new ArrayList<>(), ch = new ArrayList<>();
        for (int b = 0; b < hist.length; b++) {
            density.add(edges[b], edges[b + 1], hist[b][0], hist[b][1]);
            if (hist[b][0] > 0) {
                cx.add(Math.sqrt(edges[b] * edges[b + 1]));
                cy.add(hist[b][0]);
                cl.add(Math.max(hist[b][0] - 2 * hist[b][1], hist[b][0] * 1e-3));
                ch.add(hist[b][0] + 2 * hist[b][1]);
            }
        }
        density.write(dir);
        Plots.Chart hc =
                new Plots.Chart("eigenvalue", "eigenvalues per bin").logX(true).logY(true);
        hc.add(new Plots.Series(
                "estimate (SLQ, " + r.density().probes() + " probes; top "
                        + r.top().values().length + " exact)",
                toArray(cx),
                toArray(cy)));
        hc.add(new Plots.Series("estimate - 2 standard errors", toArray(cx), toArray(cl)));
        hc.add(new Plots.Series("estimate + 2 standard errors", toArray(cx), toArray(ch)));
        return hc;
    }

    /** {@code density_nodes}: every probe's Gauss nodes and weights, and the exact top eigenvalues (probe -1). */
    private static void densityNodes(RunDirectory dir, LanczosSpectrum.Result r) {
        Table probeNodes = new Table(
                "density_nodes",
                List.of(
                        Table.Column.of("probe", Table.Type.INT),
                        Table.Column.of("node", Table.Type.DOUBLE),
                        Table.Column.of("weight", Table.Type.DOUBLE)));
        double[][][] quad = r.density().quadratures();
        for (int p = 0; p < quad.length; p++) {
            for (int j = 0; j < quad[p][0].length; j++) probeNodes.add(p, quad[p][0][j], quad[p][1][j]);
        }
        for (double v : r.top().values()) probeNodes.add(-1, v, 1.0 / r.n());
        probeNodes.write(dir);
    }

    /** The label measures' and predicted losses' charts. */
    private record LabelCharts(Plots.Chart measures, Plots.Chart curves) {}

    /** {@code label_measure} and {@code predicted_loss} for every label vector, with their charts. */
    private static LabelCharts labelTables(RunDirectory dir, SpectrumSpec spec, LanczosSpectrum.Result r) {
        Table measure = new Table(
                "label_measure",
                List.of(
                        Table.Column.of("labels", Table.Type.STRING),
                        Table.Column.of("node", Table.Type.DOUBLE),
                        Table.Column.of("weight", Table.Type.DOUBLE),
                        Table.Column.of("share_at_or_below", Table.Type.DOUBLE)));
        Table predicted = new Table(
                "predicted_loss",
                List.of(
                        Table.Column.of("labels", Table.Type.STRING),
                        Table.Column.of("k", Table.Type.LONG),
                        Table.Column.of("predicted_loss", Table.Type.DOUBLE),
                        Table.Column.of("error_estimate", Table.Type.DOUBLE)));
        LabelCharts charts = new LabelCharts(
                new Plots.Chart("eigenvalue (Ritz value of the label's Lanczos run)", "share of ||y||^2 at or below")
                        .logX(true),
                new Plots.Chart("iteration k", "predicted training loss")
                        .logX(true)
                        .logY(true));
        long[] ks = LabelSpectrum.logGrid(spec.maxK, spec.gridPoints);
        for (LanczosSpectrum.Scheme x : r.schemes()) {
            labelMeasure(measure, charts.measures(), x);
            predictedLoss(predicted, charts.curves(), x, spec.eta, ks);
        }
        measure.write(dir);
        predicted.write(dir);
        return charts;
    }

    /** One label vector's Gauss nodes, weights and cumulative share of ||y||^2, into the table and the chart. */
    private static void labelMeasure(Table measure, Plots.Chart chart, LanczosSpectrum.Scheme x) {
        GaussQuadrature q = x.spectrum().quadrature();
        double[] nodes = q.nodes(), w = q.weights();
        double cum = 0;
        List<Double> mx = new ArrayList<>(), my = new ArrayList<>();
        for (int j = 0; j < nodes.length; j++) {
            cum += w[j];
            measure.add(x.name(), nodes[j], w[j], cum / q.normSquared());
            if (nodes[j] > 0) {
                mx.add(nodes[j]);
                my.add(cum / q.normSquared());
            }
        }
        if (!mx.isEmpty()) chart.add(new Plots.Series(x.name() + " labels", toArray(mx), toArray(my)));
    }

    /** One label vector's predicted loss (Theorem 4.1 by quadrature) on the grid of k, into the table and chart. */
    private static void predictedLoss(
            Table predicted, Plots.Chart chart, LanczosSpectrum.Scheme x, double eta, long[] ks) {
        List<Double> kx = new ArrayList<>(), ky = new ArrayList<>();
        for (long k : ks) {
            double loss = x.spectrum().predictedLoss(eta, k);
            predicted.add(x.name(), k, loss, x.spectrum().predictedLossError(eta, k));
            if (k > 0 && loss > 0) {
                kx.add((double) k);
                ky.add(loss);
            }
        }
        chart.add(new Plots.Series(x.name() + " labels", toArray(kx), toArray(ky)));
    }

    /** report.html's text, summary and label table (the figures are added by {@link #write}). */
    private static RunReport report(
            RunDirectory dir, SpectrumSpec spec, LanczosSpectrum.Result r, LanczosSpectrumSummary summary) {
        RunReport report =
                new RunReport("overparam spectrum (large-n path): " + spec.kernel.id + " kernel, n = " + r.n());
        report.paragraph(
                "The kernel matrix was never formed: it stayed in tiles on the executors and was applied to blocks of vectors "
                        + r.passes()
                        + " times. Top eigenpairs by ARPACK, lambda_min by LOBPCG, label spectral measures by Lanczos quadrature, "
                        + "the eigenvalue density by stochastic Lanczos quadrature, the complexity by preconditioned conjugate gradients. "
                        + "Run directory: " + dir.uri());
        report.keyValues("Summary", RunReport.flatten(JobRunner.asMap(summary)));
        List<List<?>> rows = new ArrayList<>();
        long kShow = Math.min(spec.maxK, 10_000);
        for (LanczosSpectrum.Scheme x : r.schemes()) {
            rows.add(List.of(
                    x.name(),
                    Math.sqrt(x.spectrum().labelNormSquared()),
                    x.complexity().singular() ? "undefined" : x.complexity().complexity(),
                    x.solve().iterations(),
                    x.spectrum().predictedLoss(spec.eta, kShow),
                    x.spectrum().predictedLossError(spec.eta, kShow)));
        }
        report.table(
                "Label vectors",
                List.of(
                        "labels",
                        "||y||",
                        "complexity",
                        "CG iterations",
                        "predicted loss at k = " + kShow,
                        "error estimate"),
                rows);
        return report;
    }

    private static double[] toArray(List<Double> v) {
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) a[i] = v.get(i);
        return a;
    }
}
