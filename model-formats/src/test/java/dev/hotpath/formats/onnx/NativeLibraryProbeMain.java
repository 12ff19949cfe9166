package dev.hotpath.formats.onnx;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link OnnxNativeLibrariesTest}: loads a model, scores one all-ones row and prints the result
 * as {@code score=<float bits in hex>}. Arguments: the model path, then {@code builder:<dir>} to pass the native
 * library directory through {@link OnnxOptions.Builder#nativeLibraryDirectory(Path)}, or {@code plain}.
 */
final class NativeLibraryProbeMain {

    private NativeLibraryProbeMain() {
    }

    public static void main(String[] args) {
        OnnxOptions.Builder options = OnnxOptions.builder();
        if (args[1].startsWith("builder:")) {
            options.nativeLibraryDirectory(Path.of(args[1].substring("builder:".length())));
        }
        try (OnnxModel m = OnnxReader.read(Path.of(args[0]), options.build())) {
            float[] row = new float[m.numFeatures()];
            java.util.Arrays.fill(row, 1f);
            System.out.println("score=" + Integer.toHexString(Float.floatToIntBits(m.score(row))));
        }
    }
}
