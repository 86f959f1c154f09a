package org.overparam.experiment.spectrum;

import java.util.ArrayList;
import java.util.List;
import org.overparam.config.SpectrumSpec;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;
import org.overparam.run.Figures;
import org.overparam.run.JobContext;
import org.overparam.run.JobRunner;
import org.overparam.run.RunDirectory;
import org.overparam.run.Table;
import org.overparam.theory.ComplexityMeasure;
import org.overparam.theory.LabelSpectrum;

/**
 * The outputs of a spectrum run: tables (eigenvalues; projections per label scheme; predicted loss curves) as Parquet
 * with CSV copies, Arora et al.'s Figure 1 as PNG and SVG — (b) eigenvalues with {@code |v_i . y|} on a log scale,
 * (a) predicted loss against k — {@code report.html} and the summary.
 */
public final class SpectrumOutputs {
    private SpectrumOutputs() {}

    record Scheme(String name, LabelSpectrum spectrum, ComplexityMeasure.Result complexity) {}

    /**
     * Writes the dense path's figures (drawn on background threads while the tables are written), the tables
     * {@code eigenvalues}, {@code projections} and {@code predicted_loss}, and report.html.
     */
    static void write(
            JobContext ctx, SpectrumSpec spec, SymmetricEigen eig, List<Scheme> schemes, DenseSpectrumSummary summary) {
        double[] lambda = schemes.get(0).spectrum().eigenvalues();
        long[] ks = LabelSpectrum.logGrid(spec.maxK, spec.gridPoints);
        Figures.Drawing spectrumFigure = Figures.draw(
                "spectrum",
                "Eigenvalues of the kernel in decreasing order and |v_i . y| for each label vector "
                        + "(Arora et al. Fig. 1b): true labels sit on the top eigenvectors, random labels spread over all of them.",
                spectrumChart(lambda, schemes));
        Figures.Drawing predictedFigure = Figures.draw(
                "predicted-loss",
                "Predicted training loss 1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . y)^2 with eta = " + spec.eta
                        + " (Arora et al. Thm 4.1, Fig. 1a).",
                predictedChart(spec, schemes, ks));
        eigenvaluesTable(ctx.dir, lambda);
        labelTables(ctx.dir, spec, schemes, lambda, ks);
        RunReport report = report(ctx.dir, spec, schemes, summary, lambda.length);
        Figures.write(ctx, report, spectrumFigure);
        Figures.write(ctx, report, predictedFigure);
        report.paragraph(
                "Tables: eigenvalues, projections and predicted_loss, as Parquet folders with CSV copies. Provenance: manifest.json.");
        ctx.dir.writeText("report.html", report.html());
    }

    /** Fig. 1b: the eigenvalues in decreasing order and |v_i . y| of every label vector. */
    private static Plots.Chart spectrumChart(double[] lambda, List<Scheme> schemes) {
        int n = lambda.length;
        double[] index = new double[n];
        for (int i = 0; i < n; i++) index[i] = i + 1;
        Plots.Chart spectrum = new Plots.Chart("index i (eigenvalues in decreasing order)", "value").logY(true);
        spectrum.scatter(new Plots.Series("eigenvalue lambda_i", index, lambda));
        for (Scheme x : schemes) {
            double[] p = x.spectrum().projections(), abs = new double[n];
            for (int i = 0; i < n; i++) abs[i] = Math.abs(p[i]);
            spectrum.scatter(new Plots.Series("|v_i . y|, " + x.name() + " labels", index, abs));
        }
        return spectrum;
    }

    /** Fig. 1a: the predicted loss of every label vector on the grid of k (k > 0, log axes). */
    private static Plots.Chart predictedChart(SpectrumSpec spec, List<Scheme> schemes, long[] ks) {
        Plots.Chart predicted = new Plots.Chart("iteration k", "predicted training loss")
                .logX(true)
                .logY(true);
        double[] kx = new double[ks.length - 1];
        for (int j = 1; j < ks.length; j++) kx[j - 1] = ks[j];
        for (Scheme x : schemes) {
            double[] curve = x.spectrum().predictedLossCurve(spec.eta, java.util.Arrays.copyOfRange(ks, 1, ks.length));
            predicted.add(new Plots.Series(x.name() + " labels", kx, curve));
        }
        return predicted;
    }

    /** {@code eigenvalues}: all n, decreasing. */
    private static void eigenvaluesTable(RunDirectory dir, double[] lambda) {
        Table eigenvalues = new Table(
                "eigenvalues",
                List.of(Table.Column.of("index", Table.Type.INT), Table.Column.of("eigenvalue", Table.Type.DOUBLE)));
        for (int i = 0; i < lambda.length; i++) eigenvalues.add(i + 1, lambda[i]);
        eigenvalues.write(dir);
    }

    /** {@code projections} (v_i . y and the cumulative share) and {@code predicted_loss} of every label vector. */
    private static void labelTables(
            RunDirectory dir, SpectrumSpec spec, List<Scheme> schemes, double[] lambda, long[] ks) {
        Table projections = new Table(
                "projections",
                List.of(
                        Table.Column.of("labels", Table.Type.STRING),
                        Table.Column.of("index", Table.Type.INT),
                        Table.Column.of("eigenvalue", Table.Type.DOUBLE),
                        Table.Column.of("projection", Table.Type.DOUBLE),
                        Table.Column.of("abs_projection", Table.Type.DOUBLE),
                        Table.Column.of("cumulative_share", Table.Type.DOUBLE)));
        Table predictedLoss = new Table(
                "predicted_loss",
                List.of(
                        Table.Column.of("labels", Table.Type.STRING),
                        Table.Column.of("k", Table.Type.LONG),
                        Table.Column.of("predicted_loss", Table.Type.DOUBLE)));
        for (Scheme x : schemes) {
            double[] p = x.spectrum().projections(), share = x.spectrum().cumulativeShare();
            for (int i = 0; i < lambda.length; i++)
                projections.add(x.name(), i + 1, lambda[i], p[i], Math.abs(p[i]), share[i]);
            double[] curve = x.spectrum().predictedLossCurve(spec.eta, ks);
            for (int j = 0; j < ks.length; j++) predictedLoss.add(x.name(), ks[j], curve[j]);
        }
        projections.write(dir);
        predictedLoss.write(dir);
    }

    /** report.html's text, summary and label table (the figures are added by {@link #write}). */
    private static RunReport report(
            RunDirectory dir, SpectrumSpec spec, List<Scheme> schemes, DenseSpectrumSummary summary, int n) {
        RunReport report = new RunReport("overparam spectrum: " + spec.kernel.id + " kernel, n = " + n);
        report.paragraph(
                "Eigendecomposition of the kernel matrix and the projections of the label vectors on its eigenvectors "
                        + "(Arora, Du, Hu, Li, Wang, ICML 2019). Labels concentrated on the top eigenvectors train fast and generalize: "
                        + "compare the complexity measure sqrt(2 y^T H^-1 y / n) across label schemes. Run directory: "
                        + dir.uri());
        report.keyValues("Summary", RunReport.flatten(JobRunner.asMap(summary)));
        List<List<?>> rows = new ArrayList<>();
        long kShow = Math.min(spec.maxK, 10_000);
        for (Scheme x : schemes) {
            rows.add(List.of(
                    x.name(),
                    Math.sqrt(x.spectrum().labelNormSquared()),
                    x.complexity().singular() ? "undefined" : x.complexity().complexity(),
                    x.spectrum().topShare(10),
                    x.spectrum().predictedLoss(spec.eta, kShow)));
        }
        report.table(
                "Label vectors",
                List.of("labels", "||y||", "complexity", "top-10 share", "predicted loss at k = " + kShow),
                rows);
        return report;
    }
}
