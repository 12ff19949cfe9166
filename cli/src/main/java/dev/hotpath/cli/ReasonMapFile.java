package dev.hotpath.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.explain.ReasonCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code --reasons MAP.json} file of {@code hotpath explain} into {@link ReasonCodes}:
 *
 * <pre>{@code
 * {
 *   "codes": {"VELOCITY": ["card.txn_count_1h", "card.txn_count_24h"], "AMOUNT": ["amount"]},
 *   "exclude": ["card.customer_age"],
 *   "unmapped": "own_code",          // or "exclude"
 *   "direction": "positive",         // or "negative", "either"
 *   "min_contribution": 0.0,
 *   "class": 0
 * }
 * }</pre>
 *
 * Every key is optional; unknown keys, wrong types and repeated keys are errors naming the file and the key. Files
 * over 16 MiB are refused. Stateless; load-time only.
 */
final class ReasonMapFile {
    /** Largest map file accepted. */
    static final long MAX_BYTES = 16L << 20;
    private static final JsonFactory JSON = new JsonFactory();

    private ReasonMapFile() {
    }

    /** What the file says; {@code outputGroup} is {@code null} when it names no class. */
    record Parsed(ReasonCodes codes, Integer outputGroup) {
    }

    static Parsed read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException("reasons map not found or not a regular file: " + file);
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new CliException(file + ": the reasons map is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
            return parse(p, file.toString());
        } catch (JsonParseException e) {
            throw new CliException(file + ": not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    private static Parsed parse(JsonParser p, String file) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw error(file, "(top level)", "expected a JSON object");
        }
        ReasonCodes.Builder b = ReasonCodes.builder();
        Integer group = null;
        Set<String> seen = new LinkedHashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (!seen.add(key)) {
                throw error(file, key, "appears twice");
            }
            JsonToken t = p.nextToken();
            try {
                switch (key) {
                    case "codes":
                        expect(t, JsonToken.START_OBJECT, file, key, "an object of code -> [feature, ...]");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String code = p.currentName();
                            b.code(code, strings(p, p.nextToken(), file, "codes." + code));
                        }
                        break;
                    case "exclude":
                        b.exclude(strings(p, t, file, key));
                        break;
                    case "unmapped":
                        b.unmapped(ReasonCodes.Unmapped.valueOf(choice(p, t, file, key, "own_code", "exclude")));
                        break;
                    case "direction":
                        b.direction(ReasonCodes.RiskDirection.valueOf(choice(p, t, file, key, "positive",
                                "negative", "either")));
                        break;
                    case "min_contribution":
                        if (!t.isNumeric()) {
                            throw error(file, key, "expected a number");
                        }
                        b.minContribution(p.getDoubleValue());
                        break;
                    case "class":
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0
                                || p.getLongValue() > Integer.MAX_VALUE) {
                            throw error(file, key, "expected a class index, an integer >= 0");
                        }
                        group = p.getIntValue();
                        b.outputGroup(group);
                        break;
                    default:
                        throw error(file, key, "unknown key; expected codes, exclude, unmapped, direction,"
                                + " min_contribution or class");
                }
            } catch (CliException e) {
                throw e;
            } catch (HotpathException e) {
                throw new CliException(file + ": " + key + ": " + e.getMessage());
            }
        }
        return new Parsed(b.build(), group);
    }

    private static List<String> strings(JsonParser p, JsonToken t, String file, String key) throws IOException {
        expect(t, JsonToken.START_ARRAY, file, key, "an array of feature names");
        List<String> out = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e != JsonToken.VALUE_STRING) {
                throw error(file, key, "expected an array of feature names (strings), found " + e);
            }
            out.add(p.getText());
        }
        return out;
    }

    private static String choice(JsonParser p, JsonToken t, String file, String key, String... allowed)
            throws IOException {
        String v = t == JsonToken.VALUE_STRING ? p.getText() : null;
        for (String a : allowed) {
            if (a.equals(v)) {
                return a.toUpperCase(Locale.ROOT);
            }
        }
        throw error(file, key, "expected one of " + String.join(", ", allowed) + ", found "
                + (v == null ? String.valueOf(t) : "\"" + v + "\""));
    }

    private static void expect(JsonToken t, JsonToken want, String file, String key, String what) {
        if (t != want) {
            throw error(file, key, "expected " + what);
        }
    }

    private static CliException error(String file, String key, String what) {
        return new CliException(file + ": " + key + ": " + what);
    }
}
