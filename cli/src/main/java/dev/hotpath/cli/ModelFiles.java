package dev.hotpath.cli;

import dev.hotpath.formats.LoadOptions;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxLogLevel;
import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.scoring.Model;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CLI's single entry point for reading a model file: {@link ModelLoader#load(Path)}, which detects XGBoost
 * JSON, UBJSON, legacy binary, LightGBM text and ONNX from the content, so every command accepts exactly the files
 * the readers accept. The path is checked first, to give a plain message for the commonest mistakes. ONNX Runtime's
 * native log is off ({@link OnnxLogLevel#FATAL}) so that stderr keeps the one-line error contract.
 *
 * <p>Stateless and thread-safe; loading allocates the model.
 */
final class ModelFiles {
    /**
     * ONNX Runtime's native logger writes to the process's stderr directly; every error it reports reaches us as an
     * exception anyway, so it is silenced to keep stderr to the one {@code hotpath: error: …} line.
     */
    static final LoadOptions OPTIONS = LoadOptions.defaults().withOnnx(OnnxOptions.builder()
            .nativeLogLevel(OnnxLogLevel.FATAL).build());

    private ModelFiles() {
    }

    /**
     * Loads a model, detecting its format from the content.
     *
     * @param file the model file
     * @return the loaded model; the caller closes it
     * @throws CliException if the file does not exist or is not a readable regular file
     * @throws dev.hotpath.scoring.HotpathException if the readers reject the file
     */
    static Model load(Path file) {
        if (!Files.exists(file)) {
            throw new CliException("model file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException("model path is not a regular file: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new CliException("model file is not readable (permission denied): " + file);
        }
        return ModelLoader.load(file, OPTIONS);
    }
}
