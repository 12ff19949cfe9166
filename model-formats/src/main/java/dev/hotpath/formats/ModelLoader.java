package dev.hotpath.formats;

import dev.hotpath.formats.lightgbm.LightgbmReader;
import dev.hotpath.formats.onnx.OnnxReader;
import dev.hotpath.formats.onnx.OnnxRuntimeSupport;
import dev.hotpath.formats.xgboost.XgboostReader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads any model file Hotpath supports — XGBoost JSON, UBJSON and legacy binary, LightGBM text, ONNX — choosing the
 * reader from the file's <em>content</em> (never its extension: XGBoost 3.4 writes UBJSON into {@code .model} files,
 * and LightGBM's files are often {@code .txt} or {@code .model}).
 *
 * <pre>{@code
 * Model model = ModelLoader.load(Path.of("fraud.ubj"));
 * }</pre>
 *
 * <p>ONNX files need ONNX Runtime ({@value dev.hotpath.formats.onnx.OnnxRuntimeSupport#DEPENDENCY}), an optional
 * dependency that applications loading ONNX models declare themselves; XGBoost files need nothing else.
 *
 * <p>Thread-safe; loading is a cold path. The returned model is immutable and thread-safe; close it when done
 * (ONNX models hold native memory).
 */
public final class ModelLoader {
    private static final int SNIFF_BYTES = 64;

    private ModelLoader() {
    }

    /**
     * Loads a model with default options.
     *
     * @param file the model file
     * @return the model
     * @throws ModelFormatException if the file is missing, unreadable, of an unknown format, or invalid
     */
    public static Model load(Path file) {
        return load(file, LoadOptions.defaults());
    }

    /**
     * Loads a model. With {@link LoadOptions#withChildJvmCheck(ChildJvmCheck)} the model is first loaded and scored
     * in a short-lived child JVM and loaded here only if that succeeded, so a file that crashes a native library
     * (ONNX Runtime) cannot take this JVM down.
     *
     * @param file the model file
     * @param options per-format options and the optional child-JVM check
     * @return the model
     * @throws ModelFormatException if the file is missing, unreadable, of an unknown format, or invalid, or if the
     *     child-JVM check refused it (it crashed, timed out or failed there)
     * @throws dev.hotpath.scoring.ConfigurationException if the options do not fit the model, or the file is an
     *     ONNX model and ONNX Runtime (an optional dependency) is not on the class path
     */
    public static Model load(Path file, LoadOptions options) {
        ChildJvmCheck check = options.childJvmCheck();
        if (check == null) {
            return loadInThisJvm(file, options);
        }
        if (detect(file) == ModelFormat.ONNX) { // a missing or unrecognised file fails here, without starting a JVM
            OnnxRuntimeSupport.requireFor(file.toString());
        }
        String checked = check.check(file, options);
        Model model = loadInThisJvm(file, options);
        String loaded = model.info().checksum();
        if (!checked.isEmpty() && !loaded.isEmpty() && !checked.equals(loaded)) {
            model.close();
            throw new ModelFormatException(file.toString(), null, "the file the child JVM checked (SHA-256 "
                    + checked + "); it changed before it was loaded here (SHA-256 " + loaded + "), so the load was "
                    + "refused. Deploy files by writing them elsewhere and renaming them into place");
        }
        return model;
    }

    /** The load itself, without a child-JVM check (used by the child too). */
    static Model loadInThisJvm(Path file, LoadOptions options) {
        switch (detect(file)) {
            case ONNX:
                // Before OnnxReader is touched: without the optional ONNX Runtime jar it cannot even be linked.
                OnnxRuntimeSupport.requireFor(file.toString());
                return OnnxReader.read(file, options.onnx());
            case LIGHTGBM:
                return LightgbmReader.read(file, options.lightgbm());
            case XGBOOST:
            default:
                return XgboostReader.read(file, options.xgboost());
        }
    }

    /**
     * Recognises a model file's format from its first bytes.
     *
     * @param file the model file
     * @return the format
     * @throws ModelFormatException if the file is missing, unreadable or not a recognised model
     */
    public static ModelFormat detect(Path file) {
        byte[] head = new byte[SNIFF_BYTES];
        int len;
        try (InputStream in = Files.newInputStream(file)) {
            len = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file.toString(), null, "file not found", e);
        } catch (IOException e) {
            throw new ModelFormatException(file.toString(), null, "cannot read the file: " + e.getMessage(), e);
        }
        if (len == 0) {
            throw new ModelFormatException(file.toString(), "offset 0", "the file is empty; expected a model");
        }
        if (XgboostReader.looksLikeXgboost(head, len)) {
            return ModelFormat.XGBOOST;
        }
        if (OnnxRuntimeSupport.looksLikeOnnx(head, len)) {
            return ModelFormat.ONNX;
        }
        if (LightgbmReader.looksLikeLightgbm(head, len)) {
            return ModelFormat.LIGHTGBM;
        }
        throw new ModelFormatException(file.toString(), "offset 0", "not a model format Hotpath recognises;"
                + " expected XGBoost JSON ('{\"'), UBJSON ('{L'), legacy binary ('binf') or ONNX (protobuf"
                + " ModelProto) or LightGBM text ('tree' and a key= line); first bytes: " + hex(head, Math.min(len, 16))
                + ". XGBoost 1.0 binaries without the 'binf' header: use XgboostReader.read directly.");
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
            if (i + 1 < n) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }
}
