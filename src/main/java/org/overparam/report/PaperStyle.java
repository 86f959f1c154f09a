package org.overparam.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.Locale;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The look of every plot: a white figure with a light grid, no title box, axis titles in a plain sans-serif face, and
 * the Okabe-Ito palette, which stays distinguishable for the common forms of colour blindness and, with one marker
 * shape per slot, in grayscale print.
 *
 * <p>Colours, markers and dash patterns are chosen by <em>slot</em>, the position of a series among those added to a
 * chart. A caller that adds the same curves in the same order to every chart of a run (say m = 100, 1000, 10000) gets
 * the same colour for the same curve in all of them. After the eight palette colours the cycle repeats with dashed
 * lines, so slots 0 and 8 still differ.
 */
final class PaperStyle {
    /** Okabe and Ito (2008), "Color Universal Design", ordered so that the first colours differ most on white. */
    static final Color[] PALETTE = {
        new Color(0x0072B2), // blue
        new Color(0xD55E00), // vermillion
        new Color(0x009E73), // bluish green
        new Color(0xCC79A7), // reddish purple
        new Color(0xE69F00), // orange
        new Color(0x56B4E9), // sky blue
        new Color(0x000000), // black
        new Color(0xF0E442), // yellow, last: faint on white
    };

    /** Marker shapes by slot, so curves stay apart without colour. */
    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL,
    };

    static final String FONT_FAMILY = Font.SANS_SERIF;
    static final float LINE_WIDTH = 1.8f;
    static final int MARKER_SIZE = 7;
    private static final Color GRID = new Color(0xE3E3E3);
    private static final Color AXIS = new Color(0x404040);

    private PaperStyle() {}

    /** The colour of a slot; the palette repeats after {@link #PALETTE}{@code .length} slots. */
    static Color color(int slot) {
        return PALETTE[Math.floorMod(slot, PALETTE.length)];
    }

    /** Styles the whole figure: background, grid, fonts, title and legend visibility. */
    static void apply(XYStyler s, boolean titleVisible, boolean legendVisible, Styler.LegendPosition legendAt) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartFontColor(AXIS);
        s.setChartPadding(12);
        s.setPlotMargin(0);
        s.setPlotContentSize(0.96);
        s.setPlotBorderVisible(true);
        s.setPlotBorderColor(AXIS);
        s.setPlotGridLinesVisible(true);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(0.8f));
        s.setAxisTicksLineVisible(false);
        s.setAxisTickMarksColor(AXIS);
        s.setAxisTickMarkLength(4);
        s.setAxisTickPadding(5);
        s.setYAxisLabelAlignment(AxesChartStyler.TextAlignment.Right);
        s.setAxisTickLabelsColor(AXIS);
        s.setAxisTickLabelsFont(new Font(FONT_FAMILY, Font.PLAIN, 12));
        s.setAxisTitleFont(new Font(FONT_FAMILY, Font.PLAIN, 14));
        s.setAxisTitlePadding(8);
        s.setChartTitleVisible(titleVisible);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(FONT_FAMILY, Font.PLAIN, 15));
        s.setChartTitlePadding(8);
        s.setLegendVisible(legendVisible);
        s.setLegendPosition(legendAt);
        s.setLegendFont(new Font(FONT_FAMILY, Font.PLAIN, 12));
        s.setLegendBackgroundColor(new Color(255, 255, 255, 230));
        s.setLegendBorderColor(new Color(0xBBBBBB));
        s.setLegendPadding(6);
        s.setLegendSeriesLineLength(24);
        s.setMarkerSize(MARKER_SIZE);
        s.setToolTipsEnabled(false);
        s.setAntiAlias(true);
        s.setLocale(Locale.ROOT);
    }

    /** A line series: solid (dashed after the palette's first cycle), with the slot's marker when {@code markers}. */
    static void line(XYSeries series, int slot, boolean markers) {
        Color c = color(slot);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setLineColor(c);
        series.setLineStyle(stroke(slot));
        series.setMarkerColor(c);
        series.setMarker(markers ? marker(slot) : SeriesMarkers.NONE);
    }

    /** A scatter series: markers of the slot's colour and shape, no connecting line. */
    static void scatter(XYSeries series, int slot) {
        Color c = color(slot);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarkerColor(c);
        series.setLineColor(c);
        series.setMarker(marker(slot));
    }

    /**
     * The marker size for a chart whose largest scatter series has {@code points} points: full size up to 50 points,
     * smaller for denser clouds (a spectrum of thousands of eigenvalues), where big markers merge into a band.
     */
    static int markerSize(int points) {
        if (points <= 50) return MARKER_SIZE;
        return points <= 500 ? 5 : 3;
    }

    /** Hides ticks, tick labels and grid: an empty chart's axis ranges are XChart's defaults, not data. */
    static void empty(XYStyler s) {
        s.setAxisTicksVisible(false);
        s.setPlotGridLinesVisible(false);
        s.setAnnotationTextFont(new Font(FONT_FAMILY, Font.ITALIC, 16));
        s.setAnnotationTextFontColor(AXIS);
    }

    static Marker marker(int slot) {
        return MARKERS[Math.floorMod(slot, MARKERS.length)];
    }

    private static BasicStroke stroke(int slot) {
        if (Math.floorMod(slot, 2 * PALETTE.length) < PALETTE.length) {
            return new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        }
        return new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
    }
}
