package org.overparam.job;

import org.overparam.report.Plots;
import org.overparam.report.RunReport;

import java.util.concurrent.CompletableFuture;

/** Writes a chart as {@code plots/<name>.png} and {@code .svg} in the run directory and adds it to the report. */
final class Figures {
    private Figures() {
    }

    /** The SVG is drawn on a second thread while this one draws the PNG (both only read the chart). */
    static void write(JobContext ctx, RunReport report, String name, String caption, Plots.Chart chart) {
        CompletableFuture<byte[]> svgLater = CompletableFuture.supplyAsync(chart::svg);
        byte[] png = chart.png();
        byte[] svg = svgLater.join();
        ctx.dir.writeBytes("plots/" + name + ".png", png);
        ctx.dir.writeBytes("plots/" + name + ".svg", svg);
        report.figure(caption, "plots/" + name + ".png", svg);
    }
}
