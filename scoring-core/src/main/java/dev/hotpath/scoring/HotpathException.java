package dev.hotpath.scoring;

/**
 * The root of every exception Hotpath throws. Unchecked: Hotpath's public API declares no checked exceptions.
 *
 * <p>Hotpath throws only from cold paths (loading, building, configuring) and for violations of a method's
 * programming contract (for example an input array shorter than the model's width). Data problems on the request
 * path, such as missing features, are never reported by exception.
 */
public class HotpathException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and, where possible, how to fix it
     */
    public HotpathException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and, where possible, how to fix it
     * @param cause the underlying failure
     */
    public HotpathException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Makes text read from a file (a CSV header, a cell, a name in a model or definition) safe to put into an
     * exception message or a log line: control characters (C0, DEL, C1), line and paragraph separators and Unicode
     * bidirectional controls are written as escapes ({@code \n}, {@code \r}, {@code \t}; any other as a backslash,
     * {@code u} and four hex digits, so ESC becomes backslash-u001b), so a hostile file can neither forge extra lines
     * nor drive the terminal with ANSI escapes. Everything else is kept as is. Thread-safe; allocates only when
     * something needs escaping.
     *
     * @param text file-derived text; null gives {@code "null"}
     * @return the text with every such character escaped
     */
    public static String printable(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int n = text.length();
        int i = 0;
        while (i < n && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text.toString();
        }
        StringBuilder sb = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\u200e'
                || c == '\u200f' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
