package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.math.GlibcMath;
import dev.hotpath.scoring.model.OutputTransform;

/**
 * What an XGBoost objective means for scoring: its output transform ({@code PredTransform}) and how its output-space
 * {@code base_score} becomes a starting margin ({@code ProbToMargin}), per the writer's version (spec §5.4, §5.5).
 *
 * <p>Version rules follow the XGBoost release that <em>wrote</em> the file, so Hotpath reproduces the predictions
 * the model gave where it was trained: {@code reg:quantileerror} outputs are sorted only for files from 3.4 on, and
 * the logistic {@code base_score} clamp applies only to files from 3.2 on.
 *
 * <p>Immutable and thread-safe; package-private.
 */
final class ObjectiveSpec {
    /** The link turning an output-space {@code base_score} into a margin. */
    enum Link { IDENTITY, LOGIT, LOG, EXPECTILE }

    /** {@code kRtEps} in XGBoost. */
    static final float RT_EPS = 1e-6f;

    final String name;
    final OutputTransform transform;
    final Link link;
    final boolean clampLogit;

    private ObjectiveSpec(String name, OutputTransform transform, Link link, boolean clampLogit) {
        this.name = name;
        this.transform = transform;
        this.link = link;
        this.clampLogit = clampLogit;
    }

    /**
     * @param name the objective name as stored ({@code reg:linear} is accepted as the old alias of
     *     {@code reg:squarederror})
     * @param m the parsed model (for the writer's version)
     * @param source for error messages
     * @param location for error messages
     * @return the objective's scoring rules
     * @throws ModelFormatException for an objective XGBoost does not define
     */
    static ObjectiveSpec of(String name, ParsedModel m, String source, String location) {
        switch (name) {
            case "binary:logistic":
            case "reg:logistic":
                return new ObjectiveSpec(name, OutputTransform.LOGISTIC, Link.LOGIT, m.atLeast(3, 2));
            case "binary:logitraw":
                // Its base_score already is a margin: identity link (spec §5.4).
            case "reg:squarederror":
            case "reg:linear":
            case "reg:squaredlogerror":
            case "reg:pseudohubererror":
            case "reg:absoluteerror":
            case "rank:pairwise":
            case "rank:ndcg":
            case "rank:map":
                return new ObjectiveSpec(name, OutputTransform.IDENTITY, Link.IDENTITY, false);
            case "reg:quantileerror":
                return new ObjectiveSpec(name, m.atLeast(3, 4) ? OutputTransform.SORT_ASCENDING
                        : OutputTransform.IDENTITY, Link.IDENTITY, false);
            case "reg:expectileerror":
                return new ObjectiveSpec(name, OutputTransform.EXPECTILE, Link.EXPECTILE, false);
            case "binary:hinge":
                return new ObjectiveSpec(name, OutputTransform.HINGE, Link.IDENTITY, false);
            case "multi:softprob":
                return new ObjectiveSpec(name, OutputTransform.SOFTMAX, Link.IDENTITY, false);
            case "multi:softmax":
                return new ObjectiveSpec(name, OutputTransform.ARGMAX, Link.IDENTITY, false);
            case "count:poisson":
            case "reg:gamma":
            case "reg:tweedie":
            case "survival:cox":
                return new ObjectiveSpec(name, OutputTransform.EXP, Link.LOG, false);
            case "survival:aft":
                return new ObjectiveSpec(name, OutputTransform.EXP_DOUBLE, Link.LOG, false);
            default:
                throw new ModelFormatException(source, location, "unknown objective '" + Doc.abbreviate(name)
                        + "' (expected one of binary:logistic, binary:logitraw, binary:hinge, reg:logistic, "
                        + "reg:squarederror, reg:linear, reg:squaredlogerror, reg:pseudohubererror, "
                        + "reg:absoluteerror, reg:quantileerror, reg:expectileerror, reg:gamma, reg:tweedie, "
                        + "count:poisson, survival:cox, survival:aft, multi:softprob, multi:softmax, "
                        + "rank:pairwise, rank:ndcg, rank:map)");
        }
    }

    boolean isMultiClass() {
        return name.startsWith("multi:");
    }

    /**
     * XGBoost's {@code ProbToMargin}, in float32 with glibc-exact {@code logf}.
     *
     * @param baseScore output-space intercepts, one per output (not modified)
     * @param source for error messages
     * @param location for error messages
     * @return the starting margins, all finite
     * @throws ModelFormatException if a value is outside the link's domain (XGBoost refuses those too), or is or
     *     becomes NaN or infinite
     */
    float[] probToMargin(float[] baseScore, String source, String location) {
        float[] m = toMargin(baseScore, source, location);
        for (int k = 0; k < m.length; k++) {
            if (!Float.isFinite(m[k])) {
                // NaN or ±Inf as a starting margin makes every output NaN or infinite: refuse the file now rather
                // than serve scores that mean nothing (issue #20: XGBoost itself loads such a base_score).
                throw new ModelFormatException(source, location, "a finite base_score for " + name + ", found "
                        + baseScore[k] + (Float.isFinite(baseScore[k]) ? " (its margin is " + m[k] + ")" : ""));
            }
        }
        return m;
    }

    private float[] toMargin(float[] baseScore, String source, String location) {
        float[] m = baseScore.clone();
        switch (link) {
            case LOGIT:
                for (int k = 0; k < m.length; k++) {
                    float x = m[k];
                    if (clampLogit) {
                        // std::clamp(x, kRtEps, 1 - kRtEps) in 3.2+; NaN stays NaN (rejected below).
                        x = x < RT_EPS ? RT_EPS : (x > 1.0f - RT_EPS ? 1.0f - RT_EPS : x);
                    }
                    if (!(x > 0.0f && x < 1.0f)) {
                        throw new ModelFormatException(source, location, "base_score must be in (0, 1) for "
                                + name + ", found " + m[k]);
                    }
                    m[k] = -GlibcMath.logf(1.0f / x - 1.0f);
                }
                return m;
            case LOG:
                for (int k = 0; k < m.length; k++) {
                    if (!(m[k] > 0.0f) || m[k] == Float.POSITIVE_INFINITY) {
                        throw new ModelFormatException(source, location, "base_score must be positive and finite"
                                + " for " + name + ", found " + m[k]);
                    }
                    m[k] = GlibcMath.logf(m[k]);
                }
                return m;
            case EXPECTILE:
                // ExpectileRegression::ProbToMargin: from the last output down, each becomes the inverse softplus
                // of its increment over the (untransformed) previous one; output 0 stays.
                for (int j = m.length - 1; j > 0; j--) {
                    m[j] = softPlusInv(m[j] - m[j - 1] - RT_EPS);
                }
                return m;
            default:
                return m;
        }
    }

    /** XGBoost's {@code common::SoftPlusInv}: {@code x = max(x, kRtEps); x + logf(-expm1f(-x))}. */
    static float softPlusInv(float x) {
        float v = Math.max(x, RT_EPS);
        return v + GlibcMath.logf(-expm1f(-v));
    }

    /**
     * {@code expm1f}. The double {@code expm1} rounded once to float; glibc's {@code expm1f} is within 1 ulp of
     * the true value, so rare 1-ulp differences are possible (only {@code reg:expectileerror} base margins use it).
     */
    static float expm1f(float x) {
        return (float) Math.expm1(x);
    }
}
