package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The rendered bytes themselves: PNGs decode to the requested size and show the series in their palette colours,
 * SVGs are XML with an {@code <svg>} root that names the series, and bad points are dropped instead of thrown.
 */
class PlotsTest {
    /** Largest per-channel difference for a pixel to count as a palette colour (antialiasing blends line edges). */
    static final int COLOUR_TOLERANCE = 12;
    /** Pixels of a colour needed to say a curve of it was drawn; a 1.8 px line over ~400 px gives thousands. */
    static final int MIN_CURVE_PIXELS = 100;

    static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }

    static double[] decay(int n, double rate) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.exp(-rate * i);
        return y;
    }

    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).as("ImageIO decodes the PNG").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int pixelsNear(BufferedImage image, Color c, int x0, int y0, int x1, int y1) {
        int count = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                Color p = new Color(image.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) <= COLOUR_TOLERANCE
                        && Math.abs(p.getGreen() - c.getGreen()) <= COLOUR_TOLERANCE
                        && Math.abs(p.getBlue() - c.getBlue()) <= COLOUR_TOLERANCE) {
                    count++;
                }
            }
        }
        return count;
    }

    static int pixelsNear(BufferedImage image, Color c) {
        return pixelsNear(image, c, 0, 0, image.getWidth(), image.getHeight());
    }

    /** How VectorGraphics2D writes a colour in SVG style attributes. */
    static String rgb(Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    static Document svgDocument(byte[] svg) {
        return SvgDocuments.parse(svg);
    }

    @Test
    void theTestsRunHeadlessAsOnAClusterDriver() {
        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
    }

    @Test
    void pngDecodesToTheRequestedSizeWithEachSeriesInItsPaletteColour() {
        int n = 200;
        byte[] png = new Plots.Chart("iteration", "training loss")
                .size(500, 320)
                .add(new Plots.Series("m = 100", range(n), decay(n, 0.01)))
                .add(new Plots.Series("m = 1000", range(n), decay(n, 0.03)))
                .png();

        BufferedImage image = decode(png);
        assertThat(image.getWidth()).isEqualTo(500);
        assertThat(image.getHeight()).isEqualTo(320);
        assertThat(pixelsNear(image, PaperStyle.color(0))).isGreaterThan(MIN_CURVE_PIXELS);
        assertThat(pixelsNear(image, PaperStyle.color(1))).isGreaterThan(MIN_CURVE_PIXELS);
        assertThat(pixelsNear(image, PaperStyle.color(2)))
                .as("no third series was added")
                .isZero();
        assertThat(pixelsNear(image, Color.WHITE)).as("white background").isGreaterThan(500 * 320 / 2);
    }

    @Test
    void scaleMultipliesThePixelsOfThePngOnly() {
        Plots.Chart chart =
                new Plots.Chart("x", "y").size(300, 200).scale(2).add(new Plots.Series("a", range(10), decay(10, 0.1)));
        BufferedImage image = decode(chart.png());
        assertThat(image.getWidth()).isEqualTo(600);
        assertThat(image.getHeight()).isEqualTo(400);
        Element root = svgDocument(chart.svg()).getDocumentElement();
        assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 300 200");
    }

    @Test
    void describePutsTitleAndDescFirstInPlainAndInParsedDocuments() {
        String ns = SvgDocuments.SVG_NS;
        // VectorGraphics2D's plain form (a quoted '>' in an attribute), which is edited as text; and a document with a
        // DOCTYPE and a comment, which is parsed.
        String[] documents = {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><svg xmlns=\"" + ns
                    + "\" data-x='a>b' width=\"10\"><rect width=\"1\" height=\"1\"/></svg>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">"
                    + "<!-- c --><svg xmlns=\"" + ns + "\"><rect width=\"1\" height=\"1\"/></svg>"
        };
        for (String doc : documents) {
            Document d = svgDocument(SvgDocuments.describe(doc.getBytes(StandardCharsets.UTF_8), "a < b", "c & \"d\""));
            assertThat(d.getDoctype()).isNull();
            List<Element> children = new ArrayList<>();
            for (org.w3c.dom.Node c = d.getDocumentElement().getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c instanceof Element e) children.add(e);
            }
            assertThat(children).extracting(Element::getLocalName).containsExactly("title", "desc", "rect");
            assertThat(children.get(0).getTextContent()).isEqualTo("a < b");
            assertThat(children.get(1).getTextContent()).isEqualTo("c & \"d\"");
        }
    }

    @Test
    void svgIsXmlWithAnSvgRootAndNamesItsSeries() {
        byte[] svg = new Plots.Chart("index i", "eigenvalue")
                .logY(true)
                .scatter(new Plots.Series("H∞ <n=500>", range(50), decay(50, 0.2)))
                .add(new Plots.Series("bound & fit", range(50), decay(50, 0.1)))
                .svg();

        Document d = svgDocument(svg);
        Element root = d.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo(SvgDocuments.SVG_NS);
        assertThat(d.getDoctype()).as("no DOCTYPE pointing at the W3C's DTD").isNull();
        assertThat(d.getElementsByTagNameNS(SvgDocuments.SVG_NS, "title")
                        .item(0)
                        .getTextContent())
                .isEqualTo("eigenvalue vs index i");
        String desc =
                d.getElementsByTagNameNS(SvgDocuments.SVG_NS, "desc").item(0).getTextContent();
        assertThat(desc).contains("H∞ <n=500>", "bound & fit", "log scale");
        int shapes = 0;
        for (String element : new String[] {"path", "line", "ellipse", "rect", "polygon"}) {
            shapes += d.getElementsByTagNameNS(SvgDocuments.SVG_NS, element).getLength();
        }
        assertThat(shapes).as("50 markers, 49 segments, outlined text").isGreaterThan(100);
        String text = new String(svg, StandardCharsets.UTF_8);
        assertThat(text).contains(rgb(PaperStyle.color(0)), rgb(PaperStyle.color(1)));
        assertThat(text).contains("&lt;n=500&gt;", "&amp; fit");
    }

    @Test
    void aLogAxisDropsZeroAndNegativePointsInsteadOfThrowing() {
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] y = {1, 0.1, 0, -0.5, 0.01, 0.001};
        Plots.Chart chart = new Plots.Chart("iteration", "loss").logY(true).add(new Plots.Series("loss", x, y));

        assertThatCode(chart::png).doesNotThrowAnyException();
        assertThatCode(chart::svg).doesNotThrowAnyException();
        assertThat(chart.notes()).containsExactly("loss: 2 points with y ≤ 0 dropped on the log y axis.");
        PlotData.Points kept = PlotData.clean(x, y, false, true);
        assertThat(kept.x()).containsExactly(1, 2, 5, 6);
        assertThat(kept.y()).containsExactly(1, 0.1, 0.01, 0.001);
        assertThat(kept.nonPositive()).isEqualTo(2);
        assertThat(kept.nonFinite()).isZero();
    }

    @Test
    void onALinearAxisZeroAndNegativeValuesAreKeptAndOnlyNonFiniteOnesDropped() {
        double[] x = {1, 2, 3, 4, Double.NaN};
        double[] y = {-1, 0, Double.POSITIVE_INFINITY, 2, 3};
        PlotData.Points kept = PlotData.clean(x, y, false, false);
        assertThat(kept.y()).containsExactly(-1, 0, 2);
        assertThat(kept.nonFinite()).isEqualTo(2);
        assertThat(new Plots.Chart("x", "y").add(new Plots.Series("s", x, y)).notes())
                .containsExactly("s: 2 points with NaN or infinite values dropped.");
    }

    @Test
    void anAllNanSeriesIsSkippedAndTheOthersKeepTheColoursOfTheirSlots() {
        int n = 100;
        double[] nan = new double[n];
        java.util.Arrays.fill(nan, Double.NaN);
        Plots.Chart chart = new Plots.Chart("iteration", "loss")
                .logY(true)
                .add(new Plots.Series("diverged", range(n), nan))
                .add(new Plots.Series("m = 1000", range(n), decay(n, 0.05)));

        BufferedImage image = decode(chart.png());
        assertThat(pixelsNear(image, PaperStyle.color(0)))
                .as("slot 0 has nothing to draw")
                .isZero();
        assertThat(pixelsNear(image, PaperStyle.color(1)))
                .as("slot 1 keeps its colour")
                .isGreaterThan(MIN_CURVE_PIXELS);
        assertThat(chart.notes()).singleElement().asString().startsWith("diverged: nothing to draw");
    }

    @Test
    void aChartWithNothingToDrawSaysNoDataInsteadOfThrowing() {
        Plots.Chart chart = new Plots.Chart("iteration", "loss").logY(true).size(400, 300);
        BufferedImage image = decode(chart.png());
        assertThat(image.getWidth()).isEqualTo(400);
        Set<Integer> centre = new HashSet<>();
        for (int y = 120; y < 180; y++) for (int x = 150; x < 250; x++) centre.add(image.getRGB(x, y));
        assertThat(centre).as("the 'no data' note is drawn in the middle").hasSizeGreaterThan(2);
        assertThat(svgDocument(chart.svg()).getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(chart.notes()).isEmpty();
    }

    @Test
    void wideLogRangesAndLinearRangesOfAnyMagnitudeRender() {
        double[] x = range(40);
        double[] tiny = new double[40];
        double[] huge = new double[40];
        for (int i = 0; i < 40; i++) {
            tiny[i] = Math.pow(10, -1.5 * i);
            huge[i] = 3e9 + i * 1e-3;
        }
        assertThat(decode(new Plots.Chart("t", "loss")
                        .logY(true)
                        .add(new Plots.Series("a", x, tiny))
                        .png()))
                .extracting(BufferedImage::getWidth)
                .isEqualTo(Plots.Chart.DEFAULT_WIDTH);
        assertThat(decode(new Plots.Chart("t", "plateau")
                        .add(new Plots.Series("a", x, huge))
                        .png()))
                .extracting(BufferedImage::getHeight)
                .isEqualTo(Plots.Chart.DEFAULT_HEIGHT);
    }

    @Test
    void longLinesAreThinnedToTheirExtremesPerColumnAndKeepTheirEnds() {
        int n = 100_000;
        double[] x = range(n);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.sin(i * 0.37) * Math.exp(-i / 30_000.0);
        y[54_321] = 5;
        y[77_777] = -5;
        PlotData.Points all = PlotData.clean(x, y, false, false);
        double[] range = {0, n - 1, -5, 5};
        PlotData.Points kept = PlotData.thin(all, true, false, false, range, 1000, 800);

        assertThat(kept.size()).isLessThanOrEqualTo(4 * 1000).isGreaterThan(1000);
        assertThat(kept.x()[0]).isEqualTo(0);
        assertThat(kept.x()[kept.size() - 1]).isEqualTo(n - 1);
        assertThat(kept.x()).contains(54_321, 77_777);
        for (int i = 1; i < kept.size(); i++) assertThat(kept.x()[i]).isGreaterThan(kept.x()[i - 1]);
    }

    @Test
    void denseScattersKeepOnePointPerCellAndShortSeriesAreUntouched() {
        int n = 20_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 100;
            y[i] = 1;
        }
        PlotData.Points cloud = PlotData.clean(x, y, false, false);
        PlotData.Points kept = PlotData.thin(cloud, false, false, false, new double[] {0, 99, 1, 1}, 1000, 800);
        assertThat(kept.size()).isEqualTo(100);

        PlotData.Points few = PlotData.clean(range(50), range(50), false, false);
        assertThat(PlotData.thin(few, true, false, false, new double[] {0, 49, 0, 49}, 100, 100))
                .isSameAs(few);
    }

    @Test
    void inputsAreCheckedWithMessagesThatNameWhatWasExpected() {
        assertThatThrownBy(() -> new Plots.Series("s", new double[3], new double[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x has 3 values but y has 2");
        assertThatThrownBy(() -> new Plots.Series(" ", new double[1], new double[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-blank name");
        Plots.Chart chart = new Plots.Chart("x", "y").add(new Plots.Series("a", new double[1], new double[1]));
        assertThatThrownBy(() -> chart.add(new Plots.Series("a", new double[1], new double[1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' is already used");
        assertThatThrownBy(() -> chart.size(50, 400))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50 x 400");
        assertThatThrownBy(() -> chart.scale(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0.5, 8]");
    }

    @Test
    void seriesArraysAreCopied() {
        double[] y = {1, 2, 3};
        Plots.Series s = new Plots.Series("s", new double[] {1, 2, 3}, y);
        y[0] = Double.NaN;
        assertThat(new Plots.Chart("x", "y").add(s).notes()).isEmpty();
    }
}
