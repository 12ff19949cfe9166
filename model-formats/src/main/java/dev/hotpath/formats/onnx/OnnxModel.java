package dev.hotpath.formats.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelClosedException;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.concurrent.InFlightGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model scored by ONNX Runtime, behind Hotpath's {@link Model} API. Created by {@link OnnxReader}.
 *
 * <h2>Threading</h2>
 * Thread-safe. One {@code OrtSession} is shared by all threads ({@code run} is thread-safe in ONNX Runtime); each
 * thread gets its own scoring state on its first call (direct native-order input/output buffers wrapped once in
 * tensors, prebuilt maps), so calls never contend on buffers. With the default options each call runs entirely on
 * the calling thread (one intra-op thread, sequential execution, spinning off).
 *
 * <h2>Allocation</h2>
 * Hotpath itself allocates nothing per call after a thread's first call (and, for batches, the first batch of each
 * size). ONNX Runtime's public Java API allocates a fixed amount per {@code run} that cannot be avoided from Java (the
 * {@code Result} with its map and list, and small name/handle arrays): about 368 B per call for one input and one
 * output, measured with {@code ThreadMXBean}; see BENCHMARKS.md. Batch calls allocate that once per chunk of
 * {@link OnnxOptions#maxBatchRows()} rows.
 *
 * <h2>Closing</h2>
 * {@link #close()} is idempotent and safe while other threads are scoring: every scoring call holds a reference on
 * the session for the duration of its {@code run}, {@code close()} stops new calls and waits (up to
 * {@link OnnxOptions#closeTimeout()}) for the calls in flight to leave; the native session and tensors are released
 * by whichever of {@code close()} or the last call in flight comes last, never while a call is inside ONNX Runtime
 * (closing an {@code OrtSession} during {@code run} crashes the JVM). After {@code close()} every scoring method
 * throws {@link ModelClosedException}; the descriptive methods ({@link #info()}, {@link #featureNames()}, …) keep
 * working. Unclosed models hold their native session until the JVM exits.
 *
 * <h2>Outputs</h2>
 * {@link #numOutputs()} is the number of values the scored output holds per row (for {@code [N,K]}, {@code K};
 * {@code [N]} and {@code [N,1]} give 1). An ONNX graph has no separate margin space, so margins are the outputs:
 * {@code scoreMargin} returns the same values as {@code score}.
 */
public final class OnnxModel implements Model {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions sessionOptions;
    private final OnnxScoringContext.Layout layout;
    private final ModelInfo info;
    private final List<String> featureNames;
    private final boolean hasFeatureNames;
    private final List<FeatureType> featureTypes;
    private final List<String> outputNames;
    private final List<OnnxTensorSpec> inputs;
    private final List<OnnxTensorSpec> outputs;
    private final long irVersion;
    private final Map<String, Long> opsets;
    private final Duration closeTimeout;
    private final int numFeatures;
    private final int numOutputs;

    /** Scoring calls inside ONNX Runtime; closing it makes the last call out release the native session. */
    private final InFlightGuard gate = new InFlightGuard();
    private final Object lifecycleLock = new Object();
    /** Every per-thread context created, so they can be released with the session. Guarded by lifecycleLock. */
    private final List<OnnxScoringContext> contexts = new ArrayList<>();
    /** Guarded by lifecycleLock. */
    private boolean released;
    /** Calls that were inside the model when close() took effect (diagnostics and tests). */
    private volatile int callsInFlightAtClose = -1;
    private final ThreadLocal<OnnxScoringContext> localContext = ThreadLocal.withInitial(this::newContext);

    OnnxModel(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions sessionOptions,
              OnnxScoringContext.Layout layout, ModelInfo info, List<String> featureNames, boolean hasFeatureNames,
              List<FeatureType> featureTypes, List<String> outputNames, List<OnnxTensorSpec> inputs,
              List<OnnxTensorSpec> outputs, long irVersion, Map<String, Long> opsets, Duration closeTimeout) {
        this.env = env;
        this.session = session;
        this.sessionOptions = sessionOptions;
        this.layout = layout;
        this.info = info;
        this.featureNames = List.copyOf(featureNames);
        this.hasFeatureNames = hasFeatureNames;
        this.featureTypes = List.copyOf(featureTypes);
        this.outputNames = List.copyOf(outputNames);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.irVersion = irVersion;
        this.opsets = Map.copyOf(opsets);
        this.closeTimeout = closeTimeout;
        this.numFeatures = layout.numFeatures();
        this.numOutputs = layout.numOutputs();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Description (thread-safe, also after close)
    // ---------------------------------------------------------------------------------------------------------

    @Override
    public int numFeatures() {
        return numFeatures;
    }

    @Override
    public int numOutputs() {
        return numOutputs;
    }

    /** @return {@link #numOutputs()}: an ONNX model's margins are its outputs */
    @Override
    public int numMarginOutputs() {
        return numOutputs;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * @return whether the model's {@code metadata_props} carried feature names (key
     *     {@value OnnxReader#FEATURE_NAMES_METADATA_KEY})
     */
    @Override
    public boolean hasFeatureNames() {
        return hasFeatureNames;
    }

    /** @return all {@link FeatureType#FLOAT}: ONNX has no per-feature type information */
    @Override
    public List<FeatureType> featureTypes() {
        return featureTypes;
    }

    /**
     * @return the scored output's name when it holds one value per row, else {@code name_0 … name_(K-1)}, e.g.
     *     {@code [probabilities_0, probabilities_1, probabilities_2]}
     */
    @Override
    public List<String> outputNames() {
        return outputNames;
    }

    /** @return {@link #outputNames()} */
    @Override
    public List<String> marginOutputNames() {
        return outputNames;
    }

    /**
     * Format {@code onnx}, booster {@code onnx}, format version = producer name and version (e.g.
     * {@code pytorch 1.13.0}), objective from metadata key {@value OnnxReader#OBJECTIVE_METADATA_KEY} or
     * {@code ""}, checksum = SHA-256 of the file. {@link ModelInfo#properties()} holds, as strings:
     * {@code ir_version}, {@code opsets} ({@code ai.onnx:17,ai.onnx.ml:3}), {@code producer}, {@code domain} (when
     * set), {@code model_version}, {@code inputs} and {@code outputs} (every graph input/output as
     * {@code name:type[dims]}, joined by {@code "; "}), {@code input_order} (several inputs only),
     * {@code scored_output}, {@code feature_names_source}, {@code batch}, {@code intra_op_threads},
     * {@code inter_op_threads} and {@code onnxruntime_version}.
     *
     * @return the model's description
     */
    @Override
    public ModelInfo info() {
        return info;
    }

    /** @return every graph input, in graph order (not necessarily row order; see {@code input_order}). Unmodifiable. */
    public List<OnnxTensorSpec> inputs() {
        return inputs;
    }

    /** @return every graph output, in graph order. Unmodifiable. */
    public List<OnnxTensorSpec> outputs() {
        return outputs;
    }

    /** @return the name of the graph output that {@code score} returns */
    public String scoredOutputName() {
        return layout.outputName();
    }

    /** @return the model's ONNX IR version */
    public long irVersion() {
        return irVersion;
    }

    /** @return operator-set imports: domain ({@code ai.onnx}, {@code ai.onnx.ml}, …) to version. Unmodifiable. */
    public Map<String, Long> opsets() {
        Map<String, Long> named = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Long> e : opsets.entrySet()) {
            named.put(e.getKey().isEmpty() ? "ai.onnx" : e.getKey(), e.getValue());
        }
        return java.util.Collections.unmodifiableMap(named);
    }

    /**
     * @return whether batch scoring hands up to {@link OnnxOptions#maxBatchRows()} rows to ONNX Runtime per call
     *     (false for models with a fixed batch size of 1, which are scored row by row)
     */
    public boolean batchesInOneCall() {
        return layout.batchSupported();
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return gate.isClosed();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scoring (thread-safe; allocation: ONNX Runtime's per-run floor only)
    // ---------------------------------------------------------------------------------------------------------

    @Override
    public float score(float[] features) {
        if (numOutputs != 1) {
            throw notSingleOutput(numOutputs);
        }
        if (features.length < numFeatures) {
            throw tooShort("features", features.length, numFeatures);
        }
        enter();
        try {
            return localContext.get().scoreRow(features);
        } catch (OrtException e) {
            throw runFailed(e);
        } finally {
            exit();
        }
    }

    @Override
    public void score(float[] features, float[] out) {
        if (features.length < numFeatures) {
            throw tooShort("features", features.length, numFeatures);
        }
        if (out.length < numOutputs) {
            throw tooShort("out", out.length, numOutputs);
        }
        enter();
        try {
            localContext.get().scoreRow(features, 0, out, 0);
        } catch (OrtException e) {
            throw runFailed(e);
        } finally {
            exit();
        }
    }

    /** Same as {@link #score(float[])}: an ONNX model's margins are its outputs. */
    @Override
    public float scoreMargin(float[] features) {
        return score(features);
    }

    /** Same as {@link #score(float[], float[])}: an ONNX model's margins are its outputs. */
    @Override
    public void scoreMargin(float[] features, float[] out) {
        score(features, out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Rows go to ONNX Runtime in chunks of up to {@link OnnxOptions#maxBatchRows()} (one {@code run} per chunk),
     * or one by one for models with a fixed batch size of 1. The first batch of each chunk size on a thread creates
     * that size's tensors; later ones allocate only ONNX Runtime's per-run floor.
     */
    @Override
    public void score(float[] rows, int nRows, float[] out) {
        checkBatch(rows, nRows, out);
        enter();
        try {
            if (nRows > 0) {
                localContext.get().scoreBatch(rows, nRows, out);
            }
        } catch (OrtException e) {
            throw runFailed(e);
        } finally {
            exit();
        }
    }

    /** Same as {@link #score(float[], int, float[])}: an ONNX model's margins are its outputs. */
    @Override
    public void scoreMargin(float[] rows, int nRows, float[] out) {
        score(rows, nRows, out);
    }

    private void checkBatch(float[] rows, int nRows, float[] out) {
        if (nRows < 0) {
            throw negativeRows(nRows);
        }
        if (rows.length < (long) nRows * numFeatures) {
            throw tooShort("rows", rows.length, (long) nRows * numFeatures);
        }
        if (out.length < (long) nRows * numOutputs) {
            throw tooShort("out", out.length, (long) nRows * numOutputs);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ---------------------------------------------------------------------------------------------------------

    /** Registers a call in flight, or throws if closed. One atomic add on the calling thread's stripe. */
    private void enter() {
        if (!gate.tryEnter()) {
            throw closed();
        }
    }

    /** Ends a call; the last one out after {@link #close()} releases the native resources. */
    private void exit() {
        gate.exit();
    }

    /**
     * Closes the model: later scoring calls throw {@link ModelClosedException}; calls already inside ONNX Runtime
     * finish normally. Waits up to {@link OnnxOptions#closeTimeout()} for them, then releases the session, its
     * options and every thread's tensors. If calls are still running at the timeout (a huge batch), returns anyway
     * and the last of them releases the resources when it finishes. Idempotent; thread-safe; never throws.
     */
    @Override
    public void close() {
        if (gate.close(this::releaseNativeResources)) {
            callsInFlightAtClose = (int) gate.inFlight();
        }
        localContext.remove();
        awaitRelease();
    }

    private void awaitRelease() {
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        synchronized (lifecycleLock) {
            while (!released) {
                long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (remainingMs <= 0) {
                    LOG.warn("closing ONNX model {}: {} call(s) still running after {}; their session will be "
                            + "released when they finish", info.source(), gate.inFlight(), closeTimeout);
                    return;
                }
                try {
                    lifecycleLock.wait(remainingMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void releaseNativeResources() {
        synchronized (lifecycleLock) {
            if (released) {
                return;
            }
            released = true;
            try {
                for (OnnxScoringContext c : contexts) {
                    c.close();
                }
                contexts.clear();
                session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.warn("closing ONNX model {}: releasing the native session failed", info.source(), e);
            } finally {
                sessionOptions.close();
                lifecycleLock.notifyAll();
            }
        }
    }

    /** ThreadLocal initializer; runs inside {@link #enter()}, so the session cannot be released meanwhile. */
    private OnnxScoringContext newContext() {
        synchronized (lifecycleLock) {
            if (released) {
                throw closed();
            }
            // Threads that died keep their context alive only through this list; free them here (a cold path).
            for (Iterator<OnnxScoringContext> it = contexts.iterator(); it.hasNext(); ) {
                OnnxScoringContext c = it.next();
                if (!c.ownerAlive()) {
                    c.close();
                    it.remove();
                }
            }
            try {
                OnnxScoringContext c = new OnnxScoringContext(env, session, layout, Thread.currentThread());
                contexts.add(c);
                return c;
            } catch (OrtException e) {
                throw new OnnxRuntimeException("cannot create ONNX Runtime tensors for " + info.source() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** @return whether the native session has been released (for tests and diagnostics) */
    boolean isReleased() {
        synchronized (lifecycleLock) {
            return released;
        }
    }

    /** @return how many scoring calls are inside the model right now (for tests and diagnostics) */
    int callsInFlight() {
        return (int) gate.inFlight();
    }

    /** @return how many calls were in flight when {@link #close()} took effect, or -1 if not closed */
    int callsInFlightAtClose() {
        return callsInFlightAtClose;
    }

    /** @return the number of per-thread scoring contexts currently held (for tests and diagnostics) */
    int liveContexts() {
        synchronized (lifecycleLock) {
            return contexts.size();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cold exception factories, kept out of the scoring methods so those stay small
    // ---------------------------------------------------------------------------------------------------------

    private ModelClosedException closed() {
        return new ModelClosedException("ONNX model " + info.source() + " (" + info.shortId() + ") is closed");
    }

    private static IllegalArgumentException tooShort(String what, int length, long needed) {
        return new IllegalArgumentException(what + " has " + length + " values, needs at least " + needed);
    }

    private static IllegalArgumentException negativeRows(int nRows) {
        return new IllegalArgumentException("nRows must be >= 0, got " + nRows);
    }

    private IllegalArgumentException notSingleOutput(int k) {
        return new IllegalArgumentException("ONNX model " + info.source() + " has " + k + " outputs per row "
                + outputNames + "; use score(float[], float[])");
    }

    private OnnxRuntimeException runFailed(OrtException e) {
        return new OnnxRuntimeException("ONNX Runtime failed to score " + info.source() + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "OnnxModel{" + info.source() + ", " + info.properties().get("inputs") + " -> " + layout.outputName()
                + " x" + numOutputs + (isClosed() ? ", closed" : "") + '}';
    }
}
