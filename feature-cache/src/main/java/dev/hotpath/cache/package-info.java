/**
 * Hotpath's feature cache: feature views kept in memory-mapped Chronicle Map files that a pipeline process writes
 * and every scoring process on the host reads in well under a microsecond, without allocating.
 *
 * <ul>
 *   <li>{@link dev.hotpath.cache.FeatureView}: a view's definition (key kind, ordered float features with defaults,
 *       TTL) and its schema fingerprint.</li>
 *   <li>{@link dev.hotpath.cache.FeatureReader}: the request-path reader and, pinned to a definition, the
 *       scorer's {@link dev.hotpath.scoring.scorer.FeatureSource}; returns a
 *       {@link dev.hotpath.scoring.scorer.FeatureStatus} and fills defaults whenever the entity is not present and
 *       fresh; follows generation flips.</li>
 *   <li>{@link dev.hotpath.cache.FeatureWriter}: the pipeline's writer: upserts, batches, deletes, heartbeat,
 *       new generations and atomic publishing; {@link dev.hotpath.cache.FeatureCsvLoader} bulk-builds from CSV.</li>
 *   <li>{@link dev.hotpath.cache.FeatureCacheAdmin}: the {@code hotpath cache} commands;
 *       {@link dev.hotpath.cache.ChronicleJvmFlags}: the JVM flags Chronicle needs, checked up front.</li>
 * </ul>
 *
 * <p><b>Files</b> in a cache directory {@code D}: {@code D/<view>.manifest.json} (definition + current generation,
 * replaced atomically) and {@code D/<view>.<fingerprint>.<generation>.cm3} (one Chronicle Map per generation).
 * Put {@code D} on a tmpfs shared by the pipeline and the scorers of one host (e.g. {@code /dev/shm/hotpath}).
 *
 * <p><b>Threading:</b> readers, writers and the option/definition types are thread-safe;
 * {@link dev.hotpath.cache.FeatureBatch} is caller-owned and not. <b>Allocation:</b>
 * {@code FeatureReader.read(...)} and {@code FeatureReader.fillDefaults(...)} allocate nothing for every status, and
 * single {@code FeatureWriter.upsert(...)} / {@code delete(...)} allocate nothing, after each thread's first
 * call. Everything else (open, create, publish, load, stats, lookup) is a cold path.
 *
 * <p><b>JVM:</b> Java 17+ with the flags in {@link dev.hotpath.cache.ChronicleJvmFlags#REQUIRED_FLAGS}; every entry
 * point checks them before Chronicle loads, sets {@code chronicle.analytics.disable=true} and
 * {@code chronicle.announcer.disable=true}, and bounds Chronicle's lock timeout
 * ({@code -Dnet.openhft.chronicle.map.lockTimeoutSeconds}, default 2 s instead of 60 s).
 */
package dev.hotpath.cache;
