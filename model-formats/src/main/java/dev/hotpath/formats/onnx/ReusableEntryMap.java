package dev.hotpath.formats.onnx;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A fixed, read-only map whose {@code entrySet()} and iterator are created once and reset on every use, so that
 * {@code OrtSession.run}, which iterates its input and pinned-output maps once per call, allocates nothing for them
 * (with {@code Map.of} each run allocates an iterator; measured about 96 B/op more).
 *
 * <p><b>Not thread-safe</b>, and not re-entrant: a second iteration resets the first. Each instance belongs to one
 * {@link OnnxScoringContext}, which is confined to one thread. Lookups are linear, for the one to a few entries a
 * scoring call needs.
 */
final class ReusableEntryMap<V> extends AbstractMap<String, V> {
    private final String[] keys;
    private final Object[] values;
    private final Entry<String, V>[] entries;
    private final EntrySet entrySet = new EntrySet();
    private final ResettableIterator iterator = new ResettableIterator();

    @SuppressWarnings("unchecked") // generic array creation; the array never escapes and holds only Entry<String, V>
    ReusableEntryMap(List<String> keys, List<? extends V> values) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException("keys and values differ in size: " + keys + " / " + values);
        }
        int n = keys.size();
        this.keys = keys.toArray(new String[0]);
        this.values = values.toArray();
        this.entries = (Entry<String, V>[]) new Entry<?, ?>[n];
        for (int i = 0; i < n; i++) {
            entries[i] = new SimpleImmutableEntry<>(keys.get(i), values.get(i));
        }
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return entrySet;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked") // values[i] was stored from a List<? extends V>
    public V get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private final class EntrySet extends AbstractSet<Entry<String, V>> {
        @Override
        public Iterator<Entry<String, V>> iterator() {
            iterator.next = 0;
            return iterator;
        }

        @Override
        public int size() {
            return entries.length;
        }
    }

    private final class ResettableIterator implements Iterator<Entry<String, V>> {
        int next;

        @Override
        public boolean hasNext() {
            return next < entries.length;
        }

        @Override
        public Entry<String, V> next() {
            if (next >= entries.length) {
                throw new NoSuchElementException();
            }
            return entries[next++];
        }
    }
}
