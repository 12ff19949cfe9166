package dev.hotpath.formats.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Broken, truncated, inconsistent and hostile LightGBM files are refused at load with a {@link ModelFormatException}
 * that names the tree and key (or header key, or line) and what was expected; nothing else escapes, nothing hangs,
 * sizes are limited before allocation. The model is the micro-example fixture (one numerical and one categorical
 * split) plus a single-leaf tree.
 */
class LightgbmBadInputTest {
    /** The micro-example fixture plus a single-leaf second tree. */
    static final String MODEL = withSecondTree(LightgbmReaderTest.microExample());

    private static String withSecondTree(String micro) {
        String leaf = String.join("\n", "Tree=1", "num_leaves=1", "num_cat=0", "split_feature=", "split_gain=",
                "threshold=", "decision_type=", "left_child=", "right_child=", "leaf_value=-0.0625", "leaf_weight=",
                "leaf_count=", "internal_value=", "internal_weight=", "internal_count=", "is_linear=0",
                "shrinkage=0.1", "", "", "");
        return micro.replace("tree_sizes=357", "tree_sizes=357 " + leaf.length())
                .replace("end of trees", leaf + "end of trees");
    }

    private static Model read(String text) {
        return read(text, LightgbmOptions.defaults());
    }

    private static Model read(String text, LightgbmOptions options) {
        return LightgbmReader.read(text.getBytes(StandardCharsets.UTF_8), "m.txt", options);
    }

    private static ModelFormatException rejected(String text) {
        return assertThrows(ModelFormatException.class, () -> read(text));
    }

    private static String edit(String from, String to) {
        assertTrue(MODEL.contains(from), from);
        return MODEL.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    @Test
    void shouldReadTheUnmodifiedModel() {
        Model m = read(MODEL);
        // Raw scores: the micro-example's leaves plus the constant tree; LightGBM 4.3 gave these leaves.
        assertEquals((float) (0.25 - 0.0625), m.scoreMargin(new float[] {Float.NaN, 0, 4}));
        assertEquals((float) (-0.125 - 0.0625), m.scoreMargin(new float[] {2, 0, 4}));
        assertEquals((float) (0.5 - 0.0625), m.scoreMargin(new float[] {2, 0, 36}));
    }

    @Test
    void shouldRejectTruncationAtEveryOffset() {
        byte[] full = MODEL.getBytes(StandardCharsets.UTF_8);
        int complete = MODEL.indexOf("end of trees") + "end of trees".length();
        int refused = 0;
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            if (len >= complete) {
                LightgbmReader.read(cut, "cut", LightgbmOptions.defaults()); // the trees are complete
                continue;
            }
            int at = len;
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> LightgbmReader.read(cut, "cut", LightgbmOptions.defaults()), "cut at " + at);
            assertTrue(e.getMessage().startsWith("cut"), e.getMessage());
            refused++;
        }
        assertEquals(complete, refused);
        assertTrue(rejected(MODEL.substring(0, MODEL.indexOf("end of trees"))).expectation().contains("truncated"));
    }

    @Test
    void shouldNameTreeAndKeyWhenArrayLengthsDisagreeWithNumLeaves() {
        ModelFormatException e = rejected(edit("threshold=1.5000000000000002 0", "threshold=1.5000000000000002"));
        assertTrue(e.location().startsWith("tree[0].threshold (line 17)"), e.location());
        assertTrue(e.expectation().contains("expected 2 values (num_leaves - 1), found 1"), e.expectation());
        assertTrue(rejected(edit("leaf_value=0.25 -0.125 0.5", "leaf_value=0.25 -0.125")).location()
                .startsWith("tree[0].leaf_value"));
        assertTrue(rejected(edit("left_child=-1 -2", "left_child=-1 -2 -3")).location()
                .startsWith("tree[0].left_child"));
        assertTrue(rejected(edit("leaf_count=40 30 30", "leaf_count=40 30")).location()
                .startsWith("tree[0].leaf_count"));
        assertTrue(rejected(edit("cat_threshold=20", "cat_threshold=20 7")).location()
                .startsWith("tree[0].cat_threshold"));
        assertTrue(rejected(edit("cat_boundaries=0 1", "cat_boundaries=0")).location()
                .startsWith("tree[0].cat_boundaries"));
    }

    @Test
    void shouldRejectChildrenAndFeaturesOutOfRange() {
        ModelFormatException child = rejected(edit("left_child=-1 -2", "left_child=-1 -7"));
        assertEquals("tree[0].left_child[1]", child.location());
        assertTrue(child.expectation().contains("found -7"), child.expectation());
        assertEquals("tree[0].right_child[0]", rejected(edit("right_child=1 -3", "right_child=2 -3")).location());
        ModelFormatException feature = rejected(edit("split_feature=0 2", "split_feature=0 3"));
        assertTrue(feature.location().startsWith("tree[0].split_feature[1]"), feature.location());
        assertTrue(feature.expectation().contains("[0, 3)"), feature.expectation());
        ModelFormatException cycle = rejected(edit("right_child=1 -3", "right_child=1 0"));
        assertTrue(cycle.expectation().contains("do not form a tree"), cycle.expectation());
    }

    @Test
    void shouldRejectUnknownObjectivesAndBadObjectiveParameters() {
        ModelFormatException unknown = rejected(edit("objective=binary sigmoid:1", "objective=logloss"));
        assertEquals("objective", unknown.location());
        assertTrue(unknown.expectation().contains("unknown objective 'logloss'"), unknown.expectation());
        assertTrue(rejected(edit("objective=binary sigmoid:1", "objective=binary")).expectation()
                .contains("sigmoid"));
        assertTrue(rejected(edit("objective=binary sigmoid:1", "objective=binary sigmoid:-2")).expectation()
                .contains("greater than zero"));
        ModelFormatException classes = rejected(edit("objective=binary sigmoid:1", "objective=multiclass num_class:3"));
        assertEquals("objective", classes.location());
        assertTrue(classes.expectation().contains("num_tree_per_iteration (1)"), classes.expectation());
        // Aliases resolve as LightGBM resolves them; 'none' is the custom objective (raw scores).
        assertEquals(0.1875f, read(edit("objective=binary sigmoid:1", "objective=none"))
                .score(new float[] {0, 0, 0}));
        assertEquals(0.1875f, read(edit("objective=binary sigmoid:1", "objective=mse"))
                .score(new float[] {0, 0, 0}));
    }

    @Test
    void shouldRejectMissingAndInconsistentHeaderKeys() {
        assertEquals("num_class", rejected(edit("num_class=1\n", "")).location());
        assertEquals("feature_names", rejected(edit("feature_names=amount channel merchant_cat\n", ""))
                .location());
        assertEquals("feature_infos", rejected(edit("feature_infos=[0:5000] none -1:2:4:1:0:3\n", ""))
                .location());
        assertTrue(rejected(edit("feature_names=amount channel merchant_cat", "feature_names=amount channel"))
                .location().startsWith("feature_names"));
        assertTrue(rejected(edit("max_feature_idx=2", "max_feature_idx=2\nmax_feature_idx=2")).expectation()
                .contains("appears twice"));
        assertTrue(rejected(edit("num_cat=1", "num_cat=1\nnum_cat=1")).expectation().contains("appears twice"));
        assertTrue(rejected(edit("tree_sizes=357 ", "tree_sizes=")).location().startsWith("tree_sizes"));
        assertTrue(rejected(edit("Tree=1", "Tree=2")).expectation().contains("expected 'Tree=1'"));
        ModelFormatException k = rejected(edit("num_tree_per_iteration=1", "num_tree_per_iteration=3")
                .replace("objective=binary sigmoid:1", "objective=multiclass num_class:3"));
        assertTrue(k.expectation().contains("not a whole number of iterations"), k.expectation());
        assertTrue(rejected("tree\nversion=v4\n").location().startsWith("num_class"));
        assertEquals("line 1", rejected("trees\nversion=v4\n").location());
    }

    /** Tree 0 of {@link #MODEL} made linear: leaf 0 uses amount, leaf 1 nothing, leaf 2 amount and channel. */
    private static final String LINEAR = "is_linear=1\nleaf_const=0.2 -0.1 0.4\nnum_features=1 0 2\n"
            + "leaf_features=0  0 1 \nleaf_coeff=0.5  0.25 -1 ";

    private static String linear(String from, String to) {
        String text = edit("is_linear=0", LINEAR);
        assertTrue(text.contains(from), from);
        return text.replace(from, to);
    }

    @Test
    void shouldNameTreeAndKeyWhenLinearLeavesAreInconsistent() {
        // The unmodified linear tree loads: leaf 0 is 0.2 + 0.5 * amount, and its leaf_value 0.25 when amount is NaN.
        Model ok = read(linear("", ""));
        assertEquals((float) (0.2 + 0.5 * 1.0 - 0.0625), ok.scoreMargin(new float[] {1, 0, 0}));
        assertEquals((float) (0.25 - 0.0625), ok.scoreMargin(new float[] {Float.NaN, 0, 0}));

        ModelFormatException coeff = rejected(linear("leaf_coeff=0.5  0.25 -1", "leaf_coeff=0.5  0.25"));
        assertTrue(coeff.location().startsWith("tree[0].leaf_coeff"), coeff.location());
        assertTrue(coeff.expectation().contains("the sum of num_features"), coeff.expectation());
        ModelFormatException consts = rejected(linear("leaf_const=0.2 -0.1 0.4", "leaf_const=0.2 -0.1"));
        assertTrue(consts.location().startsWith("tree[0].leaf_const"), consts.location());
        ModelFormatException feature = rejected(linear("leaf_features=0  0 1", "leaf_features=0  0 3"));
        assertTrue(feature.location().startsWith("tree[0].leaf_features"), feature.location());
        assertTrue(feature.expectation().contains("[0, 3)"), feature.expectation());
        ModelFormatException count = rejected(linear("num_features=1 0 2", "num_features=1 -1 2"));
        assertTrue(count.location().startsWith("tree[0].num_features"), count.location());
        ModelFormatException missing = rejected(linear("leaf_features=0  0 1 \n", ""));
        assertTrue(missing.location().startsWith("tree[0].leaf_features"), missing.location());
        assertTrue(missing.expectation().contains("no leaf_features= line"), missing.expectation());
    }

    @Test
    void shouldRejectMalformedNumbers() {
        ModelFormatException dt = rejected(edit("decision_type=10 9", "decision_type=10 300"));
        assertTrue(dt.location().startsWith("tree[0].decision_type[1]"), dt.location());
        assertTrue(dt.expectation().contains("[-128, 127]"), dt.expectation());
        assertTrue(rejected(edit("decision_type=10 9", "decision_type=10 12")).location()
                .startsWith("tree[0].decision_type[1]"));
        assertTrue(rejected(edit("leaf_value=0.25 -0.125 0.5", "leaf_value=0.25 -0.125 0x1p3")).expectation()
                .contains("expected a number, found '0x1p3'"));
        assertTrue(rejected(edit("left_child=-1 -2", "left_child=-1 -2.0")).expectation()
                .contains("expected an integer"));
        assertTrue(rejected(edit("cat_threshold=20", "cat_threshold=4294967296")).expectation()
                .contains("[0, 4294967295]"));
        assertTrue(rejected(edit("threshold=1.5000000000000002 0", "threshold=nan 0")).location()
                .startsWith("tree[0].threshold[0]"));
        assertTrue(rejected(edit("num_cat=1", "num_cat=7")).location().startsWith("tree[0].num_cat"));
    }

    @Test
    void shouldReadInfNanAndFullBitsetWords() {
        Model inf = read(edit("threshold=1.5000000000000002 0", "threshold=inf 0"));
        assertEquals(0.1875f, inf.scoreMargin(new float[] {Float.POSITIVE_INFINITY, 0, 4}));
        Model negInf = read(edit("threshold=1.5000000000000002 0", "threshold=-INF 0"));
        assertEquals(0.4375f, negInf.scoreMargin(new float[] {-5e30f, 0, 36}));
        Model nanLeaf = read(edit("leaf_value=0.25 -0.125 0.5", "leaf_value=nan -0.125 0.5"));
        assertTrue(Float.isNaN(nanLeaf.scoreMargin(new float[] {0, 0, 0})));
        Model allWords = read(edit("cat_threshold=20", "cat_threshold=4294967295"));
        assertEquals(-0.1875f, allWords.scoreMargin(new float[] {2, 0, 31}));
    }

    @Test
    void shouldEnforceModelLimitsBeforeAllocating() {
        ModelLimits defaults = ModelLimits.defaults();
        ModelFormatException leaves = rejected(edit("num_leaves=3", "num_leaves=2000000000"));
        assertTrue(leaves.expectation().contains("ModelLimits.maxNodesPerTree"), leaves.expectation());
        assertTrue(assertThrows(ModelFormatException.class, () -> read(MODEL, LightgbmOptions.defaults()
                .withLimits(defaults.withMaxTrees(1)))).expectation().contains("ModelLimits.maxTrees"));
        assertTrue(assertThrows(ModelFormatException.class, () -> read(MODEL, LightgbmOptions.defaults()
                .withLimits(defaults.withMaxFeatures(2)))).location().startsWith("max_feature_idx"));
        assertTrue(assertThrows(ModelFormatException.class, () -> read(MODEL, LightgbmOptions.defaults()
                .withLimits(defaults.withMaxFileBytes(100)))).expectation().contains("maxFileBytes"));
        assertTrue(assertThrows(ModelFormatException.class, () -> read(MODEL, LightgbmOptions.defaults()
                .withLimits(defaults.withMaxStringBytes(30)))).expectation().contains("maxStringBytes"));
        assertTrue(assertThrows(ModelFormatException.class, () -> read(edit("num_class=1", "num_class=20000")))
                .location().startsWith("num_class"));
    }

    @Test
    void shouldRejectIterationsOutsideTheModel() {
        assertThrows(ConfigurationException.class, () -> read(MODEL, LightgbmOptions.defaults()
                .withIterations(1, 2)));
        assertThrows(ConfigurationException.class, () -> read(MODEL, LightgbmOptions.defaults()
                .withIterations(3, 0)));
        assertThrows(ConfigurationException.class, () -> LightgbmOptions.defaults().withIterations(-1, 0));
        assertEquals(-0.0625f, read(MODEL, LightgbmOptions.defaults().withIterations(1, 1))
                .scoreMargin(new float[] {0, 0, 0}));
    }

    @Test
    void shouldThrowOnlyModelFormatExceptionsForRandomCorruption() {
        byte[] original = MODEL.getBytes(StandardCharsets.UTF_8);
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] alphabet = "0123456789-.= \n\rTreeinfa_".getBytes(StandardCharsets.US_ASCII);
        int loaded = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = original.clone();
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits; e++) {
                b[rnd.nextInt(b.length)] = rnd.nextBoolean() ? alphabet[rnd.nextInt(alphabet.length)]
                        : (byte) rnd.nextInt(256);
            }
            try {
                Model m = LightgbmReader.read(b, "fuzz", LightgbmOptions.defaults());
                m.score(new float[] {1, 2, 3});
                loaded++;
            } catch (ModelFormatException | ConfigurationException expected) {
                // refused at load: fine
            }
        }
        assertTrue(loaded > 0 && loaded < 3000, "some mutations are harmless, most are not: loaded " + loaded);
    }
}
