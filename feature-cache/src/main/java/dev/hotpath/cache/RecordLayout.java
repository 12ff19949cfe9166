package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;

/**
 * The fixed-size value layout Hotpath owns inside each Chronicle Map value ({@code byte[]} of constant size), in
 * native byte order (little-endian on every platform Chronicle Map supports; checked at start-up).
 *
 * <pre>
 * offset  type      data record                          meta record (flags has FLAG_META)
 *  0      i64       eventTimeMillis                      watermarkMillis
 *  8      i64       writeTimeMillis                      heartbeatMillis
 * 16      i32       schemaFingerprint                    schemaFingerprint
 * 20      u16       flags (0)                            FLAG_META, | FLAG_PUBLISHED once published
 * 22      u16       featureCount (= dimension)           featureCount
 * 24      f32[dim]  values                               24 generation, 32 newestWriteMillis, 40 writerPid,
 *                                                        48 createdAtMillis, 56 layoutVersion (i32),
 *                                                        60 entriesCapacity (u32; 0 in files written before it)
 * </pre>
 * The record is padded to a multiple of 8 and to at least {@link #MIN_RECORD_SIZE} so the meta record fits.
 * Stateless; thread-safe.
 */
final class RecordLayout {
    /** Bumped whenever the byte layout changes; part of the schema fingerprint. */
    static final int LAYOUT_VERSION = 1;

    static final int EVENT_TIME = 0;
    static final int WRITE_TIME = 8;
    static final int FINGERPRINT = 16;
    static final int FLAGS = 20;
    static final int FEATURE_COUNT = 22;
    static final int VALUES = 24;

    static final int META_WATERMARK = EVENT_TIME;
    static final int META_HEARTBEAT = WRITE_TIME;
    static final int META_GENERATION = 24;
    static final int META_NEWEST_WRITE = 32;
    static final int META_WRITER_PID = 40;
    static final int META_CREATED_AT = 48;
    static final int META_LAYOUT_VERSION = 56;
    static final int META_ENTRIES_CAPACITY = 60;
    static final int MIN_RECORD_SIZE = 64;

    /** Flag bit of the reserved meta record; readers report it as {@link FeatureStatus#NOT_FOUND}. */
    static final int FLAG_META = 1;
    /**
     * Meta record only: the generation was published (set just before the manifest flip). Lets {@code cache repair}
     * tell a published generation from a build that never finished when the manifest is lost.
     */
    static final int FLAG_PUBLISHED = 2;

    /** Key of the meta record in string-keyed views; writers reject ids starting with NUL. */
    static final String META_STRING_KEY = "\u0000hotpath.meta";
    /** Key of the meta record in long-keyed views; writers reject it as an id. */
    static final long META_LONG_KEY = Long.MIN_VALUE;

    private RecordLayout() {
    }

    /**
     * @param dimension number of float features
     * @return the constant value size in bytes
     */
    static int recordSize(int dimension) {
        int raw = Math.max(VALUES + 4 * dimension, MIN_RECORD_SIZE);
        return (raw + 7) & ~7;
    }
}
