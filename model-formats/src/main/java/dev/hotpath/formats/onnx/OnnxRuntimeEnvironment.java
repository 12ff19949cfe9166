package dev.hotpath.formats.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import dev.hotpath.scoring.ConfigurationException;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The one {@link OrtEnvironment} of the JVM (ONNX Runtime allows only one, shared with any other ONNX Runtime user
 * in the process), created on first use with the native log level of the first options
 * ({@link OnnxOptions#nativeLogLevel()}). Applies {@link OnnxOptions#nativeLibraryDirectory()} before ONNX Runtime
 * loads its native libraries.
 *
 * <p>Thread-safe (class-level lock); cold path only. The environment is never closed by Hotpath: ONNX Runtime closes
 * it from its own JVM shutdown hook.
 */
final class OnnxRuntimeEnvironment {

    /** ONNX Runtime's system property naming a directory to load its native libraries from. */
    static final String NATIVE_PATH_PROP_NAME = "onnxruntime.native.path";

    private static OrtEnvironment environment;

    private OnnxRuntimeEnvironment() {
    }

    static OrtLoggingLevel ortLevel(OnnxLogLevel level) {
        return switch (level) {
            case VERBOSE -> OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
            case INFO -> OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO;
            case WARNING -> OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
            case ERROR -> OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            case FATAL -> OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        };
    }

    static synchronized OrtEnvironment get(OnnxOptions options) {
        Path dir = options.nativeLibraryDirectory().orElse(null);
        if (dir != null) {
            String current = System.getProperty(NATIVE_PATH_PROP_NAME);
            if (environment == null && current == null) {
                System.setProperty(NATIVE_PATH_PROP_NAME, dir.toString());
            } else if (!Objects.equals(current, dir.toString())) {
                throw new ConfigurationException("ONNX Runtime's native library was already loaded "
                        + (current == null ? "from its jar (extracted to java.io.tmpdir)" : "from " + current)
                        + ", so nativeLibraryDirectory " + dir + " cannot take effect; start the JVM with -D"
                        + NATIVE_PATH_PROP_NAME + "=" + dir + " instead");
            }
        }
        if (environment == null) {
            try {
                // The first ONNX load of the JVM sets the environment's (process-wide) native log level. If the
                // application created the environment itself, ONNX Runtime keeps that one and its level (and says so
                // once through java.util.logging); sessions still get the level of their own options.
                OnnxLogLevel level = options.nativeLogLevel();
                environment = level == OnnxLogLevel.WARNING ? OrtEnvironment.getEnvironment()
                        : OrtEnvironment.getEnvironment(ortLevel(level), OrtEnvironment.DEFAULT_NAME);
            } catch (LinkageError | RuntimeException e) {
                throw new OnnxRuntimeException("cannot load ONNX Runtime's native library (" + e + "). It needs "
                        + "glibc >= 2.27 on Linux (no Alpine/musl) and either a writable, executable java.io.tmpdir "
                        + "(it extracts about 22 MB there) or pre-extracted libraries named by -D"
                        + NATIVE_PATH_PROP_NAME + " (see OnnxNativeLibraries.extractTo)", e);
            }
        }
        return environment;
    }
}
