package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureViewTest {
    @TempDir
    Path dir;

    private static FeatureView card() {
        return FeatureView.builder("card").keyKind(KeyKind.STRING).ttlMillis(86_400_000L)
                .feature("txn_count_1h", 0f).feature("amount_avg_30d").feature("country_risk", 0.5f).build();
    }

    static Path fixture(String name) {
        try {
            return Path.of(FeatureViewTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldMatchFingerprintsComputedIndependentlyByTheFixtureScript() {
        // Values printed by src/test/resources/fixtures/fingerprint_golden.py (Python hashlib, not this code).
        assertEquals("a5b3973b", card().fingerprintHex());
        FeatureView merchant = FeatureView.builder("merchant").keyKind(KeyKind.LONG).ttl(Duration.ofHours(1))
                .feature("chargeback_rate", -1f).build();
        assertEquals("98d8b98f", merchant.fingerprintHex());
    }

    @Test
    void shouldParseTheDefinitionFileFormat() {
        FeatureView v = FeatureView.fromJson(fixture("card-view.json"));
        assertEquals(card(), v);
        assertEquals("card", v.name());
        assertEquals(KeyKind.STRING, v.keyKind());
        assertEquals(List.of("txn_count_1h", "amount_avg_30d", "country_risk"), v.featureNames());
        assertEquals(0f, v.defaultValue(0));
        assertTrue(Float.isNaN(v.defaultValue(1)), "a feature without a default defaults to NaN");
        assertEquals(0.5f, v.defaultValue(2));
        assertEquals(86_400_000L, v.ttlMillis());
        assertEquals(2, v.indexOf("country_risk"));
        assertEquals(-1, v.indexOf("nope"));
    }

    @Test
    void shouldRoundTripThroughJsonExactly() {
        FeatureView v = FeatureView.builder("odd").keyKind(KeyKind.LONG).ttlMillis(1)
                .feature("a", 0.1f).feature("b", -3.4028235e38f).feature("c", 1.4e-45f).feature("d").build();
        FeatureView back = FeatureView.parseJson(v.toJson(), "round-trip");
        assertEquals(v, back);
        assertEquals(v.fingerprint(), back.fingerprint());
        for (int i = 0; i < v.dimension(); i++) {
            assertEquals(Float.floatToIntBits(v.defaultValue(i)), Float.floatToIntBits(back.defaultValue(i)));
        }
    }

    @Test
    void shouldChangeTheFingerprintWhenAnyPartOfTheDefinitionChanges() {
        int base = card().fingerprint();
        assertEquals(base, card().fingerprint(), "equal definitions give equal fingerprints");
        List<FeatureView> variants = List.of(
                FeatureView.builder("card2").ttlMillis(86_400_000L).feature("txn_count_1h", 0f)
                        .feature("amount_avg_30d").feature("country_risk", 0.5f).build(),
                FeatureView.builder("card").keyKind(KeyKind.LONG).ttlMillis(86_400_000L).feature("txn_count_1h", 0f)
                        .feature("amount_avg_30d").feature("country_risk", 0.5f).build(),
                FeatureView.builder("card").ttlMillis(86_400_001L).feature("txn_count_1h", 0f)
                        .feature("amount_avg_30d").feature("country_risk", 0.5f).build(),
                FeatureView.builder("card").ttlMillis(86_400_000L).feature("amount_avg_30d")
                        .feature("txn_count_1h", 0f).feature("country_risk", 0.5f).build(),
                FeatureView.builder("card").ttlMillis(86_400_000L).feature("txn_count_1h", 0f)
                        .feature("amount_avg_30d").feature("country_risk", 0.25f).build(),
                FeatureView.builder("card").ttlMillis(86_400_000L).feature("txn_count_1h", 0f)
                        .feature("amount_avg_30d").feature("country_risk", 0.5f).feature("extra").build(),
                FeatureView.builder("card").ttlMillis(86_400_000L).feature("txn_count_1h", 0f)
                        .feature("amount_avg_7d").feature("country_risk", 0.5f).build());
        for (FeatureView v : variants) {
            assertNotEquals(base, v.fingerprint(), v.toString());
        }
    }

    @Test
    void shouldRejectInvalidDefinitionsWhenBuilding() {
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("has.dot"));
        assertThrows(ConfigurationException.class, () -> FeatureView.builder(""));
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("x".repeat(65)));
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("v").ttlMillis(0));
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("v").feature("a,b"));
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("v").feature("a", Float.POSITIVE_INFINITY));
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("v").feature("a").feature("a"));
        ConfigurationException noTtl = assertThrows(ConfigurationException.class,
                () -> FeatureView.builder("v").feature("a").build());
        assertTrue(noTtl.getMessage().contains("TTL"), noTtl.getMessage());
        assertThrows(ConfigurationException.class, () -> FeatureView.builder("v").ttlMillis(5).build());
    }

    @Test
    void shouldNameTheFileAndFieldWhenADefinitionFileIsInvalid() {
        Path unknownField = Fixtures.write(dir.resolve("unknown.json"),
                "{\"name\":\"v\",\"keyKind\":\"string\",\"ttlMillis\":5,\"features\":[{\"name\":\"a\"}],\"colour\":1}");
        FeatureFileException e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(unknownField));
        assertTrue(e.getMessage().contains(unknownField.toString()) && e.getMessage().contains("colour"),
                e.getMessage());

        Path badType = Fixtures.write(dir.resolve("type.json"),
                "{\"name\":\"v\",\"keyKind\":\"string\",\"ttlMillis\":\"soon\",\"features\":[{\"name\":\"a\"}]}");
        e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(badType));
        assertTrue(e.getMessage().contains("ttlMillis"), e.getMessage());

        Path badKind = Fixtures.write(dir.resolve("kind.json"),
                "{\"name\":\"v\",\"keyKind\":\"uuid\",\"ttlMillis\":5,\"features\":[{\"name\":\"a\"}]}");
        e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(badKind));
        assertTrue(e.getMessage().contains("keyKind"), e.getMessage());

        Path missing = Fixtures.write(dir.resolve("missing.json"), "{\"name\":\"v\",\"features\":[{\"name\":\"a\"}]}");
        e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(missing));
        assertTrue(e.getMessage().contains("keyKind, ttlMillis"), e.getMessage());

        Path malformed = Fixtures.write(dir.resolve("malformed.json"), "{\"name\":\"v\",");
        e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(malformed));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());

        Path badDefault = Fixtures.write(dir.resolve("default.json"),
                "{\"name\":\"v\",\"keyKind\":\"long\",\"ttlMillis\":5,\"features\":[{\"name\":\"a\",\"default\":true}]}");
        e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(badDefault));
        assertTrue(e.getMessage().contains("features[0].default"), e.getMessage());

        Path absent = dir.resolve("absent.json");
        e = assertThrows(FeatureFileException.class, () -> FeatureView.fromJson(absent));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains(absent.toString()),
                e.getMessage());
    }
}
