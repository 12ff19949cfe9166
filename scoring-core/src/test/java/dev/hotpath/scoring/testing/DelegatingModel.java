package dev.hotpath.scoring.testing;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import java.util.List;

/**
 * Forwards every call to a real model; tests (in every module, through scoring-core's test-jar) override single
 * methods to add latency or failures, or to observe calls and closing.
 */
public class DelegatingModel implements Model {
    /** The real model every call goes to. */
    protected final Model delegate;

    /**
     * @param delegate the real model
     */
    public DelegatingModel(Model delegate) {
        this.delegate = delegate;
    }

    @Override
    public int numFeatures() {
        return delegate.numFeatures();
    }

    @Override
    public int numOutputs() {
        return delegate.numOutputs();
    }

    @Override
    public int numMarginOutputs() {
        return delegate.numMarginOutputs();
    }

    @Override
    public List<String> featureNames() {
        return delegate.featureNames();
    }

    @Override
    public boolean hasFeatureNames() {
        return delegate.hasFeatureNames();
    }

    @Override
    public List<FeatureType> featureTypes() {
        return delegate.featureTypes();
    }

    @Override
    public List<String> outputNames() {
        return delegate.outputNames();
    }

    @Override
    public List<String> marginOutputNames() {
        return delegate.marginOutputNames();
    }

    @Override
    public ModelInfo info() {
        return delegate.info();
    }

    @Override
    public float score(float[] features) {
        return delegate.score(features);
    }

    @Override
    public void score(float[] features, float[] out) {
        delegate.score(features, out);
    }

    @Override
    public float scoreMargin(float[] features) {
        return delegate.scoreMargin(features);
    }

    @Override
    public void scoreMargin(float[] features, float[] out) {
        delegate.scoreMargin(features, out);
    }

    @Override
    public void score(float[] rows, int nRows, float[] out) {
        delegate.score(rows, nRows, out);
    }

    @Override
    public void scoreMargin(float[] rows, int nRows, float[] out) {
        delegate.scoreMargin(rows, nRows, out);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
