package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The four CLI commands, end to end on real files. */
class FeatureCacheAdminTest {
    @TempDir
    Path dir;

    /** Flattens a JSON document to "a.b.c" -> scalar text, checking it is well-formed. */
    static Map<String, String> flatten(String json) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            flatten(p, p.nextToken(), "", out);
            assertEquals(null, p.nextToken(), "trailing content");
        }
        return out;
    }

    private static void flatten(JsonParser p, JsonToken t, String prefix, Map<String, String> out)
            throws IOException {
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                flatten(p, p.nextToken(), prefix.isEmpty() ? name : prefix + "." + name, out);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                flatten(p, e, prefix + "[" + i++ + "]", out);
            }
        } else {
            out.put(prefix, p.getText());
        }
    }

    @Test
    void shouldCreateLoadGetAndDescribeAView() throws IOException {
        Path def = FeatureViewTest.fixture("card-view.json");
        Map<String, String> created = flatten(FeatureCacheAdmin.create(def, dir, 1000));
        assertEquals("card", created.get("view"));
        assertEquals("a5b3973b", created.get("schemaFingerprint"));
        assertEquals("1", created.get("generation"));
        assertEquals("card.a5b3973b.000001.cm3", created.get("file"));
        assertEquals("3", created.get("features"));
        assertTrue(Long.parseLong(created.get("entriesCapacity")) >= 1000);

        Path csv = Fixtures.write(dir.resolve("cards.csv"),
                "card_fp,country_risk,txn_count_1h,amount_avg_30d\nfp-1,0.25,4,120.5\nfp-2,0.75,1,\nfp-1,0.5,5,99\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> loaded = flatten(FeatureCacheAdmin.load("card", dir, csv,
                FeatureCacheAdmin.progressTo(new PrintStream(err, true, StandardCharsets.UTF_8))));
        assertEquals("2", loaded.get("generation"));
        assertEquals("3", loaded.get("rows"));
        assertEquals("2", loaded.get("entities"));
        assertEquals("1", loaded.get("duplicates"));
        assertEquals("loaded 3 / 3 rows (100%)\n", err.toString(StandardCharsets.UTF_8).replace("\r", ""));

        Map<String, String> got = flatten(FeatureCacheAdmin.get("card", dir, "fp-1"));
        assertEquals("PRESENT", got.get("status"));
        assertEquals("2", got.get("generation"));
        assertEquals("5.0", got.get("features.txn_count_1h"));
        assertEquals("99.0", got.get("features.amount_avg_30d"));
        assertEquals("0.5", got.get("features.country_risk"));
        assertTrue(got.containsKey("eventTimeMillis"));

        Map<String, String> missing = flatten(FeatureCacheAdmin.get("card", dir, "fp-404"));
        assertEquals("NOT_FOUND", missing.get("status"));
        assertEquals("0.0", missing.get("features.txn_count_1h"), "defaults are reported");
        assertEquals("NaN", missing.get("features.amount_avg_30d"));
        assertEquals(null, missing.get("eventTimeMillis"));

        FeatureCacheAdmin.create(Fixtures.write(dir.resolve("m.json"), "{\"name\":\"merchant\",\"keyKind\":\"long\","
                + "\"ttlMillis\":1000,\"features\":[{\"name\":\"cb\",\"default\":-1}]}"), dir, 10);
        Map<String, String> stats = flatten(FeatureCacheAdmin.stats(dir));
        assertEquals(dir.toString(), stats.get("dir"));
        assertEquals("card", stats.get("views[0].view"));
        assertEquals("2", stats.get("views[0].generation"));
        assertEquals("2", stats.get("views[0].entries"));
        assertTrue(Long.parseLong(stats.get("views[0].fileSizeBytes")) > 0);
        assertTrue(Long.parseLong(stats.get("views[0].newestWriteAgeMillis")) >= 0);
        assertEquals("merchant", stats.get("views[1].view"));
        assertEquals("long", stats.get("views[1].keyKind"));
        assertEquals("0", stats.get("views[1].entries"));
        assertEquals("0", stats.get("views[1].readErrors"));
    }

    @Test
    void shouldRefuseToCreateAViewTwiceAndFailStatsNamingEveryBrokenView() throws IOException {
        Path def = FeatureViewTest.fixture("card-view.json");
        FeatureCacheAdmin.create(def, dir, 10);
        FeatureCacheException e = assertThrows(FeatureCacheException.class,
                () -> FeatureCacheAdmin.create(def, dir, 10));
        assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("hotpath cache load"),
                e.getMessage());

        Fixtures.write(Manifest.path(dir, "broken"), "{oops");
        // A monitoring script must see the failure in the exit code, not in a field it may not check.
        FeatureCacheException broken = assertThrows(FeatureCacheException.class, () -> FeatureCacheAdmin.stats(dir));
        assertTrue(broken.getMessage().startsWith("cannot read 1 of 2 view(s) in " + dir + ": view broken: "),
                broken.getMessage());
        assertTrue(broken.getMessage().contains("corrupt manifest"), broken.getMessage());

        assertThrows(FeatureFileException.class, () -> FeatureCacheAdmin.get("nope", dir, "x"));
        assertThrows(FeatureFileException.class, () -> FeatureCacheAdmin.stats(dir.resolve("absent")));
        assertThrows(FeatureFileException.class,
                () -> FeatureCacheAdmin.create(dir.resolve("absent.json"), dir, 10));
    }

    @Test
    void shouldAddAnotherModulesSectionForTheViewsItDescribes() throws IOException {
        Fixtures.createView(dir, Fixtures.stringView("card", 2), 10);
        Fixtures.createView(dir, Fixtures.longView("merchant", 2), 10);
        Map<String, String> stats = flatten(FeatureCacheAdmin.stats(dir, "followers",
                (d, view) -> view.equals("card") ? "{\"view\": \"card\", \"state\": \"LIVE\"}" : null));
        assertEquals("card", stats.get("views[0].view"));
        assertEquals("card", stats.get("followers[0].view"));
        assertEquals("LIVE", stats.get("followers[0].state"));
        assertEquals(null, stats.get("followers[1].view"), "merchant has no section entry");
    }
}
