package dev.hotpath.spark;

import java.util.ArrayList;
import java.util.List;

/** Lists of names for error messages, abbreviated after {@value #MAX_LISTED}. Stateless. */
final class Names {
    static final int MAX_LISTED = 20;

    private Names() {
    }

    /** @return e.g. {@code its columns: a, b, c} or {@code its columns: (none)} */
    static String listed(String what, List<String> names) {
        return what + ": " + (names.isEmpty() ? "(none)" : join(names));
    }

    /** @return the names in single quotes, abbreviated */
    static String quoted(List<String> names) {
        List<String> q = new ArrayList<>(names.size());
        for (String n : names) {
            q.add("'" + n + "'");
        }
        return join(q);
    }

    private static String join(List<String> names) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(names.size(), MAX_LISTED);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i));
        }
        if (names.size() > shown) {
            sb.append(", … (").append(names.size() - shown).append(" more)");
        }
        return sb.toString();
    }
}
