package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * model is the micro-example of the project's LightGBM reference (a numerical split with NaN default-left and a
 * categorical bitset split) with the {@code pandas_categorical} line the Python package appends; the expected raw
 * scores and probabilities are the ones LightGBM 4.3 printed for these rows (the parity with LightGBM on trained
 * models is model-formats' {@code LightgbmParityTest}).
 */
class LightgbmEndToEndTest {
    private static final String MODEL = String.join("\n",
            "tree",
            "version=v4",
            "num_class=1",
            "num_tree_per_iteration=1",
            "label_index=0",
            "max_feature_idx=2",
            "objective=binary sigmoid:1",
            "feature_names=amount channel merchant_cat",
            "feature_infos=[0:5000] none -1:2:4:1:0:3",
            "tree_sizes=357",
            "",
            "Tree=0",
            "num_leaves=3",
            "num_cat=1",
            "split_feature=0 2",
            "split_gain=12.5 3.25",
            "threshold=1.5000000000000002 0",
            "decision_type=10 9",
            "left_child=-1 -2",
            "right_child=1 -3",
            "leaf_value=0.25 -0.125 0.5",
            "leaf_weight=40 30 30",
            "leaf_count=40 30 30",
            "internal_value=0.2125 0.1875",
            "internal_weight=100 60",
            "internal_count=100 60",
            "cat_boundaries=0 1",
            "cat_threshold=20",
            "is_linear=0",
            "shrinkage=1",
            "",
            "",
            "end of trees",
            "",
            "parameters:",
            "[boosting: gbdt]",
            "",
            "end of parameters",
            "",
            "pandas_categorical:[[\"grocery\", \"travel\", \"fuel\"]]",
            "");

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
        Path model = write("fraud.txt", MODEL);
        Path input = write("rows.csv", CSV);
        for (boolean margin : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input",
                    input.toString()));
            if (margin) {
                args.add("--margin");
            }
            CliRunner.Result r = CliRunner.runReal(args.toArray(new String[0]));
            assertEquals(ExitCodes.OK, r.exitCode(), r.err());
            String[] lines = r.out().split("\n");
            assertEquals(8, lines.length, r.out());
            assertEquals(margin ? "margin" : "score", lines[0]);
            for (int i = 0; i < 7; i++) {
                float expected = (float) (margin ? RAW[i] : PROBABILITY[i]);
                assertEquals(expected, Float.parseFloat(lines[i + 1]), "row " + i + (margin ? " --margin" : ""));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldInspectALightgbmModel() throws Exception {
        Path model = write("fraud.model", MODEL);
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
