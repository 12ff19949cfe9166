package dev.hotpath.formats.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by the crash tests: hands each model file given as an argument straight to ONNX Runtime, with
 * none of Hotpath's validation, creates a session and runs one row of ones. Prints {@code ok <file>} or
 * {@code error <file>: <message>} per file, flushed before the next file, so the parent can tell which file a
 * crash happened on.
 */
final class RawOrtProbeMain {

    private RawOrtProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (String a : args) {
            byte[] bytes = Files.readAllBytes(Path.of(a));
            System.out.println("start " + a);
            System.out.flush();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(1);
                try (OrtSession s = env.createSession(bytes, so)) {
                    Map.Entry<String, NodeInfo> in = s.getInputInfo().entrySet().iterator().next();
                    long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape();
                    int f = (int) shape[shape.length - 1];
                    float[] row = new float[f];
                    java.util.Arrays.fill(row, 1f);
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(row), new long[] {1, f});
                         OrtSession.Result r = s.run(Map.of(in.getKey(), t))) {
                        System.out.println("ok " + a + " " + r.size());
                    }
                }
            } catch (OrtException | RuntimeException e) {
                System.out.println("error " + a + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
            System.out.flush();
        }
    }
}
