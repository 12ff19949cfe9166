package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ConfigurationException;

/**
 * ONNX Runtime is an <em>optional</em> dependency of {@code hotpath-model-formats}: XGBoost-only applications do
 * not receive its 75 MB jar, and applications that load ONNX models declare
 * {@value #DEPENDENCY} themselves (see {@code model-formats/README-onnx.md}). This class answers, without touching
 * any ONNX Runtime class, whether it is there, and refuses an ONNX file clearly when it is not.
 *
 * <p>Stateless and thread-safe; cold path only.
 */
public final class OnnxRuntimeSupport {
    /** The Maven coordinates ONNX models need on the class path, in the version Hotpath is built and tested with. */
    public static final String DEPENDENCY = "com.microsoft.onnxruntime:onnxruntime:1.23.2";

    private static final String PROBE_CLASS = "ai.onnxruntime.OrtEnvironment";

    private OnnxRuntimeSupport() {
    }

    /** @return whether ONNX Runtime's Java API is on the class path of model-formats */
    public static boolean isAvailable() {
        try {
            Class.forName(PROBE_CLASS, false, OnnxRuntimeSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param source the ONNX file about to be loaded, for the message
     * @throws ConfigurationException naming the dependency to add when ONNX Runtime is not on the class path
     */
    public static void requireFor(String source) {
        if (!isAvailable()) {
            throw new ConfigurationException(source + " is an ONNX model, but ONNX Runtime is not on the class path. "
                    + "ONNX support is an optional dependency of hotpath-model-formats: add " + DEPENDENCY
                    + " (groupId com.microsoft.onnxruntime, artifactId onnxruntime, version 1.23.2) to your build; "
                    + "see model-formats/README-onnx.md");
        }
    }

    /**
     * The content sniff of {@link OnnxReader#looksLikeOnnx(byte[], int)}, usable without ONNX Runtime.
     *
     * @param head the first bytes of the file
     * @param len how many bytes of {@code head} are valid
     * @return whether the bytes look like an ONNX model
     */
    public static boolean looksLikeOnnx(byte[] head, int len) {
        return OnnxModelProto.looksLikeModelProto(head, len);
    }
}
