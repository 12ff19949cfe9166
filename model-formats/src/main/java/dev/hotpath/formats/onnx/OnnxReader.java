package dev.hotpath.formats.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.ModelLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@code .onnx} files into {@link OnnxModel}s backed by ONNX Runtime, validating everything that could
 * otherwise fail on the request path.
 *
 * <h2>What is checked at load time</h2>
 * <ul>
 *   <li>File: size within {@link ModelLimits#maxFileBytes()}; a complete protobuf {@code ModelProto} (truncation and
 *       non-ONNX bytes are reported with a byte offset); {@code ir_version} &le; {@value #MAX_IR_VERSION},
 *       {@code ai.onnx} opset &le; {@value #MAX_AI_ONNX_OPSET} and {@code ai.onnx.ml} opset &le;
 *       {@value #MAX_AI_ONNX_ML_OPSET}, the newest ONNX Runtime 1.23.2 runs. Then ONNX Runtime must accept it.</li>
 *   <li>Inputs: exactly one float tensor of shape {@code [N, F]} or {@code [1, F]} with a fixed {@code F}; or, with
 *       {@link OnnxOptions.Builder#inputNames(List)}, several such inputs whose features are concatenated in the
 *       listed order to form one Hotpath row.</li>
 *   <li>Outputs: every output must be a tensor. Sequence and map outputs, typically an {@code ai.onnx.ml ZipMap}
 *       after a classifier, are rejected with instructions for exporting without ZipMap.</li>
 *   <li>The scored output is a float tensor whose first axis is the batch; a test run on an all-zero row fixes the
 *       number of values per row ({@code K}, the product of the other axes), and a two-row run decides whether
 *       batches can go to ONNX Runtime in one call.</li>
 * </ul>
 *
 * <h2>Which output is scored</h2>
 * {@link OnnxOptions#outputName()} when set. Otherwise the only float tensor output; or, among several, the one
 * whose name contains {@code prob} (case-insensitive) if exactly one does (classifier exports name their
 * probability tensor {@code probabilities}, {@code output_probability}, …; the integer {@code label} output is never
 * chosen); else the first float output in graph order.
 *
 * <h2>Feature names</h2>
 * From the model's {@code metadata_props} entry {@value #FEATURE_NAMES_METADATA_KEY}: either a JSON array of strings
 * ({@code ["amount","merchant_risk"]}) or a comma-separated list ({@code amount,merchant_risk}); there must be one
 * distinct, non-empty name per feature. Without it the names are {@code f0 … f(F-1)}. An optional
 * {@value #OBJECTIVE_METADATA_KEY} entry becomes {@link ModelInfo#objective()}.
 *
 * <p>Stateless and thread-safe; loading is a cold path (it allocates freely and may take milliseconds to seconds).
 */
public final class OnnxReader {

    /** Newest ONNX IR version ONNX Runtime 1.23.2 loads. */
    public static final int MAX_IR_VERSION = 11;
    /** Newest {@code ai.onnx} operator set ONNX Runtime 1.23.2 runs (24 and 25 are rejected as unreleased). */
    public static final int MAX_AI_ONNX_OPSET = 23;
    /** Newest {@code ai.onnx.ml} operator set ONNX Runtime 1.23.2 runs. */
    public static final int MAX_AI_ONNX_ML_OPSET = 5;
    /** The {@code metadata_props} key holding feature names. */
    public static final String FEATURE_NAMES_METADATA_KEY = "feature_names";
    /** The {@code metadata_props} key whose value becomes {@link ModelInfo#objective()}. */
    public static final String OBJECTIVE_METADATA_KEY = "objective";
    /** How many leading bytes {@link #looksLikeOnnx(byte[], int)} needs to decide reliably. */
    public static final int SNIFF_BYTES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(OnnxReader.class);
    private static final String ZIPMAP_ADVICE = "Sequence and map outputs (usually an ai.onnx.ml ZipMap after a "
            + "classifier, as sklearn-onnx and onnxmltools emit by default) cannot be preallocated and cost one "
            + "native object per row. Export without ZipMap: skl2onnx to_onnx(model, X, options={id(model): "
            + "{'zipmap': False}}) (or options={'zipmap': False}); or delete the ZipMap node and make its input, the "
            + "probabilities tensor, the graph output. Plain tensor outputs from PyTorch/TensorFlow exporters work "
            + "as they are.";

    private OnnxReader() {
    }

    /**
     * Cheap content sniff for format detection: true when the first bytes parse as the start of an ONNX
     * {@code ModelProto}, i.e. a run of its known top-level protobuf fields with the right wire types, including
     * {@code ir_version} (writers put it first: tag {@code 0x08}). JSON, UBJSON, XGBoost binary and text files are
     * rejected. Looks at most at {@code len} bytes; {@value #SNIFF_BYTES} are enough.
     *
     * <p>Thread-safe, allocation-free.
     *
     * @param head the first bytes of the file
     * @param len how many bytes of {@code head} are valid
     * @return whether the bytes look like an ONNX model
     */
    public static boolean looksLikeOnnx(byte[] head, int len) {
        return OnnxRuntimeSupport.looksLikeOnnx(head, len);
    }

    /**
     * Loads and validates an ONNX model with {@link OnnxOptions#defaults()}.
     *
     * @param path the {@code .onnx} file
     * @return the model; close it to release the native session
     * @throws ModelFormatException if the file is missing, unreadable, too large, not ONNX, truncated, too new, or
     *     has inputs/outputs Hotpath cannot score (the message names the input or output)
     * @throws OnnxRuntimeException if ONNX Runtime's native library cannot be loaded
     */
    public static OnnxModel read(Path path) {
        return read(path, OnnxOptions.defaults());
    }

    /**
     * Loads and validates an ONNX model. Thread-safe; cold path.
     *
     * @param path the {@code .onnx} file
     * @param options session options, input/output choice and limits
     * @return the model; close it to release the native session
     * @throws ModelFormatException if the file is missing, unreadable, too large, not ONNX, truncated, too new, or
     *     has inputs/outputs Hotpath cannot score (the message names the input or output)
     * @throws ConfigurationException if the options do not fit the model (an unknown output or input name, a
     *     non-float output chosen, an input missing from {@code inputNames}) or the native library directory cannot
     *     take effect
     * @throws OnnxRuntimeException if ONNX Runtime's native library cannot be loaded
     */
    public static OnnxModel read(Path path, OnnxOptions options) {
        String source = path.toString();
        byte[] bytes = readBounded(path, source, options.limits());
        if (!looksLikeOnnx(bytes, Math.min(bytes.length, SNIFF_BYTES))) {
            throw new ModelFormatException(source, "offset 0", "an ONNX model: a protobuf ModelProto starting with "
                    + "its ir_version field (byte 0x08); found " + hexHead(bytes));
        }
        OnnxModelProto.Header header = OnnxModelProto.parse(bytes, source, options.limits().maxStringBytes());
        checkVersions(header, source);
        // ONNX Runtime aborts the JVM on some corrupt tree ensembles: check them before it sees the graph.
        OnnxGraphValidator.validate(bytes, source, options.limits());
        String checksum = sha256(bytes);

        OrtEnvironment env = OnnxRuntimeEnvironment.get(options);
        OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            configure(sessionOptions, options);
            try {
                session = env.createSession(bytes, sessionOptions);
            } catch (OrtException e) {
                throw new ModelFormatException(source, "ONNX Runtime session",
                        "a model ONNX Runtime " + env.getVersion() + " can load; it reported: " + e.getMessage(), e);
            }
            OnnxModel model = build(env, session, sessionOptions, header, checksum, source, options);
            LOG.debug("loaded ONNX model {}: {}", source, model.info().properties());
            return model;
        } catch (RuntimeException e) {
            closeQuietly(session, sessionOptions, e);
            throw e;
        }
    }

    private static byte[] readBounded(Path path, String source, ModelLimits limits) {
        try {
            long size = Files.size(path);
            if (size > limits.maxFileBytes()) {
                throw new ModelFormatException(source, "file size", "at most " + limits.maxFileBytes()
                        + " bytes (ModelLimits.maxFileBytes), found " + size);
            }
            byte[] bytes = Files.readAllBytes(path);
            if (bytes.length > limits.maxFileBytes()) {
                throw new ModelFormatException(source, "file size", "at most " + limits.maxFileBytes()
                        + " bytes (ModelLimits.maxFileBytes), found " + bytes.length + " (the file grew while read)");
            }
            if (bytes.length == 0) {
                throw new ModelFormatException(source, "offset 0", "an ONNX model, found an empty file");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(source, null, "an existing ONNX model file; no such file", e);
        } catch (IOException e) {
            throw new ModelFormatException(source, null, "a readable ONNX model file; reading failed: " + e, e);
        }
    }

    private static void checkVersions(OnnxModelProto.Header h, String source) {
        if (h.irVersion() <= 0) {
            throw new ModelFormatException(source, "ir_version (field 1)",
                    "a positive ONNX IR version, found " + (h.irVersion() == 0 ? "none" : h.irVersion()));
        }
        if (h.irVersion() > MAX_IR_VERSION) {
            throw new ModelFormatException(source, "ir_version (field 1)", "an IR version <= " + MAX_IR_VERSION
                    + " (the newest ONNX Runtime 1.23.2 loads), found " + h.irVersion()
                    + "; export with an older onnx package or target an older opset");
        }
        if (!h.hasGraph()) {
            throw new ModelFormatException(source, "graph (field 7)", "a model graph; the file has none");
        }
        if (h.opsets().isEmpty() && h.irVersion() >= 3) {
            throw new ModelFormatException(source, "opset_import (field 8)",
                    "at least one operator-set import (required since IR version 3); the file has none");
        }
        for (Map.Entry<String, Long> e : h.opsets().entrySet()) {
            String domain = e.getKey().isEmpty() ? "ai.onnx" : e.getKey();
            long v = e.getValue();
            if (v < 1) {
                throw new ModelFormatException(source, "opset_import[" + domain + "]",
                        "a positive operator-set version, found " + v);
            }
            long max = domain.equals("ai.onnx") ? MAX_AI_ONNX_OPSET
                    : domain.equals("ai.onnx.ml") ? MAX_AI_ONNX_ML_OPSET : Long.MAX_VALUE;
            if (v > max) {
                throw new ModelFormatException(source, "opset_import[" + domain + "]", "opset <= " + max
                        + " (the newest ONNX Runtime 1.23.2 runs), found " + v
                        + "; re-export with opset_version=" + max + " or lower");
            }
        }
    }

    private static void configure(OrtSession.SessionOptions so, OnnxOptions options) {
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(options.interOpThreads());
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Spinning burns a core per pool thread between calls for a few microseconds' gain; off for services.
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            so.addConfigEntry("session.inter_op.allow_spinning", "0");
            so.setCPUArenaAllocator(options.cpuArenaAllocator());
            so.setSessionLogLevel(OnnxRuntimeEnvironment.ortLevel(options.nativeLogLevel()));
        } catch (OrtException e) {
            throw new ConfigurationException("ONNX Runtime rejected the session options " + options + ": "
                    + e.getMessage(), e);
        }
    }

    private static OnnxModel build(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions sessionOptions,
                                   OnnxModelProto.Header header, String checksum, String source,
                                   OnnxOptions options) {
        Map<String, NodeInfo> inputInfo;
        Map<String, NodeInfo> outputInfo;
        try {
            inputInfo = session.getInputInfo();
            outputInfo = session.getOutputInfo();
        } catch (OrtException e) {
            throw new ModelFormatException(source, "graph inputs/outputs",
                    "input and output types ONNX Runtime's Java API can describe; it reported: " + e.getMessage(), e);
        }
        List<OnnxTensorSpec> inputSpecs = new ArrayList<>();
        for (NodeInfo n : inputInfo.values()) {
            inputSpecs.add(spec(n));
        }
        List<OnnxTensorSpec> outputSpecs = new ArrayList<>();
        for (NodeInfo n : outputInfo.values()) {
            outputSpecs.add(spec(n));
        }

        // Inputs: which, in what order, how wide.
        List<String> order = inputOrder(inputInfo, source, options);
        int nIn = order.size();
        String[] inputNames = order.toArray(new String[0]);
        int[] widths = new int[nIn];
        int[] offsets = new int[nIn];
        boolean dynamicBatch = true;
        long totalFeatures = 0;
        for (int i = 0; i < nIn; i++) {
            NodeInfo n = inputInfo.get(inputNames[i]);
            TensorInfo t = checkInput(n, source);
            dynamicBatch &= t.getShape()[0] < 0;
            offsets[i] = (int) totalFeatures;
            widths[i] = (int) t.getShape()[1];
            totalFeatures += widths[i];
            if (totalFeatures > options.limits().maxFeatures()) {
                throw new ModelFormatException(source, "input '" + n.getName() + "'", "at most "
                        + options.limits().maxFeatures() + " features in all (ModelLimits.maxFeatures), found "
                        + totalFeatures);
            }
        }
        int numFeatures = (int) totalFeatures;

        // Outputs: all must be tensors; choose the scored one.
        for (NodeInfo n : outputInfo.values()) {
            if (!(n.getInfo() instanceof TensorInfo)) {
                throw new ModelFormatException(source, "output '" + n.getName() + "'",
                        "a tensor output, found " + describeType(n.getInfo()) + ". " + ZIPMAP_ADVICE);
            }
        }
        String outputName = chooseOutput(outputInfo, source, options);
        TensorInfo out = (TensorInfo) outputInfo.get(outputName).getInfo();
        long[] declared = out.getShape();
        if (declared.length == 0) {
            throw new ModelFormatException(source, "output '" + outputName + "'", "an output whose first axis is "
                    + "the batch ([N], [N,K], [1,K], …), found a scalar; choose another output with "
                    + "OnnxOptions.outputName");
        }
        if (declared[0] > 1) {
            throw new ModelFormatException(source, "output '" + outputName + "'", "a first (batch) axis that is "
                    + "dynamic or 1, found " + spec(outputInfo.get(outputName)).describe());
        }

        // One all-zero row fixes the per-row output shape; two rows decide whether batches can run in one call.
        long[] rowShape = probe(env, session, inputNames, widths, outputName, 1, source);
        if (rowShape.length != declared.length || rowShape[0] != 1) {
            throw new ModelFormatException(source, "output '" + outputName + "'", "an output of shape [1, …] with "
                    + declared.length + " axes for one input row, found " + java.util.Arrays.toString(rowShape));
        }
        long[] tail = java.util.Arrays.copyOfRange(rowShape, 1, rowShape.length);
        long k = 1;
        for (int d = 0; d < tail.length; d++) {
            if (declared[d + 1] > 0 && declared[d + 1] != tail[d]) {
                throw new ModelFormatException(source, "output '" + outputName + "'", "the declared shape "
                        + spec(outputInfo.get(outputName)).describe() + ", found " + java.util.Arrays.toString(rowShape)
                        + " when scoring one row");
            }
            k *= tail[d];
        }
        if (k < 1 || k > options.limits().maxOutputs()) {
            throw new ModelFormatException(source, "output '" + outputName + "'", "between 1 and "
                    + options.limits().maxOutputs() + " values per row (ModelLimits.maxOutputs), found " + k);
        }
        int numOutputs = (int) k;
        boolean batchSupported = false;
        String batchNote;
        if (!dynamicBatch) {
            batchNote = "row by row (an input has a fixed batch size of 1)";
        } else if (declared[0] == 1) {
            batchNote = "row by row (output '" + outputName + "' has a fixed batch size of 1)";
        } else if (options.maxBatchRows() == 1) {
            batchNote = "row by row (maxBatchRows = 1)";
        } else {
            long[] twoRows = tryProbe(env, session, inputNames, widths, outputName, 2);
            long[] expected = new long[rowShape.length];
            expected[0] = 2;
            System.arraycopy(tail, 0, expected, 1, tail.length);
            batchSupported = java.util.Arrays.equals(twoRows, expected);
            batchNote = batchSupported ? "up to " + options.maxBatchRows() + " rows per ONNX Runtime call"
                    : "row by row (a two-row test run gave output shape " + java.util.Arrays.toString(twoRows) + ")";
        }

        List<String> featureNames = featureNames(header.metadata(), numFeatures, source);
        boolean hasFeatureNames = featureNames != null;
        if (featureNames == null) {
            List<String> positional = new ArrayList<>(numFeatures);
            for (int i = 0; i < numFeatures; i++) {
                positional.add("f" + i);
            }
            featureNames = positional;
        }
        List<String> outputNames = new ArrayList<>(numOutputs);
        if (numOutputs == 1) {
            outputNames.add(outputName);
        } else {
            for (int i = 0; i < numOutputs; i++) {
                outputNames.add(outputName + "_" + i);
            }
        }

        Map<String, String> props = new LinkedHashMap<>();
        props.put("ir_version", Long.toString(header.irVersion()));
        props.put("opsets", describeOpsets(header.opsets()));
        props.put("producer", (header.producerName() + " " + header.producerVersion()).trim());
        if (!header.domain().isEmpty()) {
            props.put("domain", header.domain());
        }
        props.put("model_version", Long.toString(header.modelVersion()));
        props.put("inputs", joinSpecs(inputSpecs));
        props.put("outputs", joinSpecs(outputSpecs));
        if (nIn > 1) {
            props.put("input_order", String.join(",", order));
        }
        props.put("scored_output", outputName);
        props.put("feature_names_source", hasFeatureNames ? "metadata_props[" + FEATURE_NAMES_METADATA_KEY + "]"
                : "positional");
        props.put("batch", batchNote);
        props.put("intra_op_threads", Integer.toString(options.intraOpThreads()));
        props.put("inter_op_threads", Integer.toString(options.interOpThreads()));
        props.put("onnxruntime_version", env.getVersion());
        ModelInfo info = new ModelInfo("onnx", props.get("producer"),
                header.metadata().getOrDefault(OBJECTIVE_METADATA_KEY, ""), "onnx", 0, 0, checksum, source, props);

        OnnxScoringContext.Layout layout = new OnnxScoringContext.Layout(inputNames, widths, offsets, numFeatures,
                outputName, tail, numOutputs, batchSupported, options.maxBatchRows());
        return new OnnxModel(env, session, sessionOptions, layout, info, featureNames, hasFeatureNames,
                Collections.nCopies(numFeatures, FeatureType.FLOAT), outputNames, inputSpecs, outputSpecs,
                header.irVersion(), header.opsets(), options.closeTimeout());
    }

    private static List<String> inputOrder(Map<String, NodeInfo> inputInfo, String source, OnnxOptions options) {
        if (options.inputNames().isEmpty()) {
            if (inputInfo.size() != 1) {
                List<String> described = new ArrayList<>();
                for (NodeInfo n : inputInfo.values()) {
                    described.add(spec(n).describe());
                }
                throw new ModelFormatException(source, "inputs", "exactly one float tensor input of shape [N,F] or "
                        + "[1,F], found " + inputInfo.size() + " inputs " + described
                        + (inputInfo.size() > 1 ? "; to score a model with several inputs, list them in row order "
                        + "with OnnxOptions.builder().inputNames(...): a row then holds the first input's features, "
                        + "then the second's, and so on" : ""));
            }
            return List.copyOf(inputInfo.keySet());
        }
        for (String name : options.inputNames()) {
            if (!inputInfo.containsKey(name)) {
                throw new ConfigurationException("OnnxOptions.inputNames lists '" + name + "', which is not an input "
                        + "of " + source + "; its inputs are " + inputInfo.keySet());
            }
        }
        Set<String> missing = new HashSet<>(inputInfo.keySet());
        missing.removeAll(options.inputNames());
        if (!missing.isEmpty()) {
            throw new ConfigurationException("OnnxOptions.inputNames " + options.inputNames() + " does not list "
                    + "input(s) " + missing + " of " + source + "; every model input must be listed");
        }
        return options.inputNames();
    }

    private static TensorInfo checkInput(NodeInfo n, String source) {
        String where = "input '" + n.getName() + "'";
        if (!(n.getInfo() instanceof TensorInfo)) {
            throw new ModelFormatException(source, where, "a float tensor of shape [N,F] or [1,F], found "
                    + describeType(n.getInfo()));
        }
        TensorInfo t = (TensorInfo) n.getInfo();
        String found = spec(n).describe();
        if (t.type != OnnxJavaType.FLOAT) {
            throw new ModelFormatException(source, where, "a float (float32) tensor of shape [N,F] or [1,F], found "
                    + found + "; Hotpath passes features as float32: export with float inputs or add a Cast node "
                    + "after a float input");
        }
        long[] shape = t.getShape();
        if (shape.length != 2) {
            throw new ModelFormatException(source, where, "a rank-2 float tensor [N,F] or [1,F] (batch, features), "
                    + "found " + found);
        }
        if (shape[0] > 1 || shape[0] == 0) {
            throw new ModelFormatException(source, where, "a dynamic or size-1 batch axis, found " + found
                    + "; export with a dynamic batch axis (torch.onnx.export dynamic_axes={'"
                    + n.getName() + "': {0: 'N'}}) or batch size 1");
        }
        if (shape[1] <= 0) {
            throw new ModelFormatException(source, where, "a fixed number of features on axis 1, found " + found
                    + "; export with a fixed feature count");
        }
        return t;
    }

    private static String chooseOutput(Map<String, NodeInfo> outputInfo, String source, OnnxOptions options) {
        List<String> floats = new ArrayList<>();
        for (NodeInfo n : outputInfo.values()) {
            if (((TensorInfo) n.getInfo()).type == OnnxJavaType.FLOAT) {
                floats.add(n.getName());
            }
        }
        if (options.outputName().isPresent()) {
            String wanted = options.outputName().get();
            NodeInfo n = outputInfo.get(wanted);
            if (n == null) {
                throw new ConfigurationException("OnnxOptions.outputName '" + wanted + "' is not an output of "
                        + source + "; its outputs are " + joinSpecs(specs(outputInfo)));
            }
            if (!floats.contains(wanted)) {
                throw new ConfigurationException("OnnxOptions.outputName '" + wanted + "' of " + source + " is "
                        + spec(n).describe() + "; Hotpath scores float tensor outputs: " + floats);
            }
            return wanted;
        }
        if (floats.isEmpty()) {
            throw new ModelFormatException(source, "outputs", "at least one float tensor output, found "
                    + joinSpecs(specs(outputInfo)));
        }
        if (floats.size() == 1) {
            return floats.get(0);
        }
        List<String> probabilities = new ArrayList<>();
        for (String name : floats) {
            if (name.toLowerCase(Locale.ROOT).contains("prob")) {
                probabilities.add(name);
            }
        }
        return probabilities.size() == 1 ? probabilities.get(0) : floats.get(0);
    }

    private static long[] probe(OrtEnvironment env, OrtSession session, String[] inputNames, int[] widths,
                                String outputName, int rows, String source) {
        try {
            return runProbe(env, session, inputNames, widths, outputName, rows);
        } catch (OrtException | RuntimeException e) {
            throw new ModelFormatException(source, "output '" + outputName + "'", "a successful test run on "
                    + rows + " all-zero row(s); ONNX Runtime reported: " + e.getMessage(), e);
        }
    }

    private static long[] tryProbe(OrtEnvironment env, OrtSession session, String[] inputNames, int[] widths,
                                   String outputName, int rows) {
        try {
            return runProbe(env, session, inputNames, widths, outputName, rows);
        } catch (OrtException | RuntimeException e) {
            LOG.debug("{}-row test run failed; batches will be scored row by row", rows, e);
            return new long[0];
        }
    }

    private static long[] runProbe(OrtEnvironment env, OrtSession session, String[] inputNames, int[] widths,
                                   String outputName, int rows) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (int i = 0; i < inputNames.length; i++) {
                inputs.put(inputNames[i], OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[rows * widths[i]]),
                        new long[] {rows, widths[i]}));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                OnnxValue v = result.get(0);
                return ((TensorInfo) v.getInfo()).getShape();
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }

    private static List<String> featureNames(Map<String, String> metadata, int numFeatures, String source) {
        String raw = metadata.get(FEATURE_NAMES_METADATA_KEY);
        if (raw == null) {
            return null;
        }
        String where = "metadata_props['" + FEATURE_NAMES_METADATA_KEY + "']";
        List<String> names = new ArrayList<>();
        String trimmed = raw.trim();
        if (trimmed.startsWith("[")) {
            try (JsonParser p = new JsonFactory().createParser(trimmed)) {
                p.nextToken();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new ModelFormatException(source, where, "a JSON array of strings, found " + t
                                + " at character " + p.currentLocation().getCharOffset());
                    }
                    names.add(p.getText());
                }
                if (p.nextToken() != null) {
                    throw new ModelFormatException(source, where, "nothing after the JSON array");
                }
            } catch (IOException e) {
                throw new ModelFormatException(source, where, "a JSON array of strings or a comma-separated list; "
                        + "JSON parsing failed: " + e.getMessage(), e);
            }
        } else {
            for (String s : raw.split(",", -1)) {
                names.add(s.trim());
            }
        }
        if (names.size() != numFeatures) {
            throw new ModelFormatException(source, where, "one name per feature (" + numFeatures + "), found "
                    + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n.isEmpty()) {
                throw new ModelFormatException(source, where, "a non-empty name for feature " + i);
            }
            if (!seen.add(n)) {
                throw new ModelFormatException(source, where, "distinct names, found '" + n + "' twice");
            }
        }
        return names;
    }

    static OnnxTensorSpec spec(NodeInfo n) {
        ValueInfo v = n.getInfo();
        if (v instanceof TensorInfo) {
            TensorInfo t = (TensorInfo) v;
            long[] shape = t.getShape();
            String[] dimNames = t.getDimensionNames();
            List<String> dims = new ArrayList<>(shape.length);
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] >= 0) {
                    dims.add(Long.toString(shape[i]));
                } else {
                    String sym = dimNames != null && i < dimNames.length ? dimNames[i] : null;
                    dims.add(sym == null || sym.isEmpty() ? "?" : sym);
                }
            }
            return new OnnxTensorSpec(n.getName(), elementType(t), dims);
        }
        return new OnnxTensorSpec(n.getName(), describeType(v), List.of());
    }

    private static List<OnnxTensorSpec> specs(Map<String, NodeInfo> infos) {
        List<OnnxTensorSpec> out = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            out.add(spec(n));
        }
        return out;
    }

    private static String elementType(TensorInfo t) {
        String s = t.onnxType.name();
        String prefix = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
        return (s.startsWith(prefix) ? s.substring(prefix.length()) : s).toLowerCase(Locale.ROOT);
    }

    private static String describeType(ValueInfo v) {
        if (v instanceof SequenceInfo) {
            SequenceInfo s = (SequenceInfo) v;
            if (s.isSequenceOfMaps()) {
                return "seq(map(" + javaType(s.mapInfo.keyType) + "," + javaType(s.mapInfo.valueType) + "))";
            }
            return "seq(" + javaType(s.sequenceType) + ")";
        }
        if (v instanceof MapInfo) {
            MapInfo m = (MapInfo) v;
            return "map(" + javaType(m.keyType) + "," + javaType(m.valueType) + ")";
        }
        if (v instanceof TensorInfo) {
            return elementType((TensorInfo) v) + " tensor";
        }
        return String.valueOf(v);
    }

    private static String javaType(OnnxJavaType t) {
        if (t == null) {
            return "?";
        }
        switch (t) {
            case FLOAT:
                return "float";
            case DOUBLE:
                return "double";
            case INT64:
                return "int64";
            case INT32:
                return "int32";
            case STRING:
                return "string";
            default:
                return t.name().toLowerCase(Locale.ROOT);
        }
    }

    private static String joinSpecs(List<OnnxTensorSpec> specs) {
        List<String> parts = new ArrayList<>(specs.size());
        for (OnnxTensorSpec s : specs) {
            parts.add(s.describe());
        }
        return String.join("; ", parts);
    }

    private static String describeOpsets(Map<String, Long> opsets) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : opsets.entrySet()) {
            parts.add((e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + ":" + e.getValue());
        }
        return String.join(",", parts);
    }

    private static String hexHead(byte[] bytes) {
        int n = Math.min(bytes.length, 8);
        StringBuilder sb = new StringBuilder("first bytes");
        for (int i = 0; i < n; i++) {
            sb.append(' ').append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions so, RuntimeException primary) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException | RuntimeException e) {
                primary.addSuppressed(e);
            }
        }
        so.close();
    }
}
