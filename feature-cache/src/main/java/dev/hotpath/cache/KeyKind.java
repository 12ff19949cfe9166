package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;

/**
 * The kind of entity id a {@link FeatureView} is keyed by. Part of the view's schema fingerprint.
 *
 * <p>Thread-safe (an enum); no method allocates.
 */
public enum KeyKind {
    /**
     * Ids are character strings (card fingerprints, merchant ids, device ids). Stored UTF-8 encoded as Chronicle
     * {@code CharSequence} keys; compared byte by byte.
     */
    STRING("string", 1),
    /**
     * Ids are signed 64-bit integers, stored as constant-size 8-byte keys. {@link Long#MIN_VALUE} is reserved for
     * the view's meta entry and cannot be used as an id.
     */
    LONG("long", 2);

    private final String jsonName;
    private final int code;

    KeyKind(String jsonName, int code) {
        this.jsonName = jsonName;
        this.code = code;
    }

    /** @return the name used in view definitions and manifests ({@code "string"} or {@code "long"}) */
    public String jsonName() {
        return jsonName;
    }

    /** Stable code mixed into the schema fingerprint; never reorder-dependent like {@link #ordinal()}. */
    int fingerprintCode() {
        return code;
    }

    /**
     * Parses the JSON spelling of a key kind.
     *
     * @param text {@code "string"} or {@code "long"}
     * @return the key kind
     * @throws ConfigurationException if {@code text} is neither
     */
    public static KeyKind fromJsonName(String text) {
        for (KeyKind k : values()) {
            if (k.jsonName.equals(text)) {
                return k;
            }
        }
        throw new ConfigurationException("keyKind must be \"string\" or \"long\", got \"" + text + "\"");
    }
}
