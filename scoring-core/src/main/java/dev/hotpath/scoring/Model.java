package dev.hotpath.scoring;

import java.util.List;

/**
 * A loaded, compiled model that turns one row of {@code float} features into one or more scores.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Thread-safety:</b> implementations are immutable and safe to share between any number of threads;
 *       every scoring method may be called concurrently.</li>
 *   <li><b>Allocation:</b> after warm-up (the first calls on a thread create per-thread scratch space), every
 *       scoring method allocates nothing, with the documented exception of ONNX models, whose runtime allocates a
 *       small fixed amount per run (see {@code dev.hotpath.formats.onnx}).</li>
 *   <li><b>Inputs:</b> a row is {@link #numFeatures()} floats starting at index 0 (or at {@code r * numFeatures()}
 *       for row {@code r} of a batch). {@code NaN} means <em>missing</em> and follows the model's own rules for
 *       missing values; {@code ±Infinity} are ordinary values. Values beyond {@code numFeatures()} are ignored.</li>
 *   <li><b>Errors:</b> scoring never throws because of feature values. Passing arrays that are too short is a
 *       programming error and throws {@link IllegalArgumentException} (from a cold path); a closed model throws
 *       {@link ModelClosedException}.</li>
 * </ul>
 *
 * <p>Two output spaces exist. {@link #score(float[], float[])} writes the model's final outputs
 * ({@link #numOutputs()} of them: probabilities, class index, regression values). {@link #scoreMargin(float[],
 * float[])} writes the raw, untransformed margins ({@link #numMarginOutputs()} of them). For most models the two
 * counts are equal; for {@code multi:softmax} there is one output (the class index) but K margins.
 */
public interface Model extends AutoCloseable {

    /** @return the number of input features a row holds */
    int numFeatures();

    /** @return the number of values {@link #score(float[], float[])} writes per row */
    int numOutputs();

    /** @return the number of values {@link #scoreMargin(float[], float[])} writes per row */
    int numMarginOutputs();

    /**
     * @return the feature names in input order; {@code f0 … f(n-1)} when the model file carries none. Unmodifiable.
     */
    List<String> featureNames();

    /**
     * @return whether the model file carried its own feature names (otherwise {@link #featureNames()} are the
     *     positional {@code f0 … f(n-1)})
     */
    boolean hasFeatureNames();

    /** @return the feature types in input order (all {@link FeatureType#FLOAT} when unknown). Unmodifiable. */
    List<FeatureType> featureTypes();

    /** @return names for the {@link #numOutputs()} outputs, e.g. {@code [score]} or {@code [prob_0, prob_1]} */
    List<String> outputNames();

    /** @return names for the {@link #numMarginOutputs()} margins, e.g. {@code [margin]} */
    List<String> marginOutputNames();

    /** @return descriptive facts about the model */
    ModelInfo info();

    /**
     * Scores one row of a single-output model.
     *
     * @param features at least {@link #numFeatures()} values; not modified
     * @return the model's output
     * @throws IllegalArgumentException if the model has more than one output or {@code features} is too short
     */
    float score(float[] features);

    /**
     * Scores one row, writing {@link #numOutputs()} values into {@code out[0..]}.
     *
     * @param features at least {@link #numFeatures()} values; not modified
     * @param out receives the outputs; at least {@link #numOutputs()} long
     */
    void score(float[] features, float[] out);

    /**
     * Scores one row of a model with a single margin, returning the raw margin.
     *
     * @param features at least {@link #numFeatures()} values; not modified
     * @return the raw margin
     * @throws IllegalArgumentException if the model has more than one margin or {@code features} is too short
     */
    float scoreMargin(float[] features);

    /**
     * Writes the {@link #numMarginOutputs()} raw margins of one row into {@code out[0..]}.
     *
     * @param features at least {@link #numFeatures()} values; not modified
     * @param out receives the margins
     */
    void scoreMargin(float[] features, float[] out);

    /**
     * Scores {@code nRows} rows laid out row-major in {@code rows} (row {@code r} starts at
     * {@code r * numFeatures()}), writing row {@code r}'s outputs at {@code out[r * numOutputs()]}.
     *
     * @param rows at least {@code nRows * numFeatures()} values; not modified
     * @param nRows the number of rows, {@code >= 0}
     * @param out at least {@code nRows * numOutputs()} long
     */
    void score(float[] rows, int nRows, float[] out);

    /**
     * Batch form of {@link #scoreMargin(float[], float[])}; row {@code r}'s margins go to
     * {@code out[r * numMarginOutputs()]}.
     *
     * @param rows at least {@code nRows * numFeatures()} values; not modified
     * @param nRows the number of rows, {@code >= 0}
     * @param out at least {@code nRows * numMarginOutputs()} long
     */
    void scoreMargin(float[] rows, int nRows, float[] out);

    /**
     * Releases native resources. Pure-Java models hold none and ignore this. Closing is idempotent; scoring calls
     * already in flight on other threads complete normally, later ones throw {@link ModelClosedException}.
     */
    @Override
    default void close() {
    }
}
