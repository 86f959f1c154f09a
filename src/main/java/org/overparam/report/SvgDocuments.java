package org.overparam.report;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The SVG post-processing the plots and the report share, done on a DOM rather than with string surgery.
 *
 * <p>XChart's SVG (through VectorGraphics2D) draws every glyph as an outline path, so the file holds no text a reader,
 * a search or a screen reader could find, and it starts with a DOCTYPE pointing at the W3C's DTD, which XML tools may
 * try to download. {@link #describe} drops the DOCTYPE and adds {@code <title>} and {@code <desc>} elements naming the
 * figure and its series. {@link #inline} prepares an SVG for pasting into an HTML page: it removes scripts and event
 * handlers and prefixes every {@code id} (VectorGraphics2D names its clip paths {@code clip<hash>}), so two figures in
 * one page cannot capture each other's clip paths.
 */
final class SvgDocuments {
    static final String SVG_NS = "http://www.w3.org/2000/svg";
    private static final Pattern URL_REF = Pattern.compile("url\\(#([^)]+)\\)");

    /** Parse errors become the exception {@link #parse} reports; nothing is printed to stderr. */
    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };

    private SvgDocuments() {}

    /**
     * Parses SVG bytes without fetching any DTD or external entity.
     *
     * @throws IllegalArgumentException when the bytes are not XML or the root element is not {@code <svg>}
     */
    static Document parse(byte[] svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(QUIET);
            b.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
            Document d = b.parse(new ByteArrayInputStream(svg));
            Element root = d.getDocumentElement();
            if (!"svg".equals(root.getLocalName())) {
                throw new IllegalArgumentException(
                        "expected an SVG document (root element <svg>), found <" + root.getNodeName() + ">");
            }
            return d;
        } catch (SAXException e) {
            throw new IllegalArgumentException("not a well-formed SVG document: " + e.getMessage(), e);
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException("the JDK's XML parser could not be set up to read SVG", e);
        }
    }

    /**
     * Returns the SVG as a standalone UTF-8 file without DOCTYPE, with {@code <title>title</title>} and
     * {@code <desc>desc</desc>} as the first children of the root (both omitted when null or blank).
     */
    static byte[] describe(byte[] svg, String title, String desc) {
        byte[] quick = describeByText(svg, title, desc);
        if (quick != null) return quick;
        Document d = parse(svg);
        Element root = d.getDocumentElement();
        Node first = root.getFirstChild();
        for (String[] e : new String[][] {{"title", title}, {"desc", desc}}) {
            if (e[1] == null || e[1].isBlank()) continue;
            Element el = d.createElementNS(SVG_NS, e[0]);
            el.setTextContent(e[1]);
            root.insertBefore(el, first);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(svg.length + 256);
        write(d, out, false);
        return out.toByteArray();
    }

    /**
     * {@link #describe} without parsing, for the plain documents VectorGraphics2D writes (no DOCTYPE, no comment or
     * processing instruction but the XML declaration before the root): the two elements are inserted after the root's
     * start tag, found by a scan that skips quoted attribute values. A scatter of 16,000 points is a 2 MB document, and
     * parsing and writing it back took 0.2 s of a short run. Null when the document is not that plain (the caller then
     * parses it); the result is checked to parse in the tests.
     */
    private static byte[] describeByText(byte[] svg, String title, String desc) {
        String text = new String(svg, StandardCharsets.UTF_8);
        int at = 0;
        if (text.startsWith("<?xml")) {
            at = text.indexOf("?>");
            if (at < 0) return null;
            at += 2;
        }
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        if (!text.startsWith("<svg", at)
                || at + 4 >= text.length()
                || !(Character.isWhitespace(text.charAt(at + 4)) || text.charAt(at + 4) == '>')) {
            return null;
        }
        int end = -1;
        char quote = 0;
        for (int i = at + 4; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                end = i;
                break;
            }
        }
        if (end < 0 || text.charAt(end - 1) == '/') return null; // unterminated, or an empty <svg/>
        StringBuilder b = new StringBuilder(text.length() + 512);
        b.append(text, 0, end + 1);
        if (title != null && !title.isBlank())
            b.append("<title>").append(Html.escape(title)).append("</title>");
        if (desc != null && !desc.isBlank())
            b.append("<desc>").append(Html.escape(desc)).append("</desc>");
        b.append(text, end + 1, text.length());
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns markup for pasting the SVG into an HTML page: no XML declaration or DOCTYPE, no {@code <script>} or
     * {@code <foreignObject>} elements, no {@code on*} attributes nor {@code javascript:} links, and every {@code id}
     * (with the {@code url(#...)} and {@code href="#..."} references to it) prefixed with {@code idPrefix}.
     */
    static String inline(byte[] svg, String idPrefix) {
        Document d = parse(svg);
        Element root = d.getDocumentElement();
        List<Element> all = new ArrayList<>();
        collect(root, all);
        for (Element e : all) {
            String name = e.getLocalName();
            if ("script".equals(name) || "foreignObject".equals(name)) {
                e.getParentNode().removeChild(e);
                continue;
            }
            clean(e, idPrefix);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(svg.length);
        write(d, out, true);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void clean(Element e, String idPrefix) {
        NamedNodeMap attrs = e.getAttributes();
        List<Attr> drop = new ArrayList<>();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
            String v = a.getValue();
            if (name.toLowerCase(Locale.ROOT).startsWith("on")
                    || v.strip().toLowerCase(Locale.ROOT).startsWith("javascript:")) {
                drop.add(a);
            } else if ("id".equals(name)) {
                a.setValue(idPrefix + v);
            } else if ("href".equals(name) && v.startsWith("#")) {
                a.setValue("#" + idPrefix + v.substring(1));
            } else if (v.contains("url(#")) {
                Matcher m = URL_REF.matcher(v);
                a.setValue(m.replaceAll(r -> Matcher.quoteReplacement("url(#" + idPrefix + r.group(1) + ")")));
            }
        }
        for (Attr a : drop) e.removeAttributeNode(a);
    }

    private static void collect(Element e, List<Element> into) {
        into.add(e);
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element c) collect(c, into);
        }
    }

    private static void write(Document d, ByteArrayOutputStream out, boolean fragment) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.METHOD, "xml");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, fragment ? "yes" : "no");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            t.transform(new DOMSource(d), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IllegalStateException("could not serialise an SVG document", e);
        }
    }
}
