package org.overparam.run;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.overparam.report.Plots;
import org.overparam.report.RunReport;

/**
 * Writes a chart as {@code plots/<name>.png} and {@code .svg} in the run directory and adds it to the report. Charts
 * are drawn on background threads ({@link #draw}), so a job can start drawing its figures, write its tables meanwhile,
 * and then {@link #write} them in the report's order.
 */
public final class Figures {
    private Figures() {}

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Two drawing threads (daemons): a figure's PNG and SVG at once, or two figures' SVGs. */
    private static final ExecutorService DRAWING = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "overparam-figures-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** A chart being drawn as PNG and SVG (both only read the chart, which must not change meanwhile). */
    public record Drawing(String name, String caption, CompletableFuture<byte[]> png, CompletableFuture<byte[]> svg) {}

    /** Starts drawing; the SVG, the slower of the two, first. */
    public static Drawing draw(String name, String caption, Plots.Chart chart) {
        CompletableFuture<byte[]> svg = CompletableFuture.supplyAsync(chart::svg, DRAWING);
        CompletableFuture<byte[]> png = CompletableFuture.supplyAsync(chart::png, DRAWING);
        return new Drawing(name, caption, png, svg);
    }

    /** Waits for the drawing, writes both files and adds the figure to the report. */
    public static void write(JobContext ctx, RunReport report, Drawing d) {
        byte[] png = result(d.png()), svg = result(d.svg());
        ctx.dir.writeBytes("plots/" + d.name() + ".png", png);
        ctx.dir.writeBytes("plots/" + d.name() + ".svg", svg);
        report.figure(d.caption(), "plots/" + d.name() + ".png", svg);
    }

    public static void write(JobContext ctx, RunReport report, String name, String caption, Plots.Chart chart) {
        write(ctx, report, draw(name, caption, chart));
    }

    private static byte[] result(CompletableFuture<byte[]> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        }
    }
}
