package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InspectCommandTest {
    static final List<String> KEYS = List.of("format", "format_version", "objective", "booster", "num_features",
            "num_outputs", "num_trees", "max_depth", "feature_names", "feature_types", "base_score", "checksum",
            "source", "properties");

    /** A tiny JSON reader over jackson-core's streaming parser: objects to maps, arrays to lists. */
    static Object parse(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            Object v = read(p, p.nextToken());
            assertEquals(null, p.nextToken(), "trailing content after the JSON object");
            return v;
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NULL:
                return null;
            default:
                throw new AssertionError("unexpected token " + t);
        }
    }

    private static Model xgboostLikeModel() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("num_class", "0");
        props.put("base_score", "5E-1");
        props.put("num_parallel_tree", "1");
        return TreeEnsemble.builder(3, 1)
                .featureNames(List.of("amount", "age", "country"))
                .featureTypes(List.of(FeatureType.FLOAT, FeatureType.INTEGER, FeatureType.CATEGORICAL))
                .info(new ModelInfo("xgboost-json", "3.4.0", "binary:logistic", "gbtree", 0, 0,
                        "0123456789abcdef", "/models/fraud.json", props))
                .addTree(TestModels.stump(0, 100f, false, 0.25f, 1.5f), 0, 1f)
                .addTree(TestModels.stump(1, 30f, true, -0.5f, 0.125f), 0, 1f)
                .build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintTheDocumentedKeysInOrderWithTheModelsFacts() throws IOException {
        CliRunner.Result r = CliRunner.run(file -> xgboostLikeModel(), "inspect", "--model", "fraud.json");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().endsWith("}\n"), r.out());
        assertTrue(r.out().contains("\n  \"format\" : \"xgboost-json\",\n"), "pretty-printed:\n" + r.out());
        Map<String, Object> json = (Map<String, Object>) parse(r.out());
        assertEquals(KEYS, new ArrayList<>(json.keySet()));
        assertEquals("xgboost-json", json.get("format"));
        assertEquals("3.4.0", json.get("format_version"));
        assertEquals("binary:logistic", json.get("objective"));
        assertEquals("gbtree", json.get("booster"));
        assertEquals(3L, json.get("num_features"));
        assertEquals(1L, json.get("num_outputs"));
        assertEquals(2L, json.get("num_trees"));
        assertEquals(1L, json.get("max_depth"));
        assertEquals(List.of("amount", "age", "country"), json.get("feature_names"));
        assertEquals(List.of("float", "integer", "categorical"), json.get("feature_types"));
        assertEquals("5E-1", json.get("base_score"));
        assertEquals("0123456789abcdef", json.get("checksum"));
        assertEquals("/models/fraud.json", json.get("source"));
        Map<String, Object> props = (Map<String, Object>) json.get("properties");
        assertEquals(List.of("num_class", "num_parallel_tree"), new ArrayList<>(props.keySet()));
        assertEquals("0", props.get("num_class"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReportPositionalNamesNullBaseScoreAndEmptyPropertiesWhenAbsent() throws IOException {
        CliRunner.Result r = CliRunner.run(file -> TestModels.twoClassArgmax(), "inspect", "--model", "m");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        Map<String, Object> json = (Map<String, Object>) parse(r.out());
        assertEquals(KEYS, new ArrayList<>(json.keySet()));
        assertEquals(1L, json.get("num_outputs"));
        assertEquals(List.of("x", "y"), json.get("feature_names"));
        assertEquals(null, json.get("base_score"));
        assertEquals(Map.of(), json.get("properties"));

        r = CliRunner.run(file -> TestModels.threeFeaturesUnnamed(), "inspect", "--model", "m");
        json = (Map<String, Object>) parse(r.out());
        assertEquals(List.of("f0", "f1", "f2"), json.get("feature_names"));
        assertEquals(List.of("float", "float", "float"), json.get("feature_types"));
    }
}
