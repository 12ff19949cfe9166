package dev.hotpath.formats;

import dev.hotpath.formats.ChildJvmCheckProtocol.Request;
import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The child side of {@link ChildJvmCheck}: reads a request from stdin, loads the model with the parent's options
 * (without a child check of its own), scores the requested rows plus an all-zero and an all-NaN row one at a time
 * and as one batch, and reports on stdout. If a native library crashes the JVM meanwhile, the missing
 * {@code ok} line and the exit status tell the parent.
 *
 * <p>Exit codes: {@value ChildJvmCheckProtocol#EXIT_OK} loaded and scored; {@value ChildJvmCheckProtocol#EXIT_REFUSED}
 * refused with a Hotpath exception (reported so the parent can rethrow it as it is);
 * {@value ChildJvmCheckProtocol#EXIT_FAILED} anything else. Not an API; package-private.
 */
final class ChildJvmCheckMain {

    private ChildJvmCheckMain() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        int code;
        try {
            Request request = ChildJvmCheckProtocol.readRequest(new DataInputStream(
                    new BufferedInputStream(System.in)));
            code = run(request, out);
        } catch (Throwable t) {
            out.println(ChildJvmCheckProtocol.PREFIX + ChildJvmCheckProtocol.FAILED + " "
                    + ChildJvmCheckProtocol.pack(t.getClass().getName(), String.valueOf(t.getMessage())));
            code = ChildJvmCheckProtocol.EXIT_FAILED;
        }
        out.flush();
        System.exit(code);
    }

    private static int run(Request request, PrintStream out) {
        String source = request.file().toString();
        try (Model model = ModelLoader.loadInThisJvm(request.file(), request.options())) {
            out.println(ChildJvmCheckProtocol.PREFIX + ChildJvmCheckProtocol.LOADED + " "
                    + ChildJvmCheckProtocol.pack(model.info().checksum()));
            out.flush();
            float[][] rows = rows(model, request.featureNames(), request.rows());
            float[] result = new float[model.numOutputs()];
            for (float[] row : rows) {
                model.score(row, result);
            }
            float[] flat = new float[rows.length * model.numFeatures()];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * model.numFeatures(), model.numFeatures());
            }
            model.score(flat, rows.length, new float[rows.length * model.numOutputs()]);
            out.println(ChildJvmCheckProtocol.PREFIX + ChildJvmCheckProtocol.OK + " " + rows.length);
            return ChildJvmCheckProtocol.EXIT_OK;
        } catch (HotpathException e) {
            ModelFormatException f = e instanceof ModelFormatException ? (ModelFormatException) e : null;
            out.println(ChildJvmCheckProtocol.PREFIX + ChildJvmCheckProtocol.REFUSED + " "
                    + ChildJvmCheckProtocol.pack(e.getClass().getName(), e.getMessage(),
                    f == null ? source : f.source(), f == null ? null : f.location(),
                    f == null ? null : f.expectation()));
            return ChildJvmCheckProtocol.EXIT_REFUSED;
        }
    }

    /** The requested rows mapped onto the model's features by name (missing: NaN), then all-zero and all-NaN. */
    private static float[][] rows(Model model, List<String> names, float[][] given) {
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            column.put(names.get(i), i);
        }
        List<String> features = model.featureNames();
        int f = model.numFeatures();
        float[][] rows = new float[given.length + 2][f];
        for (int r = 0; r < given.length; r++) {
            for (int j = 0; j < f; j++) {
                Integer c = column.get(features.get(j));
                rows[r][j] = c == null ? Float.NaN : given[r][c];
            }
        }
        Arrays.fill(rows[given.length + 1], Float.NaN);
        return rows;
    }
}
