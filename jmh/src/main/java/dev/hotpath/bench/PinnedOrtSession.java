package dev.hotpath.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX Runtime called the fastest way its public Java API allows, for one row at a time: a session with one intra-op
 * and one inter-op thread, sequential execution, all graph optimisations and spinning off; one reused direct input
 * buffer behind one {@code [1, F]} tensor; every output pinned to a reused direct buffer (dynamic dimensions set to
 * 1), so a run creates no output tensors. This is the "raw best practice" peer of the ONNX benchmarks.
 *
 * <p>Not thread-safe (one input buffer): one instance per benchmark thread. {@link #run(float[])} allocates what
 * {@code OrtSession.run} itself allocates (a few hundred bytes per call) and nothing more.
 */
final class PinnedOrtSession implements AutoCloseable {
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final FloatBuffer input;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinned;
    private final FloatBuffer scored;

    /**
     * @param env the environment
     * @param model the ONNX model bytes
     * @param numFeatures the input width
     * @param scoredOutput the float output whose last value {@link #run(float[])} returns
     * @throws OrtException if ONNX Runtime rejects the model
     * @throws IllegalStateException if the model has no float output of that name
     */
    PinnedOrtSession(OrtEnvironment env, byte[] model, int numFeatures, String scoredOutput) throws OrtException {
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        session = env.createSession(model, options);
        inputName = session.getInputNames().iterator().next();
        input = ByteBuffer.allocateDirect(numFeatures * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        inputs = Map.of(inputName, OnnxTensor.createTensor(env, input, new long[] {1, numFeatures}));
        Map<String, OnnxTensor> outputs = new HashMap<>();
        FloatBuffer scoredView = null;
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            TensorInfo info = (TensorInfo) e.getValue().getInfo();
            long[] shape = info.getShape().clone();
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shape[i] < 0 ? 1 : shape[i];
                elements *= shape[i];
            }
            int width = info.type == OnnxJavaType.INT64 ? Long.BYTES : Float.BYTES;
            ByteBuffer buf = ByteBuffer.allocateDirect((int) elements * width).order(ByteOrder.nativeOrder());
            OnnxTensor t = info.type == OnnxJavaType.INT64
                    ? OnnxTensor.createTensor(env, buf.asLongBuffer(), shape)
                    : OnnxTensor.createTensor(env, buf.asFloatBuffer(), shape);
            if (e.getKey().equals(scoredOutput) && info.type == OnnxJavaType.FLOAT) {
                scoredView = buf.asFloatBuffer(); // a view of the pinned output's memory: ORT writes, we read
            }
            outputs.put(e.getKey(), t);
        }
        pinned = Map.copyOf(outputs);
        scored = scoredView;
        if (scored == null) {
            close();
            throw new IllegalStateException("no float output named " + scoredOutput + " among "
                    + session.getOutputNames());
        }
    }

    /** @return the session, for callers that also run it another way */
    OrtSession session() {
        return session;
    }

    /** @return the name of the model's (first) input */
    String inputName() {
        return inputName;
    }

    /**
     * Scores one row.
     *
     * @param row at least {@code numFeatures} values
     * @return the last value of the scored output (the positive-class probability of a binary classifier)
     * @throws OrtException never in practice
     */
    float run(float[] row) throws OrtException {
        input.put(0, row, 0, input.capacity());
        // Pinned outputs are not owned by the Result; closing it releases only ORT's bookkeeping.
        OrtSession.Result result = session.run(inputs, pinned);
        result.close();
        return scored.get(scored.capacity() - 1);
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        for (OnnxTensor t : pinned.values()) {
            t.close();
        }
        session.close();
        options.close();
    }
}
