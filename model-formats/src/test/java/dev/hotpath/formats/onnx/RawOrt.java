package dev.hotpath.formats.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The straightforward way to call ONNX Runtime, with none of Hotpath's machinery: a session with ONNX Runtime's
 * default options except one intra-op thread, {@code float[][]} inputs via {@code createTensor}, and
 * {@code getValue()} on the result. The reference that {@link OnnxModel}'s outputs must match bit for bit.
 *
 * <p>The thread count must match Hotpath's (1 by default): ONNX Runtime's TreeEnsemble splits batches across the
 * intra-op pool and adds the partial sums in a different order, so a 2-thread session differs from a 1-thread one
 * in the last bits (measured on xgb_tree_ensemble.onnx, 64-row batches). Not thread-safe beyond what OrtSession is.
 */
final class RawOrt implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    RawOrt(Path model) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            session = env.createSession(model.toString(), so);
        }
    }

    /** Runs {@code rows} (one input) as one batch and returns output {@code output}, flattened per row. */
    float[][] run(String input, float[][] rows, String output) throws OrtException {
        return run(Map.of(input, rows), output);
    }

    /** Runs several named inputs (each {@code float[rows][width]}) as one batch. */
    float[][] run(Map<String, float[][]> inputs, String output) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (Map.Entry<String, float[][]> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, e.getValue()));
            }
            try (OrtSession.Result r = session.run(tensors, Set.of(output))) {
                return flattenRows(r.get(0).getValue());
            }
        } finally {
            for (OnnxTensor t : tensors.values()) {
                t.close();
            }
        }
    }

    private static float[][] flattenRows(Object value) {
        if (value instanceof float[]) {
            float[] v = (float[]) value;
            float[][] out = new float[v.length][];
            for (int i = 0; i < v.length; i++) {
                out[i] = new float[] {v[i]};
            }
            return out;
        }
        if (value instanceof float[][]) {
            return (float[][]) value;
        }
        throw new IllegalArgumentException("unexpected output type " + value.getClass());
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
