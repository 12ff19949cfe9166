package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.model.TreeNodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a reader extracted from an XGBoost file, in the file's own terms (output-space {@code base_score},
 * objective name, trees in id order), before {@link ModelAssembler} turns it into a scoring model. Filled by
 * {@link DocModelParser} (JSON/UBJSON) and {@link LegacyBinaryParser}.
 *
 * <p>Load-time only; mutable; not thread-safe; package-private.
 */
final class ParsedModel {
    /** {@code xgboost-json}, {@code xgboost-ubj} or {@code xgboost-binary}. */
    String format;
    /** The writer's version: {@code [major, minor, patch]} (binary files carry no patch: it is 0). */
    int major;
    int minor;
    int patch;
    String versionString;

    int numFeature;
    int numClass;
    int numTarget;
    /** The {@code base_score} text as stored ({@code "5E-1"}, {@code "[1E-1,2E-1]"}; binary: the float printed). */
    String baseScoreText;
    /** {@code base_score} in output space, one entry per output after broadcasting. */
    float[] baseScore;
    /** Pre-1.0 legacy binary files stored {@code base_score} already as a margin (spec §4). */
    boolean baseScoreIsPre10Margin;

    String objective;
    /** Objective parameters worth reporting (e.g. {@code quantile_alpha}); may be empty. */
    final Map<String, String> objectiveParams = new LinkedHashMap<>();
    /** {@code gbtree}, {@code dart} or {@code gblinear} as named in the file. */
    String booster;
    final Map<String, String> attributes = new LinkedHashMap<>();
    List<String> featureNames = List.of();
    List<String> featureTypes = List.of();

    // gbtree / dart
    final List<TreeNodes> trees = new ArrayList<>();
    int[] treeInfo = new int[0];
    /** Iteration pointer ({@code iteration_indptr}), rebuilt for files that lack it; {@code null} for gblinear. */
    int[] iterationIndptr;
    /** DART tree weights, padded with 1 to one per tree; {@code null} when the model has none. */
    float[] weightDrop;
    int numParallelTree = 1;

    // gblinear
    float[] linearWeights;

    boolean isLinear() {
        return "gblinear".equals(booster);
    }

    /** @return whether the writer was version {@code major.minor} or later */
    boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    /** @return {@code max(num_class, num_target, 1)}: XGBoost's {@code OutputLength()} */
    int numOutputs() {
        return Math.max(1, Math.max(numClass, numTarget));
    }
}
