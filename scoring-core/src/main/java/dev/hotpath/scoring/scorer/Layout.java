package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every input lives in a request's workspace ({@code [view 0 features][view 1 features]…[request fields]
 * [constants]}) and how a model's features are bound to it. Built once; immutable.
 */
final class Layout {
    final FeatureSource[] views;
    final int[] viewOffset;
    final Map<String, Integer> requestIndex = new LinkedHashMap<>();
    final Map<String, Integer> constantIndex = new LinkedHashMap<>();
    final Map<String, String> explicit;
    final float[] workspaceTemplate;
    final int requestStart;
    final int requestEnd;

    Layout(List<FeatureSource> views, List<String> requestFields, Map<String, Float> constants,
           Map<String, String> explicit) {
        this.views = views.toArray(new FeatureSource[0]);
        this.viewOffset = new int[this.views.length];
        this.explicit = Map.copyOf(explicit);
        int pos = 0;
        for (int v = 0; v < this.views.length; v++) {
            viewOffset[v] = pos;
            pos += this.views[v].featureNames().size();
        }
        requestStart = pos;
        for (String f : requestFields) {
            requestIndex.put(f, pos++);
        }
        requestEnd = pos;
        for (String c : constants.keySet()) {
            constantIndex.put(c, pos++);
        }
        workspaceTemplate = new float[pos];
        java.util.Arrays.fill(workspaceTemplate, 0, requestEnd, Float.NaN);
        for (Map.Entry<String, Float> c : constants.entrySet()) {
            workspaceTemplate[constantIndex.get(c.getKey())] = c.getValue();
        }
    }

    /**
     * Binds every feature of {@code model} to a workspace slot. Rules, in order: an explicit binding
     * ({@code view.feature} or {@code request.field}); a constant for that feature name; a request field of the same
     * name; a view feature written {@code view.feature} equal to the model's name; a view feature of the same name
     * in exactly one view.
     *
     * @throws ConfigurationException listing every unbound or ambiguous feature and how to fix it
     */
    int[] bind(Model model, String modelId) {
        List<String> names = model.featureNames();
        List<FeatureType> types = model.featureTypes();
        int[] binding = new int[names.size()];
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> byPlainName = new HashMap<>();
        for (FeatureSource v : views) {
            for (String f : v.featureNames()) {
                byPlainName.computeIfAbsent(f, k -> new ArrayList<>()).add(v.name() + "." + f);
            }
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String ref = explicit.get(name);
            int slot;
            if (ref != null) {
                slot = resolveRef(ref);
                if (slot < 0) {
                    problems.add("'" + name + "' is bound to '" + ref + "', which is neither a view feature"
                            + " (view.feature) nor a request field (request.name); known views: " + viewNames());
                    continue;
                }
            } else if (constantIndex.containsKey(name)) {
                slot = constantIndex.get(name);
            } else if (requestIndex.containsKey(name)) {
                slot = requestIndex.get(name);
            } else if ((slot = resolveRef(name)) >= 0 && name.indexOf('.') > 0) {
                // model feature already spelled view.feature
            } else {
                List<String> candidates = byPlainName.get(name);
                if (candidates == null) {
                    problems.add("'" + name + "' is not bound: add .bind(\"" + name + "\", \"<view>.<feature>\"),"
                            + " a request field named '" + name + "', or .constant(\"" + name + "\", value)");
                    continue;
                }
                if (candidates.size() > 1) {
                    problems.add("'" + name + "' is ambiguous, it exists in " + candidates + ": add .bind(\"" + name
                            + "\", \"" + candidates.get(0) + "\")");
                    continue;
                }
                slot = resolveRef(candidates.get(0));
            }
            String typeProblem = typeProblem(name, types.get(i), slot);
            if (typeProblem != null) {
                problems.add(typeProblem);
                continue;
            }
            binding[i] = slot;
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("model '" + modelId + "' cannot be bound to the scorer's inputs ("
                    + problems.size() + " problem(s)):\n  - " + String.join("\n  - ", problems));
        }
        return binding;
    }

    /** @return the workspace index of {@code view.feature} or {@code request.name}, or -1 */
    int resolveRef(String ref) {
        int dot = ref.indexOf('.');
        if (dot <= 0) {
            return -1;
        }
        String head = ref.substring(0, dot);
        String tail = ref.substring(dot + 1);
        if (head.equals("request")) {
            Integer r = requestIndex.get(tail);
            return r == null ? -1 : r;
        }
        for (int v = 0; v < views.length; v++) {
            if (views[v].name().equals(head)) {
                int f = views[v].featureNames().indexOf(tail);
                return f < 0 ? -1 : viewOffset[v] + f;
            }
        }
        return -1;
    }

    private String typeProblem(String name, FeatureType modelType, int slot) {
        if (modelType != FeatureType.CATEGORICAL) {
            return null;
        }
        for (Map.Entry<String, Integer> c : constantIndex.entrySet()) {
            if (c.getValue() == slot) {
                float v = workspaceTemplate[slot];
                if (!Float.isNaN(v) && (v < 0 || v != Math.rint(v))) {
                    return "'" + name + "' is categorical but bound to constant " + v
                            + ": use a non-negative integer code or NaN";
                }
                return null;
            }
        }
        for (int v = 0; v < views.length; v++) {
            int start = viewOffset[v];
            int size = views[v].featureNames().size();
            List<FeatureType> types = views[v].featureTypes();
            if (slot >= start && slot < start + size && types != null) {
                FeatureType t = types.get(slot - start);
                if (t != FeatureType.CATEGORICAL && t != FeatureType.INTEGER) {
                    return "type mismatch: model feature '" + name + "' is categorical but "
                            + views[v].name() + "." + views[v].featureNames().get(slot - start) + " is " + t
                            + ": bind it to a categorical (integer code) feature";
                }
            }
        }
        return null;
    }

    List<String> viewNames() {
        List<String> n = new ArrayList<>();
        for (FeatureSource v : views) {
            n.add(v.name());
        }
        return n;
    }
}
