package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The report page: escaped, complete, self-contained, and well-formed (as HTML tags and as XML). */
class RunReportTest {
    static final String XHTML = "http://www.w3.org/1999/xhtml";
    static final Pattern TAG = Pattern.compile("<(/?)([A-Za-z][A-Za-z0-9]*)\\b[^>]*?(/?)>");
    static final Set<String> VOID = Set.of("meta", "img", "br", "hr", "link", "col", "input", "source", "wbr");

    static byte[] sampleSvg() {
        return new Plots.Chart("iteration", "loss")
                .logY(true)
                .add(new Plots.Series("m = 100", new double[] {0, 1, 2}, new double[] {1, 0.1, 0.01}))
                .add(new Plots.Series("m = 1000", new double[] {0, 1, 2}, new double[] {1, 0.2, 0.04}))
                .svg();
    }

    /** Checks that start and end tags nest properly, void elements and self-closed SVG elements aside. */
    static void assertTagsBalance(String html) {
        Deque<String> open = new ArrayDeque<>();
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            String name = m.group(2).toLowerCase();
            if (!m.group(3).isEmpty() || VOID.contains(name)) continue;
            if (m.group(1).isEmpty()) {
                open.push(name);
            } else {
                assertThat(open)
                        .as("closing </" + name + "> at offset " + m.start())
                        .isNotEmpty();
                assertThat(open.pop())
                        .as("element closed at offset " + m.start())
                        .isEqualTo(name);
            }
        }
        assertThat(open).as("elements left open").isEmpty();
    }

    static Document parseXml(String html) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("the report is not well-formed XML: " + e.getMessage(), e);
        }
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    @Test
    void everyStringIsEscapedSoNoScriptGetsThrough() {
        String evil = "<script>alert('x')</script>";
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model" + evil, evil);
        String html = new RunReport("Run " + evil)
                .paragraph("Note: " + evil)
                .keyValues("Settings " + evil, settings)
                .table(evil, List.of("col" + evil), List.of(List.of(evil)))
                .figure("Caption " + evil, "plots/a.png", null)
                .html();

        assertThat(html.toLowerCase()).doesNotContain("<script");
        // <title> and <h1>, paragraph, two headings, key, value, column, cell, <img alt> and figcaption.
        assertThat(count(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
                .isEqualTo(11);
        assertTagsBalance(html);
        parseXml(html);
    }

    @Test
    void containsEveryFigureAndTableInOrderAndIsWellFormed() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("final loss", 1.234567891e-7);
        summary.put("iterations", 1000);
        summary.put("converged", true);
        summary.put("seed", null);
        String html = new RunReport("Du et al. 2019, Figure 1")
                .paragraph("Two-layer ReLU network on synthetic data.")
                .keyValues("Summary", summary)
                .figure("Training loss against iteration.", "plots/loss.png", sampleSvg())
                .figure("Fraction of activation patterns changed.", "plots/pattern changes.png", null)
                .table("Widths", List.of("m", "lambda_0"), List.of(List.of(100, 0.25), List.of(1000, 0.5)))
                .figure("Distance from initialisation.", "plots/distance.png", sampleSvg())
                .html();

        assertTagsBalance(html);
        Document d = parseXml(html);
        Element root = d.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("html");
        NodeList figures = d.getElementsByTagName("figure");
        assertThat(figures.getLength()).isEqualTo(3);
        List<String> captions = new ArrayList<>();
        NodeList caps = d.getElementsByTagName("figcaption");
        for (int i = 0; i < caps.getLength(); i++) captions.add(caps.item(i).getTextContent());
        assertThat(captions)
                .containsExactly(
                        "Figure 1. Training loss against iteration. PNG",
                        "Figure 2. Fraction of activation patterns changed.",
                        "Figure 3. Distance from initialisation. PNG");
        assertThat(d.getElementsByTagName("table").getLength()).isEqualTo(2);
        assertThat(d.getElementsByTagNameNS(SvgDocuments.SVG_NS, "svg").getLength())
                .as("two inlined SVGs")
                .isEqualTo(2);
        assertThat(html).contains("<img src=\"plots/pattern%20changes.png\"");
        assertThat(html).contains("<a href=\"plots/loss.png\">PNG</a>");
        assertThat(html).contains(">1.23457e-7</td>", ">1000</td>", ">true</td>", ">\u2014</td>", ">0.25</td>");
        assertThat(html)
                .as("nothing loaded from elsewhere (namespace names are not fetched)")
                .doesNotContainPattern("(src|href)=\"[a-z]+:")
                .doesNotContain("url(http", "@import", "<link");
        assertThat(html).doesNotContain("<?xml", "<!DOCTYPE svg");
    }

    @Test
    void inlinedSvgsGetPageUniqueIdsSoFiguresDoNotShareClipPaths() {
        byte[] svg = sampleSvg();
        String html = new RunReport("r")
                .figure("a", "a.png", svg)
                .figure("b", "b.png", svg)
                .html();
        Document d = parseXml(html);
        List<String> ids = new ArrayList<>();
        NodeList all = d.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            String id = ((Element) all.item(i)).getAttribute("id");
            if (!id.isEmpty()) ids.add(id);
        }
        assertThat(ids)
                .doesNotHaveDuplicates()
                .anyMatch(id -> id.startsWith("fig1-"))
                .anyMatch(id -> id.startsWith("fig2-"));
        Matcher refs = Pattern.compile("url\\(#([^)]+)\\)").matcher(html);
        int n = 0;
        while (refs.find()) {
            assertThat(ids).contains(refs.group(1));
            n++;
        }
        assertThat(n).as("clip-path references").isPositive();
    }

    @Test
    void aFigureOfAHundredThousandIterationsIsStillInlined() {
        int n = 100_000;
        double[] x = new double[n];
        double[] fast = new double[n];
        double[] slow = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            fast[i] = Math.exp(-i / 10_000.0) * (1 + 0.3 * Math.sin(i * 0.7));
            slow[i] = Math.exp(-i / 20_000.0) * (1 + 0.3 * Math.cos(i * 1.3));
        }
        byte[] svg = new Plots.Chart("iteration", "loss")
                .logY(true)
                .add(new Plots.Series("fast", x, fast))
                .add(new Plots.Series("slow", x, slow))
                .svg();
        assertThat(svg.length).as("thinned to what the figure can show").isLessThan(RunReport.MAX_INLINE_SVG_BYTES);
        String html = new RunReport("r").figure("loss", "plots/loss.png", svg).html();
        assertThat(html).contains("<svg").doesNotContain("<img");
    }

    @Test
    void scriptsAndEventHandlersInAGivenSvgAreRemoved() {
        String hostile = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script>"
                + "<a href=\"javascript:alert(3)\"><rect id=\"r\" width=\"1\" height=\"1\"/></a></svg>";
        String html = new RunReport("r")
                .figure("c", "c.png", hostile.getBytes(StandardCharsets.UTF_8))
                .html();
        assertThat(html).doesNotContain("alert", "onload", "<script").contains("id=\"fig1-r\"");
    }

    @Test
    void longTablesShowTheirFirstAndLastRowsWithANote() {
        List<List<?>> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) rows.add(List.of(i, Math.exp(-i / 100.0)));
        String html = new RunReport("r")
                .table("Metrics", List.of("iteration", "loss"), rows, 10)
                .html();
        Document d = parseXml(html);
        assertThat(d.getElementsByTagName("tr").getLength())
                .as("header + 5 + omitted row + 5")
                .isEqualTo(12);
        assertThat(html).contains(">990 rows not shown<", "Showing the first 5 and the last 5 of 1000 rows.");
        assertThat(html)
                .contains("<td class=\"num\">4</td>", "<td class=\"num\">995</td>")
                .doesNotContain("<td class=\"num\">5</td>");
    }

    @Test
    void numbersAreFormattedWithSixSignificantDigits() {
        assertThat(Html.format(0.123456789)).isEqualTo("0.123457");
        assertThat(Html.format(1e-7)).isEqualTo("1e-7");
        assertThat(Html.format(1234567.891)).isEqualTo("1.23457e+6");
        assertThat(Html.format(2.0)).isEqualTo("2");
        assertThat(Html.format(0.1f)).isEqualTo("0.1");
        assertThat(Html.format(-0.0)).isEqualTo("0");
        assertThat(Html.format(Double.NaN)).isEqualTo("NaN");
        assertThat(Html.format(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(Html.format(123456789012L)).isEqualTo("123456789012");
        assertThat(Html.format(new double[] {0.5, 1e-9})).isEqualTo("[0.5, 1e-9]");
        assertThat(Html.format(List.of(100, 1000))).isEqualTo("[100, 1000]");
    }

    @Test
    void badInputsAreRefusedWithMessagesThatSayWhatWasExpected() {
        RunReport r = new RunReport("r");
        assertThatThrownBy(() -> r.figure("c", "/data/runs/r1/plots/a.png", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relative");
        assertThatThrownBy(() -> r.figure("c", "hdfs://nn/run/a.png", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relative");
        assertThatThrownBy(() -> r.figure("c", "a.png", "not svg".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SVG");
        assertThatThrownBy(() -> r.table("t", List.of("a", "b"), List.of(List.of(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0 has 1 cells; expected 2");
    }
}
