package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.TinyModel.floats;
import static dev.hotpath.formats.xgboost.TinyModel.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.testing.AllocationProbe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every length, count and size a model file states is checked <em>as unsigned</em> and against the bytes that
 * remain before anything is allocated (issue #20 item 1). Each case mutates a real file in the test and asserts
 * both the refusal (a {@link ModelFormatException} naming the offset or field) and that the reader did not
 * allocate anything near the claimed size on the way.
 */
class XgboostLengthFieldTest {
    /** Far above what reading a few-KB file needs, far below the sizes the hostile lengths claim. */
    private static final long ALLOCATION_BUDGET = 64L << 20;

    private static ModelFormatException rejectCheaply(byte[] bytes, String source) {
        if (!AllocationProbe.isSupported()) {
            fail("this JVM cannot measure per-thread allocation; run the tests on HotSpot");
        }
        long before = AllocationProbe.allocatedBytes();
        try {
            XgboostReader.read(bytes, source, XgboostOptions.defaults());
        } catch (ModelFormatException e) {
            long allocated = AllocationProbe.allocatedBytes() - before;
            assertTrue(allocated < ALLOCATION_BUDGET, source + ": the reader allocated " + allocated
                    + " bytes before refusing");
            assertEquals(source, e.source(), e.getMessage());
            return e;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(source + ": expected a ModelFormatException, got " + e, e);
        }
        throw new AssertionError(source + ": the corrupt file was accepted");
    }

    private static byte[] legacy(String name) throws IOException {
        return Files.readAllBytes(XgboostLegacyFixtureTest.fixtureDir().resolve("2.1.4/" + name));
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    // Offsets in the 2.1.4 fixtures, from walking the files' dmlc layout (header, strings, trees, tree_info).
    private static final int GBLINEAR_WEIGHTS_LENGTH = 316;
    private static final int DART_WEIGHT_DROP_LENGTH = 5727;
    private static final int DART_ATTRIBUTE_COUNT = 5767;

    @Test
    void layoutOffsetsShouldPointAtTheLengthFields() throws IOException {
        // The unmodified files hold the lengths the offsets claim: 7 weights, 8 tree weights, 1 attribute.
        assertEquals(7, le(legacy("gblinear.bin")).getLong(GBLINEAR_WEIGHTS_LENGTH));
        assertEquals(8, le(legacy("dart.bin")).getLong(DART_WEIGHT_DROP_LENGTH));
        assertEquals(1, le(legacy("dart.bin")).getLong(DART_ATTRIBUTE_COUNT));
        XgboostReader.read(legacy("gblinear.bin"), "gblinear.bin", XgboostOptions.defaults());
        XgboostReader.read(legacy("dart.bin"), "dart.bin", XgboostOptions.defaults());
    }

    @Test
    void shouldRejectANegativeLegacyFloatVectorLengthInsteadOfANegativeArraySize() throws IOException {
        byte[] b = legacy("gblinear.bin");
        le(b).putLong(GBLINEAR_WEIGHTS_LENGTH, -1L);
        ModelFormatException e = rejectCheaply(b, "negative-weights.bin");
        assertEquals("offset " + GBLINEAR_WEIGHTS_LENGTH, e.location());
        assertTrue(e.expectation().contains("weights claims 18446744073709551615 floats but only 130 bytes remain"),
                e.getMessage());
    }

    @Test
    void shouldRejectALegacyLengthWhoseLow32BitsAreHugeInsteadOfRunningOutOfMemory() throws IOException {
        // 0xFFFFFFFF_7FFFFFFF is negative as a signed long and Integer.MAX_VALUE after an int cast: the 454-byte
        // file of the issue that ended in OutOfMemoryError.
        byte[] b = legacy("gblinear.bin");
        assertEquals(454, b.length);
        le(b).putLong(GBLINEAR_WEIGHTS_LENGTH, 0xFFFFFFFF_7FFFFFFFL);
        ModelFormatException e = rejectCheaply(b, "oom-weights.bin");
        assertEquals("offset " + GBLINEAR_WEIGHTS_LENGTH, e.location());
        assertTrue(e.expectation().contains("claims 18446744071562067967 floats"), e.getMessage());
    }

    @Test
    void shouldRejectADartWeightDropLengthBeforeAllocatingAGigabyte() throws IOException {
        // Negative as a signed long, 2^28 (a 1 GiB float[]) after an int cast.
        byte[] b = legacy("dart.bin");
        le(b).putLong(DART_WEIGHT_DROP_LENGTH, 0xFFFFFFFF_10000000L);
        ModelFormatException e = rejectCheaply(b, "gib-weight-drop.bin");
        assertEquals("offset " + DART_WEIGHT_DROP_LENGTH, e.location());
        assertTrue(e.expectation().contains("weight_drop claims 18446744069683019776 floats"), e.getMessage());

        b = legacy("dart.bin");
        le(b).putLong(DART_WEIGHT_DROP_LENGTH, -1L);
        e = rejectCheaply(b, "negative-weight-drop.bin");
        assertEquals("offset " + DART_WEIGHT_DROP_LENGTH, e.location());

        b = legacy("dart.bin");
        le(b).putLong(DART_WEIGHT_DROP_LENGTH, 1L << 40);
        e = rejectCheaply(b, "huge-weight-drop.bin");
        assertTrue(e.expectation().contains("weight_drop claims 1099511627776 floats but only 133 bytes remain"),
                e.getMessage());
    }

    @Test
    void shouldRejectANegativeLegacyAttributeCountAtItsOffset() throws IOException {
        byte[] b = legacy("dart.bin");
        le(b).putLong(DART_ATTRIBUTE_COUNT, Long.MIN_VALUE + 1);
        ModelFormatException e = rejectCheaply(b, "negative-attributes.bin");
        assertEquals("offset " + DART_ATTRIBUTE_COUNT, e.location());
        assertTrue(e.expectation().contains("attribute list claims 9223372036854775809 attributes"),
                e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ UBJSON

    @Test
    void shouldRejectNegativeUbjCountsAndLengthsOfEveryIntegerWidth() {
        // A typed array's count as int8, int16, int32 and int64, each negative.
        for (char width : new char[] {'i', 'I', 'l', 'L'}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write('{');
            key(out, "version");
            out.write('[');
            out.write('$');
            out.write('l');
            out.write('#');
            out.write(width);
            TinyModel.be(out, -2, size(width));
            out.write(new byte[32], 0, 32);
            ModelFormatException e = rejectCheaply(out.toByteArray(), "count-" + width + ".ubj");
            assertEquals("offset 14", e.location(), e.getMessage()); // the count's integer marker
            assertTrue(e.expectation().contains("negative element count -2"), e.getMessage());
        }
        // A key length with bit 63 set.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        out.write('L');
        TinyModel.be(out, Long.MIN_VALUE + 3, 8);
        out.write(new byte[8], 0, 8);
        ModelFormatException e = rejectCheaply(out.toByteArray(), "key.ubj");
        assertTrue(e.expectation().contains("negative string length"), e.getMessage());
        // A string value's length, and a generic (untyped) array's count, negative.
        byte[] ubj = new TinyModel().ubj();
        // the booster's name
        int name = XgboostBadInputTest.indexOf(ubj, "nameSL".getBytes(StandardCharsets.US_ASCII)) + 6;
        byte[] b = ubj.clone();
        ByteBuffer.wrap(b).putLong(name, -5L);
        e = rejectCheaply(b, "string.ubj");
        assertEquals("offset " + (name - 2), e.location());
        b = ubj.clone();
        int trees = XgboostBadInputTest.indexOf(b, "trees[#L".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer.wrap(b).putLong(trees + 8, -1L);
        e = rejectCheaply(b, "trees.ubj");
        assertTrue(e.expectation().contains("negative element count -1"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ JSON and UBJSON

    @Test
    void shouldRejectANodeCountThatTheNodeArraysDoNotHoldWithoutAllocatingForIt() {
        TinyModel m = new TinyModel();
        m.treeParam0().put("num_nodes", "4000000");
        for (byte[] b : new byte[][] {m.json(), m.ubj()}) {
            ModelFormatException e = rejectCheaply(b, "nodes");
            assertTrue(e.expectation().contains("expected one entry per node (num_nodes = 4000000), found 3"),
                    e.getMessage());
        }
    }

    @Test
    void shouldBoundTheLeafTableOfVectorLeafTreesBeforeAllocatingIt() {
        // 3.2+ layout: the file stores one vector per distinct leaf, the reader expands it to num_nodes x outputs.
        // 20,000 nodes x 10,000 outputs would be an 800 MB table from a file of a few hundred KB; 300,000 nodes
        // overflow an int.
        for (int n : new int[] {20_000, 300_000}) {
            TinyModel m = wideVectorLeafModel(n, 10_000);
            ModelFormatException e = rejectCheaply(m.ubj(), "leaves-" + n + ".ubj");
            assertEquals("learner.gradient_booster.model.trees[0].leaf_weights", e.location(), e.getMessage());
            assertTrue(e.expectation().contains("ModelLimits.maxTotalNodes"), e.getMessage());
        }
        // The same shape with a small output count loads.
        XgboostReader.read(wideVectorLeafModel(20_000, 2).ubj(), "small", XgboostOptions.defaults());
    }

    /** Node 0 splits into two vector leaves; nodes 3.. are unreachable leaves; {@code k} outputs. */
    private static TinyModel wideVectorLeafModel(int n, int k) {
        TinyModel m = new TinyModel();
        m.params().put("num_target", Integer.toString(k));
        m.params().put("base_score", "[0E0]");
        m.learner().put("objective", TinyModel.map("name", "reg:squarederror"));
        m.treeParam0().put("size_leaf_vector", Integer.toString(k));
        m.treeParam0().put("num_nodes", Integer.toString(n));
        int[] left = new int[n];
        int[] right = new int[n];
        Arrays.fill(left, -1);
        left[0] = 1;
        right[0] = 2;
        right[2] = 1;
        m.tree0().put("left_children", ints(left));
        m.tree0().put("right_children", ints(right));
        m.tree0().put("parents", ints(new int[n]));
        m.tree0().put("split_indices", ints(new int[n]));
        m.tree0().put("split_type", TinyModel.bytes(new int[n]));
        m.tree0().put("default_left", TinyModel.bytes(new int[n]));
        m.tree0().put("split_conditions", floats(new float[n]));
        m.tree0().put("base_weights", floats(new float[n]));
        m.tree0().put("loss_changes", floats(new float[n]));
        m.tree0().put("sum_hessian", floats(new float[n]));
        m.tree0().put("leaf_weights", floats(new float[2 * k]));
        return m;
    }

    private static int size(char width) {
        switch (width) {
            case 'i':
                return 1;
            case 'I':
                return 2;
            case 'l':
                return 4;
            default:
                return 8;
        }
    }

    private static void key(ByteArrayOutputStream out, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        out.write('U');
        out.write(k.length);
        out.write(k, 0, k.length);
    }
}
