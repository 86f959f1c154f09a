package org.overparam.job;

import org.overparam.report.Plots;
import org.overparam.report.RunReport;

/** Writes a chart as {@code plots/<name>.png} and {@code .svg} in the run directory and adds it to the report. */
final class Figures {
    private Figures() {
    }

    static void write(JobContext ctx, RunReport report, String name, String caption, Plots.Chart chart) {
        byte[] svg = chart.svg();
        ctx.dir.writeBytes("plots/" + name + ".png", chart.png());
        ctx.dir.writeBytes("plots/" + name + ".svg", svg);
        report.figure(caption, "plots/" + name + ".png", svg);
    }
}
