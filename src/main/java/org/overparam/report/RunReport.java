package org.overparam.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code report.html} of a run: a title, then paragraphs, key-value tables (settings, summary), data tables and
 * figures in the order they were added. The page is self-contained: one HTML file with a small inline style sheet, no
 * JavaScript, no fonts or scripts from elsewhere; figures are inline SVG or a relative link to a PNG beside the report,
 * so the run directory can be copied anywhere, opened from {@code hdfs dfs -get} output, or printed.
 *
 * <p>Every string given is HTML-escaped. The markup is also well-formed XML (see {@link Html}), so tools can parse it.
 * Builds the page in memory; the caller writes {@link #html()} (UTF-8) through the Hadoop FileSystem API.
 *
 * <pre>{@code
 * String html = new RunReport("Du et al. 2019, Figure 1")
 *         .keyValues("Settings", settings)
 *         .figure("Training loss against iteration.", "plots/loss.png", lossChart.svg())
 *         .table("Per-iteration metrics", columns, rows)
 *         .html();
 * }</pre>
 */
public final class RunReport {
    /** Rows a table shows by default; longer tables show their first and last rows with a note. */
    public static final int DEFAULT_MAX_ROWS = 50;
    /** Larger SVGs (say a scatter of 10^5 eigenvalues) are linked as PNG instead of inlined, to keep the page light. */
    public static final int MAX_INLINE_SVG_BYTES = 2 << 20;

    private final String title;
    private final List<String> blocks = new ArrayList<>();
    private int figures;

    /** A report with this title, as the page's {@code <title>} and first heading. */
    public RunReport(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    /** A paragraph of plain text; newlines are kept as line breaks. */
    public RunReport paragraph(String text) {
        Objects.requireNonNull(text, "text");
        blocks.add("<p>" + Html.escape(text).replace("\n", "<br/>\n") + "</p>");
        return this;
    }

    /**
     * A two-column table of names and values under a heading, in the map's iteration order (pass a
     * {@link java.util.LinkedHashMap} to control it). Values are formatted as in {@link #table} and left-aligned, since
     * one column mixes numbers and words.
     */
    public RunReport keyValues(String heading, Map<String, ?> values) {
        Objects.requireNonNull(values, "values");
        StringBuilder b = new StringBuilder();
        section(b, heading);
        b.append("<table class=\"kv\"><tbody>\n");
        for (Map.Entry<String, ?> e : values.entrySet()) {
            b.append("<tr><th scope=\"row\">")
                    .append(Html.escape(e.getKey()))
                    .append("</th><td>")
                    .append(Html.escape(Html.format(e.getValue())))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table>\n</section>");
        blocks.add(b.toString());
        return this;
    }

    /** A table showing at most {@value #DEFAULT_MAX_ROWS} rows; see {@link #table(String, List, List, int)}. */
    public RunReport table(String heading, List<String> columns, List<List<?>> rows) {
        return table(heading, columns, rows, DEFAULT_MAX_ROWS);
    }

    /**
     * A table with a header row. Numbers are right-aligned and shown with 6 significant digits (0.123457, 1e-7),
     * integers and integral values in full, NaN as NaN, infinities as inf, nulls as a dash. A table longer than
     * {@code maxRows} shows its first and last {@code maxRows / 2} rows (for training curves, the start and the end)
     * with a row saying how many were left out.
     *
     * @throws IllegalArgumentException when a row's length differs from the number of columns, or maxRows &lt; 2
     */
    public RunReport table(String heading, List<String> columns, List<List<?>> rows, int maxRows) {
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        if (maxRows < 2) throw new IllegalArgumentException("maxRows " + maxRows + ": expected at least 2");
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != columns.size()) {
                throw new IllegalArgumentException("table '" + heading + "': row " + i + " has "
                        + rows.get(i).size() + " cells; expected " + columns.size() + " (one per column)");
            }
        }
        StringBuilder b = new StringBuilder();
        section(b, heading);
        b.append("<div class=\"wide\"><table>\n<thead><tr>");
        for (String c : columns)
            b.append("<th scope=\"col\">").append(Html.escape(c)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        int n = rows.size();
        int head = n <= maxRows ? n : maxRows - maxRows / 2;
        int tail = n <= maxRows ? 0 : maxRows / 2;
        for (int i = 0; i < head; i++) row(b, rows.get(i));
        if (tail > 0) {
            int omitted = n - head - tail;
            b.append("<tr class=\"omitted\"><td colspan=\"")
                    .append(Math.max(1, columns.size()))
                    .append("\">")
                    .append(omitted)
                    .append(omitted == 1 ? " row" : " rows")
                    .append(" not shown</td></tr>\n");
            for (int i = n - tail; i < n; i++) row(b, rows.get(i));
        }
        b.append("</tbody></table></div>\n");
        if (tail > 0) {
            b.append("<p class=\"note\">Showing the first ")
                    .append(head)
                    .append(" and the last ")
                    .append(tail)
                    .append(" of ")
                    .append(n)
                    .append(" rows.</p>\n");
        } else if (n == 0) {
            b.append("<p class=\"note\">No rows.</p>\n");
        }
        b.append("</section>");
        blocks.add(b.toString());
        return this;
    }

    /**
     * A numbered figure with a caption. With SVG bytes (of {@link Plots.Chart#svg()}, at most
     * {@value #MAX_INLINE_SVG_BYTES} bytes) the figure is inlined, scripts and event handlers removed and its ids made
     * unique within the page, and the caption links to the PNG; without, the page shows the PNG at
     * {@code relativePngPath}, a path relative to the report such as {@code plots/loss.png}.
     *
     * @throws IllegalArgumentException when the path is absolute or has a scheme ({@code hdfs:}), or the SVG bytes are
     *                                  not an SVG document
     */
    public RunReport figure(String caption, String relativePngPath, byte[] svgOrNull) {
        Objects.requireNonNull(caption, "caption");
        String src = Html.relativeUrl(relativePngPath);
        int number = figures + 1;
        boolean inline = svgOrNull != null && svgOrNull.length <= MAX_INLINE_SVG_BYTES;
        String svg = inline ? SvgDocuments.inline(svgOrNull, "fig" + number + "-") : null;
        figures = number;
        StringBuilder b = new StringBuilder();
        b.append("<figure id=\"figure-").append(number).append("\">\n");
        if (inline) {
            b.append(svg).append('\n');
        } else {
            b.append("<img src=\"")
                    .append(Html.escape(src))
                    .append("\" alt=\"")
                    .append(Html.escape(caption))
                    .append("\"/>\n");
        }
        b.append("<figcaption><span class=\"label\">Figure ")
                .append(number)
                .append(".</span> ")
                .append(Html.escape(caption));
        if (inline) b.append(" <a href=\"").append(Html.escape(src)).append("\">PNG</a>");
        b.append("</figcaption>\n</figure>");
        blocks.add(b.toString());
        return this;
    }

    /**
     * A list of links under a heading, in the map's order: link text to a path relative to the report (another run's
     * {@code report.html}, a manifest), so the pages still link after the folder is copied elsewhere.
     *
     * @throws IllegalArgumentException when a path is absolute or has a scheme
     */
    public RunReport links(String heading, Map<String, String> textToRelativePath) {
        Objects.requireNonNull(textToRelativePath, "textToRelativePath");
        StringBuilder b = new StringBuilder();
        section(b, heading);
        b.append("<ul>\n");
        for (Map.Entry<String, String> e : textToRelativePath.entrySet()) {
            b.append("<li><a href=\"")
                    .append(Html.escape(Html.relativeUrl(e.getValue())))
                    .append("\">")
                    .append(Html.escape(e.getKey()))
                    .append("</a></li>\n");
        }
        b.append("</ul>\n</section>");
        blocks.add(b.toString());
        return this;
    }

    /**
     * Adds a key-value section at the end of a page made by {@link #html()}: how a run's manifest, final only after the
     * job wrote its report, joins the page.
     *
     * @throws IllegalArgumentException when {@code html} is not such a page
     */
    public static String appendKeyValues(String html, String heading, Map<String, ?> values) {
        int end = html.lastIndexOf("</main>");
        if (end < 0) throw new IllegalArgumentException("not a report page: no </main>");
        RunReport section = new RunReport(heading).keyValues(heading, values);
        return html.substring(0, end) + section.blocks.get(0) + "\n" + html.substring(end);
    }

    /** Nested maps as one level with dotted keys ({@code spark.master}), in iteration order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> flatten(Map<String, ?> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v instanceof Map<?, ?> sub)
                flatten((Map<String, Object>) sub).forEach((k2, v2) -> out.put(k + "." + k2, v2));
            else out.put(k, v);
        });
        return out;
    }

    /** The page, UTF-8 text to be written as {@code report.html}. */
    public String html() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>")
                .append(Html.escape(title))
                .append("</title>\n")
                .append("<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>")
                .append(Html.escape(title))
                .append("</h1>\n");
        for (String block : blocks) b.append(block).append('\n');
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void section(StringBuilder b, String heading) {
        b.append("<section>\n");
        if (heading != null && !heading.isBlank())
            b.append("<h2>").append(Html.escape(heading)).append("</h2>\n");
    }

    private static void row(StringBuilder b, List<?> cells) {
        b.append("<tr>");
        for (Object c : cells) cell(b, c);
        b.append("</tr>\n");
    }

    private static void cell(StringBuilder b, Object v) {
        b.append(Html.isNumber(v) ? "<td class=\"num\">" : "<td>")
                .append(Html.escape(Html.format(v)))
                .append("</td>");
    }

    /** Paper-like and printable: serif text, sans-serif tables with booktabs rules, figures kept whole on a page. */
    private static final String STYLE = """
            body { margin: 0; background: #fff; color: #222; font: 16px/1.5 Georgia, "Times New Roman", serif; }
            main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem; }
            h1 { font-size: 1.6rem; margin: 0 0 1rem; }
            h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; padding-bottom: 0.2rem; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 0.5rem 0; font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; }
            th, td { padding: 0.2rem 0.8rem; text-align: left; vertical-align: top; }
            thead th { border-top: 2px solid #333; border-bottom: 1px solid #333; }
            tbody tr:last-child td, tbody tr:last-child th { border-bottom: 2px solid #333; }
            table.kv { border-top: 2px solid #333; font-variant-numeric: tabular-nums; }
            table.kv th { font-weight: normal; color: #555; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.omitted td { text-align: center; color: #777; font-style: italic; }
            div.wide { overflow-x: auto; }
            figure { margin: 1.5rem 0; }
            figure svg, figure img { display: block; max-width: 100%; height: auto; }
            figcaption { font-size: 0.95rem; margin-top: 0.4rem; }
            figcaption .label { font-weight: bold; }
            figcaption a { font-size: 0.85rem; color: #555; }
            p.note { color: #666; font-size: 0.9rem; margin-top: 0.2rem; }
            @media print {
              main { max-width: none; padding: 0; }
              h2 { break-after: avoid; }
              figure, table { break-inside: avoid; }
              div.wide { overflow: visible; }
              a { color: inherit; text-decoration: none; }
            }
            """;
}
