package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.OutputTransform;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import dev.hotpath.scoring.model.TreeNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test fixtures: an allocation-free in-memory feature view and small real models. */
final class TestViews {
    private TestViews() {
    }

    /** A fixed set of entities, matched by content without allocating. */
    static final class ArrayView implements FeatureSource {
        private final String name;
        private final List<String> features;
        private final List<FeatureType> types;
        private final String[] ids;
        private final float[][] values;
        private final float[] defaults;
        private final FeatureStatus statusForKnown;

        ArrayView(String name, List<String> features, String[] ids, float[][] values, float[] defaults) {
            this(name, features, null, ids, values, defaults, FeatureStatus.PRESENT);
        }

        ArrayView(String name, List<String> features, List<FeatureType> types, String[] ids, float[][] values,
                  float[] defaults, FeatureStatus statusForKnown) {
            this.name = name;
            this.features = features;
            this.types = types;
            this.ids = ids;
            this.values = values;
            this.defaults = defaults;
            this.statusForKnown = statusForKnown;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> featureNames() {
            return features;
        }

        @Override
        public List<FeatureType> featureTypes() {
            return types;
        }

        @Override
        public FeatureStatus read(CharSequence entityId, float[] dst, int offset) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i].contentEquals(entityId)) {
                    if (statusForKnown == FeatureStatus.PRESENT) {
                        System.arraycopy(values[i], 0, dst, offset, defaults.length);
                    } else {
                        fillDefaults(dst, offset);
                    }
                    return statusForKnown;
                }
            }
            fillDefaults(dst, offset);
            return FeatureStatus.NOT_FOUND;
        }

        @Override
        public void fillDefaults(float[] dst, int offset) {
            System.arraycopy(defaults, 0, dst, offset, defaults.length);
        }
    }

    /**
     * A real linear-ish tree model: margin = sum over features f of (x_f < 0.5 ? 0 : weight_f), one stump each,
     * so the expected output is easy to compute by hand.
     */
    static TreeEnsemble stumps(List<String> names, float[] weights, float base) {
        TreeEnsembleBuilder b = TreeEnsemble.builder(names.size(), 1).featureNames(names)
                .baseMargins(new float[] {base}).transform(OutputTransform.IDENTITY);
        for (int f = 0; f < names.size(); f++) {
            b.addTree(new TreeNodes(new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {f, 0, 0},
                    new float[] {0.5f, 0f, weights[f]}, new boolean[] {true, false, false}, null,
                    new float[] {0.5f, 0f, weights[f]}, 1), 0, 1f);
        }
        return b.build();
    }

    /** A model over {@code names} whose every output is {@code value} (one single-leaf tree). */
    static TreeEnsemble constant(List<String> names, float value) {
        return TreeEnsemble.builder(names.size(), 1).featureNames(names).baseMargins(new float[] {value}).build();
    }

    /**
     * Shadow evaluation in memory: records offers, gives primary {@code version} the shadow id {@code 100 + version}
     * and supports promotion (cold parts allocate; offer does not).
     */
    static final class RecordingSink implements ShadowSink, ShadowControl {
        final Map<String, Model> shadows = new ConcurrentHashMap<>();
        final List<String> replacements = new ArrayList<>();
        final List<String> resolved = new CopyOnWriteArrayList<>();
        volatile long offers;
        volatile float lastScore;
        volatile int lastPrimaryId;
        volatile int lastLatencyNanos;

        @Override
        public ShadowSink sink() {
            return this;
        }

        @Override
        public int resolvePrimary(String modelId, Model model, long version) {
            resolved.add(modelId + "@" + version);
            return 100 + (int) version;
        }

        @Override
        public int offer(long requestId, float[] features, int nFeatures, float primaryScore, int primaryModelId,
                         int primaryLatencyNanos) {
            offers++;
            lastScore = primaryScore;
            lastPrimaryId = primaryModelId;
            lastLatencyNanos = primaryLatencyNanos;
            return (requestId & 1) == 0 ? ACCEPTED : 1;
        }

        @Override
        public Map<String, Model> shadowModels() {
            return shadows;
        }

        @Override
        public synchronized void replaceShadow(String id, String newId, Model model) {
            shadows.remove(id);
            shadows.put(newId, model);
            replacements.add(id + "->" + newId);
        }
    }
}
