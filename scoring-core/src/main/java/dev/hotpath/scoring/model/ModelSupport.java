package dev.hotpath.scoring.model;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.ModelFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Load-time helpers shared by the model builders. */
final class ModelSupport {
    private ModelSupport() {
    }

    static List<String> featureNames(List<String> names, int numFeatures, String source) {
        if (names == null || names.isEmpty()) {
            return positionalNames("f", numFeatures);
        }
        if (names.size() != numFeatures) {
            throw new ModelFormatException(source, "feature_names",
                    "expected " + numFeatures + " feature names (one per feature), found " + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isEmpty()) {
                throw new ModelFormatException(source, "feature_names[" + i + "]", "feature names must be non-empty");
            }
            if (!seen.add(name)) {
                throw new ModelFormatException(source, "feature_names[" + i + "]",
                        "feature names must be unique, '" + name + "' appears twice");
            }
        }
        return List.copyOf(names);
    }

    static List<FeatureType> featureTypes(List<FeatureType> types, int numFeatures, String source) {
        if (types == null || types.isEmpty()) {
            return Collections.nCopies(numFeatures, FeatureType.FLOAT);
        }
        if (types.size() != numFeatures) {
            throw new ModelFormatException(source, "feature_types",
                    "expected " + numFeatures + " feature types (one per feature), found " + types.size());
        }
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i) == null) {
                throw new ModelFormatException(source, "feature_types[" + i + "]", "unknown feature type");
            }
        }
        return List.copyOf(types);
    }

    static List<String> positionalNames(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
        }
        return Collections.unmodifiableList(names);
    }

    static List<String> outputNames(String base, int n) {
        return n == 1 ? List.of(base) : positionalNames(base + "_", n);
    }
}
