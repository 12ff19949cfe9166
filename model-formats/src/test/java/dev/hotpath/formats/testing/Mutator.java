package dev.hotpath.formats.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mutates valid model files for the fuzz tests: bit flips, byte changes, truncation, slices deleted or duplicated,
 * and, most effective, <em>length-field corruption</em>: a count or length the format states (found by a
 * format-aware locator) is replaced by an interesting value (0, ±1 off, doubled, 2^31, 2^32, values with bit 63
 * set, ...). One to three mutations are stacked per file. Deterministic for a seed, so a failure is reproducible
 * from the seed and the iteration number that the tests print.
 *
 * <p>Not thread-safe (one random generator); test code.
 */
public final class Mutator {
    /** How a length field is stored. */
    public enum Encoding {
        /** Little-endian unsigned 64-bit (dmlc, legacy XGBoost binary). */
        LE64,
        /** Little-endian 32-bit (legacy XGBoost binary counts). */
        LE32,
        /** Big-endian 64-bit (UBJSON {@code L}). */
        BE64,
        /** Protobuf varint (ONNX). */
        VARINT,
        /** A decimal number in text (JSON). */
        TEXT
    }

    /** A length or count in a seed file: where it is, how many bytes it takes, how it is stored. */
    public record LengthField(int offset, int width, Encoding encoding) {
    }

    /** A mutated file and what was done to it. */
    public record Mutation(String description, byte[] bytes) {
    }

    private static final long[] INTERESTING = {0, 1, 2, 7, 255, 256, 0x7FFF, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L,
        0xFFFF_FFFFL, 1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2};
    private static final String[] INTERESTING_TEXT = {"0", "-1", "1", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "9223372036854775808", "99999999999999999999", "1e40", "-1e40", "1e400", "NaN",
        "Infinity", "-0", "0.5", "3.4028235E38", "1.4E-45"};

    private final SplittableRandom rnd;

    /** @param seed the random seed */
    public Mutator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /**
     * @param seed a valid file (not modified)
     * @param fields its length fields (may be empty)
     * @return one to three stacked mutations of it
     */
    public Mutation mutate(byte[] seed, List<LengthField> fields) {
        byte[] b = seed;
        StringBuilder what = new StringBuilder();
        int n = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0);
        for (int k = 0; k < n; k++) {
            if (what.length() > 0) {
                what.append(" + ");
            }
            int choice = rnd.nextInt(10);
            if (choice < 4 && !fields.isEmpty() && b.length == seed.length) {
                b = length(b, fields.get(rnd.nextInt(fields.size())), what);
            } else if (choice < 6) {
                b = b.clone();
                int pos = rnd.nextInt(b.length);
                int bit = rnd.nextInt(8);
                b[pos] ^= (byte) (1 << bit);
                what.append("flip bit ").append(bit).append(" at ").append(pos);
            } else if (choice < 8) {
                b = b.clone();
                int pos = rnd.nextInt(b.length);
                int v = rnd.nextBoolean() ? new int[] {0, 0xFF, 0x7F, 0x80, 0x01}[rnd.nextInt(5)] : rnd.nextInt(256);
                b[pos] = (byte) v;
                what.append("byte at ").append(pos).append(" = 0x").append(Integer.toHexString(v));
            } else if (choice < 9) {
                int cut = rnd.nextInt(b.length);
                b = Arrays.copyOf(b, cut);
                what.append("truncate to ").append(cut);
                if (b.length == 0) {
                    return new Mutation(what.toString(), b);
                }
            } else {
                b = splice(b, what);
            }
        }
        return new Mutation(what.toString(), b);
    }

    /** Deletes or duplicates a slice (array elements, fields, whole subtrees). */
    private byte[] splice(byte[] b, StringBuilder what) {
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.max(1, Math.min(64, b.length - from)));
        len = Math.min(len, b.length - from);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + len);
        out.write(b, 0, from);
        if (rnd.nextBoolean()) {
            out.write(b, from, len);
            out.write(b, from, b.length - from);
            what.append("duplicate ").append(len).append(" bytes at ").append(from);
        } else {
            out.write(b, from + len, b.length - from - len);
            what.append("delete ").append(len).append(" bytes at ").append(from);
        }
        return out.toByteArray();
    }

    private byte[] length(byte[] seed, LengthField f, StringBuilder what) {
        long old = read(seed, f);
        long v = switch (rnd.nextInt(4)) {
            case 0 -> old + (rnd.nextBoolean() ? 1 : -1);
            case 1 -> old * 2 + 1;
            case 2 -> Long.MIN_VALUE | old; // bit 63 set: negative if read as signed
            default -> INTERESTING[rnd.nextInt(INTERESTING.length)];
        };
        what.append(f.encoding()).append(" length at ").append(f.offset()).append(": ").append(old).append(" -> ");
        switch (f.encoding()) {
            case LE64, LE32, BE64 -> {
                byte[] b = seed.clone();
                for (int i = 0; i < f.width(); i++) {
                    int shift = f.encoding() == Encoding.BE64 ? 8 * (f.width() - 1 - i) : 8 * i;
                    b[f.offset() + i] = (byte) (v >>> shift);
                }
                what.append(Long.toUnsignedString(f.width() == 8 ? v : v & 0xFFFF_FFFFL));
                return b;
            }
            case VARINT -> {
                what.append(Long.toUnsignedString(v));
                return replace(seed, f, varint(v));
            }
            default -> {
                String text = rnd.nextInt(3) == 0 ? Long.toString(old + (rnd.nextBoolean() ? 1 : -1))
                        : INTERESTING_TEXT[rnd.nextInt(INTERESTING_TEXT.length)];
                what.append(text);
                return replace(seed, f, text.getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static byte[] replace(byte[] b, LengthField f, byte[] with) {
        byte[] out = new byte[b.length - f.width() + with.length];
        System.arraycopy(b, 0, out, 0, f.offset());
        System.arraycopy(with, 0, out, f.offset(), with.length);
        System.arraycopy(b, f.offset() + f.width(), out, f.offset() + with.length, b.length - f.offset() - f.width());
        return out;
    }

    private static long read(byte[] b, LengthField f) {
        switch (f.encoding()) {
            case LE64, LE32, BE64: {
                long v = 0;
                for (int i = 0; i < f.width(); i++) {
                    int shift = f.encoding() == Encoding.BE64 ? 8 * (f.width() - 1 - i) : 8 * i;
                    v |= (long) (b[f.offset() + i] & 0xFF) << shift;
                }
                return v;
            }
            case VARINT: {
                long v = 0;
                for (int i = 0; i < f.width(); i++) {
                    v |= (long) (b[f.offset() + i] & 0x7F) << (7 * i);
                }
                return v;
            }
            default: {
                String s = new String(b, f.offset(), f.width(), StandardCharsets.US_ASCII);
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------------ locators

    private static final Pattern JSON_INTEGER = Pattern.compile("(?<![0-9.eE+-])-?[0-9]+(?![0-9.eE])");

    /** Every integer token of a JSON document (counts, ids, children, XGBoost's integer strings). */
    public static List<LengthField> jsonIntegers(byte[] json) {
        List<LengthField> out = new ArrayList<>();
        Matcher m = JSON_INTEGER.matcher(new String(json, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            out.add(new LengthField(m.start(), m.end() - m.start(), Encoding.TEXT));
        }
        return out;
    }

    /** UBJSON {@code L} values that look like lengths or counts (non-negative, below the file size). */
    public static List<LengthField> ubjLengths(byte[] ubj) {
        List<LengthField> out = new ArrayList<>();
        for (int i = 0; i + 9 <= ubj.length; i++) {
            if (ubj[i] != 'L') {
                continue;
            }
            long v = 0;
            for (int k = 1; k <= 8; k++) {
                v = v << 8 | (ubj[i + k] & 0xFF);
            }
            if (v >= 0 && v < ubj.length) {
                out.add(new LengthField(i + 1, 8, Encoding.BE64));
            }
        }
        return out;
    }

    /**
     * The length fields of a {@code binf} legacy XGBoost binary file, found by walking its layout: the learner
     * counts, the objective and booster names, num_trees, each tree's num_nodes and num_deleted, the weight vectors
     * and the attribute list.
     */
    public static List<LengthField> legacyLengths(byte[] b) {
        List<LengthField> out = new ArrayList<>();
        int pos = 4;
        for (int off : new int[] {4, 8, 12, 28}) { // num_feature, num_class, contain_extra_attrs, num_target
            out.add(new LengthField(pos + off, 4, Encoding.LE32));
        }
        boolean attrs = le(b, pos + 12, 4) != 0;
        pos += 136;
        String booster = "";
        for (int s = 0; s < 2; s++) {
            out.add(new LengthField(pos, 8, Encoding.LE64));
            int n = (int) le(b, pos, 8);
            booster = new String(b, pos + 8, n, StandardCharsets.US_ASCII);
            pos += 8 + n;
        }
        if (booster.equals("gblinear")) {
            pos += 136;
            out.add(new LengthField(pos, 8, Encoding.LE64));
            pos += 8 + 4 * (int) le(b, pos, 8);
        } else {
            int trees = (int) le(b, pos, 4);
            out.add(new LengthField(pos, 4, Encoding.LE32));
            out.add(new LengthField(pos + 4, 4, Encoding.LE32)); // num_parallel_tree
            pos += 160;
            for (int t = 0; t < trees; t++) {
                out.add(new LengthField(pos + 4, 4, Encoding.LE32)); // num_nodes
                out.add(new LengthField(pos + 8, 4, Encoding.LE32)); // num_deleted
                int nodes = (int) le(b, pos + 4, 4);
                pos += 148 + 36 * nodes;
            }
            pos += 4 * trees;
            if (booster.equals("dart")) {
                out.add(new LengthField(pos, 8, Encoding.LE64));
                pos += 8 + 4 * (int) le(b, pos, 8);
            }
        }
        if (attrs && pos + 8 <= b.length) {
            out.add(new LengthField(pos, 8, Encoding.LE64));
            long n = le(b, pos, 8);
            pos += 8;
            for (long i = 0; i < 2 * n && pos + 8 <= b.length; i++) {
                out.add(new LengthField(pos, 8, Encoding.LE64));
                pos += 8 + (int) le(b, pos, 8);
            }
        }
        return out;
    }

    private static long le(byte[] b, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    /**
     * The length varints of a protobuf message and, recursively, of every length-delimited field whose payload
     * itself parses as a message (ONNX's graph, nodes, attributes, tensors).
     */
    public static List<LengthField> protobufLengths(byte[] b) {
        List<LengthField> out = new ArrayList<>();
        protobuf(b, 0, b.length, out, 0);
        return out;
    }

    private static boolean protobuf(byte[] b, int pos, int end, List<LengthField> out, int depth) {
        List<LengthField> found = new ArrayList<>();
        List<int[]> payloads = new ArrayList<>();
        while (pos < end) {
            long[] tag = readVarint(b, pos, end);
            if (tag == null || (tag[0] >>> 3) == 0) {
                return false;
            }
            pos = (int) tag[1];
            switch ((int) (tag[0] & 7)) {
                case 0 -> {
                    long[] v = readVarint(b, pos, end);
                    if (v == null) {
                        return false;
                    }
                    pos = (int) v[1];
                }
                case 1 -> pos += 8;
                case 5 -> pos += 4;
                case 2 -> {
                    long[] len = readVarint(b, pos, end);
                    if (len == null || len[0] < 0 || len[0] > end - len[1]) {
                        return false;
                    }
                    found.add(new LengthField(pos, (int) (len[1] - pos), Encoding.VARINT));
                    payloads.add(new int[] {(int) len[1], (int) (len[1] + len[0])});
                    pos = (int) (len[1] + len[0]);
                }
                default -> {
                    return false;
                }
            }
        }
        if (pos != end) {
            return false;
        }
        out.addAll(found);
        if (depth < 12) {
            for (int[] p : payloads) {
                List<LengthField> inner = new ArrayList<>();
                if (p[1] > p[0] && protobuf(b, p[0], p[1], inner, depth + 1)) {
                    out.addAll(inner);
                }
            }
        }
        return true;
    }

    private static long[] readVarint(byte[] b, int pos, int end) {
        long v = 0;
        for (int i = 0; i < 10; i++) {
            if (pos + i >= end) {
                return null;
            }
            v |= (long) (b[pos + i] & 0x7F) << (7 * i);
            if ((b[pos + i] & 0x80) == 0) {
                return new long[] {v, pos + i + 1};
            }
        }
        return null;
    }
}
