package dev.hotpath.cache;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Deterministic synthetic feature CSVs for the 1M x 50 load test and benchmark: id {@code fp_<16 hex>}, features
 * f0..f(n-1) with values like {@code -123.45} (two decimals, as pipelines typically emit). Written with a hand-rolled
 * ASCII formatter because {@code String.format} takes ~40 s for 50M cells.
 */
final class SyntheticCsv {
    private SyntheticCsv() {
    }

    static String id(int i) {
        StringBuilder sb = new StringBuilder(19);
        appendId(sb, i);
        return sb.toString();
    }

    static void appendId(StringBuilder sb, int i) {
        sb.append("fp_");
        String hex = Long.toHexString(i * 0x9E3779B97F4A7C15L);
        for (int p = hex.length(); p < 16; p++) {
            sb.append('0');
        }
        sb.append(hex);
    }

    /** Feature j of entity i in hundredths: in [-99999.99, 99999.99]. */
    static long hundredths(int i, int j) {
        long x = (i * 2_654_435_761L + j * 40_503L) ^ (j * 0x5bd1e995L);
        return Math.floorMod(x, 19_999_999L) - 9_999_999L;
    }

    /** The cell's text, as written to the file. */
    static String text(int i, int j) {
        long h = hundredths(i, j);
        long a = Math.abs(h);
        return (h < 0 ? "-" : "") + a / 100 + "." + (a % 100 < 10 ? "0" : "") + a % 100;
    }

    static FeatureView view(String name, int features) {
        FeatureView.Builder b = FeatureView.builder(name).ttl(Duration.ofDays(1));
        for (int j = 0; j < features; j++) {
            b.feature("f" + j, 0f);
        }
        return b.build();
    }

    static void write(Path csv, int entities, int features) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
            StringBuilder line = new StringBuilder(features * 12 + 32);
            line.append("card_fp");
            for (int j = 0; j < features; j++) {
                line.append(",f").append(j);
            }
            line.append('\n');
            ascii(out, line);
            for (int i = 0; i < entities; i++) {
                line.setLength(0);
                appendId(line, i);
                for (int j = 0; j < features; j++) {
                    long h = hundredths(i, j);
                    long a = Math.abs(h);
                    line.append(',');
                    if (h < 0) {
                        line.append('-');
                    }
                    line.append(a / 100).append('.');
                    if (a % 100 < 10) {
                        line.append('0');
                    }
                    line.append(a % 100);
                }
                line.append('\n');
                ascii(out, line);
            }
        }
    }

    private static void ascii(OutputStream out, CharSequence s) throws IOException {
        for (int k = 0; k < s.length(); k++) {
            out.write(s.charAt(k));
        }
    }
}
