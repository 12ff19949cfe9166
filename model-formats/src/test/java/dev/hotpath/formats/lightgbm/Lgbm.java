package dev.hotpath.formats.lightgbm;

import static com.microsoft.ml.lightgbm.lightgbmlib.LGBM_BoosterCalcNumPredict;
import static com.microsoft.ml.lightgbm.lightgbmlib.LGBM_BoosterFree;
import static com.microsoft.ml.lightgbm.lightgbmlib.LGBM_BoosterLoadModelFromString;
import static com.microsoft.ml.lightgbm.lightgbmlib.LGBM_BoosterPredictForMat;
import static com.microsoft.ml.lightgbm.lightgbmlib.LGBM_GetLastError;
import static com.microsoft.ml.lightgbm.lightgbmlib.delete_doubleArray;
import static com.microsoft.ml.lightgbm.lightgbmlib.delete_floatArray;
import static com.microsoft.ml.lightgbm.lightgbmlib.delete_int64_tp;
import static com.microsoft.ml.lightgbm.lightgbmlib.delete_intp;
import static com.microsoft.ml.lightgbm.lightgbmlib.delete_voidpp;
import static com.microsoft.ml.lightgbm.lightgbmlib.doubleArray_getitem;
import static com.microsoft.ml.lightgbm.lightgbmlib.floatArray_setitem;
import static com.microsoft.ml.lightgbm.lightgbmlib.float_to_voidp_ptr;
import static com.microsoft.ml.lightgbm.lightgbmlib.int64_tp_value;
import static com.microsoft.ml.lightgbm.lightgbmlib.new_doubleArray;
import static com.microsoft.ml.lightgbm.lightgbmlib.new_floatArray;
import static com.microsoft.ml.lightgbm.lightgbmlib.new_int64_tp;
import static com.microsoft.ml.lightgbm.lightgbmlib.new_intp;
import static com.microsoft.ml.lightgbm.lightgbmlib.new_voidpp;
import static com.microsoft.ml.lightgbm.lightgbmlib.voidpp_value;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_float;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LightGBM 4.3 itself, through lightgbm4j 4.3.0-1 (JNI): trains models in the tests and predicts the reference
 * outputs.
 *
 * <p>Two precautions. lightgbm4j extracts its native libraries to {@code java.io.tmpdir/lib_lightgbm.so}, a name
 * every JVM on the machine shares: a second JVM overwriting the file while this one has it mapped crashes this one.
 * So the libraries are extracted once per JVM into a fresh temporary directory. And lightgbm4j's
 * {@code predictForMat} sizes its output for two values per row, which corrupts the native heap for multi-class
 * models, so predictions go through LightGBM's C API directly with the buffer {@code LGBM_BoosterCalcNumPredict}
 * asks for, on float32 rows (what Hotpath is given).
 *
 * <p>Not thread-safe; test code.
 */
final class Lgbm {
    static {
        loadNative();
    }

    private Lgbm() {
    }

    private static synchronized void loadNative() {
        String previous = System.getProperty("java.io.tmpdir");
        try {
            Path dir = Files.createTempDirectory("hotpath-lightgbm4j-");
            dir.toFile().deleteOnExit();
            System.setProperty("java.io.tmpdir", dir.toString());
            try {
                LGBMBooster.loadNative(); // the class initialiser extracts and loads into the directory
            } finally {
                System.setProperty("java.io.tmpdir", previous);
            }
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract lightgbm4j's native libraries", e);
        }
        if (!LGBMBooster.isNativeLoaded()) {
            throw new IllegalStateException("lightgbm4j's native LightGBM library did not load on this machine");
        }
    }

    /** Training data: row-major float32 features, labels, optional query groups (ranking) and feature names. */
    record Data(float[] x, int rows, int cols, float[] labels, int[] groups, String[] names) {
    }

    /**
     * Trains a model and returns LightGBM's {@code SaveModelToString} of it.
     *
     * @param datasetParams dataset parameters, e.g. {@code categorical_feature=2 max_bin=63}
     * @param params booster parameters ({@code verbose=-1 num_threads=1 deterministic=true} are added)
     * @param iterations boosting rounds (fewer when LightGBM finds nothing left to split)
     */
    static String train(Data data, String datasetParams, String params, int iterations) {
        try (LGBMDataset ds = LGBMDataset.createFromMat(data.x(), data.rows(), data.cols(), true,
                datasetParams + " verbose=-1", null)) {
            ds.setField("label", data.labels());
            if (data.groups() != null) {
                ds.setField("group", data.groups());
            }
            if (data.names() != null) {
                ds.setFeatureNames(data.names());
            }
            try (LGBMBooster booster = LGBMBooster.create(ds, params
                    + " verbose=-1 num_threads=1 deterministic=true force_row_wise=true seed=7")) {
                for (int i = 0; i < iterations; i++) {
                    if (booster.updateOneIter()) {
                        break;
                    }
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        } catch (LGBMException e) {
            throw new IllegalStateException("LightGBM training failed: " + e.getMessage(), e);
        }
    }

    /**
     * Trains with a custom objective ({@code objective=none}): squared-error gradients computed here, so the saved
     * model has no {@code objective=} line.
     */
    static String trainCustom(Data data, String params, int iterations) {
        try (LGBMDataset ds = LGBMDataset.createFromMat(data.x(), data.rows(), data.cols(), true, "verbose=-1",
                null)) {
            ds.setField("label", data.labels());
            try (LGBMBooster booster = LGBMBooster.create(ds, params + " objective=none verbose=-1 num_threads=1"
                    + " deterministic=true force_row_wise=true seed=7")) {
                float[] grad = new float[data.rows()];
                float[] hess = new float[data.rows()];
                java.util.Arrays.fill(hess, 1f);
                for (int i = 0; i < iterations; i++) {
                    double[] predicted = booster.getPredict(0);
                    for (int r = 0; r < data.rows(); r++) {
                        grad[r] = (float) (predicted[r] - data.labels()[r]);
                    }
                    if (booster.updateOneIterCustom(grad, hess)) {
                        break;
                    }
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        } catch (LGBMException e) {
            throw new IllegalStateException("LightGBM training failed: " + e.getMessage(), e);
        }
    }

    /**
     * LightGBM's predictions for float32 rows: {@code rows × K} doubles, row-major.
     *
     * @param raw raw scores ({@code C_API_PREDICT_RAW_SCORE}) instead of the normal prediction
     * @param startIteration LightGBM's {@code start_iteration}
     * @param numIteration LightGBM's {@code num_iteration} ({@code <= 0}: all)
     */
    static double[] predict(String model, float[] rows, int nRows, int nCols, boolean raw, int startIteration,
                            int numIteration) {
        SWIGTYPE_p_p_void handle = new_voidpp();
        SWIGTYPE_p_int iterations = new_intp();
        SWIGTYPE_p_long_long outLength = new_int64_tp();
        SWIGTYPE_p_float data = new_floatArray(rows.length);
        SWIGTYPE_p_double out = null;
        boolean loaded = false;
        try {
            check(LGBM_BoosterLoadModelFromString(model, iterations, handle));
            loaded = true;
            SWIGTYPE_p_void booster = voidpp_value(handle);
            int type = raw ? lightgbmlibConstants.C_API_PREDICT_RAW_SCORE : lightgbmlibConstants.C_API_PREDICT_NORMAL;
            check(LGBM_BoosterCalcNumPredict(booster, nRows, type, startIteration, numIteration, outLength));
            long n = int64_tp_value(outLength);
            out = new_doubleArray(n);
            for (int i = 0; i < rows.length; i++) {
                floatArray_setitem(data, i, rows[i]);
            }
            check(LGBM_BoosterPredictForMat(booster, float_to_voidp_ptr(data),
                    lightgbmlibConstants.C_API_DTYPE_FLOAT32, nRows, nCols, 1, type, startIteration, numIteration, "",
                    outLength, out));
            if (int64_tp_value(outLength) != n) {
                throw new IllegalStateException("LightGBM wrote " + int64_tp_value(outLength) + " values, expected "
                        + n);
            }
            double[] result = new double[(int) n];
            for (int i = 0; i < n; i++) {
                result[i] = doubleArray_getitem(out, i);
            }
            return result;
        } finally {
            if (loaded) {
                LGBM_BoosterFree(voidpp_value(handle));
            }
            if (out != null) {
                delete_doubleArray(out);
            }
            delete_floatArray(data);
            delete_int64_tp(outLength);
            delete_intp(iterations);
            delete_voidpp(handle);
        }
    }

    static double[] predict(String model, float[] rows, int nRows, int nCols, boolean raw) {
        return predict(model, rows, nRows, nCols, raw, 0, -1);
    }

    private static void check(int result) {
        if (result < 0) {
            throw new IllegalStateException("LightGBM C API call failed: " + LGBM_GetLastError());
        }
    }
}
