package dev.hotpath.micrometer;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.scorer.FeatureSource;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.testing.DelegatingModel;
import java.util.List;

/** Small real models and an in-memory view for the binder tests. */
final class TestScorers {
    private TestScorers() {
    }

    /** A real tree ensemble over {@code features} whose output is {@code value} for every row. */
    static TreeEnsemble constant(List<String> features, float value) {
        return TreeEnsemble.builder(features.size(), 1).featureNames(features).baseMargins(new float[] {value})
                .build();
    }

    /** A model that cannot score a row whose first feature is negative: the scorer answers with its fallback. */
    static Model failingWhenNegative(Model delegate) {
        return new DelegatingModel(delegate) {
            @Override
            public float score(float[] features) {
                if (features[0] < 0) {
                    throw new IllegalStateException("cannot score a negative amount");
                }
                return delegate.score(features);
            }
        };
    }

    /** View "card" with feature "x": entity "c1" is present, every other id is not found. */
    static final class CardView implements FeatureSource {
        @Override
        public String name() {
            return "card";
        }

        @Override
        public List<String> featureNames() {
            return List.of("x");
        }

        @Override
        public FeatureStatus read(CharSequence entityId, float[] dst, int offset) {
            if ("c1".contentEquals(entityId)) {
                dst[offset] = 1f;
                return FeatureStatus.PRESENT;
            }
            fillDefaults(dst, offset);
            return FeatureStatus.NOT_FOUND;
        }

        @Override
        public void fillDefaults(float[] dst, int offset) {
            dst[offset] = Float.NaN;
        }
    }
}
