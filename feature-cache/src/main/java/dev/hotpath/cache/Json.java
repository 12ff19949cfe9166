package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;

/** Small JSON helpers shared by definitions, manifests and the admin commands. Stateless, thread-safe; cold path. */
final class Json {
    /** Thread-safe once configured; jackson factories are designed to be shared. */
    static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /**
     * Reads a whole small UTF-8 file, enforcing a size limit before reading.
     *
     * @param what names the kind of file in messages ("manifest", "view definition")
     */
    static String readSmallFile(Path file, long maxBytes, String what) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new FeatureFileException(file + ": " + what + " is " + size + " bytes, more than the limit of "
                        + maxBytes);
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new FeatureFileException(file + ": " + what + " not found", e);
        } catch (CharacterCodingException e) {
            throw new FeatureFileException(file + ": " + what + " is not valid UTF-8", e);
        } catch (IOException e) {
            throw new FeatureFileException(file + ": cannot read " + what + ": " + e, e);
        }
    }

    static String expectString(JsonParser p, JsonToken t, String source, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new FeatureFileException(source + ": \"" + field + "\" must be a string, got " + describe(p, t));
        }
        return p.getText();
    }

    static long expectLong(JsonParser p, JsonToken t, String source, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new FeatureFileException(source + ": \"" + field + "\" must be an integer (64-bit), got "
                    + describe(p, t));
        }
        return p.getLongValue();
    }

    static int expectInt(JsonParser p, JsonToken t, String source, String field) throws IOException {
        long v = expectLong(p, t, source, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new FeatureFileException(source + ": \"" + field + "\" must be a 32-bit integer, got " + v);
        }
        return (int) v;
    }

    /** A JSON number (parsed exactly as a float from its text) or null, which means NaN. */
    static float expectFloatOrNull(JsonParser p, JsonToken t, String source, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return Float.NaN;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new FeatureFileException(source + ": \"" + field + "\" must be a number or null, got "
                    + describe(p, t));
        }
        // Parsing the text directly avoids double rounding through a double.
        return Float.parseFloat(p.getText());
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            return "end of input";
        }
        if (t.isScalarValue()) {
            return t.name().toLowerCase(java.util.Locale.ROOT).replace("value_", "") + " " + p.getText();
        }
        return t.asString() == null ? t.name() : "'" + t.asString() + "'";
    }
}
