package dev.hotpath.formats.lightgbm;

import dev.hotpath.formats.ModelBytes;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.model.DoubleOutputTransform;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads LightGBM text models (the files of {@code save_model} / {@code LGBM_BoosterSaveModel} and the strings of
 * {@code model_to_string}, LightGBM 2.x – 4.x, {@code version=v2} to {@code v4}) into Hotpath {@link Model}s that
 * score as LightGBM does, in pure Java (see {@code dev.hotpath.scoring.model.TreeEnsemble}).
 *
 * <p>Supported: {@code gbdt}, {@code goss}, {@code dart} and {@code rf} ({@code average_output}) models; numerical
 * splits with every missing type (None, Zero, NaN) and default direction; categorical bitset splits; linear trees;
 * single-leaf trees; multi-class models ({@code num_tree_per_iteration}) with softmax or one-vs-all; every built-in
 * objective's output transform ({@link LightgbmObjective#KNOWN}); feature names (for binding by name) and, from
 * {@code feature_infos}, which features are categorical. The {@code pandas_categorical} line the Python package
 * appends is recorded in {@link ModelInfo#properties()} (callers map pandas categories to their codes).
 *
 * <p>Exactness: raw scores ({@code scoreMargin}) are LightGBM's raw scores (double sums in tree order, inputs with
 * {@code |x| <= 1e-35} read as 0 as LightGBM's C API does) rounded to float; outputs ({@code score}) are LightGBM's
 * predictions, computed in double with glibc's {@code exp}, rounded to float. Inputs are float32, as they are when
 * LightGBM is given float32 data.
 *
 * <p>Hostile or broken files fail with a {@link ModelFormatException} naming the file, the tree and key (or line)
 * and what was expected; sizes are checked against {@link dev.hotpath.scoring.ModelLimits} before arrays are
 * allocated.
 *
 * <p><b>Thread-safety:</b> stateless; all methods may be called concurrently. <b>Allocation:</b> reading allocates
 * (load time only); the returned models score without allocating.
 */
public final class LightgbmReader {
    /** The {@link ModelInfo#format()} of LightGBM models. */
    public static final String FORMAT = "lightgbm-text";

    private LightgbmReader() {
    }

    /**
     * Reads a model file.
     *
     * @param file the model file (any extension)
     * @param options limits and iteration selection
     * @return the immutable, thread-safe model
     * @throws ModelFormatException if the file cannot be read, is malformed, truncated, inconsistent, exceeds the
     *     limits or uses an unknown objective
     * @throws ConfigurationException if the requested iterations do not fit the model
     */
    public static Model read(Path file, LightgbmOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        return read(ModelBytes.read(file, options.limits()), file.toString(), options);
    }

    /**
     * Reads a model from memory, e.g. the string of LightGBM's {@code model_to_string} as UTF-8 bytes.
     *
     * @param bytes the complete model text (not modified, not retained)
     * @param sourceName a name for error messages and {@link ModelInfo#source()}
     * @param options limits and iteration selection
     * @return the immutable, thread-safe model
     * @throws ModelFormatException if the bytes are not a valid LightGBM model within the limits
     * @throws ConfigurationException if the requested iterations do not fit the model
     */
    public static Model read(byte[] bytes, String sourceName, LightgbmOptions options) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(options, "options");
        String source = sourceName == null ? "<in-memory>" : sourceName;
        ModelBytes.check(bytes, source, options.limits());
        ParsedLightgbmModel parsed = LightgbmTextParser.parse(bytes, source, options.limits());
        return assemble(parsed, source, ModelBytes.sha256(bytes), options);
    }

    /**
     * A cheap content sniff for format detectors: whether {@code head} starts like a LightGBM text model — a first
     * line {@code tree}, then a {@code key=} header line.
     *
     * <p>Thread-safe; allocates nothing.
     *
     * @param head the first bytes of the file (64 are plenty)
     * @param len how many bytes of {@code head} are valid
     * @return whether the content looks like a LightGBM text model
     */
    public static boolean looksLikeLightgbm(byte[] head, int len) {
        if (head == null) {
            return false;
        }
        int n = Math.min(len, head.length);
        if (n < 6 || head[0] != 't' || head[1] != 'r' || head[2] != 'e' || head[3] != 'e') {
            return false;
        }
        int i = 4;
        if (head[i] == '\r') {
            i++;
        }
        if (i >= n || head[i] != '\n' && head[i - 1] != '\r') {
            return false;
        }
        i += head[i] == '\n' ? 1 : 0;
        // The next line is a header key: lower-case letters and underscores, then '='.
        int start = i;
        while (i < n && (head[i] >= 'a' && head[i] <= 'z' || head[i] == '_')) {
            i++;
        }
        return i > start && (i == n || head[i] == '=');
    }

    private static Model assemble(ParsedLightgbmModel m, String source, String checksum, LightgbmOptions options) {
        int k = m.numTreePerIteration();
        int numTrees = m.trees().size();
        if (numTrees % k != 0) {
            throw new ModelFormatException(source, "tree[" + (numTrees - 1) + "]", "the file has " + numTrees
                    + " trees, not a whole number of iterations of num_tree_per_iteration = " + k + " trees");
        }
        int iterations = numTrees / k;
        int start = options.startIteration();
        int count = options.numIterations() == 0 ? iterations - start : options.numIterations();
        if (start > iterations || count < 0 || (long) start + count > iterations) {
            throw new ConfigurationException(source + ": iterations [" + start + ", " + (start + count)
                    + ") are outside the model's " + iterations + " iterations");
        }
        DoubleOutputTransform transform = LightgbmObjective.transform(m.objective(), k, source);
        if (m.averageOutput() && count > 0) {
            transform = transform.averagedOver(count);
        }

        Map<String, String> props = new LinkedHashMap<>();
        props.put("num_class", Integer.toString(m.numClass()));
        props.put("num_tree_per_iteration", Integer.toString(k));
        props.put("num_iterations", Integer.toString(iterations));
        if (start != 0 || count != iterations) {
            props.put("iteration_range", "[" + start + ", " + (start + count) + ")");
        }
        if (m.averageOutput()) {
            props.put("average_output", "true");
        }
        props.put("output_transform", transform.toString());
        if (m.pandasCategorical() != null) {
            props.put("pandas_categorical", m.pandasCategorical());
        }
        boolean linear = false;
        for (ParsedLightgbmModel.ParsedTree t : m.trees()) {
            linear |= t.tree().linear() != null;
        }
        if (linear) {
            props.put("linear_tree", "true");
        }
        String booster = m.boosting().isEmpty() ? (m.averageOutput() ? "rf" : "gbdt") : m.boosting();
        ModelInfo info = new ModelInfo(FORMAT, m.version(), m.objective() == null ? "" : m.objective(), booster, 0,
                0, checksum, source, props);
        TreeEnsembleBuilder b = TreeEnsemble.builder(m.numFeatures(), k)
                .source(source)
                .limits(options.limits())
                .transform(transform)
                .featureNames(m.featureNames())
                .featureTypes(featureTypes(m.featureInfos()))
                .info(info);
        for (int t = start * k; t < (start + count) * k; t++) {
            b.addLightgbmTree(m.trees().get(t).tree(), t % k);
        }
        return b.build();
    }

    /** Categorical where {@code feature_infos} lists categories; numerical ({@code [min:max]}) and unused as float. */
    static List<FeatureType> featureTypes(List<String> infos) {
        List<FeatureType> types = new ArrayList<>(infos.size());
        for (String info : infos) {
            boolean categorical = !info.startsWith("[") && !info.equals("none");
            types.add(categorical ? FeatureType.CATEGORICAL : FeatureType.FLOAT);
        }
        return types;
    }
}
