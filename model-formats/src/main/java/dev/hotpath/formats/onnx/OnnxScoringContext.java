package dev.hotpath.formats.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * One thread's scoring state for one {@link OnnxModel}: direct, native-order input and output buffers wrapped once in
 * {@link OnnxTensor}s, and the input / pinned-output maps {@code OrtSession.run} needs, all built on first use.
 *
 * <p>A call writes the features into the input buffer with absolute bulk puts (position and limit never move, because
 * the tensor captured them when it was created), runs the session with the output <em>pinned</em> (ONNX Runtime
 * writes straight into our direct buffer), and reads the result with an absolute bulk get. Nothing is created per
 * call on our side; what ONNX Runtime's Java API allocates inside {@code run} (the {@code Result}, a few small arrays,
 * about 370 B) is the documented floor.
 *
 * <p>Batches use a second pair of buffers sized for {@code maxBatchRows} rows. A tensor's shape is fixed, so one
 * input/output tensor pair per distinct row count is created lazily, all viewing the same two buffers.
 *
 * <p><b>Thread-confined:</b> used only by the thread that created it (through the model's {@code ThreadLocal}) and
 * closed by {@link OnnxModel} only when no call is in flight, or when its owner thread has died.
 */
final class OnnxScoringContext {

    /** The shapes the context needs, fixed at load time. */
    record Layout(String[] inputNames, int[] inputWidths, int[] inputOffsets, int numFeatures, String outputName,
                  long[] outputTailDims, int numOutputs, boolean batchSupported, int maxBatchRows) {
    }

    private static final Set<String> NO_REQUESTED_OUTPUTS = Collections.emptySet();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Layout layout;
    private final WeakReference<Thread> owner;
    private final List<OnnxTensor> owned = new ArrayList<>();

    private final FloatBuffer[] rowIn;
    private final FloatBuffer rowOut;
    private final ReusableEntryMap<OnnxTensor> rowInputs;
    private final ReusableEntryMap<OnnxTensor> rowPinned;

    private FloatBuffer[] batchIn;
    private FloatBuffer batchOut;
    private ReusableEntryMap<OnnxTensor>[] batchInputs;
    private ReusableEntryMap<OnnxTensor>[] batchPinned;

    OnnxScoringContext(OrtEnvironment env, OrtSession session, Layout layout, Thread owner) throws OrtException {
        this.env = env;
        this.session = session;
        this.layout = layout;
        this.owner = new WeakReference<>(owner);
        try {
            int nIn = layout.inputNames().length;
            rowIn = new FloatBuffer[nIn];
            List<OnnxTensor> inTensors = new ArrayList<>(nIn);
            for (int i = 0; i < nIn; i++) {
                rowIn[i] = directFloats(layout.inputWidths()[i]);
                inTensors.add(wrap(rowIn[i], new long[] {1, layout.inputWidths()[i]}));
            }
            rowOut = directFloats(layout.numOutputs());
            OnnxTensor outTensor = wrap(rowOut, outputShape(1));
            rowInputs = new ReusableEntryMap<>(List.of(layout.inputNames()), inTensors);
            rowPinned = new ReusableEntryMap<>(List.of(layout.outputName()), List.of(outTensor));
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Scores one row starting at {@code features[off]}, writing {@code numOutputs} values at {@code out[outOff]}. */
    void scoreRow(float[] features, int off, float[] out, int outOff) throws OrtException {
        runRow(features, off);
        rowOut.get(0, out, outOff, layout.numOutputs());
    }

    /** Scores one row of a single-output model. */
    float scoreRow(float[] features) throws OrtException {
        runRow(features, 0);
        return rowOut.get(0);
    }

    private void runRow(float[] features, int off) throws OrtException {
        FloatBuffer[] in = rowIn;
        int[] widths = layout.inputWidths();
        int[] offsets = layout.inputOffsets();
        for (int i = 0; i < in.length; i++) {
            in[i].put(0, features, off + offsets[i], widths[i]);
        }
        session.run(rowInputs, NO_REQUESTED_OUTPUTS, rowPinned, null).close();
    }

    /** Scores {@code nRows} row-major rows, in chunks of at most {@code maxBatchRows} rows per run. */
    void scoreBatch(float[] rows, int nRows, float[] out) throws OrtException {
        int f = layout.numFeatures();
        int k = layout.numOutputs();
        if (!layout.batchSupported()) {
            for (int r = 0; r < nRows; r++) {
                scoreRow(rows, r * f, out, r * k);
            }
            return;
        }
        int max = layout.maxBatchRows();
        for (int start = 0; start < nRows; start += max) {
            int n = Math.min(max, nRows - start);
            if (n == 1) {
                scoreRow(rows, start * f, out, start * k);
                continue;
            }
            ensureBatchSlot(n);
            FloatBuffer[] in = batchIn;
            if (in.length == 1) {
                in[0].put(0, rows, start * f, n * f);
            } else {
                int[] widths = layout.inputWidths();
                int[] offsets = layout.inputOffsets();
                for (int r = 0; r < n; r++) {
                    int rowBase = (start + r) * f;
                    for (int i = 0; i < in.length; i++) {
                        in[i].put(r * widths[i], rows, rowBase + offsets[i], widths[i]);
                    }
                }
            }
            session.run(batchInputs[n], NO_REQUESTED_OUTPUTS, batchPinned[n], null).close();
            batchOut.get(0, out, start * k, n * k);
        }
    }

    @SuppressWarnings("unchecked") // generic arrays of ReusableEntryMap; never exposed
    private void ensureBatchSlot(int n) throws OrtException {
        if (batchIn == null) {
            int max = layout.maxBatchRows();
            int nIn = layout.inputNames().length;
            FloatBuffer[] in = new FloatBuffer[nIn];
            for (int i = 0; i < nIn; i++) {
                in[i] = directFloats(max * layout.inputWidths()[i]);
            }
            batchOut = directFloats(max * layout.numOutputs());
            batchInputs = (ReusableEntryMap<OnnxTensor>[]) new ReusableEntryMap<?>[max + 1];
            batchPinned = (ReusableEntryMap<OnnxTensor>[]) new ReusableEntryMap<?>[max + 1];
            batchIn = in;
        }
        if (batchInputs[n] != null) {
            return;
        }
        int nIn = batchIn.length;
        List<OnnxTensor> inTensors = new ArrayList<>(nIn);
        for (int i = 0; i < nIn; i++) {
            int w = layout.inputWidths()[i];
            inTensors.add(wrap(prefix(batchIn[i], n * w), new long[] {n, w}));
        }
        OnnxTensor outTensor = wrap(prefix(batchOut, n * layout.numOutputs()), outputShape(n));
        batchPinned[n] = new ReusableEntryMap<>(List.of(layout.outputName()), List.of(outTensor));
        batchInputs[n] = new ReusableEntryMap<>(List.of(layout.inputNames()), inTensors);
    }

    private long[] outputShape(int rows) {
        long[] tail = layout.outputTailDims();
        long[] shape = new long[tail.length + 1];
        shape[0] = rows;
        System.arraycopy(tail, 0, shape, 1, tail.length);
        return shape;
    }

    private OnnxTensor wrap(FloatBuffer buffer, long[] shape) throws OrtException {
        OnnxTensor t = OnnxTensor.createTensor(env, buffer, shape);
        owned.add(t);
        if (t.ownsBuffer()) {
            // ONNX Runtime copied the data instead of wrapping it: later writes would be invisible to the model.
            throw new IllegalStateException("ONNX Runtime copied a direct buffer instead of wrapping it");
        }
        return t;
    }

    /** A direct buffer in native byte order; ONNX Runtime does not check byte order and would read garbage. */
    private static FloatBuffer directFloats(int n) {
        FloatBuffer fb = ByteBuffer.allocateDirect(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        if (fb.order() != ByteOrder.nativeOrder() || !fb.isDirect()) {
            throw new IllegalStateException("expected a direct native-order buffer");
        }
        return fb;
    }

    /** The first {@code n} floats of {@code fb} as their own buffer (FloatBuffer views keep their byte order). */
    private static FloatBuffer prefix(FloatBuffer fb, int n) {
        FloatBuffer view = fb.duplicate();
        view.position(0).limit(n);
        FloatBuffer slice = view.slice();
        if (slice.order() != ByteOrder.nativeOrder() || !slice.isDirect()) {
            throw new IllegalStateException("expected a direct native-order buffer slice");
        }
        return slice;
    }

    /** @return whether the thread that created this context is still alive */
    boolean ownerAlive() {
        Thread t = owner.get();
        return t != null && t.isAlive();
    }

    /** Releases every tensor this context created. Only when no call is using it. */
    void close() {
        for (OnnxTensor t : owned) {
            t.close();
        }
        owned.clear();
    }
}
