package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.scorer.FeatureStatus;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Definition of a feature view: the entity key kind, the ordered float features with their per-feature defaults,
 * and the TTL (maximum age) after which an entity's features are reported {@link FeatureStatus#STALE}. The
 * definition's {@link #fingerprint() schema fingerprint} names the generation files and is stamped into every
 * record, so data written under one definition is never read as another.
 *
 * <p>JSON form (the {@code --view DEF.json} of {@code hotpath cache create}, also embedded in each manifest):
 * <pre>{@code
 * {
 *   "name": "card",
 *   "keyKind": "string",
 *   "ttlMillis": 86400000,
 *   "features": [
 *     {"name": "txn_count_1h", "default": 0},
 *     {"name": "amount_avg_30d"}
 *   ]
 * }
 * }</pre>
 * A feature without {@code "default"} defaults to NaN (Hotpath's "missing" value for models).
 *
 * <p>Immutable and thread-safe. Accessors allocate nothing except {@link #defaults()} (a copy) and the JSON
 * methods.
 */
public final class FeatureView {
    /** Longest view name; names become file-name prefixes. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Most features in a view: bounds the record size (24 + 4 x 4096 bytes). */
    public static final int MAX_FEATURES = 4096;
    /** Longest feature name. */
    public static final int MAX_FEATURE_NAME_LENGTH = 128;
    /** Largest view-definition file read, in bytes. */
    static final long MAX_DEFINITION_BYTES = 4L << 20;

    private static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_NAME_LENGTH + "}");
    private static final Pattern FEATURE_NAME =
            Pattern.compile("[A-Za-z0-9_.:/-]{1," + MAX_FEATURE_NAME_LENGTH + "}");
    /** Domain tag of the fingerprint's canonical encoding; changing it changes every fingerprint. */
    private static final String FINGERPRINT_DOMAIN = "hotpath-feature-view";

    private final String name;
    private final KeyKind keyKind;
    private final List<String> featureNames;
    private final float[] defaults;
    private final long ttlMillis;
    private final int fingerprint;
    private final Map<String, Integer> indexByName;

    private FeatureView(String name, KeyKind keyKind, List<String> featureNames, float[] defaults, long ttlMillis) {
        this.name = name;
        this.keyKind = keyKind;
        this.featureNames = Collections.unmodifiableList(new ArrayList<>(featureNames));
        this.defaults = defaults.clone();
        this.ttlMillis = ttlMillis;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < featureNames.size(); i++) {
            index.put(featureNames.get(i), i);
        }
        this.indexByName = Collections.unmodifiableMap(index);
        this.fingerprint = computeFingerprint();
    }

    /**
     * Starts a definition.
     *
     * @param name the view name: 1 to 64 characters of {@code [A-Za-z0-9_-]} (it prefixes file names)
     * @return a builder; not thread-safe
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the view name */
    public String name() {
        return name;
    }

    /** @return the kind of entity id */
    public KeyKind keyKind() {
        return keyKind;
    }

    /** @return the number of features, i.e. how many floats one read writes */
    public int dimension() {
        return defaults.length;
    }

    /** @return the feature names in record order (immutable) */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * @param index feature index, {@code 0 <= index < dimension()}
     * @return that feature's default value (NaN when the definition gave none)
     */
    public float defaultValue(int index) {
        return defaults[index];
    }

    /** @return a copy of the per-feature defaults */
    public float[] defaults() {
        return defaults.clone();
    }

    /**
     * Copies the defaults into {@code dst}. Allocation-free.
     *
     * @param dst destination
     * @param offset where feature 0 goes
     */
    public void copyDefaults(float[] dst, int offset) {
        System.arraycopy(defaults, 0, dst, offset, defaults.length);
    }

    /**
     * @param featureName a feature name
     * @return its index, or -1 if the view has no such feature
     */
    public int indexOf(String featureName) {
        Integer i = indexByName.get(featureName);
        return i == null ? -1 : i;
    }

    /** @return the maximum age, in milliseconds, of an entity's event time before reads report it stale */
    public long ttlMillis() {
        return ttlMillis;
    }

    /**
     * The schema fingerprint: the first 32 bits of SHA-256 over a canonical encoding of every field of the
     * definition (layout version, name, key kind, TTL, feature names in order and their defaults' bits). Any change
     * to the definition changes it; equal definitions have equal fingerprints in every JVM and release.
     *
     * @return the fingerprint
     */
    public int fingerprint() {
        return fingerprint;
    }

    /** @return {@link #fingerprint()} as 8 lower-case hex digits, as used in file names and manifests */
    public String fingerprintHex() {
        return String.format("%08x", fingerprint);
    }

    private int computeFingerprint() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            writeUtf8(out, FINGERPRINT_DOMAIN);
            out.writeInt(RecordLayout.LAYOUT_VERSION);
            writeUtf8(out, name);
            out.writeInt(keyKind.fingerprintCode());
            out.writeLong(ttlMillis);
            out.writeInt(defaults.length);
            for (int i = 0; i < defaults.length; i++) {
                writeUtf8(out, featureNames.get(i));
                // floatToIntBits canonicalises NaN, so every NaN default gives the same fingerprint.
                out.writeInt(Float.floatToIntBits(defaults[i]));
            }
            out.flush();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8)
                    | (digest[3] & 0xff);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static void writeUtf8(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    // ---------------------------------------------------------------------------------------------- JSON

    /**
     * Reads a definition from a JSON file.
     *
     * @param file the definition file (at most 4 MiB)
     * @return the validated definition
     * @throws FeatureFileException if the file is missing, unreadable or not a valid definition (the message names
     *                              the file and the field)
     */
    public static FeatureView fromJson(Path file) {
        String text = Json.readSmallFile(file, MAX_DEFINITION_BYTES, "view definition");
        return parseJson(text, file.toString());
    }

    /**
     * Parses a definition from JSON text.
     *
     * @param json the JSON object
     * @param source names the origin in error messages (a file name)
     * @return the validated definition
     * @throws FeatureFileException if the text is not a valid definition
     */
    public static FeatureView parseJson(String json, String source) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new FeatureFileException(source + ": expected a JSON object with the view definition");
            }
            FeatureView view = readObject(p, source);
            if (p.nextToken() != null) {
                throw new FeatureFileException(source + ": unexpected content after the view definition object");
            }
            return view;
        } catch (IOException e) {
            throw new FeatureFileException(source + ": malformed JSON in view definition: " + e.getMessage(), e);
        }
    }

    /** Reads the fields of a definition object whose START_OBJECT has been consumed. */
    static FeatureView readObject(JsonParser p, String source) throws IOException {
        String name = null;
        String keyKind = null;
        Long ttl = null;
        List<String> names = null;
        List<Float> defs = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name":
                    name = Json.expectString(p, t, source, "name");
                    break;
                case "keyKind":
                    keyKind = Json.expectString(p, t, source, "keyKind");
                    break;
                case "ttlMillis":
                    ttl = Json.expectLong(p, t, source, "ttlMillis");
                    break;
                case "features":
                    if (t != JsonToken.START_ARRAY) {
                        throw new FeatureFileException(source + ": \"features\" must be an array of objects");
                    }
                    names = new ArrayList<>();
                    defs = new ArrayList<>();
                    readFeatures(p, source, names, defs);
                    break;
                default:
                    throw new FeatureFileException(source + ": unknown field \"" + field
                            + "\" in view definition; expected name, keyKind, ttlMillis, features");
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new FeatureFileException(source + ": malformed view definition object");
        }
        if (name == null || keyKind == null || ttl == null || names == null) {
            throw new FeatureFileException(source + ": view definition needs \"name\", \"keyKind\", \"ttlMillis\""
                    + " and \"features\" (missing: " + missing(name, keyKind, ttl, names) + ")");
        }
        try {
            Builder b = builder(name).keyKind(KeyKind.fromJsonName(keyKind)).ttlMillis(ttl);
            for (int i = 0; i < names.size(); i++) {
                b.feature(names.get(i), defs.get(i));
            }
            return b.build();
        } catch (ConfigurationException e) {
            throw new FeatureFileException(source + ": invalid view definition: " + e.getMessage(), e);
        }
    }

    private static String missing(Object name, Object keyKind, Object ttl, Object features) {
        List<String> m = new ArrayList<>();
        if (name == null) {
            m.add("name");
        }
        if (keyKind == null) {
            m.add("keyKind");
        }
        if (ttl == null) {
            m.add("ttlMillis");
        }
        if (features == null) {
            m.add("features");
        }
        return String.join(", ", m);
    }

    private static void readFeatures(JsonParser p, String source, List<String> names, List<Float> defs)
            throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw new FeatureFileException(source + ": features[" + index + "] must be an object"
                        + " like {\"name\": \"f\", \"default\": 0}");
            }
            if (index >= MAX_FEATURES) {
                throw new FeatureFileException(source + ": more than " + MAX_FEATURES + " features");
            }
            String fname = null;
            float def = Float.NaN;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("name".equals(field)) {
                    fname = Json.expectString(p, v, source, "features[" + index + "].name");
                } else if ("default".equals(field)) {
                    def = Json.expectFloatOrNull(p, v, source, "features[" + index + "].default");
                } else {
                    throw new FeatureFileException(source + ": unknown field \"" + field + "\" in features["
                            + index + "]; expected name, default");
                }
            }
            if (fname == null) {
                throw new FeatureFileException(source + ": features[" + index + "] has no \"name\"");
            }
            names.add(fname);
            defs.add(def);
            index++;
        }
    }

    /** @return this definition as a JSON object (pretty-printed), the same format {@link #parseJson} reads */
    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            writeObject(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    void writeObject(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("keyKind", keyKind.jsonName());
        g.writeNumberField("ttlMillis", ttlMillis);
        g.writeArrayFieldStart("features");
        for (int i = 0; i < defaults.length; i++) {
            g.writeStartObject();
            g.writeStringField("name", featureNames.get(i));
            if (!Float.isNaN(defaults[i])) {
                g.writeNumberField("default", defaults[i]);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FeatureView)) {
            return false;
        }
        FeatureView v = (FeatureView) o;
        return ttlMillis == v.ttlMillis && name.equals(v.name) && keyKind == v.keyKind
                && featureNames.equals(v.featureNames) && Arrays.equals(defaults, v.defaults);
    }

    @Override
    public int hashCode() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "FeatureView{" + name + ", keyKind=" + keyKind.jsonName() + ", dimension=" + defaults.length
                + ", ttlMillis=" + ttlMillis + ", fingerprint=" + fingerprintHex() + "}";
    }

    /**
     * Builds a {@link FeatureView}, validating every value as it is given. Not thread-safe; the built view is.
     */
    public static final class Builder {
        private final String name;
        private KeyKind keyKind = KeyKind.STRING;
        private long ttlMillis = -1;
        private final List<String> names = new ArrayList<>();
        private final List<Float> defaults = new ArrayList<>();

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!VIEW_NAME.matcher(name).matches()) {
                throw new ConfigurationException("view name \"" + name + "\" must be 1 to " + MAX_NAME_LENGTH
                        + " characters of [A-Za-z0-9_-] (it prefixes file names)");
            }
            this.name = name;
        }

        /**
         * @param kind the entity id kind (default {@link KeyKind#STRING})
         * @return this builder
         */
        public Builder keyKind(KeyKind kind) {
            this.keyKind = Objects.requireNonNull(kind, "keyKind");
            return this;
        }

        /**
         * @param millis maximum age of an entity's event time, in milliseconds; must be positive
         * @return this builder
         */
        public Builder ttlMillis(long millis) {
            if (millis <= 0) {
                throw new ConfigurationException("ttlMillis must be positive, got " + millis);
            }
            this.ttlMillis = millis;
            return this;
        }

        /**
         * @param ttl maximum age of an entity's event time; positive, whole milliseconds are kept
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            return ttlMillis(ttl.toMillis());
        }

        /**
         * Appends a feature whose default is NaN ("missing").
         *
         * @param featureName the name, 1 to 128 characters of {@code [A-Za-z0-9_.:/-]}, unique in the view
         * @return this builder
         */
        public Builder feature(String featureName) {
            return feature(featureName, Float.NaN);
        }

        /**
         * Appends a feature.
         *
         * @param featureName the name, 1 to 128 characters of {@code [A-Za-z0-9_.:/-]}, unique in the view
         * @param defaultValue the value reads fill in when the entity is not {@link FeatureStatus#PRESENT}; NaN or
         *                     finite
         * @return this builder
         */
        public Builder feature(String featureName, float defaultValue) {
            Objects.requireNonNull(featureName, "featureName");
            if (!FEATURE_NAME.matcher(featureName).matches()) {
                throw new ConfigurationException("feature name \"" + featureName + "\" must be 1 to "
                        + MAX_FEATURE_NAME_LENGTH + " characters of [A-Za-z0-9_.:/-]");
            }
            if (names.contains(featureName)) {
                throw new ConfigurationException("duplicate feature name \"" + featureName + "\" in view " + name);
            }
            if (Float.isInfinite(defaultValue)) {
                throw new ConfigurationException("default of feature \"" + featureName
                        + "\" must be finite or NaN, got " + defaultValue);
            }
            if (names.size() >= MAX_FEATURES) {
                throw new ConfigurationException("a view has at most " + MAX_FEATURES + " features");
            }
            names.add(featureName);
            defaults.add(defaultValue);
            return this;
        }

        /**
         * @return the immutable definition
         * @throws ConfigurationException if no TTL or no feature was given
         */
        public FeatureView build() {
            if (ttlMillis <= 0) {
                throw new ConfigurationException("view " + name + " needs a TTL (ttlMillis > 0)");
            }
            if (names.isEmpty()) {
                throw new ConfigurationException("view " + name + " needs at least one feature");
            }
            float[] d = new float[defaults.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = defaults.get(i);
            }
            return new FeatureView(name, keyKind, names, d, ttlMillis);
        }
    }
}
