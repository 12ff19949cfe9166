package dev.hotpath.formats;

import dev.hotpath.formats.lightgbm.LightgbmOptions;
import dev.hotpath.formats.onnx.OnnxLogLevel;
import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.formats.xgboost.XgboostOptions;
import dev.hotpath.scoring.ModelLimits;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The wire format between {@link ChildJvmCheck} and {@link ChildJvmCheckMain}: the request (model path, the
 * {@link LoadOptions} to load it with, the rows to score) goes to the child's stdin as binary data; the child
 * answers with {@value #PREFIX} lines on stdout, so that anything else a native library prints there is ignored.
 *
 * <p>Stateless; package-private.
 */
final class ChildJvmCheckProtocol {
    static final String PREFIX = "hotpath-child-check: ";
    static final String LOADED = "loaded";
    static final String OK = "ok";
    static final String REFUSED = "refused";
    static final String FAILED = "failed";
    /** Exit code of a child that loaded and scored the model. */
    static final int EXIT_OK = 0;
    /** Exit code of a child whose load was refused with a Hotpath exception. */
    static final int EXIT_REFUSED = 3;
    /** Exit code of a child that failed otherwise (an unexpected exception or error). */
    static final int EXIT_FAILED = 4;

    private static final int MAGIC = 0x48504331; // "HPC1"

    private ChildJvmCheckProtocol() {
    }

    /** What the child is asked to do. */
    record Request(Path file, LoadOptions options, List<String> featureNames, float[][] rows) {
    }

    static void writeRequest(DataOutputStream out, Request r) throws IOException {
        out.writeInt(MAGIC);
        out.writeUTF(r.file().toString());
        XgboostOptions x = r.options().xgboost();
        writeLimits(out, x.limits());
        out.writeBoolean(x.useBestIteration());
        out.writeBoolean(x.hasIterationRange());
        out.writeInt(x.iterationBegin());
        out.writeInt(x.iterationEnd());
        OnnxOptions o = r.options().onnx();
        writeLimits(out, o.limits());
        out.writeInt(o.intraOpThreads());
        out.writeInt(o.interOpThreads());
        writeOptional(out, o.outputName().orElse(null));
        out.writeInt(o.inputNames().size());
        for (String name : o.inputNames()) {
            out.writeUTF(name);
        }
        out.writeInt(o.maxBatchRows());
        out.writeLong(o.closeTimeout().toMillis());
        out.writeBoolean(o.cpuArenaAllocator());
        writeOptional(out, o.nativeLibraryDirectory().map(Path::toString).orElse(null));
        out.writeUTF(o.nativeLogLevel().name());
        LightgbmOptions g = r.options().lightgbm();
        writeLimits(out, g.limits());
        out.writeInt(g.startIteration());
        out.writeInt(g.numIterations());
        out.writeInt(r.featureNames().size());
        for (String name : r.featureNames()) {
            out.writeUTF(name);
        }
        out.writeInt(r.rows().length);
        for (float[] row : r.rows()) {
            for (float v : row) {
                out.writeFloat(v);
            }
        }
        out.flush();
    }

    static Request readRequest(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a child-check request");
        }
        Path file = Path.of(in.readUTF());
        XgboostOptions x = XgboostOptions.defaults().withLimits(readLimits(in));
        boolean best = in.readBoolean();
        boolean range = in.readBoolean();
        int begin = in.readInt();
        int end = in.readInt();
        if (best) {
            x = x.withBestIteration();
        } else if (range) {
            x = x.withIterationRange(begin, end);
        }
        OnnxOptions.Builder o = OnnxOptions.builder().limits(readLimits(in));
        o.intraOpThreads(in.readInt()).interOpThreads(in.readInt());
        String output = readOptional(in);
        if (output != null) {
            o.outputName(output);
        }
        int inputs = in.readInt();
        List<String> inputNames = new ArrayList<>(inputs);
        for (int i = 0; i < inputs; i++) {
            inputNames.add(in.readUTF());
        }
        if (!inputNames.isEmpty()) {
            o.inputNames(inputNames);
        }
        o.maxBatchRows(in.readInt()).closeTimeout(Duration.ofMillis(in.readLong())).cpuArenaAllocator(
                in.readBoolean());
        String nativeDir = readOptional(in);
        if (nativeDir != null) {
            o.nativeLibraryDirectory(Path.of(nativeDir));
        }
        o.nativeLogLevel(OnnxLogLevel.valueOf(in.readUTF()));
        LightgbmOptions g = LightgbmOptions.defaults().withLimits(readLimits(in));
        int start = in.readInt();
        g = g.withIterations(start, in.readInt());
        int names = in.readInt();
        List<String> featureNames = new ArrayList<>(names);
        for (int i = 0; i < names; i++) {
            featureNames.add(in.readUTF());
        }
        float[][] rows = new float[in.readInt()][names];
        for (float[] row : rows) {
            for (int j = 0; j < names; j++) {
                row[j] = in.readFloat();
            }
        }
        return new Request(file, new LoadOptions(x, o.build(), null, g), featureNames, rows);
    }

    private static void writeLimits(DataOutputStream out, ModelLimits l) throws IOException {
        out.writeLong(l.maxFileBytes());
        out.writeInt(l.maxTrees());
        out.writeInt(l.maxNodesPerTree());
        out.writeLong(l.maxTotalNodes());
        out.writeInt(l.maxDepth());
        out.writeInt(l.maxFeatures());
        out.writeInt(l.maxOutputs());
        out.writeInt(l.maxStringBytes());
    }

    private static ModelLimits readLimits(DataInputStream in) throws IOException {
        return new ModelLimits(in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readInt(), in.readInt(),
                in.readInt(), in.readInt());
    }

    private static void writeOptional(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Encodes strings that may hold anything (newlines included) into one base64 token. */
    static String pack(String... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(parts.length);
            for (String p : parts) {
                byte[] b = (p == null ? "" : p).getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** Decodes {@link #pack(String...)}; {@code null} if the token is not one. */
    static String[] unpack(String token) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(
                Base64.getDecoder().decode(token.trim())))) {
            int n = in.readInt();
            if (n < 0 || n > 16) {
                return null;
            }
            String[] parts = new String[n];
            for (int i = 0; i < n; i++) {
                int len = in.readInt();
                if (len < 0 || len > 1 << 24) {
                    return null;
                }
                parts[i] = new String(in.readNBytes(len), StandardCharsets.UTF_8);
            }
            return parts;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
