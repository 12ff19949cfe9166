package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ModelFormatException;
import java.util.Arrays;

/**
 * An array of numbers (or booleans, stored as 0/1) from a model document, kept primitive: {@code int[]} while every
 * element is an integer that fits, {@code long[]} for larger integers, {@code float[]} once any element is a
 * floating-point number. Floating-point values are float32 exactly as they were read (JSON tokens go straight to
 * {@link Float#parseFloat}, never through {@code double}).
 *
 * <p>Load-time only; not thread-safe; package-private.
 */
final class NumArray {
    enum Kind { INT, LONG, FLOAT }

    /** Longest array any reader will build (Java's practical array limit). */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 16;

    final String path;
    final Kind kind;
    final int length;
    private final int[] ints;
    private final long[] longs;
    private final float[] floats;

    private NumArray(String path, Kind kind, int length, int[] ints, long[] longs, float[] floats) {
        this.path = path;
        this.kind = kind;
        this.length = length;
        this.ints = ints;
        this.longs = longs;
        this.floats = floats;
    }

    static NumArray empty(String path) {
        return new NumArray(path, Kind.INT, 0, new int[0], null, null);
    }

    static NumArray ofInts(String path, int[] v) {
        return new NumArray(path, Kind.INT, v.length, v, null, null);
    }

    static NumArray ofLongs(String path, long[] v) {
        return new NumArray(path, Kind.LONG, v.length, null, v, null);
    }

    static NumArray ofFloats(String path, float[] v) {
        return new NumArray(path, Kind.FLOAT, v.length, null, null, v);
    }

    /** @return the values as float32 (integers converted with round-to-nearest); may share the backing array */
    float[] floats() {
        switch (kind) {
            case FLOAT:
                return floats;
            case LONG: {
                float[] f = new float[length];
                for (int i = 0; i < length; i++) {
                    f[i] = (float) longs[i];
                }
                return f;
            }
            default: {
                float[] f = new float[length];
                for (int i = 0; i < length; i++) {
                    f[i] = (float) ints[i];
                }
                return f;
            }
        }
    }

    /**
     * @param source the model source, for error messages
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the values as ints (a fresh or shared array)
     * @throws ModelFormatException naming the first element that is not an integer in {@code [min, max]}
     */
    int[] ints(String source, long min, long max) {
        if (kind == Kind.INT) {
            // The common case, run for every node array of every tree: no conversion, and no pass at all when the
            // range is all of int.
            if (min > Integer.MIN_VALUE || max < Integer.MAX_VALUE) {
                for (int i = 0; i < length; i++) {
                    int v = ints[i];
                    if (v < min || v > max) {
                        throw new ModelFormatException(source, path + "[" + i + "]",
                                "expected an integer in [" + min + ", " + max + "], found " + v);
                    }
                }
            }
            return ints;
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            long v = integerAt(source, i);
            if (v < min || v > max) {
                throw new ModelFormatException(source, path + "[" + i + "]",
                        "expected an integer in [" + min + ", " + max + "], found " + v);
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** @return the values as longs, each checked against {@code [min, max]} */
    long[] longs(String source, long min, long max) {
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            long v = integerAt(source, i);
            if (v < min || v > max) {
                throw new ModelFormatException(source, path + "[" + i + "]",
                        "expected an integer in [" + min + ", " + max + "], found " + v);
            }
            out[i] = v;
        }
        return out;
    }

    /**
     * @param source the model source, for error messages
     * @param i the element
     * @return element {@code i} as an exact integer
     * @throws ModelFormatException if it is a float that is not an exact integer
     */
    long integerAt(String source, int i) {
        switch (kind) {
            case INT:
                return ints[i];
            case LONG:
                return longs[i];
            default: {
                float f = floats[i];
                // Integral floats are accepted (some writers emit 1.0 for 1) as long as they are exact.
                if (f == Math.rint(f) && Math.abs(f) < 0x1p24f) {
                    return (long) f;
                }
                throw new ModelFormatException(source, path + "[" + i + "]",
                        "expected an integer, found " + f);
            }
        }
    }

    /**
     * Incrementally builds a {@link NumArray}; widens int → long → float as values require. Reusable: a reader keeps
     * one and {@link #reset}s it for every array, so its buffers grow once to the largest array and {@link #build()}
     * copies out exactly the elements read.
     */
    static final class Builder {
        private final String source;
        private String path;
        private Kind kind = Kind.INT;
        private int[] ints;
        private long[] longs;
        private float[] floats;
        private int size;

        Builder(String source, String path, int capacity) {
            this.source = source;
            this.path = path;
            this.ints = new int[Math.max(4, Math.min(capacity, 1 << 16))];
        }

        /** Empties the builder for the array at {@code newPath}, keeping its buffers. */
        Builder reset(String newPath) {
            this.path = newPath;
            this.kind = Kind.INT;
            this.size = 0;
            return this;
        }

        void addLong(long v) {
            if (kind == Kind.INT) {
                if (v == (int) v) {
                    if (size == ints.length) {
                        ints = Arrays.copyOf(ints, grow(size));
                    }
                    ints[size++] = (int) v;
                    return;
                }
                if (longs == null || longs.length < ints.length) {
                    longs = new long[ints.length];
                }
                for (int i = 0; i < size; i++) {
                    longs[i] = ints[i];
                }
                kind = Kind.LONG;
            }
            if (kind == Kind.LONG) {
                if (size == longs.length) {
                    longs = Arrays.copyOf(longs, grow(size));
                }
                longs[size++] = v;
            } else {
                addFloat((float) v);
            }
        }

        void addFloat(float v) {
            if (kind != Kind.FLOAT) {
                int cap = kind == Kind.INT ? ints.length : longs.length;
                if (floats == null || floats.length < cap) {
                    floats = new float[cap];
                }
                for (int i = 0; i < size; i++) {
                    floats[i] = kind == Kind.INT ? (float) ints[i] : (float) longs[i];
                }
                kind = Kind.FLOAT;
            }
            if (size == floats.length) {
                floats = Arrays.copyOf(floats, grow(size));
            }
            floats[size++] = v;
        }

        int size() {
            return size;
        }

        private int grow(int cap) {
            if (cap >= MAX_LENGTH) {
                throw new ModelFormatException(source, path, "array longer than " + MAX_LENGTH + " elements");
            }
            return (int) Math.min(MAX_LENGTH, (long) cap + (cap >> 1) + 16);
        }

        /** @return the elements read since the last {@link #reset}, in arrays of exactly their length */
        NumArray build() {
            switch (kind) {
                case INT:
                    return ofInts(path, Arrays.copyOf(ints, size));
                case LONG:
                    return ofLongs(path, Arrays.copyOf(longs, size));
                default:
                    return ofFloats(path, Arrays.copyOf(floats, size));
            }
        }
    }
}
