package dev.hotpath.shadow.log;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The on-disk layout of a shadow log ({@code .shdw}), version 1: constants and offsets ({@link LogRecordEncoder}
 * writes the records). Everything is little-endian and every record is 8-byte aligned, so numpy can read a block's payload
 * with one structured dtype (see the module README).
 *
 * <h2>File</h2>
 * A 64-byte file header followed by blocks:
 * <pre>
 * off size field
 *   0    8 magic "SHDWLOG1"
 *   8    2 u16 formatVersion (1)
 *  10    2 u16 headerLength (64)
 *  12    4 u32 recordSchemaVersion (1)
 *  16    8 i64 createdEpochNanos
 *  24    8 i64 instanceId (random per writer process)
 *  32   16 schema fingerprint: first 16 bytes of SHA-256({@link #SCHEMA_TEXT})
 *  48    4 u32 CRC32C of bytes [0, 48)
 *  52   12 reserved (0)
 * </pre>
 *
 * <h2>Block</h2>
 * Written with one positional write; holds records of a single type:
 * <pre>
 * off size field
 *   0    4 magic "BLK1"
 *   4    4 u32 payloadLength (bytes after the 32-byte header)
 *   8    8 i64 firstRecordSeq (writer-wide record sequence; contiguous across blocks of one writer)
 *  16    4 u32 recordCount
 *  20    4 u32 CRC32C over header bytes [0,20) ++ [24,32) ++ payload
 *  24    8 i64 maxEpochNanos (largest record time in the block)
 *  32    n payload: records
 * </pre>
 * A torn or corrupt block fails the CRC; readers stop or resynchronise there and report the skipped bytes.
 *
 * <h2>Records</h2>
 * Every record starts with {@code i32 length} (a multiple of 8, header included), {@code u16 type},
 * {@code u16 version}, and has {@code i64 epochNanos} at offset 8. Readers skip unknown types and read the known
 * prefix of newer versions.
 *
 * <p><b>Thread-safety:</b> constants and stateless static methods; safe from any thread. <b>Allocation:</b>
 * none, except {@link #schemaFingerprint()}.
 */
public final class ShadowLogFormat {
    /** Byte order of every multi-byte field on disk. */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** File name suffix of a finished segment. */
    public static final String SEGMENT_SUFFIX = ".shdw";
    /** File name suffix of a segment still being written (or left behind by a crash). */
    public static final String PART_SUFFIX = ".shdw.part";

    /** File magic, ASCII {@code SHDWLOG1}. */
    public static final byte[] FILE_MAGIC = "SHDWLOG1".getBytes(StandardCharsets.US_ASCII);
    /** Current file format version. */
    public static final int FORMAT_VERSION = 1;
    /** Length of the file header in bytes. */
    public static final int FILE_HEADER_LENGTH = 64;
    /** Current record schema version. */
    public static final int RECORD_SCHEMA_VERSION = 1;
    /** File header offset of the format version (u16). */
    public static final int FH_FORMAT_VERSION_OFFSET = 8;
    /** File header offset of the header length (u16). */
    public static final int FH_HEADER_LENGTH_OFFSET = 10;
    /** File header offset of the record schema version (u32). */
    public static final int FH_SCHEMA_VERSION_OFFSET = 12;
    /** File header offset of the creation time (i64). */
    public static final int FH_CREATED_OFFSET = 16;
    /** File header offset of the instance id (i64). */
    public static final int FH_INSTANCE_OFFSET = 24;
    /** File header offset of the 16-byte schema fingerprint. */
    public static final int FH_FINGERPRINT_OFFSET = 32;
    /** File header offset of the header CRC32C (u32 over bytes [0,48)). */
    public static final int FH_CRC_OFFSET = 48;

    /** Block magic, ASCII {@code BLK1} read as a little-endian int. */
    public static final int BLOCK_MAGIC = 0x314B4C42;
    /** Length of a block header in bytes. */
    public static final int BLOCK_HEADER_LENGTH = 32;
    /** Block header offset of the payload length (u32). */
    public static final int BH_PAYLOAD_LENGTH_OFFSET = 4;
    /** Block header offset of the first record's sequence number (i64). */
    public static final int BH_FIRST_SEQ_OFFSET = 8;
    /** Block header offset of the record count (u32). */
    public static final int BH_RECORD_COUNT_OFFSET = 16;
    /** Block header offset of the CRC32C (u32). */
    public static final int BH_CRC_OFFSET = 20;
    /** Block header offset of the largest record time (i64). */
    public static final int BH_MAX_EPOCH_OFFSET = 24;
    /** Largest block payload a reader accepts; larger lengths are treated as corruption. */
    public static final int MAX_BLOCK_PAYLOAD = 16 << 20;

    /** Common record header length. */
    public static final int RECORD_HEADER_LENGTH = 8;
    /** Record header offset of the type (u16). */
    public static final int RH_TYPE_OFFSET = 4;
    /** Record header offset of the version (u16). */
    public static final int RH_VERSION_OFFSET = 6;
    /** Offset of {@code i64 epochNanos}, common to every record type. */
    public static final int R_EPOCH_OFFSET = 8;

    /** Record type: one (request, shadow) comparison, 64 bytes. */
    public static final int TYPE_COMPARISON = 1;
    /** Record type: a captured feature vector with the primary's result, for replay. */
    public static final int TYPE_FEATURES = 2;
    /** Record type: identity and thresholds of a primary or shadow model. */
    public static final int TYPE_MODEL_INFO = 3;
    /** Record type: cumulative counters of one writer instance, for coverage and drops. */
    public static final int TYPE_COUNTERS = 4;

    // ---- COMPARISON (type 1), exactly 64 bytes ----
    /** Length of a comparison record. */
    public static final int COMPARISON_LENGTH = 64;
    /** Comparison offset: i64 caller request id. */
    public static final int C_REQUEST_ID = 16;
    /** Comparison offset: i64 amount in minor units (0 when unknown). */
    public static final int C_AMOUNT = 24;
    /** Comparison offset: u16 primary model id. */
    public static final int C_PRIMARY_MODEL = 32;
    /** Comparison offset: u16 shadow model id. */
    public static final int C_SHADOW_MODEL = 34;
    /** Comparison offset: f32 primary score. */
    public static final int C_PRIMARY_SCORE = 36;
    /** Comparison offset: f32 shadow score (NaN when not available). */
    public static final int C_SHADOW_SCORE = 40;
    /** Comparison offset: u8 primary decision. */
    public static final int C_PRIMARY_DECISION = 44;
    /** Comparison offset: u8 shadow decision. */
    public static final int C_SHADOW_DECISION = 45;
    /** Comparison offset: u8 flags. */
    public static final int C_FLAGS = 46;
    /** Comparison offset: i32 primary latency in ns (as reported by the caller). */
    public static final int C_PRIMARY_LATENCY = 48;
    /** Comparison offset: i32 shadow latency in ns (measured around {@code Model.score}). */
    public static final int C_SHADOW_LATENCY = 52;
    /** Comparison offset: i32 caller segment key. */
    public static final int C_SEGMENT = 56;
    /** Comparison offset: u16 sampling rate in units of 1/10,000. */
    public static final int C_SAMPLE_RATE = 60;

    /** Decision code: allowed (score below the threshold). */
    public static final int DECISION_ALLOW = 0;
    /** Decision code: blocked (score at or above the threshold). */
    public static final int DECISION_BLOCK = 1;
    /** Decision code: not available (no score). */
    public static final int DECISION_NONE = 255;

    /** Flag: the shadow threw or returned NaN. */
    public static final int FLAG_SHADOW_ERROR = 1;
    /** Flag: the shadow's call took longer than its latency budget. */
    public static final int FLAG_OVER_BUDGET = 1 << 1;
    /** Flag: a FEATURES record for this request was captured. */
    public static final int FLAG_FEATURES_CAPTURED = 1 << 2;
    /** Flag: the shadow's circuit breaker was open, so it was not called. */
    public static final int FLAG_BREAKER_OPEN = 1 << 4;
    /** Flag: written by offline replay, not by live shadowing. */
    public static final int FLAG_REPLAY = 1 << 5;
    /** Flag: the shadow returned NaN (also sets {@link #FLAG_SHADOW_ERROR}). */
    public static final int FLAG_NAN_OUTPUT = 1 << 6;

    // ---- FEATURES (type 2), 56 + 4 * count bytes, padded to 8 ----
    /** Features offset: i64 request id. */
    public static final int F_REQUEST_ID = 16;
    /** Features offset: i64 amount in minor units. */
    public static final int F_AMOUNT = 24;
    /** Features offset: u16 primary model id. */
    public static final int F_PRIMARY_MODEL = 32;
    /** Features offset: u16 feature count. */
    public static final int F_COUNT = 34;
    /** Features offset: f32 primary score. */
    public static final int F_PRIMARY_SCORE = 36;
    /** Features offset: i32 primary latency in ns. */
    public static final int F_PRIMARY_LATENCY = 40;
    /** Features offset: i32 segment key. */
    public static final int F_SEGMENT = 44;
    /** Features offset: u16 sampling rate (1/10,000). */
    public static final int F_SAMPLE_RATE = 48;
    /** Features offset: u16 capture rate among sampled requests (1/10,000). */
    public static final int F_CAPTURE_RATE = 50;
    /** Features offset: first f32 feature value. */
    public static final int F_VALUES = 56;
    /** Most features one FEATURES record can hold (the count is a u16). */
    public static final int MAX_FEATURES = 65_535;

    // ---- MODEL_INFO (type 3), variable ----
    /** Model info offset: u16 model id. */
    public static final int M_MODEL_ID = 16;
    /** Model info offset: u16 role (0 primary, 1 shadow). */
    public static final int M_ROLE = 18;
    /** Model info offset: f32 decision threshold (NaN when unknown). */
    public static final int M_THRESHOLD = 20;
    /** Model info offset: i32 number of features (-1 when unknown). */
    public static final int M_NUM_FEATURES = 24;
    /** Model info offset: i32 output index used as the score. */
    public static final int M_OUTPUT_INDEX = 28;
    /** Model info offset: i64 latency budget in ns (0 when none). */
    public static final int M_BUDGET = 32;
    /** Model info offset: u16 number of strings that follow. */
    public static final int M_STRING_COUNT = 40;
    /** Model info offset: first string (u16 length + UTF-8 bytes), in the order name, version, checksum, description. */
    public static final int M_STRINGS = 48;
    /** Longest string stored in a MODEL_INFO record, in UTF-8 bytes. */
    public static final int MAX_MODEL_STRING_BYTES = 1024;
    /** Role code of a primary model. */
    public static final int ROLE_PRIMARY = 0;
    /** Role code of a shadow (or replayed candidate) model. */
    public static final int ROLE_SHADOW = 1;

    // ---- COUNTERS (type 4), 160 bytes ----
    /** Length of a counters record. */
    public static final int COUNTERS_LENGTH = 160;
    /** Counters offset: i64 instance id. */
    public static final int K_INSTANCE = 16;
    /** Counters offset: u16 scope (a shadow model id, or {@link #SCOPE_GLOBAL}). */
    public static final int K_SCOPE = 24;
    /** Counters offset: u16 number of counters ({@link #COUNTER_SLOTS}). */
    public static final int K_COUNT = 26;
    /** Counters offset: first i64 counter value. */
    public static final int K_VALUES = 32;
    /** Number of i64 counter slots in a counters record. */
    public static final int COUNTER_SLOTS = 16;
    /** Scope of the instance-wide counters. */
    public static final int SCOPE_GLOBAL = 0xFFFF;

    /** Global counter: every call of {@code offer} (the sum of the outcome counters). */
    public static final int G_OFFERED = 0;
    /** Global counter: offers accepted into the intake ring. */
    public static final int G_ACCEPTED = 1;
    /** Global counter: offers not selected by sampling. */
    public static final int G_SAMPLED_OUT = 2;
    /** Global counter: sampled offers dropped because the intake ring was full. */
    public static final int G_DROPPED_RING_FULL = 3;
    /** Global counter: offers rejected for invalid arguments. */
    public static final int G_REJECTED_INVALID = 4;
    /** Global counter: offers after close. */
    public static final int G_REJECTED_CLOSED = 5;
    /** Global counter: claims lost to unexpected producer errors or revoked by the watchdog. */
    public static final int G_PRODUCER_ERRORS = 6;
    /** Global counter: messages taken off the intake ring by the dispatcher. */
    public static final int G_DISPATCHED = 7;
    /** Global counter: FEATURES records captured. */
    public static final int G_FEATURES_CAPTURED = 8;
    /** Global counter: FEATURES records dropped because the records ring was full. */
    public static final int G_FEATURES_DROPPED = 9;
    /** Global counter: records dropped by the writer (I/O error, low disk, or backing off). */
    public static final int G_DROPPED_IO = 10;
    /** Global counter: I/O errors seen by the writer. */
    public static final int G_IO_ERRORS = 11;
    /** Global counter: records written to disk. */
    public static final int G_RECORDS_WRITTEN = 12;
    /** Global counter: bytes written to disk. */
    public static final int G_BYTES_WRITTEN = 13;
    /** Global counter: errors caught at the agents' loop boundaries. */
    public static final int G_AGENT_ERRORS = 14;
    /** Global slot: the sampling rate (1/10,000) in force when the record was written (not cumulative). */
    public static final int G_SAMPLE_RATE_E4 = 15;

    /** Shadow counter: requests handed to this shadow's queue. */
    public static final int S_RECEIVED = 0;
    /** Shadow counter: requests dropped because this shadow's queue was full (the shadow is too slow). */
    public static final int S_DROPPED_BACKLOG = 1;
    /** Shadow counter: successful scores. */
    public static final int S_SCORED = 2;
    /** Shadow counter: calls that threw. */
    public static final int S_ERRORS = 3;
    /** Shadow counter: calls that returned NaN. */
    public static final int S_NAN_OUTPUTS = 4;
    /** Shadow counter: calls over the latency budget. */
    public static final int S_OVER_BUDGET = 5;
    /** Shadow counter: times the circuit breaker opened. */
    public static final int S_BREAKER_TRIPS = 6;
    /** Shadow counter: requests skipped because the breaker was open. */
    public static final int S_SKIPPED_BREAKER_OPEN = 7;
    /** Shadow counter: comparison records dropped because the records ring was full. */
    public static final int S_DROPPED_WRITER_FULL = 8;
    /** Shadow counter: comparison records handed to the writer. */
    public static final int S_RECORDS_EMITTED = 9;
    /** Shadow counter: requests still queued for this shadow when it was stopped at close. */
    public static final int S_ABANDONED_AT_CLOSE = 10;
    /**
     * Shadow counter: requests not given to this shadow because this same model served them as the primary (only
     * around a promotion: the requests queued when the roles changed). Not part of the dispatched count.
     */
    public static final int S_SKIPPED_SELF = 11;

    /** Human-readable names of the global counter slots, index = slot. */
    public static final String[] GLOBAL_COUNTER_NAMES = {
        "offered", "accepted", "sampledOut", "droppedRingFull", "rejectedInvalid", "rejectedClosed",
        "producerErrors", "dispatched", "featuresCaptured", "featuresDropped", "droppedIo", "ioErrors",
        "recordsWritten", "bytesWritten", "agentErrors", "sampleRateE4"
    };

    /** Human-readable names of the per-shadow counter slots, index = slot. */
    public static final String[] SHADOW_COUNTER_NAMES = {
        "received", "droppedBacklog", "scored", "errors", "nanOutputs", "overBudget", "breakerTrips",
        "skippedBreakerOpen", "droppedWriterFull", "recordsEmitted", "abandonedAtClose", "skippedSelf",
        "reserved12", "reserved13", "reserved14", "reserved15"
    };

    /**
     * The schema text whose SHA-256 prefix is the file's fingerprint. Any change to a record layout must change
     * this text and {@link #RECORD_SCHEMA_VERSION}.
     */
    public static final String SCHEMA_TEXT = "hotpath-shadow-log v1;"
            + "COMPARISON(64):len i32,type u16,ver u16,ts i64,cid i64,amt i64,pm u16,sm u16,ps f32,ss f32,"
            + "pd u8,sd u8,fl u8,r u8,pl i32,sl i32,seg i32,rate u16,r2 u16;"
            + "FEATURES:len i32,type u16,ver u16,ts i64,cid i64,amt i64,pm u16,n u16,ps f32,pl i32,seg i32,"
            + "rate u16,crate u16,pad u32,f f32[n];"
            + "MODEL_INFO:len i32,type u16,ver u16,ts i64,id u16,role u16,thr f32,nf i32,oi i32,budget i64,"
            + "ns u16,pad u16*3,str(u16 len,utf8)[ns];"
            + "COUNTERS(160):len i32,type u16,ver u16,ts i64,inst i64,scope u16,n u16,pad u32,c i64[16]";

    private static final byte[] FINGERPRINT = computeFingerprint();

    private ShadowLogFormat() {
    }

    /** @return a copy of the 16-byte schema fingerprint written into every file header */
    public static byte[] schemaFingerprint() {
        return FINGERPRINT.clone();
    }

    static boolean fingerprintMatches(byte[] candidate) {
        return Arrays.equals(FINGERPRINT, candidate);
    }

    private static byte[] computeFingerprint() {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(SCHEMA_TEXT.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(sha, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * @param count number of features
     * @return length in bytes of a FEATURES record holding {@code count} features (padded to 8)
     */
    public static int featuresLength(int count) {
        return align8(F_VALUES + 4 * count);
    }

    /**
     * @param value a non-negative length
     * @return {@code value} rounded up to a multiple of 8
     */
    public static int align8(int value) {
        return (value + 7) & ~7;
    }

    /**
     * Decision of a score against a threshold: {@link #DECISION_BLOCK} when {@code score >= threshold},
     * {@link #DECISION_ALLOW} when below, {@link #DECISION_NONE} when either is NaN.
     *
     * @param score the score
     * @param threshold the decision threshold
     * @return the decision code
     */
    public static int decision(float score, float threshold) {
        if (score != score || threshold != threshold) {
            return DECISION_NONE;
        }
        return score >= threshold ? DECISION_BLOCK : DECISION_ALLOW;
    }
}
