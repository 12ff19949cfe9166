package dev.hotpath.cli;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import java.util.List;

/** Forwards everything to a real model; tests override single methods to observe the CLI's calls. */
class DelegatingModel implements Model {
    private final Model delegate;

    DelegatingModel(Model delegate) {
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
