package dev.hotpath.shadow.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;

/**
 * Small real implementations of our own {@link Model} interface with controllable behaviour, for shadow tests:
 * a deterministic linear model whose expected score the tests compute independently, one that always throws, one
 * that is slow, one that blocks until released, and one that returns NaN.
 */
public final class TestModels {
    private TestModels() {
    }

    /** Base: one output, {@code n} features, batch methods in terms of the single-row method. */
    public abstract static class SingleOutputModel implements Model {
        private final int n;
        private final String name;
        public final AtomicLong calls = new AtomicLong();

        protected SingleOutputModel(int n, String name) {
            this.n = n;
            this.name = name;
        }

        protected abstract float compute(float[] f);

        @Override
        public int numFeatures() {
            return n;
        }

        @Override
        public int numOutputs() {
            return 1;
        }

        @Override
        public int numMarginOutputs() {
            return 1;
        }

        @Override
        public List<String> featureNames() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                names.add("f" + i);
            }
            return Collections.unmodifiableList(names);
        }

        @Override
        public boolean hasFeatureNames() {
            return false;
        }

        @Override
        public List<FeatureType> featureTypes() {
            return Collections.nCopies(n, FeatureType.FLOAT);
        }

        @Override
        public List<String> outputNames() {
            return List.of("score");
        }

        @Override
        public List<String> marginOutputNames() {
            return List.of("margin");
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("in-memory", "", "test:" + name, "test", 0, 0, "", "", Map.of());
        }

        @Override
        public float score(float[] features) {
            calls.incrementAndGet();
            return compute(features);
        }

        @Override
        public void score(float[] features, float[] out) {
            out[0] = score(features);
        }

        @Override
        public float scoreMargin(float[] features) {
            return score(features);
        }

        @Override
        public void scoreMargin(float[] features, float[] out) {
            out[0] = score(features);
        }

        @Override
        public void score(float[] rows, int nRows, float[] out) {
            float[] row = new float[n];
            for (int r = 0; r < nRows; r++) {
                System.arraycopy(rows, r * n, row, 0, n);
                out[r] = score(row);
            }
        }

        @Override
        public void scoreMargin(float[] rows, int nRows, float[] out) {
            score(rows, nRows, out);
        }
    }

    /**
     * {@code score = clamp01(bias + sum_i w_i * x_i)}, NaN features treated as 0. Tests recompute this formula
     * themselves.
     */
    public static final class LinearModel extends SingleOutputModel {
        private final float bias;
        private final float[] w;

        public LinearModel(float bias, float... w) {
            super(w.length, "linear");
            this.bias = bias;
            this.w = w.clone();
        }

        @Override
        protected float compute(float[] f) {
            float s = bias;
            for (int i = 0; i < w.length; i++) {
                if (f[i] == f[i]) {
                    s += w[i] * f[i];
                }
            }
            return Math.max(0f, Math.min(1f, s));
        }
    }

    /** Always throws. */
    public static final class ThrowingModel extends SingleOutputModel {
        public ThrowingModel(int n) {
            super(n, "throwing");
        }

        @Override
        protected float compute(float[] f) {
            throw new IllegalStateException("deliberate failure of the throwing test model");
        }
    }

    /** Returns NaN. */
    public static final class NanModel extends SingleOutputModel {
        public NanModel(int n) {
            super(n, "nan");
        }

        @Override
        protected float compute(float[] f) {
            return Float.NaN;
        }
    }

    /** Sleeps {@code millis} per call, then returns 0.5. */
    public static final class SlowModel extends SingleOutputModel {
        private final long millis;

        public SlowModel(int n, long millis) {
            super(n, "slow");
            this.millis = millis;
        }

        @Override
        protected float compute(float[] f) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0.5f;
        }
    }

    /** Blocks inside score until {@link #release()} (bounded at 60 s so no test can hang forever). */
    public static final class BlockingModel extends SingleOutputModel {
        private final CountDownLatch latch = new CountDownLatch(1);
        public final CountDownLatch entered = new CountDownLatch(1);

        public BlockingModel(int n) {
            super(n, "blocking");
        }

        public void release() {
            latch.countDown();
        }

        @Override
        protected float compute(float[] f) {
            entered.countDown();
            try {
                latch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0.5f;
        }
    }
}
