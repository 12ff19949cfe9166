package dev.hotpath.formats.onnx;

/**
 * The least severe ONNX Runtime <em>native</em> log message that is written. ONNX Runtime's C++ logger writes
 * straight to the process's stderr, past SLF4J; every error it reports also reaches Hotpath's caller as an exception,
 * so services and command-line tools that own their stderr choose {@link #FATAL}. Set with
 * {@link OnnxOptions.Builder#nativeLogLevel(OnnxLogLevel)}. Mirrors ONNX Runtime's {@code OrtLoggingLevel} without
 * depending on it.
 */
public enum OnnxLogLevel {
    /** Everything, including ONNX Runtime's verbose traces. */
    VERBOSE,
    /** Informational messages and above. */
    INFO,
    /** Warnings (for example "Removing initializer … not used by any node") and above: ONNX Runtime's default. */
    WARNING,
    /** Errors and fatal messages only. */
    ERROR,
    /** Fatal messages only: effectively silent. */
    FATAL
}
