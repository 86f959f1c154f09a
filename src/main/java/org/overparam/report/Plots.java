package org.overparam.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * Line and scatter plots of a run's results, drawn like paper figures (white background, light grid, axis titles,
 * legend, no title box) and returned as PNG or SVG bytes. Bytes rather than files, because run directories may live on
 * {@code hdfs://} and are written through the Hadoop FileSystem API by the job layer.
 *
 * <p>Typical use, Du et al. (2019) Figure 1(a):
 * <pre>{@code
 * byte[] png = new Plots.Chart("iteration", "training loss").logY(true)
 *         .add(new Plots.Series("m = 100", iters, loss100))
 *         .add(new Plots.Series("m = 1000", iters, loss1000))
 *         .png();
 * }</pre>
 *
 * <p>Rendering needs no display: it works with {@code java.awt.headless=true}, as on cluster drivers.
 */
public final class Plots {
    private Plots() {}

    /** One named curve: {@code y[i]} against {@code x[i]}. The arrays are copied. */
    public static final class Series {
        private final String name;
        private final double[] x;
        private final double[] y;

        /**
         * @param name the legend entry, not blank and unique within a chart
         * @throws IllegalArgumentException when the name is blank or {@code x} and {@code y} differ in length
         */
        public Series(String name, double[] x, double[] y) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a series needs a non-blank name for its legend entry");
            }
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': x has " + x.length + " values but y has "
                        + y.length + "; expected equal lengths");
            }
            this.name = name;
            this.x = x.clone();
            this.y = y.clone();
        }

        public String name() {
            return name;
        }

        /** The number of points given, drawable or not. */
        public int size() {
            return x.length;
        }
    }

    /**
     * One figure with any number of series. Series keep the colour, marker and dash of their slot, the order in which
     * they were added ({@code add} and {@code scatter} count alike), even when an earlier one has nothing to draw; so
     * adding the same curves in the same order gives every chart of a run the same colours.
     *
     * <p>What cannot be drawn is dropped, never thrown: points with a NaN or infinite coordinate, and on a log axis
     * points whose coordinate on that axis is zero or negative. A series left with no points is not drawn and has no
     * legend entry; a chart with nothing to draw shows "no data". {@link #notes()} says what was dropped.
     *
     * <p>Series longer than about four points per pixel column are thinned to the points that show (see
     * {@link PlotData#thin}), so a 10^5-iteration curve renders fast and its SVG stays small. A log axis over two or
     * more decades is labelled at powers of ten (10⁻³); see {@link AxisScale}. A chart is a mutable builder, not meant
     * to be shared between threads while it is being built; {@link #png()} and {@link #svg()} only read it, and can be
     * called any number of times, also concurrently.
     */
    public static final class Chart {
        /** Line series with more points than this are drawn without markers, which would merge into a thick line. */
        public static final int MARKER_LIMIT = 50;
        /**
         * Series are thinned to what shows at this many cells per pixel of each side (see {@link PlotData#thin}):
         * a line keeps at most 4 points per pixel column, which draws the same picture and keeps the SVG of a
         * 10^5-iteration run under a megabyte.
         */
        static final int THIN_CELLS = 1;

        public static final int DEFAULT_WIDTH = 640;
        public static final int DEFAULT_HEIGHT = 440;
        private static final int MIN_SIDE = 120;
        private static final int MAX_SIDE = 8000;

        private final String xTitle;
        private final String yTitle;
        private String title;
        private boolean logX;
        private boolean logY;
        private int width = DEFAULT_WIDTH;
        private int height = DEFAULT_HEIGHT;
        private double scale = 1;
        private Boolean legend;
        private final List<Series> series = new ArrayList<>();
        private final List<Boolean> scatter = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        /**
         * A chart with these axis titles: linear axes, no title, {@value #DEFAULT_WIDTH} x {@value #DEFAULT_HEIGHT}.
         */
        public Chart(String xTitle, String yTitle) {
            this.xTitle = Objects.requireNonNull(xTitle, "xTitle");
            this.yTitle = Objects.requireNonNull(yTitle, "yTitle");
        }

        /** A title above the plot, without a box; none by default, since a paper figure has a caption instead. */
        public Chart title(String t) {
            this.title = (t == null || t.isBlank()) ? null : t;
            return this;
        }

        /** A log10 x axis; points with x &le; 0 are then dropped (and reported by {@link #notes()}). */
        public Chart logX(boolean on) {
            this.logX = on;
            return this;
        }

        /** A log10 y axis; points with y &le; 0 are then dropped (and reported by {@link #notes()}). */
        public Chart logY(boolean on) {
            this.logY = on;
            return this;
        }

        /** The image size in pixels (PNG) or user units (SVG), each side between 120 and 8000. */
        public Chart size(int w, int h) {
            if (w < MIN_SIDE || h < MIN_SIDE || w > MAX_SIDE || h > MAX_SIDE) {
                throw new IllegalArgumentException(
                        "chart size " + w + " x " + h + ": expected each side in [" + MIN_SIDE + ", " + MAX_SIDE + "]");
            }
            this.width = w;
            this.height = h;
            return this;
        }

        /**
         * Pixels per layout unit of the PNG, 1 by default: 2 gives a {@code 2w x 2h} image with the same layout, for
         * print or high-density screens. The SVG is not affected.
         */
        public Chart scale(double factor) {
            if (!(factor >= 0.5 && factor <= 8)) {
                throw new IllegalArgumentException("PNG scale " + factor + ": expected a factor in [0.5, 8]");
            }
            this.scale = factor;
            return this;
        }

        /** Shows or hides the legend; by default it is shown when two or more series are drawn. */
        public Chart legend(boolean show) {
            this.legend = show;
            return this;
        }

        /** Adds a line; with at most {@value #MARKER_LIMIT} drawable points its points are also marked. */
        public Chart add(Series s) {
            return put(s, false);
        }

        /** Adds points without a line, e.g. eigenvalue index against eigenvalue for a spectrum. */
        public Chart scatter(Series s) {
            return put(s, true);
        }

        private Chart put(Series s, boolean points) {
            Objects.requireNonNull(s, "series");
            if (!names.add(s.name)) {
                throw new IllegalArgumentException("series name '" + s.name + "' is already used in this chart; "
                        + "legend entries must be unique");
            }
            series.add(s);
            scatter.add(points);
            return this;
        }

        /**
         * One sentence per series that lost points or was not drawn, e.g. "m = 100: 3 points with y ≤ 0 dropped on
         * the log y axis." Empty when everything was drawn.
         */
        public List<String> notes() {
            List<String> notes = new ArrayList<>();
            for (Series s : series) {
                PlotData.describeDrops(s.name, PlotData.clean(s.x, s.y, logX, logY), logX, logY, notes);
            }
            return notes;
        }

        /**
         * The chart as PNG bytes: {@code width x height} pixels times the {@link #scale}, RGB. Drawn with antialiasing
         * and pure strokes: no snapping of coordinates to whole pixels, which makes slowly varying curves look stepped.
         */
        public byte[] png() {
            XYChart chart = build();
            int w = (int) Math.round(width * scale);
            int h = (int) Math.round(height * scale);
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
                g.scale(scale, scale);
                chart.paint(g, width, height);
            } finally {
                g.dispose();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 15);
            try {
                if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this JRE");
            } catch (IOException e) {
                throw new UncheckedIOException("PNG encoding of chart '" + description() + "' failed", e);
            }
            return out.toByteArray();
        }

        /**
         * The chart as a standalone UTF-8 SVG file. The text is drawn as outlines (that is how XChart renders it), so
         * the file carries a {@code <title>} and a {@code <desc>} naming the figure, its axes and series in words.
         */
        public byte[] svg() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
            try {
                VectorGraphicsEncoder.saveVectorGraphic(build(), out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            } catch (IOException e) {
                throw new UncheckedIOException("SVG encoding of chart '" + description() + "' failed", e);
            }
            StringBuilder desc = new StringBuilder();
            desc.append(yTitle)
                    .append(logY ? " (log scale)" : "")
                    .append(" against ")
                    .append(xTitle)
                    .append(logX ? " (log scale)" : "")
                    .append(". Series: ");
            for (int i = 0; i < series.size(); i++)
                desc.append(i == 0 ? "" : "; ").append(series.get(i).name);
            desc.append(series.isEmpty() ? "none." : ".");
            for (String n : notes()) desc.append(' ').append(n);
            return SvgDocuments.describe(out.toByteArray(), description(), desc.toString());
        }

        private String description() {
            return title != null ? title : yTitle + " vs " + xTitle;
        }

        /** A series as drawn: its slot, whether it is a line, its drawable point count, and the points kept. */
        private record Drawn(int slot, boolean line, int points, PlotData.Points shown) {}

        private XYChart build() {
            List<PlotData.Points> cleaned = new ArrayList<>();
            List<Integer> slots = new ArrayList<>();
            for (int slot = 0; slot < series.size(); slot++) {
                Series s = series.get(slot);
                PlotData.Points p = PlotData.clean(s.x, s.y, logX, logY);
                if (p.size() == 0) continue;
                cleaned.add(p);
                slots.add(slot);
            }
            double[] range = {
                PlotData.min(cleaned, true),
                PlotData.max(cleaned, true),
                PlotData.min(cleaned, false),
                PlotData.max(cleaned, false)
            };
            List<Drawn> drawn = new ArrayList<>();
            for (int i = 0; i < cleaned.size(); i++) {
                boolean line = !scatter.get(slots.get(i));
                PlotData.Points shown =
                        PlotData.thin(cleaned.get(i), line, logX, logY, range, THIN_CELLS * width, THIN_CELLS * height);
                drawn.add(new Drawn(slots.get(i), line, cleaned.get(i).size(), shown));
            }
            AxisScale sx = AxisScale.of(logX, range[0], range[1]);
            AxisScale sy = AxisScale.of(logY, range[2], range[3]);

            XYChart chart = new XYChart(width, height);
            chart.setTitle(title == null ? "" : title);
            chart.setXAxisTitle(xTitle);
            chart.setYAxisTitle(yTitle);
            List<double[]> xs = new ArrayList<>();
            List<double[]> ys = new ArrayList<>();
            for (Drawn d : drawn) {
                xs.add(sx.map(d.shown.x()));
                ys.add(sy.map(d.shown.y()));
            }
            if (!drawn.isEmpty()) AxisScale.addTickAnchor(chart, xs, ys);
            int scatterPoints = 0;
            for (int i = 0; i < drawn.size(); i++) {
                Drawn d = drawn.get(i);
                XYSeries xy = chart.addSeries(series.get(d.slot).name, xs.get(i), ys.get(i));
                if (d.line) {
                    PaperStyle.line(xy, d.slot, d.points <= MARKER_LIMIT);
                } else {
                    PaperStyle.scatter(xy, d.slot);
                    scatterPoints = Math.max(scatterPoints, d.points);
                }
            }
            boolean showLegend = legend != null ? legend && !drawn.isEmpty() : drawn.size() >= 2;
            PaperStyle.apply(
                    chart.getStyler(),
                    title != null,
                    showLegend,
                    showLegend ? legendAt(drawn) : LegendPosition.InsideNE);
            chart.getStyler().setMarkerSize(PaperStyle.markerSize(scatterPoints));
            sx.apply(chart.getStyler(), true, width);
            sy.apply(chart.getStyler(), false, height);
            if (drawn.isEmpty()) {
                PaperStyle.empty(chart.getStyler());
                chart.addAnnotation(new AnnotationText("no data", width / 2.0, height / 2.0, true));
            }
            return chart;
        }

        /** The legend's corner, for a box estimated from the entries against the plot area (figure less ~90 x 70). */
        private LegendPosition legendAt(List<Drawn> drawn) {
            int longestName = 0;
            List<PlotData.Points> points = new ArrayList<>();
            List<Boolean> lines = new ArrayList<>();
            for (Drawn d : drawn) {
                longestName = Math.max(longestName, series.get(d.slot).name.length());
                points.add(d.shown);
                lines.add(d.line);
            }
            double boxW = (36.0 + 7.0 * longestName) / Math.max(1, width - 90);
            double boxH = (12.0 + 17.0 * drawn.size()) / Math.max(1, height - 70);
            return PlotData.legendCorner(points, lines, logX, logY, boxW, boxH);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "Chart[%s, %d series, %dx%d%s%s]",
                    description(),
                    series.size(),
                    width,
                    height,
                    logX ? ", log x" : "",
                    logY ? ", log y" : "");
        }
    }
}
