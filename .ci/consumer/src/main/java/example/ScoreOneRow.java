package example;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an XGBoost-only service does: load an XGBoost model, score a row. Then check that an ONNX file is refused
 * with the error that names the missing dependency (ONNX Runtime must not be on this class path).
 * Arguments: the XGBoost model, a CSV with a header, an ONNX model. Exits non-zero on any failure.
 */
public final class ScoreOneRow {
    private ScoreOneRow() {
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        String[] fields = lines.get(1).split(",", -1);
        float[] row = new float[fields.length];
        for (int i = 0; i < fields.length; i++) {
            row[i] = fields[i].isEmpty() ? Float.NaN : Float.parseFloat(fields[i]);
        }
        try (Model model = ModelLoader.load(Path.of(args[0]))) {
            float score = model.score(row);
            if (!(score > 0f && score < 1f)) {
                throw new AssertionError("score out of (0, 1): " + score);
            }
            System.out.println("score " + score);
        }
        try {
            ModelLoader.load(Path.of(args[2])).close();
            throw new AssertionError("an ONNX model loaded without ONNX Runtime on the class path");
        } catch (ConfigurationException expected) {
            if (!expected.getMessage().contains("ONNX Runtime is not on the class path")) {
                throw new AssertionError("unexpected message: " + expected.getMessage(), expected);
            }
            System.out.println("onnx refused: " + expected.getMessage());
        }
    }
}
