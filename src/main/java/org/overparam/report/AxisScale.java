package org.overparam.report;

import java.awt.Color;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How one axis maps data to the page, and the tick labels that go with it, working around two habits of XChart 3.8.8.
 *
 * <p>First, XChart's own log axis labels every decade and draws a grid line at each of 2..9 x 10^k, which is fine over
 * a decade or two but unreadable over ten (a loss falling from 1 to 1e-12). So a log axis spanning at least
 * {@value #TRANSFORM_DECADES} decades is drawn as a linear axis over log10 of the data, with labels 10ⁿ at whole
 * exponents; the tick spacing hint is raised so that XChart's 1-2-5 step rule never picks a fractional exponent. A log
 * axis over fewer decades uses XChart's log axis with labels at 1..9 x 10^k, where that density is what one wants.
 *
 * <p>Second, when the x (or y) values of the series are equally spaced (iterations 0, 1, 2, ...), XChart puts ticks at
 * every k-th data value (0, 3, 6, 9, ...) instead of at round numbers. {@link #addTickAnchor} adds one invisible,
 * legend-less series whose two points break the equal spacing XChart tests for, so the round-number rule applies.
 */
final class AxisScale {
    /** Log axes spanning at least this many decades are drawn as linear axes over log10 of the data. */
    static final double TRANSFORM_DECADES = 2.0;

    private final boolean log;
    private final boolean transformed;
    private final double lo;
    private final double hi;

    private AxisScale(boolean log, boolean transformed, double lo, double hi) {
        this.log = log;
        this.transformed = transformed;
        this.lo = lo;
        this.hi = hi;
    }

    /**
     * The scale for data in {@code [lo, hi]} (positive when {@code log}); with no data ({@code lo > hi}) the axis is
     * left to XChart.
     */
    static AxisScale of(boolean log, double lo, double hi) {
        boolean wide = log && lo <= hi && Math.log10(hi) - Math.log10(lo) >= TRANSFORM_DECADES;
        return new AxisScale(log, wide, lo, hi);
    }

    /** The coordinate handed to XChart: log10 of the value on a transformed log axis, the value itself otherwise. */
    double map(double v) {
        return transformed ? Math.log10(v) : v;
    }

    double[] map(double[] v) {
        if (!transformed) return v;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.log10(v[i]);
        return out;
    }

    /** Whether XChart sees log10 of the data on a linear axis. */
    boolean transformed() {
        return transformed;
    }

    /** Sets the axis up on the styler: XChart's log mode, or the log10 labels and spacing hint, or nothing. */
    void apply(XYStyler s, boolean xAxis, int sidePixels) {
        if (log && !transformed) {
            if (xAxis) {
                s.setXAxisLogarithmic(true);
                s.setXAxisLogarithmicDecadeOnly(false);
            } else {
                s.setYAxisLogarithmic(true);
                s.setYAxisLogarithmicDecadeOnly(false);
            }
            return;
        }
        if (!transformed) {
            if (lo <= hi) {
                if (xAxis) {
                    s.setxAxisTickLabelsFormattingFunction(this::linearLabel);
                } else {
                    s.setyAxisTickLabelsFormattingFunction(this::linearLabel);
                }
            }
            return;
        }
        double decades = Math.log10(hi) - Math.log10(lo);
        int defaultHint = xAxis ? s.getXAxisTickMarkSpacingHint() : s.getYAxisTickMarkSpacingHint();
        // XChart's step is nice(decades / axisPixels * hint); the axis is shorter than the figure's side, so a hint of
        // sidePixels / decades keeps the step at a whole decade or more.
        int hint = Math.max(defaultHint, (int) Math.ceil(sidePixels / decades));
        if (xAxis) {
            s.setXAxisTickMarkSpacingHint(hint);
            s.setxAxisTickLabelsFormattingFunction(AxisScale::exponentLabel);
        } else {
            s.setYAxisTickMarkSpacingHint(hint);
            s.setyAxisTickLabelsFormattingFunction(AxisScale::exponentLabel);
        }
    }

    /**
     * Adds, as the first series of the chart, an invisible one from (xMax, yMax) to (xMin, yMin) of the drawn data
     * (in XChart's coordinates), without a legend entry. It changes neither axis range.
     */
    static void addTickAnchor(XYChart chart, List<double[]> xs, List<double[]> ys) {
        double[] x = range(xs);
        double[] y = range(ys);
        if (!(x[0] < x[1]) && !(y[0] < y[1])) return;
        XYSeries anchor = chart.addSeries(" ", new double[] {x[1], x[0]}, new double[] {y[1], y[0]});
        anchor.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        anchor.setLineColor(new Color(0, 0, 0, 0));
        anchor.setMarker(SeriesMarkers.NONE);
        anchor.setShowInLegend(false);
    }

    private static double[] range(List<double[]> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] v : values) {
            for (double d : v) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        return new double[] {min, max};
    }

    /**
     * The label of a tick on a linear axis. If the data's magnitude lies in [10⁻³, 10⁵) every tick is written plainly
     * without grouping (0.08, 1000); otherwise every tick is written as m×10ⁿ, so one axis never mixes the two forms.
     * The digits shown follow the data's span, two past its leading digit, so ticks 10⁻⁸ apart on a plateau at 0.5
     * still get distinct labels; trailing zeros are dropped. Ticks within 10⁻⁹ of the magnitude of zero are written 0.
     */
    String linearLabel(Double v) {
        if (v == null || !Double.isFinite(v)) return "";
        double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
        if (Math.abs(v) <= 1e-9 * magnitude || v == 0) return "0";
        double span = hi - lo > 0 ? hi - lo : (magnitude > 0 ? magnitude : 1);
        int spanDigit = (int) Math.floor(Math.log10(span));
        if (magnitude >= 1e-3 && magnitude < 1e5) {
            int decimals = Math.min(12, Math.max(0, 2 - spanDigit));
            return trim(String.format(Locale.ROOT, "%." + decimals + "f", v));
        }
        int e = (int) Math.floor(Math.log10(Math.abs(v)));
        int decimals = Math.min(12, Math.max(0, e - spanDigit + 2));
        String m = trim(String.format(Locale.ROOT, "%." + decimals + "f", v / Math.pow(10, e)));
        if (m.equals("10") || m.equals("-10")) {
            m = m.replace("10", "1");
            e++;
        }
        return m + "\u00D7" + exponentLabel((double) e);
    }

    /** Drops trailing zeros after a decimal point, and the point itself when nothing follows it. */
    private static String trim(String s) {
        if (s.indexOf('.') < 0) return s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        String t = s.substring(0, end);
        return "-0".equals(t) ? "0" : t;
    }

    /** The label of a tick at exponent {@code e}: 10ⁿ with superscript digits when whole, else 10^e to 2 digits. */
    static String exponentLabel(Double e) {
        if (e == null || !Double.isFinite(e)) return "";
        long k = Math.round(e);
        if (Math.abs(e - k) > 1e-9) return String.format(Locale.ROOT, "%.2g", Math.pow(10, e));
        if (k == 0) return "1";
        if (k == 1) return "10";
        StringBuilder b = new StringBuilder("10");
        for (char ch : Long.toString(k).toCharArray()) b.append(superscript(ch));
        return b.toString();
    }

    private static char superscript(char ch) {
        return switch (ch) {
            case '-' -> '\u207B';
            case '1' -> '\u00B9';
            case '2' -> '\u00B2';
            case '3' -> '\u00B3';
            default -> (char) ('\u2070' + (ch - '0'));
        };
    }
}
