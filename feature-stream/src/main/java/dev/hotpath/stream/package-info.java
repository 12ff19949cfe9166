/**
 * Hotpath's feature stream: keeps the feature views on every scoring host fresh from Kafka topics. Kafka is the
 * distribution layer; each host runs a follower into its own views directory, and the host's scoring processes
 * read the views with {@code dev.hotpath.cache.FeatureReader} as usual.
 *
 * <ul>
 *   <li>{@link dev.hotpath.stream.FeatureStreamFollower}: consumes one topic into one view (all partitions or a
 *       subset, positions stored next to the view, last writer wins by event time, bootstrap into a new generation,
 *       freshness and state, bad records counted and skipped, faults recovered);
 *       {@link dev.hotpath.stream.FollowerOptions} configures it and {@link dev.hotpath.stream.FollowerStats}
 *       reports on it; it is scoring-core's {@code FeatureFeed}, so {@code Scorer.health()} reports its view not
 *       ready unless it is live.</li>
 *   <li>{@link dev.hotpath.stream.FeatureUpdates}: the update format on the topic (record keys, compact binary
 *       updates, JSON updates), for JVM producers; allocation-free encoding.</li>
 *   <li>{@link dev.hotpath.stream.FeaturePartitioner}: the partition of an entity, as Kafka's default partitioner
 *       computes it, for routing requests in sharded fleets.</li>
 *   <li>{@link dev.hotpath.stream.StreamAdmin}: the {@code hotpath cache follow}, {@code publish} and follower
 *       {@code stats} commands.</li>
 * </ul>
 *
 * <p><b>Threading:</b> the follower, its stats, options, the encoder and the partitioner are thread-safe.
 * <b>Allocation:</b> {@code FeatureUpdates.encode...}, {@code FeaturePartitioner.partition} and every
 * {@code FollowerStats} getter allocate nothing (after a thread's first call); the follower's own thread allocates
 * what the Kafka consumer allocates per record. The scoring path is untouched: readers never wait for the follower
 * beyond a segment lock held for one record's copy.
 *
 * <p><b>Runtime classpath:</b> feature-cache and {@code org.apache.kafka:kafka-clients} only.
 */
package dev.hotpath.stream;
