package dev.hotpath.shadow.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number and time formatting shared by the text and HTML renderings. Stateless, thread-safe. */
final class Fmt {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    /** A metric value with 3 significant decimals, {@code n/a} for NaN. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 0.001 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    /** A gate limit exactly as configured, e.g. {@code 0.0001}. */
    static String limit(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A score with 4 decimals. */
    static String score(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** A share as a percentage with 2 decimals. */
    static String pct(double share) {
        if (Double.isNaN(share)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    /** A count with thousands separators, {@code n/a} for negative (unknown). */
    static String count(long n) {
        return n < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", n);
    }

    /** A latency in ns as ns, µs or ms. */
    static String nanos(long ns) {
        if (ns <= 0) {
            return "-";
        }
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }

    /** An epoch-ns time in UTC, {@code -} for 0. */
    static String time(long epochNanos) {
        if (epochNanos == 0) {
            return "-";
        }
        return TIME.format(Instant.ofEpochSecond(0, epochNanos));
    }

    /** A duration between two epoch-ns times. */
    static String duration(long fromNanos, long toNanos) {
        long s = Math.max(0, (toNanos - fromNanos) / 1_000_000_000L);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + ((s % 3600) / 60) + "m";
    }

    /** Pads or truncates to a width, left-aligned. */
    static String left(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        return s + " ".repeat(width - s.length());
    }

    /** Right-aligned to a width. */
    static String right(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        return " ".repeat(width - s.length()) + s;
    }
}
