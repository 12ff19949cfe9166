package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;

/**
 * A reusable, caller-owned batch of entity upserts for {@link FeatureWriter#upsert(FeatureBatch)}. Ids and values
 * are copied in, so the caller may reuse its own buffers right after {@link #add}; after {@link #clear()} the
 * batch's buffers are reused too, so a steady stream of batches allocates nothing once each slot has held an id of
 * its longest length.
 *
 * <p>Not thread-safe: fill and write it from one thread.
 */
public final class FeatureBatch {
    private final int dimension;
    private final StringBuilder[] stringIds;
    private final long[] longIds;
    private final boolean[] isLong;
    private final long[] eventTimes;
    private final float[] values;
    private int size;

    /**
     * @param dimension features per entity (the view's {@link FeatureView#dimension()})
     * @param capacity most entities per batch, 1 to 1,000,000
     */
    public FeatureBatch(int dimension, int capacity) {
        if (dimension < 1 || dimension > FeatureView.MAX_FEATURES) {
            throw new ConfigurationException("dimension must be between 1 and " + FeatureView.MAX_FEATURES
                    + ", got " + dimension);
        }
        if (capacity < 1 || capacity > 1_000_000) {
            throw new ConfigurationException("capacity must be between 1 and 1000000, got " + capacity);
        }
        this.dimension = dimension;
        this.stringIds = new StringBuilder[capacity];
        this.longIds = new long[capacity];
        this.isLong = new boolean[capacity];
        this.eventTimes = new long[capacity];
        this.values = new float[capacity * dimension];
    }

    /**
     * Appends an entity with a string id (or the decimal form of a long id, for long-keyed views).
     *
     * @param id the entity id, copied
     * @param eventTimeMillis the as-of time of the features (epoch ms), checked against the view's TTL by readers
     * @param src the features
     * @param offset where feature 0 is in {@code src}
     * @return this batch
     * @throws IllegalStateException if the batch is full
     */
    public FeatureBatch add(CharSequence id, long eventTimeMillis, float[] src, int offset) {
        int i = slot(src, offset);
        StringBuilder sb = stringIds[i];
        if (sb == null) {
            sb = new StringBuilder(Math.max(16, id.length()));
            stringIds[i] = sb;
        }
        sb.setLength(0);
        sb.append(id);
        isLong[i] = false;
        fill(i, eventTimeMillis, src, offset);
        return this;
    }

    /**
     * Appends an entity with a long id.
     *
     * @param id the entity id
     * @param eventTimeMillis the as-of time of the features (epoch ms)
     * @param src the features
     * @param offset where feature 0 is in {@code src}
     * @return this batch
     * @throws IllegalStateException if the batch is full
     */
    public FeatureBatch add(long id, long eventTimeMillis, float[] src, int offset) {
        int i = slot(src, offset);
        longIds[i] = id;
        isLong[i] = true;
        fill(i, eventTimeMillis, src, offset);
        return this;
    }

    private int slot(float[] src, int offset) {
        if (size == eventTimes.length) {
            throw new IllegalStateException("batch is full (" + size + " entities); write and clear it first");
        }
        if (offset < 0 || offset > src.length - dimension) {
            throw new IndexOutOfBoundsException("src has " + src.length + " floats; " + dimension
                    + " features do not fit at offset " + offset);
        }
        return size;
    }

    private void fill(int i, long eventTimeMillis, float[] src, int offset) {
        eventTimes[i] = eventTimeMillis;
        System.arraycopy(src, offset, values, i * dimension, dimension);
        size++;
    }

    /** Empties the batch, keeping its buffers. */
    public void clear() {
        size = 0;
    }

    /** @return entities in the batch */
    public int size() {
        return size;
    }

    /** @return most entities the batch holds */
    public int capacity() {
        return eventTimes.length;
    }

    /** @return features per entity */
    public int dimension() {
        return dimension;
    }

    boolean isLongId(int i) {
        return isLong[i];
    }

    CharSequence stringId(int i) {
        return stringIds[i];
    }

    long longId(int i) {
        return longIds[i];
    }

    long eventTime(int i) {
        return eventTimes[i];
    }

    float[] values() {
        return values;
    }
}
