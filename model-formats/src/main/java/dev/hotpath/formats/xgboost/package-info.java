/**
 * Pure-Java readers for XGBoost model files: JSON (a single-pass reader written for the model document), UBJSON
 * (read straight from the file through a 64 KB window) and the legacy binary format, detected from the file
 * content. The entry point is {@link dev.hotpath.formats.xgboost.XgboostReader};
 * {@link dev.hotpath.formats.xgboost.XgboostOptions} sets limits and iteration selection.
 *
 * <pre>{@code
 * Model model = XgboostReader.read(Path.of("fraud.ubj"), XgboostOptions.defaults().withBestIteration());
 * float p = model.score(row);          // bit-identical margins, glibc-exact transforms
 * }</pre>
 *
 * <p>Readers parse the file and feed scoring-core's {@code TreeEnsembleBuilder} / {@code LinearModel.Builder}, which
 * compile the trees; all scoring semantics live there. Output transforms use {@code GlibcMath}'s ports of glibc's
 * {@code expf}/{@code logf}, so transformed outputs match XGBoost on glibc ≥ 2.27 hosts bit for bit in practice
 * (within 1–2 ulp for {@code survival:aft} and {@code reg:expectileerror}).
 *
 * <p><b>Threading:</b> the readers are stateless and may be called concurrently; the models they return are
 * immutable and thread-safe. <b>Allocation:</b> reading allocates (load time only); scoring does not.
 */
package dev.hotpath.formats.xgboost;
