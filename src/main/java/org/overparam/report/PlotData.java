package org.overparam.report;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * The data side of a plot: which points can be drawn on the chosen axes, and where the legend hides the fewest of them.
 */
final class PlotData {
    /** Past this share of the sampled curve points under the best inside corner, the legend goes outside the plot. */
    static final double CROWDED = 0.02;
    /** Inside corners in order of preference when several are equally empty (matplotlib's "best" order). */
    private static final LegendPosition[] CORNERS = {
        LegendPosition.InsideNE, LegendPosition.InsideNW, LegendPosition.InsideSW, LegendPosition.InsideSE,
    };
    /** Samples per segment of a line series, so a line crossing a corner between two points counts as being there. */
    private static final int SEGMENT_SAMPLES = 4;

    private PlotData() {}

    /**
     * The drawable points of a series and how many were dropped: {@code nonFinite} had a NaN or infinite coordinate,
     * {@code nonPositive} were finite but not positive on a log axis (log scale has no place for them).
     */
    record Points(double[] x, double[] y, int nonFinite, int nonPositive) {
        int size() {
            return x.length;
        }
    }

    /** Keeps the points whose coordinates are finite, and positive on each log axis; counts the others. */
    static Points clean(double[] x, double[] y, boolean logX, boolean logY) {
        int n = x.length;
        double[] kx = new double[n];
        double[] ky = new double[n];
        int k = 0;
        int nonFinite = 0;
        int nonPositive = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                nonFinite++;
            } else if ((logX && x[i] <= 0) || (logY && y[i] <= 0)) {
                nonPositive++;
            } else {
                kx[k] = x[i];
                ky[k] = y[i];
                k++;
            }
        }
        return new Points(Arrays.copyOf(kx, k), Arrays.copyOf(ky, k), nonFinite, nonPositive);
    }

    /**
     * Adds to {@code notes} one sentence per kind of point of the series {@code name} that {@link #clean} dropped, or
     * one saying that nothing of it can be drawn.
     */
    static void describeDrops(String name, Points p, boolean logX, boolean logY, List<String> notes) {
        if (p.size() == 0) {
            int given = p.nonFinite() + p.nonPositive();
            notes.add(name + ": nothing to draw (" + count(given) + ", none finite"
                    + (logX || logY ? " and positive on the log axes" : "") + "); not shown.");
            return;
        }
        if (p.nonFinite() > 0) notes.add(name + ": " + count(p.nonFinite()) + " with NaN or infinite values dropped.");
        if (p.nonPositive() > 0) {
            String axes = logX && logY ? "x or y" : logX ? "x" : "y";
            notes.add(name + ": " + count(p.nonPositive()) + " with " + axes + " ≤ 0 dropped on the log "
                    + (logX && logY ? "axes." : axes + " axis."));
        }
    }

    private static String count(int points) {
        return points == 1 ? "1 point" : points + " points";
    }

    /** The smallest x ({@code x} true) or y of the points, +infinity when there are none. */
    static double min(List<Points> series, boolean x) {
        double m = Double.POSITIVE_INFINITY;
        for (Points p : series) for (double v : x ? p.x() : p.y()) m = Math.min(m, v);
        return m;
    }

    /** The largest x ({@code x} true) or y of the points, -infinity when there are none. */
    static double max(List<Points> series, boolean x) {
        double m = Double.NEGATIVE_INFINITY;
        for (Points p : series) for (double v : x ? p.x() : p.y()) m = Math.max(m, v);
        return m;
    }

    /**
     * The points that can be seen at a resolution of {@code columns x rows} cells over the axes' ranges (log10 of
     * the data on a log axis), so a curve of 10^5 iterations does not become 10^5 SVG elements. A line whose x values
     * increase keeps, per column, its first, last, lowest and highest point (the M4 rule of Jugel et al., VLDB 2014),
     * which draws the same polyline at that resolution; a scatter keeps the first point per cell. Series with at most
     * {@code 4 * columns} points, and lines whose x values do not increase, are returned as they are.
     *
     * @param range the axes' ranges in the data's units: {xMin, xMax, yMin, yMax}
     */
    static Points thin(Points p, boolean line, boolean logX, boolean logY, double[] range, int columns, int rows) {
        int n = p.size();
        if (n <= 4 * columns) return p;
        double u0 = axis(range[0], logX);
        double du = axis(range[1], logX) - u0;
        double v0 = axis(range[2], logY);
        double dv = axis(range[3], logY) - v0;
        int[] col = new int[n];
        for (int i = 0; i < n; i++) {
            if (line && i > 0 && !(p.x()[i] > p.x()[i - 1])) return p;
            col[i] = du > 0 ? (int) Math.min(columns - 1, (axis(p.x()[i], logX) - u0) / du * columns) : 0;
        }
        boolean[] keep = new boolean[n];
        if (line) {
            for (int start = 0; start < n; ) {
                int end = start;
                int lo = start;
                int hi = start;
                while (end + 1 < n && col[end + 1] == col[start]) {
                    end++;
                    if (p.y()[end] < p.y()[lo]) lo = end;
                    if (p.y()[end] > p.y()[hi]) hi = end;
                }
                keep[start] = keep[end] = keep[lo] = keep[hi] = true;
                start = end + 1;
            }
        } else {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                int row = dv > 0 ? (int) Math.min(rows - 1, (axis(p.y()[i], logY) - v0) / dv * rows) : 0;
                keep[i] = seen.add((long) col[i] * rows + row);
            }
        }
        int k = 0;
        for (boolean b : keep) if (b) k++;
        double[] x = new double[k];
        double[] y = new double[k];
        for (int i = 0, j = 0; i < n; i++) {
            if (!keep[i]) continue;
            x[j] = p.x()[i];
            y[j++] = p.y()[i];
        }
        return new Points(x, y, p.nonFinite(), p.nonPositive());
    }

    /**
     * The inside corner whose legend box would cover the fewest curve points without covering all of any one series,
     * or {@link LegendPosition#OutsideE} when every corner would hide a series or even the best covers more than
     * {@link #CROWDED} of the points. Coordinates are compared on the axes' own scale
     * (log10 on a log axis), normalised to the data's range, which is close to XChart's axis range.
     *
     * @param boxWidth  the legend box's width as a fraction of the plot area's width
     * @param boxHeight the legend box's height as a fraction of the plot area's height
     */
    static LegendPosition legendCorner(
            List<Points> series, List<Boolean> lines, boolean logX, boolean logY, double boxWidth, double boxHeight) {
        double[] range = {
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
        };
        for (Points p : series) {
            for (int i = 0; i < p.size(); i++) {
                double u = axis(p.x()[i], logX);
                double v = axis(p.y()[i], logY);
                range[0] = Math.min(range[0], u);
                range[1] = Math.max(range[1], u);
                range[2] = Math.min(range[2], v);
                range[3] = Math.max(range[3], v);
            }
        }
        if (!(range[0] <= range[1])) return LegendPosition.InsideNE;
        long[] covered = new long[CORNERS.length];
        long samples = 0;
        // A corner that would cover every point of a series (say the single point of the worst-case labels) hides it.
        boolean[] hidesASeries = new boolean[CORNERS.length];
        for (int s = 0; s < series.size(); s++) {
            Points p = series.get(s);
            int steps = lines.get(s) ? SEGMENT_SAMPLES : 1;
            long[] before = covered.clone();
            long samplesBefore = samples;
            for (int i = 0; i < p.size(); i++) {
                int last = (i + 1 < p.size()) ? steps : 1;
                for (int j = 0; j < last; j++) {
                    double t = (double) j / steps;
                    double u = axis(p.x()[i], logX);
                    double v = axis(p.y()[i], logY);
                    if (j > 0) {
                        u += t * (axis(p.x()[i + 1], logX) - u);
                        v += t * (axis(p.y()[i + 1], logY) - v);
                    }
                    double nu = unit(u, range[0], range[1]);
                    double nv = unit(v, range[2], range[3]);
                    samples++;
                    for (int c = 0; c < CORNERS.length; c++) {
                        if (inCorner(CORNERS[c], nu, nv, boxWidth, boxHeight)) covered[c]++;
                    }
                }
            }
            long own = samples - samplesBefore;
            for (int c = 0; c < CORNERS.length; c++) {
                if (own > 0 && covered[c] - before[c] == own) hidesASeries[c] = true;
            }
        }
        int best = -1;
        for (int c = 0; c < CORNERS.length; c++) {
            if (!hidesASeries[c] && (best < 0 || covered[c] < covered[best])) best = c;
        }
        return best < 0 || covered[best] > CROWDED * samples ? LegendPosition.OutsideE : CORNERS[best];
    }

    private static double axis(double v, boolean log) {
        return log ? Math.log10(v) : v;
    }

    private static double unit(double v, double lo, double hi) {
        return hi > lo ? (v - lo) / (hi - lo) : 0.5;
    }

    /** Whether a point in the unit square falls under a legend box of the given size in that corner, with a margin. */
    private static boolean inCorner(LegendPosition corner, double u, double v, double w, double h) {
        double margin = 0.03;
        boolean east = corner == LegendPosition.InsideNE || corner == LegendPosition.InsideSE;
        boolean north = corner == LegendPosition.InsideNE || corner == LegendPosition.InsideNW;
        boolean inU = east ? u >= 1 - w - margin : u <= w + margin;
        boolean inV = north ? v >= 1 - h - margin : v <= h + margin;
        return inU && inV;
    }
}
