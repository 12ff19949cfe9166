package dev.hotpath.examples.demo;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.stream.FeatureUpdates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's feature pipeline, run as its own JVM: regenerates the same payment stream from the seed, computes the
 * per-card and per-merchant aggregates ({@link FeatureAggregates}), writes the state at the end of the history, then
 * follows the live stream at the service's arrival rate, updating the card and merchant of every transaction — while
 * the service reads. Writes either straight into fresh {@code card} and {@code merchant} views (published after the
 * history, like a nightly build), or, with a Kafka address, as updates to the topics {@link #CARD_TOPIC} and
 * {@link #MERCHANT_TOPIC} (the fleet demo: every host's follower applies them). Signals {@code ready} once the
 * history's state is written; in the fleet demo it then waits for {@code <dir>/go} (the hosts are following) before
 * it starts the live stream. Stops at the end of the stream or when {@code <dir>/stop} appears.
 *
 * <p>Arguments: {@code dir seed history live ratePerSecond [bootstrapServers]}.
 */
public final class FeaturePipelineMain {
    /** Topic of the card view's updates in the fleet demo. */
    static final String CARD_TOPIC = "card-features";
    /** Topic of the merchant view's updates in the fleet demo. */
    static final String MERCHANT_TOPIC = "merchant-features";

    private FeaturePipelineMain() {
    }

    static FeatureView view(String name, List<String> features) {
        FeatureView.Builder b = FeatureView.builder(name).ttl(Duration.ofHours(6));
        for (String f : features) {
            b.feature(f);
        }
        return b.build();
    }

    static FeatureView cardView() {
        return view("card", FeatureAggregates.CARD_FEATURES);
    }

    static FeatureView merchantView() {
        return view("merchant", FeatureAggregates.MERCHANT_FEATURES);
    }

    /** Where the pipeline's feature values go. */
    private interface Sink extends AutoCloseable {
        void card(CharSequence id, long eventTime, float[] values);

        void merchant(CharSequence id, long eventTime, float[] values);

        /** The history's state is complete: make it visible. */
        void publish();

        @Override
        void close();
    }

    /** Straight into new generations of the views on this host. */
    private static final class ViewSink implements Sink {
        private final FeatureWriter cards;
        private final FeatureWriter merchants;

        ViewSink(Path dir, PaymentStream s) {
            this.cards = FeatureWriter.createGeneration(dir, cardView(), s.numCards, WriterOptions.defaults());
            this.merchants = FeatureWriter.createGeneration(dir, merchantView(), s.numMerchants,
                    WriterOptions.defaults());
        }

        @Override
        public void card(CharSequence id, long eventTime, float[] values) {
            cards.upsert(id, eventTime, values, 0);
        }

        @Override
        public void merchant(CharSequence id, long eventTime, float[] values) {
            merchants.upsert(id, eventTime, values, 0);
        }

        @Override
        public void publish() {
            cards.publish();
            merchants.publish();
        }

        @Override
        public void close() {
            cards.close();
            merchants.close();
        }
    }

    /** As binary updates to the views' topics (Kafka copies each value during send, so the buffers are reused). */
    private static final class TopicSink implements Sink {
        private final KafkaProducer<byte[], byte[]> producer;
        private final FeatureUpdates cardUpdates = FeatureUpdates.forView(cardView());
        private final FeatureUpdates merchantUpdates = FeatureUpdates.forView(merchantView());
        private final byte[] cardValue = new byte[cardUpdates.fullUpdateSize()];
        private final byte[] merchantValue = new byte[merchantUpdates.fullUpdateSize()];

        TopicSink(String bootstrapServers) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
            // See StreamAdmin: one batch in flight survives NOT_LEADER_OR_FOLLOWER on a just-created topic.
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            this.producer = new KafkaProducer<>(p);
        }

        @Override
        public void card(CharSequence id, long eventTime, float[] values) {
            cardUpdates.encodeFull(eventTime, values, 0, cardValue, 0);
            producer.send(new ProducerRecord<>(CARD_TOPIC, id.toString().getBytes(StandardCharsets.UTF_8),
                    cardValue));
        }

        @Override
        public void merchant(CharSequence id, long eventTime, float[] values) {
            merchantUpdates.encodeFull(eventTime, values, 0, merchantValue, 0);
            producer.send(new ProducerRecord<>(MERCHANT_TOPIC, id.toString().getBytes(StandardCharsets.UTF_8),
                    merchantValue));
        }

        @Override
        public void publish() {
            producer.flush();
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /**
     * @param args {@code dir seed history live ratePerSecond [bootstrapServers]}
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int history = Integer.parseInt(args[2]);
        int live = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        String kafka = args.length > 5 ? args[5] : null;
        PaymentStream s = PaymentStream.generate(history + live, seed);
        FeatureAggregates agg = new FeatureAggregates(s);
        for (int i = 0; i < history; i++) {
            agg.add(i);
        }
        long asOf = s.time[history - 1];
        long now = System.currentTimeMillis();
        float[] card = new float[FeatureAggregates.CARD_FEATURES.size()];
        float[] merchant = new float[FeatureAggregates.MERCHANT_FEATURES.size()];
        StringBuilder id = new StringBuilder();
        Files.createDirectories(dir);
        try (Sink sink = kafka == null ? new ViewSink(dir, s) : new TopicSink(kafka)) {
            for (int c = 0; c < s.numCards; c++) {
                agg.cardFeatures(c, asOf, card, 0);
                sink.card(cardId(id, c), now, card);
            }
            for (int m = 0; m < s.numMerchants; m++) {
                agg.merchantFeatures(m, asOf, merchant, 0);
                sink.merchant(merchantId(id, m), now, merchant);
            }
            sink.publish();
            Files.writeString(dir.resolve("ready"), "ready");
            System.out.println("pipeline: published " + s.numCards + " cards and " + s.numMerchants
                    + " merchants" + (kafka == null ? "" : " to Kafka") + "; following the live stream");

            Path stop = dir.resolve("stop");
            while (kafka != null && !Files.exists(dir.resolve("go")) && !Files.exists(stop)) {
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            for (int i = history; i < history + live; i++) {
                long due = start + (long) ((i - history) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if ((i & 1023) == 0 && Files.exists(stop)) {
                    break;
                }
                agg.add(i);
                long t = System.currentTimeMillis();
                agg.cardFeatures(s.card[i], s.time[i], card, 0);
                sink.card(cardId(id, s.card[i]), t, card);
                agg.merchantFeatures(s.merchant[i], s.time[i], merchant, 0);
                sink.merchant(merchantId(id, s.merchant[i]), t, merchant);
            }
            System.out.println("pipeline: done");
        }
    }

    static CharSequence cardId(StringBuilder sb, int card) {
        sb.setLength(0);
        return sb.append("card-").append(card);
    }

    static CharSequence merchantId(StringBuilder sb, int merchant) {
        sb.setLength(0);
        return sb.append("merchant-").append(merchant);
    }
}
