/**
 * Hotpath's core API: {@link dev.hotpath.scoring.Model}, its descriptive {@link dev.hotpath.scoring.ModelInfo},
 * load-time {@link dev.hotpath.scoring.ModelLimits} and the exception hierarchy rooted at
 * {@link dev.hotpath.scoring.HotpathException}.
 *
 * <p><b>Threading:</b> every type here is immutable and thread-safe. <b>Allocation:</b> the scoring methods of
 * {@code Model} allocate nothing after per-thread warm-up; exceptions are thrown only from cold paths.
 *
 * <pre>{@code
 * Model model = ModelLoader.load(Path.of("fraud.json"));   // dev.hotpath.formats
 * float[] row = new float[model.numFeatures()];            // reuse per thread
 * row[0] = 42.5f; row[1] = Float.NaN;                      // NaN = missing
 * float p = model.score(row);
 * }</pre>
 */
package dev.hotpath.scoring;
