package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ModelFormatException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded reader of the top level of an ONNX {@code ModelProto} (onnx/onnx.proto3), for what ONNX Runtime's Java
 * API does not expose: the IR version and the operator-set imports. It also detects truncated and non-protobuf files
 * with an offset in the message, before the bytes reach native code.
 *
 * <p>Only the top-level fields are decoded; the graph is skipped by its length. Fields read:
 * {@code 1 ir_version}, {@code 2 producer_name}, {@code 3 producer_version}, {@code 4 domain},
 * {@code 5 model_version}, {@code 6 doc_string} (skipped), {@code 7 graph} (skipped, must be present),
 * {@code 8 opset_import}, {@code 14 metadata_props}; others are skipped by wire type, as protobuf requires.
 *
 * <p>Stateless and thread-safe; cold path only. Decoding goes through {@link ProtoReader}: varints are bounded to 10
 * bytes, strings to the caller's limit and every length is checked, as unsigned, against the bytes that remain.
 */
final class OnnxModelProto {

    /** What the top level of a ModelProto says. {@code opsets} maps domain ("" = ai.onnx) to version. */
    record Header(long irVersion, String producerName, String producerVersion, String domain, long modelVersion,
                  boolean hasGraph, Map<String, Long> opsets, Map<String, String> metadata) {
    }

    private static final int WT_VARINT = ProtoReader.WT_VARINT;
    private static final int WT_LEN = ProtoReader.WT_LEN;

    private OnnxModelProto() {
    }

    /**
     * Cheap content sniff: true when {@code head[0..len)} parses as a run of known ModelProto top-level fields
     * (each with the wire type onnx.proto3 gives it) that includes {@code ir_version} with a plausible value. Writers
     * emit fields in number order, so {@code ir_version} (tag {@code 0x08}) comes first in practice; the sniff
     * accepts other orders as long as it appears within the head. A field cut off by the end of the head is fine.
     */
    static boolean looksLikeModelProto(byte[] head, int len) {
        if (head == null || len < 2 || len > head.length) {
            return false;
        }
        int pos = 0;
        boolean sawIrVersion = false;
        int fields = 0;
        while (pos < len) {
            long tag = readVarintOrNeg(head, pos, len);
            if (tag < 0) {
                break;
            }
            pos += varintSize(tag);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (!isKnownTopLevelField(field, wireType)) {
                return false;
            }
            if (wireType == WT_VARINT) {
                long v = readVarintOrNeg(head, pos, len);
                if (v < 0) {
                    break;
                }
                pos += varintSize(v);
                if (field == 1) {
                    if (v < 1 || v > 64) {
                        return false;
                    }
                    sawIrVersion = true;
                }
            } else {
                long n = readVarintOrNeg(head, pos, len);
                if (n < 0) {
                    break;
                }
                pos += varintSize(n);
                if (n > Integer.MAX_VALUE) {
                    return false;
                }
                pos += (int) Math.min(n, Integer.MAX_VALUE - pos);
            }
            fields++;
        }
        return sawIrVersion && fields >= 1;
    }

    private static boolean isKnownTopLevelField(int field, int wireType) {
        switch (field) {
            case 1:
            case 5:
                return wireType == WT_VARINT;
            case 2:
            case 3:
            case 4:
            case 6:
            case 7:
            case 8:
            case 14:
            case 20:
            case 25:
                return wireType == WT_LEN;
            default:
                return false;
        }
    }

    /** Varint at {@code pos}, or -1 if it is cut off by {@code end} or longer than 10 bytes / negative. */
    private static long readVarintOrNeg(byte[] b, int pos, int end) {
        long result = 0;
        for (int shift = 0, i = 0; i < 10; i++, shift += 7) {
            if (pos + i >= end) {
                return -1;
            }
            int x = b[pos + i];
            result |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
        return -1;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /**
     * Decodes the top level of a whole file.
     *
     * @throws ModelFormatException naming the offset and field when the bytes are not a complete ModelProto
     */
    static Header parse(byte[] b, String source, int maxStringBytes) {
        ProtoReader r = new ProtoReader(b, 0, b.length, source, maxStringBytes);
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        String domain = "";
        long modelVersion = 0;
        boolean hasGraph = false;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        while (r.hasMore()) {
            long tag = r.tag("ModelProto");
            int field = ProtoReader.field(tag);
            int wireType = ProtoReader.wireType(tag);
            switch (field) {
                case 1 -> irVersion = r.expectVarint(wireType, field, "ir_version");
                case 2 -> producerName = r.expectString(wireType, field, "producer_name");
                case 3 -> producerVersion = r.expectString(wireType, field, "producer_version");
                case 4 -> domain = r.expectString(wireType, field, "domain");
                case 5 -> modelVersion = r.expectVarint(wireType, field, "model_version");
                case 7 -> {
                    r.expectLengthDelimited(wireType, field, "graph");
                    hasGraph = true;
                }
                case 8 -> {
                    ProtoReader m = r.expectMessage(wireType, field, "opset_import");
                    String d = "";
                    long v = 0;
                    while (m.hasMore()) {
                        long t = m.tag("opset_import");
                        int f = ProtoReader.field(t);
                        if (f == 1) {
                            d = m.expectString((int) (t & 7), f, "opset_import.domain");
                        } else if (f == 2) {
                            v = m.expectVarint((int) (t & 7), f, "opset_import.version");
                        } else {
                            m.skip((int) (t & 7), f);
                        }
                    }
                    String key = "ai.onnx".equals(d) ? "" : d;
                    if (opsets.put(key, v) != null) {
                        duplicates.add(key.isEmpty() ? "ai.onnx" : key);
                    }
                }
                case 14 -> {
                    ProtoReader m = r.expectMessage(wireType, field, "metadata_props");
                    String k = "";
                    String v = "";
                    while (m.hasMore()) {
                        long t = m.tag("metadata_props");
                        int f = ProtoReader.field(t);
                        if (f == 1) {
                            k = m.expectString((int) (t & 7), f, "metadata_props.key");
                        } else if (f == 2) {
                            v = m.expectString((int) (t & 7), f, "metadata_props.value");
                        } else {
                            m.skip((int) (t & 7), f);
                        }
                    }
                    metadata.put(k, v);
                }
                default -> r.skip(wireType, field);
            }
        }
        if (!duplicates.isEmpty()) {
            throw new ModelFormatException(source, "opset_import",
                    "each operator-set domain imported once, found duplicates for " + duplicates);
        }
        return new Header(irVersion, producerName, producerVersion, domain, modelVersion, hasGraph,
                Collections.unmodifiableMap(opsets), Collections.unmodifiableMap(metadata));
    }
}
