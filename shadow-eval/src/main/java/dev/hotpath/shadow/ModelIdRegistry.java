package dev.hotpath.shadow;

import java.util.Arrays;

/**
 * Maps model names (the {@code String} ids a {@code Scorer} uses) to the u16 ids written into log records.
 * Lookups are allocation-free (a reference comparison, then {@code String.equals}, over a small immutable
 * snapshot); registration is copy-on-write under a lock (cold, once per new name). Thread-safe.
 */
final class ModelIdRegistry {
    static final int MAX_NAMES = 1024;

    private static final class Snapshot {
        final String[] names;
        final int[] ids;

        Snapshot(String[] names, int[] ids) {
            this.names = names;
            this.ids = ids;
        }
    }

    private volatile Snapshot snapshot = new Snapshot(new String[0], new int[0]);

    /** @return the id registered for {@code name}, or -1; allocation-free */
    int find(String name) {
        final Snapshot s = snapshot;
        final String[] names = s.names;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {
                return s.ids[i];
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return s.ids[i];
            }
        }
        return -1;
    }

    /** @return whether {@code id} is taken */
    synchronized boolean isUsed(int id) {
        for (int v : snapshot.ids) {
            if (v == id) {
                return true;
            }
        }
        return false;
    }

    /** Registers {@code name} as {@code id}; the caller has checked for conflicts. */
    synchronized void put(String name, int id) {
        Snapshot s = snapshot;
        String[] names = Arrays.copyOf(s.names, s.names.length + 1);
        int[] ids = Arrays.copyOf(s.ids, s.ids.length + 1);
        names[names.length - 1] = name;
        ids[ids.length - 1] = id;
        snapshot = new Snapshot(names, ids);
    }

    /**
     * @param name a name
     * @return its id, registering it under the smallest free id if new; -1 if the registry is full
     */
    synchronized int register(String name) {
        int existing = find(name);
        if (existing >= 0) {
            return existing;
        }
        if (snapshot.names.length >= MAX_NAMES) {
            return -1;
        }
        int id = 1;
        while (isUsed(id)) {
            id++;
        }
        put(name, id);
        return id;
    }

    /** @return how many names are registered */
    int size() {
        return snapshot.names.length;
    }
}
