package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.HotpathException;

/**
 * ONNX Runtime itself failed: its native library could not be loaded (see {@link OnnxNativeLibraries} for the glibc
 * and temp-directory requirements), or a run that passed load-time validation reported an error. Not used for bad
 * model files ({@link dev.hotpath.scoring.ModelFormatException}) or bad options
 * ({@link dev.hotpath.scoring.ConfigurationException}). The cause, when present, is ONNX Runtime's
 * {@code OrtException} or the {@link LinkageError} from loading the library.
 */
public class OnnxRuntimeException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and, where possible, how to fix it
     * @param cause the underlying failure
     */
    public OnnxRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
