package dev.hotpath.stream;

/**
 * Allocation-free UTF-8 conversion between {@code CharSequence} ids and record-key bytes. Strict: malformed input
 * (unpaired surrogates, overlong forms, truncated sequences, code points above U+10FFFF) is refused, so one id has
 * exactly one key. Stateless; thread-safe.
 */
final class Utf8 {
    private Utf8() {
    }

    /** @return an upper bound of the UTF-8 length of {@code s} */
    static int maxBytes(CharSequence s) {
        return 3 * s.length();
    }

    /**
     * Encodes {@code s} into {@code dst[off..]}.
     *
     * @return bytes written
     * @throws IllegalArgumentException on an unpaired surrogate
     * @throws IndexOutOfBoundsException if {@code dst} is too small
     */
    static int encode(CharSequence s, byte[] dst, int off) {
        int p = off;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | (c >>> 6));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char d = i + 1 < n ? s.charAt(i + 1) : 0;
                if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(d)) {
                    throw new IllegalArgumentException("unpaired surrogate at index " + i + " of an id");
                }
                int cp = Character.toCodePoint(c, d);
                i++;
                dst[p++] = (byte) (0xF0 | (cp >>> 18));
                dst[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                dst[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                dst[p++] = (byte) (0xE0 | (c >>> 12));
                dst[p++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p - off;
    }

    /**
     * Decodes {@code src[off, off + len)} into {@code out} (cleared first).
     *
     * @return false if the bytes are not well-formed UTF-8 ({@code out} then holds a prefix)
     */
    static boolean decode(byte[] src, int off, int len, StringBuilder out) {
        out.setLength(0);
        int end = off + len;
        int i = off;
        while (i < end) {
            int b = src[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int need;
            int cp;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                cp = b & 0x1F;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                cp = b & 0x0F;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                cp = b & 0x07;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + need >= end) {
                return false;
            }
            for (int k = 1; k <= need; k++) {
                int c = src[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            out.appendCodePoint(cp);
            i += need + 1;
        }
        return true;
    }
}
