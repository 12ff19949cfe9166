package dev.hotpath.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.xgboost.XgbTestSupport.Data;
import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node covers (XGBoost's {@code sum_hessian}, the legacy binary's {@code sum_hess} node statistic) reach the
 * compiled trees: compared with XGBoost4J's own text dump with statistics, and between the legacy binary and JSON
 * files one XGBoost release wrote for the same model.
 */
class XgboostNodeCoverTest {
    private static final Pattern NODE = Pattern.compile(
            "^\\s*(\\d+):(?:\\[[^\\]]*\\] yes=(\\d+),no=(\\d+).*?|leaf=[^,]*).*cover=([-+0-9.eE]+)");

    @Test
    void shouldCarrySumHessianFromJsonAndUbjsonIntoEveryNode(@TempDir Path dir) throws Exception {
        Data d = XgbTestSupport.trainingData(77, Labels.BINARY);
        // exact + gamma leaves deleted nodes in the arrays: covers must follow the pre-order re-layout
        Booster b = XgbTestSupport.train(XgbTestSupport.params("binary:logistic", "tree_method", "exact", "gamma",
                2.0, "max_depth", 5), d, 8, false, false);
        try {
            String[] dump = b.getModelDump((String) null, true, "text");
            for (String ext : new String[] {"json", "ubj"}) {
                Path file = dir.resolve("model." + ext);
                b.saveModel(file.toString());
                TreeEnsemble m = (TreeEnsemble) XgboostReader.read(file, XgboostOptions.defaults());
                List<TreeView> trees = m.trees();
                assertEquals(dump.length, trees.size());
                int nodes = 0;
                for (int t = 0; t < trees.size(); t++) {
                    TreeView v = trees.get(t);
                    assertTrue(v.hasCovers(), ext + " tree " + t);
                    List<Double> preorder = preorderCovers(dump[t]);
                    assertEquals(preorder.size(), v.size(), ext + " tree " + t + " node count");
                    for (int n = 0; n < v.size(); n++) {
                        // the dump prints covers rounded to about 6 significant digits
                        assertEquals(preorder.get(n), v.cover(n), 1e-5 * Math.abs(preorder.get(n)),
                                ext + " tree " + t + " node " + n);
                        nodes++;
                    }
                }
                assertTrue(nodes > 50, "nodes compared: " + nodes);
            }
        } finally {
            b.dispose();
        }
    }

    /** Parses one tree of XGBoost's text dump and returns its covers in pre-order (yes-branch first). */
    private static List<Double> preorderCovers(String tree) {
        Map<Integer, double[]> byId = new HashMap<>();
        for (String line : tree.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher mt = NODE.matcher(line);
            assertTrue(mt.find(), "unparsed dump line: " + line);
            double yes = mt.group(2) == null ? -1 : Integer.parseInt(mt.group(2));
            double no = mt.group(3) == null ? -1 : Integer.parseInt(mt.group(3));
            byId.put(Integer.parseInt(mt.group(1)), new double[] {Double.parseDouble(mt.group(4)), yes, no});
        }
        List<Double> out = new ArrayList<>();
        walk(byId, 0, out);
        return out;
    }

    private static void walk(Map<Integer, double[]> byId, int id, List<Double> out) {
        double[] node = byId.get(id);
        out.add(node[0]);
        if (node[1] >= 0) {
            walk(byId, (int) node[1], out);
            walk(byId, (int) node[2], out);
        }
    }

    @Test
    void shouldReadTheLegacyBinaryNodeStatisticsAsTheSameReleasesJsonCovers() throws Exception {
        int compared = 0;
        for (String version : List.of("1.7.6", "2.1.4")) {
            Path legacy = XgboostLegacyFixtureTest.fixtureDir().resolve(version);
            for (String model : List.of("binary_logistic", "multi_softprob", "dart", "count_poisson", "rf_multi",
                    "exact_pruned", "absoluteerror")) {
                TreeEnsemble bin = (TreeEnsemble) XgboostReader.read(legacy.resolve(model + ".bin"),
                        XgboostOptions.defaults());
                TreeEnsemble json = (TreeEnsemble) XgboostReader.read(legacy.resolve(model + ".json"),
                        XgboostOptions.defaults());
                assertEquals(json.trees().size(), bin.trees().size());
                for (int t = 0; t < bin.trees().size(); t++) {
                    TreeView a = bin.trees().get(t);
                    TreeView j = json.trees().get(t);
                    assertTrue(a.hasCovers() && j.hasCovers());
                    assertEquals(j.size(), a.size());
                    for (int n = 0; n < a.size(); n++) {
                        assertEquals(Float.floatToIntBits(j.cover(n)), Float.floatToIntBits(a.cover(n)),
                                version + "/" + model + " tree " + t + " node " + n);
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 500, "covers compared: " + compared);
    }
}
