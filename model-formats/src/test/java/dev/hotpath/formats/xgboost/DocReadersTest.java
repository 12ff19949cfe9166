package dev.hotpath.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.xgboost.Doc.Obj;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JSON (Jackson streaming) and UBJSON document readers on hand-made inputs. */
class DocReadersTest {
    private static final ModelLimits LIMITS = ModelLimits.defaults();

    private static Obj json(String text) {
        return JsonDocReader.read(text.getBytes(StandardCharsets.UTF_8), "t.json", LIMITS);
    }

    // ------------------------------------------------------------------------------------------ JSON

    @Test
    void shouldReadXgboostsNonStandardNumberTokens() {
        Obj root = json("{\"version\": [NaN, Infinity, -Infinity, 1.5E0, -0E0, 3]}");
        float[] v = root.numArray("t", "version").floats();
        assertTrue(Float.isNaN(v[0]));
        assertEquals(Float.POSITIVE_INFINITY, v[1]);
        assertEquals(Float.NEGATIVE_INFINITY, v[2]);
        assertEquals(1.5f, v[3]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(v[4]));
        assertEquals(3f, v[5]);
    }

    @Test
    void shouldParseFloatTokensStraightToFloatWithoutDoubleRounding() {
        // This decimal rounds to a double that lies exactly halfway between two floats; rounding that double to
        // float again picks the other neighbour. XGBoost (and Float.parseFloat) round once.
        String token = "1.00000017881393432617187499";
        assertNotEquals(Float.parseFloat(token), (float) Double.parseDouble(token), "the test token must be a "
                + "double-rounding case");
        float[] v = json("{\"version\": [" + token + "]}").numArray("t", "version").floats();
        assertEquals(Float.floatToIntBits(Float.parseFloat(token)), Float.floatToIntBits(v[0]));
    }

    @Test
    void shouldReadBooleanDefaultLeftFromOldJsonAsZeroOrOne() {
        Obj root = json("{\"version\": [true, false, true]}");
        assertArrayEquals(new int[] {1, 0, 1}, root.numArray("t", "version").ints("t", 0, 1));
    }

    @Test
    void shouldRejectIntegersBeyondSixtyFourBits() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> json("{\"version\": [123456789012345678901234567890]}"));
        assertTrue(e.expectation().contains("does not fit in 64 bits"), e.getMessage());
        assertTrue(e.location().startsWith("line 1, column "), e.getMessage());
    }

    @Test
    void shouldRejectObjectsNestedInsideParameterMaps() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> json("{\"learner\": {\"attributes\": {\"a\": {\"b\": \"c\"}}}}"));
        assertTrue(e.expectation().contains("learner.attributes.a: expected a string, number or array of them"),
                e.getMessage());
    }

    @Test
    void shouldSkipUnknownKeysWithoutMaterialisingThem() {
        Obj root = json("{\"extra\": {\"deep\": [[[1, {\"x\": null}]]]}, \"version\": [3, 4, 0]}");
        assertFalse(root.has("extra"));
        assertArrayEquals(new int[] {3, 4, 0}, root.numArray("t", "version").ints("t", 0, 9));
    }

    @Test
    void shouldRejectMixedArraysAndMalformedJson() {
        assertTrue(assertThrows(ModelFormatException.class, () -> json("{\"version\": [1, \"a\"]}"))
                .expectation().contains("expected a number like the earlier elements"));
        assertTrue(assertThrows(ModelFormatException.class, () -> json("{\"version\": [1, 2,]}")).location()
                .startsWith("line 1"));
        assertThrows(ModelFormatException.class, () -> json("{\"version\": [1, 2]"));
        assertThrows(ModelFormatException.class, () -> json("{\"version\": 'x'}"));
    }

    // ------------------------------------------------------------------------------------------ UBJSON

    private static final class Ubj {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Ubj raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Ubj key(String k) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            out.write('L');
            TinyModel.be(out, b.length, 8);
            out.write(b, 0, b.length);
            return this;
        }

        Ubj be(long v, int bytes) {
            TinyModel.be(out, v, bytes);
            return this;
        }

        Ubj typed(char type, int n) {
            return raw('[', '$', type, '#', 'L').be(n, 8);
        }

        Obj read() {
            return UbjDocReader.read(out.toByteArray(), "t.ubj", LIMITS);
        }

        ModelFormatException reject() {
            return assertThrows(ModelFormatException.class, this::read);
        }
    }

    @Test
    void shouldReadEveryTypedArrayElementType() {
        long[] expected = {-1, 255, -300, 70000, 1L << 40};
        char[] types = {'i', 'U', 'I', 'l', 'L'};
        int[] sizes = {1, 1, 2, 4, 8};
        for (int t = 0; t < types.length; t++) {
            Obj root = new Ubj().raw('{').key("version").typed(types[t], 1).be(expected[t], sizes[t]).raw('}')
                    .read();
            assertArrayEquals(new long[] {expected[t]}, root.numArray("t", "version")
                    .longs("t", Long.MIN_VALUE, Long.MAX_VALUE), "type " + types[t]);
        }
        Obj f = new Ubj().raw('{').key("version").typed('d', 1).be(Float.floatToRawIntBits(1.25f), 4).raw('}')
                .read();
        assertArrayEquals(new float[] {1.25f}, f.numArray("t", "version").floats());
        Obj d = new Ubj().raw('{').key("version").typed('D', 1).be(Double.doubleToRawLongBits(0.1), 8).raw('}')
                .read();
        assertArrayEquals(new float[] {0.1f}, d.numArray("t", "version").floats());
    }

    @Test
    void shouldReadGenericCountedAndUnsizedArraysWithNoOps() {
        Obj counted = new Ubj().raw('{').key("version").raw('[', '#', 'i', 3, 'i', 3, 'I').be(-129, 2)
                .raw('l').be(70000, 4).raw('}').read();
        assertArrayEquals(new int[] {3, -129, 70000}, counted.numArray("t", "version").ints("t", -1000, 100000));
        Obj unsized = new Ubj().raw('{').key("version").raw('[', 'N', 'i', 1, 'N', 'C', 'A', 'd')
                .be(Float.floatToRawIntBits(2.5f), 4).raw(']', '}').read();
        assertArrayEquals(new float[] {1f, 65f, 2.5f}, unsized.numArray("t", "version").floats());
    }

    @Test
    void shouldReadScalarsStringsAndSkipUnknownContainers() {
        Obj root = new Ubj().raw('{')
                .key("ignored").raw('{').key("a").typed('d', 2).be(0, 8).key("b").raw('[', '[', ']', ']', '}')
                .key("learner").raw('{').key("attributes").raw('{')
                .key("s").raw('S', 'i', 2, 'h', 'i')
                .key("t").raw('T')
                .key("z").raw('Z')
                .key("n").raw('U', 200)
                .raw('}', '}', '}').read();
        assertFalse(root.has("ignored"));
        Obj attributes = root.obj("t", "learner").obj("t", "attributes");
        assertEquals("hi", attributes.string("t", "s"));
        assertEquals(Boolean.TRUE, attributes.get("t"));
        assertEquals(Doc.NULL, attributes.get("z"));
        assertEquals(200L, ((Doc.Num) attributes.get("n")).longValue);
    }

    @Test
    void shouldRejectUnsupportedOrInvalidUbjson() {
        assertTrue(new Ubj().raw('{').key("version").raw('H').reject().expectation().contains("high-precision"));
        assertTrue(new Ubj().raw('{', '#', 'i', 1).reject().expectation().contains("count-optimised"));
        assertTrue(new Ubj().raw('{').key("version").raw('[', '$', 'S', '#', 'i', 1).reject().expectation()
                .contains("unsupported typed-array element type 'S'"));
        assertTrue(new Ubj().raw('{').key("version").raw('[', '$', 'd', 'i', 1).reject().expectation()
                .contains("expected '#' after the typed-array element type"));
        assertTrue(new Ubj().raw('{', 'L').be(-5, 8).reject().expectation().contains("negative string length"));
        ModelFormatException e = new Ubj().raw('{').key("learner").raw('{').key("attributes").raw('{').key("s")
                .raw('S', 'i', 2, 0xc3, 0x28).reject();
        assertTrue(e.expectation().contains("not valid UTF-8"), e.getMessage());
        assertTrue(new Ubj().raw('{').key("version").raw('[', '#', 'i', -1).reject().expectation()
                .contains("negative element count"));
        assertTrue(new Ubj().raw('{').key("version").raw('?').reject().expectation()
                .contains("expected a UBJSON value marker, found '?'"));
        assertTrue(new Ubj().raw('{').key("version").raw('[', 'i', 1).reject().expectation()
                .contains("truncated"));
    }

    @Test
    void shouldRejectANonObjectUbjsonDocument() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> UbjDocReader.read(new byte[] {'[', ']'}, "t.ubj", LIMITS));
        assertEquals("offset 0", e.location());
    }
}
