package org.overparam.report;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Escaping and value formatting for the report. The output is polyglot markup: valid HTML5 that is also well-formed
 * XML (every element closed, void elements written {@code <meta .../>}, only the five XML entities), so a test or a
 * script can read a report with any XML parser.
 */
final class Html {
    /** A URI scheme such as {@code hdfs:} or {@code file:}; a figure's path must be relative instead. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    /** Integral doubles up to this magnitude print as integers (1000, not 1000.00). */
    private static final double PLAIN_INTEGER_LIMIT = 1e15;

    private Html() {}

    /** Escapes text for element content and double- or single-quoted attribute values. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters other than tab, newline and carriage return are not allowed in XML 1.0.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') b.append(c);
                    else b.append('\uFFFD');
                }
            }
        }
        return b.toString();
    }

    /** Whether a value is shown as a number (right-aligned in tables). */
    static boolean isNumber(Object v) {
        return v instanceof Number;
    }

    /**
     * Formats a value for a table cell, unescaped: integers as they are; floating-point numbers with 6 significant
     * digits and no trailing zeros (0.123457, 1e-7, 1.5e+6), integral ones below 10^15 as integers; NaN as NaN and
     * infinities as inf and -inf; null as an em dash; arrays and collections element by element in brackets; anything
     * else through {@code String.valueOf}.
     */
    static String format(Object v) {
        if (v == null) return "\u2014";
        if (v instanceof Integer
                || v instanceof Long
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof Float f) return number(Double.parseDouble(f.toString()));
        if (v instanceof BigDecimal d) return number(d.doubleValue());
        if (v instanceof Number n) return number(n.doubleValue());
        if (v instanceof Collection<?> c) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (Object o : c) j.add(format(o));
            return j.toString();
        }
        if (v.getClass().isArray()) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (int i = 0; i < Array.getLength(v); i++) j.add(format(Array.get(v, i)));
            return j.toString();
        }
        return String.valueOf(v);
    }

    /** A double with 6 significant digits, as {@link #format} describes. */
    static String number(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < PLAIN_INTEGER_LIMIT) {
            return d == 0 ? "0" : Long.toString((long) d);
        }
        String s = String.format(Locale.ROOT, "%.6g", d);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) mantissa = mantissa.substring(0, mantissa.length() - 1);
        }
        if (e < 0) return mantissa;
        String exponent = s.substring(e + 1);
        String sign = exponent.startsWith("-") ? "-" : "+";
        String digits = exponent.replaceFirst("^[+-]", "").replaceFirst("^0+(?=\\d)", "");
        return mantissa + "e" + sign + digits;
    }

    /**
     * Checks that a figure's path is relative to the report (no scheme, not absolute) and percent-encodes it for an
     * {@code src} or {@code href}: every byte outside the unreserved characters and {@code /} is encoded.
     *
     * @throws IllegalArgumentException for a blank, absolute or scheme-qualified path
     */
    static String relativeUrl(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a figure needs the relative path of its PNG");
        }
        if (path.startsWith("/")
                || path.startsWith("\\")
                || SCHEME.matcher(path).find()) {
            throw new IllegalArgumentException("figure path '" + path + "' is absolute; expected a path relative to "
                    + "the report, such as plots/loss.png, so the run directory can be moved or copied");
        }
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (byte raw : path.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xFF;
            boolean keep = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '/';
            if (keep) b.append((char) c);
            else
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
        }
        return b.toString();
    }
}
