/**
 * A pure-Java reader for LightGBM text models ({@code save_model} files and {@code model_to_string} strings,
 * LightGBM 2.x – 4.x). The entry point is {@link dev.hotpath.formats.lightgbm.LightgbmReader};
 * {@link dev.hotpath.formats.lightgbm.LightgbmOptions} sets limits and the iterations to score.
 *
 * <pre>{@code
 * Model model = LightgbmReader.read(Path.of("fraud.txt"), LightgbmOptions.defaults());
 * float p = model.score(row);          // LightGBM's prediction rounded to float
 * }</pre>
 *
 * <p>The reader parses the file and feeds scoring-core's {@code TreeEnsembleBuilder.addLightgbmTree}, which compiles
 * the trees into the same flat evaluators as XGBoost models, with LightGBM's semantics: double thresholds compared
 * exactly (through derived float thresholds), LightGBM's missing types, categorical bitsets, linear leaves, double
 * sums and double output transforms with glibc's {@code exp}.
 *
 * <p><b>Threading:</b> the reader is stateless and may be called concurrently; the models it returns are immutable
 * and thread-safe. <b>Allocation:</b> reading allocates (load time only); scoring does not.
 */
package dev.hotpath.formats.lightgbm;
