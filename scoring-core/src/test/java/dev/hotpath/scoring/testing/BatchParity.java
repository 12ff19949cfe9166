package dev.hotpath.scoring.testing;

import dev.hotpath.scoring.Model;
import java.util.Arrays;

/**
 * Asserts that a model's batch entry points ({@code score(rows, n, out)}, {@code scoreMargin(rows, n, out)}) give
 * exactly what its single-row entry points give for the same rows, bit for bit (raw bits: even a NaN's payload),
 * for batch sizes that start, fill and overflow the batch evaluator's groups of eight rows and its chunks of up to 64
 * rows. Every row of the given set is scored in every batch size (the last batch is partial), so rows with NaN or
 * infinities sit at every position of a group for some size. Used by the parity tests of every model kind, with
 * models trained by the reference libraries.
 */
public final class BatchParity {
    /** Batch sizes every model is checked with: one row, a partial group, full chunks, chunks plus a remainder. */
    public static final int[] SIZES = {1, 3, 64, 257};

    private BatchParity() {
    }

    /**
     * @param what names the model in failure messages
     * @param model the model under test
     * @param rows {@code n} rows of {@code model.numFeatures()} values each
     * @param n the number of rows
     */
    public static void assertBatchesEqualSingleRows(String what, Model model, float[] rows, int n) {
        int f = model.numFeatures();
        int k = model.numOutputs();
        int km = model.numMarginOutputs();
        float[] singleOutputs = new float[n * k];
        float[] singleMargins = new float[n * km];
        float[] row = new float[f];
        float[] out = new float[Math.max(k, km)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * f, row, 0, f);
            model.score(row, out);
            System.arraycopy(out, 0, singleOutputs, r * k, k);
            model.scoreMargin(row, out);
            System.arraycopy(out, 0, singleMargins, r * km, km);
        }
        for (int size : SIZES) {
            float[] batchOutputs = new float[size * k + 1];
            float[] batchMargins = new float[size * km + 1];
            for (int r0 = 0; r0 < n; r0 += size) {
                int b = Math.min(size, n - r0);
                // The batch starts at row 0 of its own array, as callers pass it; one sentinel past its outputs.
                float[] batch = Arrays.copyOfRange(rows, r0 * f, (r0 + b) * f);
                batchOutputs[b * k] = 42f;
                batchMargins[b * km] = 42f;
                model.score(batch, b, batchOutputs);
                model.scoreMargin(batch, b, batchMargins);
                compare(what, "score", size, r0, b, k, singleOutputs, batchOutputs, rows, f);
                compare(what, "scoreMargin", size, r0, b, km, singleMargins, batchMargins, rows, f);
            }
        }
    }

    private static void compare(String what, String method, int size, int r0, int b, int k, float[] single,
                                float[] batch, float[] rows, int f) {
        for (int i = 0; i < b * k; i++) {
            float s = single[r0 * k + i];
            float a = batch[i];
            if (Float.floatToRawIntBits(s) != Float.floatToRawIntBits(a)) {
                int r = r0 + i / k;
                throw new AssertionError(what + ": " + method + " in batches of " + size + ", row " + r + " output "
                        + i % k + ": batch " + a + " (0x" + Integer.toHexString(Float.floatToRawIntBits(a))
                        + ") != single row " + s + " (0x" + Integer.toHexString(Float.floatToRawIntBits(s))
                        + "); row " + Arrays.toString(Arrays.copyOfRange(rows, r * f, r * f + f)));
            }
        }
        if (batch[b * k] != 42f) {
            throw new AssertionError(what + ": " + method + " in batches of " + size + " wrote past the batch");
        }
    }
}
