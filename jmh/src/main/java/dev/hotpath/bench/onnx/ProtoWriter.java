package dev.hotpath.bench.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffers encoder: just what writing an ONNX {@code ModelProto} needs (varints, length-delimited
 * strings and nested messages, packed {@code float} and {@code int64} arrays). No protobuf library is on Hotpath's
 * class path and the wire format is small and stable, so the benchmark module writes its ONNX models itself.
 *
 * <p>Not thread-safe. Allocates (a growing byte buffer); used at model-generation time only.
 */
public final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LEN = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** @return the bytes written so far */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * Writes a varint field (int32, int64, enum, bool).
     *
     * @param field the field number
     * @param value the value (negative values take ten bytes, as in protobuf)
     * @return this writer
     */
    public ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    /**
     * Writes a string field as UTF-8.
     *
     * @param field the field number
     * @param value the string
     * @return this writer
     */
    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a length-delimited field (bytes or an embedded message).
     *
     * @param field the field number
     * @param value the payload
     * @return this writer
     */
    public ProtoWriter bytes(int field, byte[] value) {
        tag(field, LEN);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /**
     * Writes an embedded message.
     *
     * @param field the field number
     * @param message the message's writer
     * @return this writer
     */
    public ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /**
     * Writes a {@code float} field (wire type 5).
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    public ProtoWriter fixed32(int field, float value) {
        tag(field, 5);
        rawFixed32(Float.floatToRawIntBits(value));
        return this;
    }

    /**
     * Writes a packed repeated {@code float} field. Parsers accept packed encoding for every repeated scalar field,
     * proto2 ones included.
     *
     * @param field the field number
     * @param values the values
     * @return this writer
     */
    public ProtoWriter packedFloats(int field, float[] values) {
        ProtoWriter body = new ProtoWriter();
        for (float v : values) {
            body.rawFixed32(Float.floatToRawIntBits(v));
        }
        return bytes(field, body.toByteArray());
    }

    /**
     * Writes a packed repeated varint ({@code int64}) field.
     *
     * @param field the field number
     * @param values the values
     * @return this writer
     */
    public ProtoWriter packedVarints(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) {
            body.rawVarint(v);
        }
        return bytes(field, body.toByteArray());
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void rawFixed32(int bits) {
        out.write(bits & 0xFF);
        out.write((bits >>> 8) & 0xFF);
        out.write((bits >>> 16) & 0xFF);
        out.write((bits >>> 24) & 0xFF);
    }
}
