package dev.hotpath.shadow;

/**
 * Payload layout of a score request in the intake ring and the per-shadow queues (native byte order; it never
 * leaves the process). Agrona's 8-byte record header precedes it.
 */
final class IntakeLayout {
    static final int MSG_SCORE_REQUEST = 1;

    static final int REQUEST_ID = 0;
    static final int EPOCH_NANOS = 8;
    static final int AMOUNT = 16;
    static final int PRIMARY_SCORE = 24;
    static final int PRIMARY_LATENCY = 28;
    static final int SEGMENT = 32;
    static final int PRIMARY_MODEL = 36;
    static final int SAMPLE_RATE = 38;
    static final int N_FEATURES = 40;
    static final int FLAGS = 44;
    static final int FEATURES = 48;

    private IntakeLayout() {
    }

    static int messageLength(int nFeatures) {
        return FEATURES + 4 * nFeatures;
    }
}
