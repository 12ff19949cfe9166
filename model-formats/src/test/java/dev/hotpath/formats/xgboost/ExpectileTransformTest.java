package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.XgbTestSupport.NF;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.math.GlibcMath;
import java.nio.file.Path;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reg:expectileerror} (XGBoost 3.3+): its base margins go through an inverse-softplus {@code ProbToMargin}
 * (done by the reader) and its outputs through a cumulative softplus transform (done by scoring-core).
 *
 * <p>The first test shows that Hotpath's margins plus XGBoost's exact transform — {@code SoftPlus(x) = x > 0 ?
 * x + log1pf(expf(-x)) : log1pf(expf(x))} with glibc's fdlibm {@code log1pf} ({@link GlibcMath#log1pf(float)}) —
 * reproduce XGBoost's outputs bit for bit. The second checks scoring-core's {@code EXPECTILE} transform, which
 * uses the same softplus.
 */
class ExpectileTransformTest {

    @Test
    void shouldReproduceXgboostExpectileOutputsFromHotpathMarginsWithGlibcSoftplus(@TempDir Path dir)
            throws Exception {
        Fixture f = train(dir);
        int k = f.model.numMarginOutputs();
        assertEquals(3, k);
        float[] margins = new float[f.n * k];
        f.model.scoreMargin(f.rows, f.n, margins);
        for (int r = 0; r < f.n; r++) {
            float p = margins[r * k];
            assertEquals(Float.floatToIntBits(f.xgbOutputs[r][0]), Float.floatToIntBits(p), "row " + r + " output 0");
            for (int j = 1; j < k; j++) {
                p += 1e-6f + softPlus(margins[r * k + j]);
                assertEquals(Float.floatToIntBits(f.xgbOutputs[r][j]), Float.floatToIntBits(p),
                        "row " + r + " output " + j + ": XGBoost " + f.xgbOutputs[r][j] + ", reference " + p);
            }
        }
    }

    @Test
    void shouldMatchXgboostExpectileOutputsWithin2Ulp(@TempDir Path dir) throws Exception {
        Fixture f = train(dir);
        XgbTestSupport.assertOutputsClose("expectile", f.model, f.rows, f.n, f.xgbOutputs, 2);
    }

    private static final class Fixture {
        Model model;
        float[] rows;
        int n;
        float[][] xgbOutputs;
    }

    private static Fixture train(Path dir) throws Exception {
        XgbTestSupport.Data d = XgbTestSupport.trainingData(5, XgbTestSupport.Labels.REGRESSION);
        Booster b = XgbTestSupport.train(XgbTestSupport.params("reg:expectileerror", "expectile_alpha",
                "[0.2,0.5,0.8]"), d, 15, false, false);
        try {
            Path file = dir.resolve("expectile.ubj");
            b.saveModel(file.toString());
            Fixture f = new Fixture();
            f.model = XgboostReader.read(file, XgboostOptions.defaults());
            f.rows = XgbTestSupport.evalRows(3, XgbTestSupport.parse(file));
            f.n = f.rows.length / NF;
            float[][] xgbMargins = XgbTestSupport.xgbPredict(b, f.rows, f.n, true, null);
            XgbTestSupport.assertMarginsBitExact("expectile", f.model, f.rows, f.n, xgbMargins);
            f.xgbOutputs = XgbTestSupport.xgbPredict(b, f.rows, f.n, false, null);
            return f;
        } finally {
            b.dispose();
        }
    }

    /** XGBoost's {@code common::SoftPlus} as compiled against glibc. */
    static float softPlus(float x) {
        return x > 0 ? x + GlibcMath.log1pf(GlibcMath.expf(-x)) : GlibcMath.log1pf(GlibcMath.expf(x));
    }
}
