package dev.hotpath.formats.lightgbm;

import dev.hotpath.scoring.model.LightgbmTree;
import java.util.List;

/**
 * Everything {@link LightgbmTextParser} reads from a LightGBM text model, before objectives are resolved and the
 * trees compiled. Load-time carrier; package-private.
 *
 * @param version the {@code version} header ({@code v2}, {@code v3}, {@code v4}) or {@code ""}
 * @param numClass {@code num_class}
 * @param numTreePerIteration {@code num_tree_per_iteration} (K)
 * @param numFeatures {@code max_feature_idx + 1}
 * @param objective the {@code objective} header, or {@code null} when absent (custom objective)
 * @param averageOutput whether the {@code average_output} line is present (random forest)
 * @param featureNames {@code feature_names}
 * @param featureInfos {@code feature_infos}: {@code [min:max]}, a category list, or {@code none}, per feature
 * @param trees the tree blocks in file order
 * @param boosting the {@code [boosting: …]} training parameter, or {@code ""}
 * @param pandasCategorical the JSON after {@code pandas_categorical:}, or {@code null} when the line is absent
 */
record ParsedLightgbmModel(
        String version,
        int numClass,
        int numTreePerIteration,
        int numFeatures,
        String objective,
        boolean averageOutput,
        List<String> featureNames,
        List<String> featureInfos,
        List<ParsedTree> trees,
        String boosting,
        String pandasCategorical) {

    /**
     * One tree block.
     *
     * @param tree the prediction arrays
     * @param leafCount {@code leaf_count} (training rows per leaf), or {@code null}: the cover TreeSHAP uses
     * @param internalCount {@code internal_count} (training rows per node), or {@code null}
     * @param line the line of the block's {@code Tree=} header
     */
    record ParsedTree(LightgbmTree tree, int[] leafCount, int[] internalCount, int line) {
    }
}
