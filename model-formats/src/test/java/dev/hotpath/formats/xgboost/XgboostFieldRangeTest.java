package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.TinyModel.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values that parse but make every score meaningless are refused at load (issue #20 item 9): a NaN or infinite
 * {@code base_score} for objectives whose link is the identity (the margin starts at NaN or ±Inf, so every output
 * is NaN or infinite), in JSON, UBJSON and the legacy binary format; and {@code default_left} values other than
 * 0 and 1.
 */
class XgboostFieldRangeTest {
    private static final List<String> IDENTITY_LINK_OBJECTIVES = List.of("reg:squarederror", "reg:linear",
            "reg:absoluteerror", "reg:quantileerror", "reg:pseudohubererror", "reg:squaredlogerror",
            "reg:expectileerror", "binary:logitraw", "binary:hinge", "multi:softprob", "multi:softmax",
            "rank:pairwise", "rank:ndcg", "rank:map");
    private static final List<String> NON_FINITE = List.of("NaN", "Infinity", "-Infinity", "[NaN]");

    private static ModelFormatException reject(byte[] bytes, String source) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> XgboostReader.read(bytes, source, XgboostOptions.defaults()), source);
        assertEquals(source, e.source());
        return e;
    }

    private static TinyModel withObjective(String objective, String baseScore) {
        TinyModel m = new TinyModel();
        m.learner().put("objective", TinyModel.map("name", objective));
        if (objective.startsWith("multi:")) {
            m.params().put("num_class", "1");
        }
        m.params().put("base_score", baseScore);
        return m;
    }

    @Test
    void controlShouldLoadEveryIdentityLinkObjectiveWithAFiniteBaseScore() {
        for (String objective : IDENTITY_LINK_OBJECTIVES) {
            TinyModel m = withObjective(objective, "[2.5E-1]");
            for (byte[] b : List.of(m.json(), m.ubj())) {
                Model model = XgboostReader.read(b, objective, XgboostOptions.defaults());
                assertTrue(Float.isFinite(model.scoreMargin(new float[] {0f, 0f})), objective);
            }
        }
    }

    @Test
    void shouldRefuseANonFiniteBaseScoreForIdentityLinkObjectivesInJsonAndUbj() {
        for (String objective : IDENTITY_LINK_OBJECTIVES) {
            for (String value : NON_FINITE) {
                TinyModel m = withObjective(objective, value);
                for (byte[] b : List.of(m.json(), m.ubj())) {
                    String source = objective + "=" + value;
                    ModelFormatException e = reject(b, source);
                    assertEquals("learner.learner_model_param.base_score", e.location(), e.getMessage());
                    assertTrue(e.expectation().contains("finite") && e.expectation().contains(objective),
                            e.getMessage());
                }
            }
        }
    }

    @Test
    void shouldRefuseANonFiniteBaseScoreInLegacyBinaryFiles() throws IOException {
        // Identity-link fixtures written by XGBoost 2.1.4 and 1.7.6; base_score is the float after "binf".
        for (String file : List.of("2.1.4/absoluteerror.bin", "2.1.4/quantile.bin", "2.1.4/multi_softprob.bin",
                "2.1.4/exact_pruned.bin", "2.1.4/gblinear.bin", "1.7.6/multi_softmax.bin")) {
            byte[] good = Files.readAllBytes(XgboostLegacyFixtureTest.fixtureDir().resolve(file));
            XgboostReader.read(good, file, XgboostOptions.defaults());
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                byte[] b = good.clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, bad);
                ModelFormatException e = reject(b, file + "=" + bad);
                assertEquals("base_score", e.location(), e.getMessage());
                assertTrue(e.expectation().contains("finite"), e.getMessage());
            }
        }
    }

    @Test
    void shouldRefuseDefaultLeftValuesOtherThanZeroAndOne() {
        for (int bad : new int[] {2, 255}) {
            TinyModel m = new TinyModel();
            m.tree0().put("default_left", bytes(bad, 0, 0));
            for (byte[] b : List.of(m.json(), m.ubj())) {
                ModelFormatException e = reject(b, "default_left=" + bad);
                assertEquals("learner.gradient_booster.model.trees[0].default_left[0]", e.location(),
                        e.getMessage());
                assertTrue(e.expectation().contains("expected an integer in [0, 1], found " + bad), e.getMessage());
            }
        }
        TinyModel m = new TinyModel();
        m.tree0().put("default_left", TinyModel.ints(-1, 0, 0));
        ModelFormatException e = reject(m.json(), "default_left=-1");
        assertTrue(e.expectation().contains("found -1"), e.getMessage());
    }
}
