package dev.hotpath.stream;

import dev.hotpath.cache.KeyKind;

/**
 * Turns a record key into an entity id for one view: UTF-8 text for string-keyed views; 8 bytes big-endian or the
 * decimal text for long-keyed views. Reuses its buffers: not thread-safe (one per follower thread); allocation-free.
 */
final class KeyDecoder {
    /** Longest id, in chars (what the feature cache accepts). */
    static final int MAX_ID_CHARS = 4096;

    private final boolean longKeys;
    private final StringBuilder text = new StringBuilder(64);
    private long longId;
    private boolean isLong;

    KeyDecoder(KeyKind kind) {
        this.longKeys = kind == KeyKind.LONG;
    }

    /**
     * @return whether the last decoded id is {@link #longId()} (an 8-byte key of a long-keyed view) rather than
     *         {@link #text()} (a string id, or the decimal form of a long id, which the feature cache parses)
     */
    boolean isLong() {
        return isLong;
    }

    /** @return the last decoded text id (valid until the next decode) */
    CharSequence text() {
        return text;
    }

    /** @return the last decoded long id */
    long longId() {
        return longId;
    }

    /**
     * @param key the record key (may be null)
     * @param forceDecimal for long views: the record's header says the key is decimal text even if it is 8 bytes
     * @return null if decoded, else why the key is not an id of the view (cold: only for bad keys)
     */
    String decode(byte[] key, boolean forceDecimal) {
        if (key == null || key.length == 0) {
            return key == null ? "the record has no key" : "the key is empty";
        }
        if (longKeys && key.length == 8 && !forceDecimal) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (key[i] & 0xFF);
            }
            if (v == Long.MIN_VALUE) {
                return "id " + Long.MIN_VALUE + " is reserved";
            }
            longId = v;
            isLong = true;
            return null;
        }
        isLong = false;
        if (key.length > 4 * MAX_ID_CHARS) {
            return "the key is " + key.length + " bytes, longer than any id of at most " + MAX_ID_CHARS
                    + " characters";
        }
        if (!Utf8.decode(key, 0, key.length, text)) {
            return "the key is not valid UTF-8";
        }
        if (longKeys) {
            return isDecimal(text) ? null : "a long-keyed view takes 8-byte big-endian keys or decimal text; got "
                    + key.length + " bytes that are not decimal digits";
        }
        if (text.length() > MAX_ID_CHARS) {
            return "the id is longer than " + MAX_ID_CHARS + " characters";
        }
        if (text.charAt(0) == '\u0000') {
            return "ids starting with NUL are reserved";
        }
        return null;
    }

    /** Shape check only (optional sign, 1 to 19 digits); the feature cache checks the range when it parses. */
    private static boolean isDecimal(CharSequence s) {
        int n = s.length();
        int i = n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (n - i < 1 || n - i > 19) {
            return false;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
