package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hotpath score} and {@code hotpath inspect} on a LightGBM text model, through the production loader. The
 * model is model-formats' fixture {@code lightgbm/micro-example.txt}, the micro-example of the project's LightGBM
 * reference (a numerical split with NaN default-left and a categorical bitset split) with the
 * {@code pandas_categorical} line the Python package appends; the expected raw scores and probabilities are
 * LightGBM 4.3's for these rows (model-formats' {@code LightgbmReaderTest} checks them against LightGBM; the parity
 * on trained models is its {@code LightgbmParityTest}).
 */
class LightgbmEndToEndTest {
    /** The fixture model-formats' tests check against LightGBM itself (see its README). */
    private static final Path MODEL = Path.of("..", "model-formats", "src", "test", "resources", "lightgbm",
            "micro-example.txt");

    /** merchant_cat, amount, channel: a column order other than the model's. */
    private static final String CSV = String.join("\n",
            "merchant_cat,amount,channel",
            "4,,0",
            "4,0,0",
            "4,1.5,0",
            "4,2,0",
            "3.7,2,0",
            "NaN,2,0",
            "36,2,0",
            "");
    private static final double[] RAW = {0.25, 0.25, 0.25, -0.125, 0.5, 0.5, 0.5};
    private static final double[] PROBABILITY = {0.5621765008857981, 0.5621765008857981, 0.5621765008857981,
        0.46879062662624377, 0.6224593312018546, 0.6224593312018546, 0.6224593312018546};

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void shouldScoreALightgbmModelAsLightgbmDoes() throws Exception {
        Path model = write("fraud.txt", Files.readString(MODEL));
        Path input = write("rows.csv", CSV);
        for (boolean margin : new boolean[] {false, true}) {
            float[][] values = XgboostEndToEndTest.scoreWithCli(model, input, 7, 1, margin);
            for (int i = 0; i < 7; i++) {
                float expected = (float) (margin ? RAW[i] : PROBABILITY[i]);
                assertEquals(expected, values[i][0], "row " + i + (margin ? " --margin" : ""));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldInspectALightgbmModel() throws Exception {
        Path model = write("fraud.model", Files.readString(MODEL));
        CliRunner.Result r = CliRunner.runReal("inspect", "--model", model.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        Map<String, Object> json = (Map<String, Object>) InspectCommandTest.parse(r.out());
        assertEquals(InspectCommandTest.KEYS, new ArrayList<>(json.keySet()));
        assertEquals("lightgbm-text", json.get("format"));
        assertEquals("v4", json.get("format_version"));
        assertEquals("binary sigmoid:1", json.get("objective"));
        assertEquals("gbdt", json.get("booster"));
        assertEquals(3L, json.get("num_features"));
        assertEquals(1L, json.get("num_outputs"));
        assertEquals(1L, json.get("num_trees"));
        assertEquals(2L, json.get("max_depth"));
        assertEquals(List.of("amount", "channel", "merchant_cat"), json.get("feature_names"));
        assertEquals(List.of("float", "float", "categorical"), json.get("feature_types"));
        assertEquals(null, json.get("base_score"));
        Map<String, Object> props = (Map<String, Object>) json.get("properties");
        assertEquals("[[\"grocery\", \"travel\", \"fuel\"]]", props.get("pandas_categorical"));
        assertEquals("sigmoid(1.0)", props.get("output_transform"));
        assertTrue(((String) json.get("source")).endsWith("fraud.model"), json.toString());
    }
}
