package dev.hotpath.cache;

/** Allocation-free id conversions shared by readers and writers. Stateless; thread-safe. */
final class Ids {
    /** Longest string id a writer accepts, in chars; bounds the key memory per entry. */
    static final int MAX_STRING_ID_LENGTH = 4096;

    private Ids() {
    }

    /**
     * Parses an optionally signed decimal long without allocating.
     *
     * @return the value, or {@link Long#MIN_VALUE} (the reserved meta key, never a valid id) if {@code s} is empty,
     *         not decimal, or out of range
     */
    static long parseLongId(CharSequence s) {
        int n = s.length();
        if (n == 0 || n > 20) {
            return Long.MIN_VALUE;
        }
        int i = 0;
        boolean negative = false;
        char c0 = s.charAt(0);
        if (c0 == '-' || c0 == '+') {
            negative = c0 == '-';
            i = 1;
            if (n == 1) {
                return Long.MIN_VALUE;
            }
        }
        // Accumulate negatively so Long.MIN_VALUE's magnitude fits (then it maps to "invalid" anyway).
        long result = 0;
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multMin = limit / 10;
        for (; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9 || result < multMin) {
                return Long.MIN_VALUE;
            }
            result *= 10;
            if (result < limit + d) {
                return Long.MIN_VALUE;
            }
            result -= d;
        }
        return negative ? result : -result;
    }

    /** @return null if {@code id} may be written as a string id, else why not (cold: only on bad input) */
    static String invalidStringId(CharSequence id) {
        if (id == null) {
            return "id is null";
        }
        int n = id.length();
        if (n == 0) {
            return "id is empty";
        }
        if (n > MAX_STRING_ID_LENGTH) {
            return "id is longer than " + MAX_STRING_ID_LENGTH + " characters";
        }
        if (id.charAt(0) == '\u0000') {
            return "ids starting with NUL are reserved for the view's meta record";
        }
        return null;
    }
}
