package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.model.LinearModel;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ParsedModel} into a scoring {@link Model}: resolves the objective (transform and
 * {@code ProbToMargin}), computes the base margins, selects the trees of the requested iterations, maps feature
 * types, fills {@link ModelInfo} and feeds scoring-core's builders, which compile and validate the trees.
 *
 * <p>Load-time only; stateless; package-private.
 */
final class ModelAssembler {
    private ModelAssembler() {
    }

    static Model assemble(ParsedModel m, String source, String checksum, XgboostOptions options) {
        String objectiveWhere = m.format.equals("xgboost-binary") ? "objective name" : "learner.objective.name";
        ObjectiveSpec objective = ObjectiveSpec.of(m.objective, m, source, objectiveWhere);
        int k = m.numOutputs();
        if (objective.isMultiClass() && m.numClass < 1) {
            throw new ModelFormatException(source, "num_class", m.objective + " needs num_class >= 1, found "
                    + m.numClass);
        }
        String baseWhere = m.format.equals("xgboost-binary") ? "base_score" : "learner.learner_model_param.base_score";
        float[] outputSpace = m.baseScore;
        if (m.baseScoreIsPre10Margin && !objective.isMultiClass()) {
            // Before 1.0 the file held a margin; XGBoost >= 1.0 maps it back with PredTransform (spec §4).
            outputSpace = outputSpace.clone();
            for (int i = 0; i < outputSpace.length; i++) {
                outputSpace[i] = objective.transform.applyScalar(outputSpace[i]);
            }
        }
        float[] baseMargins = objective.probToMargin(outputSpace, source, baseWhere);
        List<FeatureType> types = featureTypes(m, source);

        Map<String, String> props = new LinkedHashMap<>();
        props.put("base_score", m.baseScoreText);
        props.put("num_feature", Integer.toString(m.numFeature));
        props.put("num_class", Integer.toString(m.numClass));
        props.put("num_target", Integer.toString(m.numTarget));
        props.putAll(m.objectiveParams);
        String best = m.attributes.get("best_iteration");
        if (best != null) {
            props.put("best_iteration", best);
        }
        String bestScore = m.attributes.get("best_score");
        if (bestScore != null) {
            props.put("best_score", bestScore);
        }
        if (!m.featureTypes.isEmpty()) {
            props.put("feature_types", String.join(",", m.featureTypes));
        }

        if (m.isLinear()) {
            if (options.hasIterationRange() && options.iterationBegin() != 0) {
                throw new ConfigurationException(source + ": gblinear models do not support an iteration range "
                        + "starting after 0 (XGBoost refuses it too), got begin = " + options.iterationBegin());
            }
            ModelInfo info = new ModelInfo(m.format, m.versionString, m.objective, "gblinear", 0, 0, checksum,
                    source, props);
            return LinearModel.builder(m.numFeature, k)
                    .source(source)
                    .limits(options.limits())
                    .transform(objective.transform)
                    .baseMargin(baseMargins[0])
                    .weights(m.linearWeights)
                    .featureNames(m.featureNames)
                    .featureTypes(types)
                    .info(info)
                    .build();
        }

        int rounds = m.iterationIndptr.length - 1;
        int[] range = iterationRange(m, rounds, options, source);
        int firstTree = m.iterationIndptr[range[0]];
        int endTree = m.iterationIndptr[range[1]];
        props.put("num_parallel_tree", Integer.toString(m.numParallelTree));
        props.put("num_boosted_rounds", Integer.toString(rounds));
        if (range[0] != 0 || range[1] != rounds) {
            props.put("iteration_range", "[" + range[0] + ", " + range[1] + ")");
        }
        boolean dart = m.weightDrop != null;
        if (dart) {
            props.put("weight_drop", "true");
        }
        ModelInfo info = new ModelInfo(m.format, m.versionString, m.objective, dart ? "dart" : m.booster, 0, 0,
                checksum, source, props);
        TreeEnsembleBuilder b = TreeEnsemble.builder(m.numFeature, k)
                .source(source)
                .limits(options.limits())
                .transform(objective.transform)
                .baseMargins(baseMargins)
                .featureNames(m.featureNames)
                .featureTypes(types)
                .info(info);
        for (int t = firstTree; t < endTree; t++) {
            float weight = dart ? m.weightDrop[t] : 1.0f;
            int group = m.trees.get(t).leafSize() > 1 ? 0 : m.treeInfo[t];
            b.addTree(m.trees.get(t), group, weight);
            m.trees.set(t, null); // compiled: the builder keeps its own copy, so the parsed tree can go
        }
        return b.build();
    }

    /** @return {@code [beginIteration, endIteration)} after applying the options (spec §5.6) */
    static int[] iterationRange(ParsedModel m, int rounds, XgboostOptions options, String source) {
        if (options.useBestIteration()) {
            String best = m.attributes.get("best_iteration");
            if (best == null) {
                return new int[] {0, rounds};
            }
            long b = Doc.parseIntString(source, "attributes.best_iteration", best, 0, Integer.MAX_VALUE);
            if (b + 1 > rounds) {
                throw new ModelFormatException(source, "attributes.best_iteration", "best_iteration " + b
                        + " is beyond the model's " + rounds + " boosting rounds");
            }
            return new int[] {0, (int) b + 1};
        }
        if (options.hasIterationRange()) {
            int begin = options.iterationBegin();
            int end = options.iterationEnd() == 0 ? rounds : options.iterationEnd();
            if (end > rounds || begin > end) {
                throw new ConfigurationException(source + ": iteration range [" + options.iterationBegin() + ", "
                        + options.iterationEnd() + ") is outside the model's " + rounds + " boosting rounds");
            }
            return new int[] {begin, end};
        }
        return new int[] {0, rounds};
    }

    private static List<FeatureType> featureTypes(ParsedModel m, String source) {
        if (m.featureTypes.isEmpty()) {
            return List.of();
        }
        List<FeatureType> out = new ArrayList<>(m.featureTypes.size());
        for (int i = 0; i < m.featureTypes.size(); i++) {
            String code = m.featureTypes.get(i);
            FeatureType t = FeatureType.fromXgboostCode(code);
            if (t == null) {
                throw new ModelFormatException(source, "learner.feature_types[" + i + "]", "unknown feature type '"
                        + Doc.abbreviate(code) + "' (expected q, float, int, i or c)");
            }
            out.add(t);
        }
        return out;
    }
}
