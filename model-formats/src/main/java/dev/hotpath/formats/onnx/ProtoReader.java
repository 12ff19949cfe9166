package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ModelFormatException;

import java.nio.charset.StandardCharsets;

/**
 * A bounded cursor over a protobuf message {@code b[pos..end)} that reports errors with absolute file offsets: the
 * one place Hotpath decodes protobuf wire format (for {@link OnnxModelProto} and {@link OnnxGraphValidator}).
 *
 * <p>Every length is read as an <em>unsigned</em> varint and checked against the bytes that remain in the enclosing
 * message before anything is allocated or skipped; varints are at most 10 bytes; strings are limited by the
 * caller. A hostile length therefore fails with a {@link ModelFormatException} naming its offset, never with an
 * exception from an array index or a huge allocation.
 *
 * <p>Not thread-safe (a cursor); cold path only; package-private.
 */
final class ProtoReader {
    static final int WT_VARINT = 0;
    static final int WT_I64 = 1;
    static final int WT_LEN = 2;
    static final int WT_I32 = 5;

    final byte[] b;
    int pos;
    final int end;
    final String source;
    final int maxStringBytes;

    ProtoReader(byte[] b, int pos, int end, String source, int maxStringBytes) {
        this.b = b;
        this.pos = pos;
        this.end = end;
        this.source = source;
        this.maxStringBytes = maxStringBytes;
    }

    boolean hasMore() {
        return pos < end;
    }

    ModelFormatException error(int at, String expectation) {
        return new ModelFormatException(source, "offset " + at, expectation);
    }

    /** Reads a field tag; field number 0 is refused (it never occurs in valid protobuf). */
    long tag(String message) {
        int at = pos;
        long tag = varint(message + " field tag");
        if ((tag >>> 3) == 0) {
            throw error(at, "a protobuf field tag (field number >= 1) in " + message + ", found " + tag
                    + "; the file is corrupt or not an ONNX model");
        }
        return tag;
    }

    static int field(long tag) {
        return (int) Math.min(tag >>> 3, Integer.MAX_VALUE);
    }

    static int wireType(long tag) {
        return (int) (tag & 7);
    }

    long varint(String what) {
        int start = pos;
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw error(start, "a complete varint (" + what + ") but the "
                        + (end == b.length ? "file" : "enclosing message") + " ends at offset " + end
                        + "; the file is truncated or not an ONNX model");
            }
            int x = b[pos++];
            result |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
        throw error(start, "a varint of at most 10 bytes (" + what + "); this is not an ONNX model");
    }

    long expectVarint(int wireType, int field, String name) {
        if (wireType != WT_VARINT) {
            throw error(pos, "field " + field + " (" + name + ") with wire type 0 (varint), found wire type "
                    + wireType + "; the file is corrupt or not an ONNX model");
        }
        return varint(name);
    }

    /**
     * Reads the length of a length-delimited field, checks it as unsigned against the bytes left in this message,
     * and moves past the payload.
     *
     * @return the offset where the payload starts (it ends at the new {@link #pos})
     */
    int expectLengthDelimited(int wireType, int field, String name) {
        if (wireType != WT_LEN) {
            throw error(pos, "field " + field + " (" + name + ") with wire type 2 (length-delimited), found "
                    + "wire type " + wireType + "; the file is corrupt or not an ONNX model");
        }
        int lenAt = pos;
        long n = varint(name + " length");
        if (Long.compareUnsigned(n, end - pos) > 0) {
            throw error(lenAt, "field " + field + " (" + name + ") declares " + Long.toUnsignedString(n)
                    + " bytes but only " + (end - pos) + " remain; the file is truncated or corrupt");
        }
        int start = pos;
        pos += (int) n;
        return start;
    }

    String expectString(int wireType, int field, String name) {
        int start = expectLengthDelimited(wireType, field, name);
        int n = pos - start;
        if (n > maxStringBytes) {
            throw error(start, name + " of at most " + maxStringBytes + " bytes (ModelLimits.maxStringBytes), "
                    + "found " + n);
        }
        return new String(b, start, n, StandardCharsets.UTF_8);
    }

    ProtoReader expectMessage(int wireType, int field, String name) {
        int start = expectLengthDelimited(wireType, field, name);
        return new ProtoReader(b, start, pos, source, maxStringBytes);
    }

    int fixed32(String what) {
        need(4, what);
        int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long fixed64(String what) {
        need(8, what);
        long lo = fixed32(what) & 0xFFFFFFFFL;
        long hi = fixed32(what) & 0xFFFFFFFFL;
        return hi << 32 | lo;
    }

    void skip(int wireType, int field) {
        switch (wireType) {
            case WT_VARINT -> varint("field " + field);
            case WT_LEN -> expectLengthDelimited(wireType, field, "field " + field);
            case WT_I64 -> {
                need(8, "field " + field);
                pos += 8;
            }
            case WT_I32 -> {
                need(4, "field " + field);
                pos += 4;
            }
            default -> throw error(pos, "a protobuf wire type 0, 1, 2 or 5 for field " + field + ", found "
                    + wireType + "; the file is corrupt or not an ONNX model");
        }
    }

    private void need(int n, String what) {
        if (end - pos < n) {
            throw error(pos, what + " needs " + n + " bytes but only " + (end - pos)
                    + " remain; the file is truncated or corrupt");
        }
    }
}
