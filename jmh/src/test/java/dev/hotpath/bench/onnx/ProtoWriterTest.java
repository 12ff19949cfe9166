package dev.hotpath.bench.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Wire-format bytes checked against the protobuf encoding rules, written out by hand. */
class ProtoWriterTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void shouldEncodeVarintsLittleEndianBase128() {
        // field 1, wire type 0 -> tag 0x08; 300 = 0b1_0010_1100 -> AC 02
        assertArrayEquals(bytes(0x08, 0xAC, 0x02), new ProtoWriter().varint(1, 300).toByteArray());
        assertArrayEquals(bytes(0x08, 0x00), new ProtoWriter().varint(1, 0).toByteArray());
    }

    @Test
    void shouldEncodeNegativeVarintsInTenBytes() {
        assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().varint(1, -1).toByteArray());
    }

    @Test
    void shouldEncodeHighFieldNumbersInTheTag() {
        // field 20, wire type 0 -> (20 << 3) = 160 -> A0 01
        assertArrayEquals(bytes(0xA0, 0x01, 0x07), new ProtoWriter().varint(20, 7).toByteArray());
    }

    @Test
    void shouldEncodeStringsAndMessagesLengthDelimited() {
        assertArrayEquals(bytes(0x12, 0x02, 'h', 'i'), new ProtoWriter().string(2, "hi").toByteArray());
        ProtoWriter inner = new ProtoWriter().varint(1, 5);
        assertArrayEquals(bytes(0x3A, 0x02, 0x08, 0x05), new ProtoWriter().message(7, inner).toByteArray());
    }

    @Test
    void shouldPackFloatsAsLittleEndianFixed32() {
        // 1.0f = 0x3F800000, -2.0f = 0xC0000000; field 7 wire type 2 -> 0x3A, length 8
        assertArrayEquals(bytes(0x3A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0),
                new ProtoWriter().packedFloats(7, new float[] {1f, -2f}).toByteArray());
    }

    @Test
    void shouldPackVarints() {
        // field 8 wire type 2 -> 0x42; payload 01 AC 02
        assertArrayEquals(bytes(0x42, 0x03, 0x01, 0xAC, 0x02),
                new ProtoWriter().packedVarints(8, new long[] {1, 300}).toByteArray());
    }

    @Test
    void shouldWriteFixed32Floats() {
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().fixed32(2, 1f).toByteArray());
    }
}
