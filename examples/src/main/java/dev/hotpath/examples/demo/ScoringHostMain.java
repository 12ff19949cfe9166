package dev.hotpath.examples.demo;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.MetricsSnapshot;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ScorerHealth;
import dev.hotpath.stream.FeatureStreamFollower;
import dev.hotpath.stream.FollowerOptions;
import dev.hotpath.stream.FollowerState;
import dev.hotpath.stream.FollowerStats;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One scoring host of the fleet demo ({@code bin/hotpath demo --kafka}), run as its own JVM: a follower per view
 * keeps this host's own views directory fresh from the topics, and a {@code Scorer} reads the views for its share of
 * the live payments, paced at its share of the arrival rate. Samples the followers' lag while it scores and writes
 * a report (latency per stage, feature statuses, lag and freshness, the scorer's health with the followers attached
 * as its feeds, garbage) to {@code <viewsDir>/../report.txt}.
 *
 * <p>Arguments: {@code host viewsDir model seed history live rate bootstrapServers share shares goFile}: prints
 * {@code READY} when its followers are live, then starts scoring when {@code goFile} appears.
 */
public final class ScoringHostMain {
    private ScoringHostMain() {
    }

    /**
     * @param args see the class comment
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        String host = args[0];
        Path views = Path.of(args[1]);
        Path modelFile = Path.of(args[2]);
        long seed = Long.parseLong(args[3]);
        int history = Integer.parseInt(args[4]);
        int live = Integer.parseInt(args[5]);
        double rate = Double.parseDouble(args[6]);
        String servers = args[7];
        int share = Integer.parseInt(args[8]);
        int shares = Integer.parseInt(args[9]);
        Path go = Path.of(args[10]);
        FeatureView cardView = FeaturePipelineMain.cardView();
        FeatureView merchantView = FeaturePipelineMain.merchantView();

        PaymentStream stream = PaymentStream.generate(history + live, seed);
        int nRequest = FeatureAggregates.REQUEST_FEATURES.size();
        float[] request = new float[live * nRequest];
        FeatureAggregates agg = new FeatureAggregates(stream);
        for (int i = 0; i < history + live; i++) {
            if (i >= history) {
                agg.requestFeatures(i, request, (i - history) * nRequest);
            }
            agg.add(i);
        }

        long startedFollowing = System.nanoTime();
        try (FeatureStreamFollower cards = FeatureStreamFollower.start(views, cardView,
                FollowerOptions.builder(servers, FeaturePipelineMain.CARD_TOPIC).build());
             FeatureStreamFollower merchants = FeatureStreamFollower.start(views, merchantView,
                     FollowerOptions.builder(servers, FeaturePipelineMain.MERCHANT_TOPIC).build())) {
            for (FeatureStreamFollower f : new FeatureStreamFollower[] {cards, merchants}) {
                if (!f.awaitState(FollowerState.LIVE, Duration.ofMinutes(5))) {
                    throw new IllegalStateException(host + ": the follower of view " + f.view().name()
                            + " is not live after 5 minutes: " + f.stats().toJson());
                }
            }
            double liveAfter = (System.nanoTime() - startedFollowing) / 1e9;
            System.out.println("READY " + host);
            long goDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!Files.exists(go)) {
                if (System.nanoTime() > goDeadline) {
                    throw new IllegalStateException(host + ": no go signal within 10 minutes");
                }
                Thread.sleep(5);
            }
            try (FeatureReader cardReader = FeatureReader.open(views, cardView);
                 FeatureReader merchantReader = FeatureReader.open(views, merchantView);
                 Model model = ModelLoader.load(modelFile)) {
                Scorer.Builder b = Scorer.builder().primary("primary", model)
                        .featureSource(cardReader)
                        .featureSource(merchantReader)
                        .feed(cards)            // health: a view is ready only while its follower is LIVE
                        .feed(merchants)
                        .fallbackScore(0f);
                for (String f : FeatureAggregates.REQUEST_FEATURES) {
                    b.requestField(f);
                }
                Scorer scorer = b.build();
                ScorerHealth before = scorer.health();
                Lag cardLag = new Lag(cards.stats());
                Lag merchantLag = new Lag(merchants.stats());
                AtomicBoolean scoring = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    while (scoring.get()) {
                        cardLag.sample();
                        merchantLag.sample();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                }, host + "-lag-sampler");
                sampler.setDaemon(true);
                sampler.start();
                Score result = score(scorer, stream, history, live, request, rate / shares, share, shares);
                scoring.set(false);
                sampler.join();
                MetricsSnapshot m = scorer.metrics();
                Path report = views.getParent().resolve("report.txt");
                try (PrintStream out = new PrintStream(Files.newOutputStream(report), true,
                        StandardCharsets.UTF_8)) {
                    out.printf(Locale.ROOT, "%s: followers live %.1f s after start; scored %,d payments (share %d of"
                                    + " %d) at %,.0f tx/s, %d failed; the scoring thread allocated %.3f B/request"
                                    + " (incl. warm-up)%n", host, liveAfter, result.scored, share + 1, shares,
                            result.scored / result.seconds, result.failed, (double) result.allocated / result.scored);
                    out.println("  Latency per request (µs)          p50      p99    p99.9      max");
                    FraudDemo.row(out, "feature reads", m.featureLatency());
                    FraudDemo.row(out, "primary model", m.modelLatency());
                    FraudDemo.row(out, "total", m.totalLatency());
                    for (int v = 0; v < m.viewNames().size(); v++) {
                        StringBuilder sb = new StringBuilder("  statuses " + m.viewNames().get(v) + ":");
                        for (FeatureStatus s : FeatureStatus.values()) {
                            if (m.statusCount(v, s) > 0) {
                                sb.append(' ').append(s).append('=').append(m.statusCount(v, s));
                            }
                        }
                        out.println(sb);
                    }
                    out.println("  Followers (sampled every 20 ms while scoring)   state  behind max"
                            + "   freshness lag p50/p99/max (ms)   event-time lag p50/p99 (ms)   applied");
                    cardLag.print(out, "card");
                    merchantLag.print(out, "merchant");
                    out.println("  Health before scoring: " + indent(before));
                    out.println("  Health after scoring:  " + indent(scorer.health()));
                }
            }
        }
        System.out.println("DONE " + host);
    }

    private static String indent(ScorerHealth h) {
        return h.toString().replace("\n", "\n  ");
    }

    /** What the host's scoring loop did. */
    private static final class Score {
        long scored;
        long failed;
        long allocated;
        double seconds;
    }

    private static Score score(Scorer scorer, PaymentStream stream, int history, int live, float[] request,
                               double rate, int share, int shares) {
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        PaymentRequests requests = new PaymentRequests(scorer, stream, history, request);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Score out = new Score();
        scorer.metrics();
        long before = mx.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        long n = 0;
        for (int k = share; k < live; k += shares) {
            long due = start + (long) (n * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            scorer.score(requests.fill(req, k), res);
            if (res.hasFlag(ScoreResult.FALLBACK)) {
                out.failed++;
            }
            n++;
        }
        out.seconds = (System.nanoTime() - start) / 1e9;
        out.allocated = mx.getCurrentThreadAllocatedBytes() - before;
        out.scored = n;
        return out;
    }

    /** Lag samples of one follower (read through its allocation-free stats). */
    private static final class Lag {
        private final FollowerStats stats;
        private final Histogram freshness = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
        private final Histogram eventTime = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
        private long maxBehind;
        private final long appliedAtStart;

        Lag(FollowerStats stats) {
            this.stats = stats;
            this.appliedAtStart = stats.applied();
        }

        void sample() {
            long f = stats.freshnessLagMillis();
            if (f >= 0) {
                freshness.recordValue(Math.min(f, freshness.getHighestTrackableValue()));
            }
            long e = stats.eventTimeLagMillis();
            if (e >= 0) {
                eventTime.recordValue(Math.min(e, eventTime.getHighestTrackableValue()));
            }
            maxBehind = Math.max(maxBehind, stats.recordsBehind());
        }

        void print(PrintStream out, String view) {
            out.printf(Locale.ROOT, "  %-44s %6s %11d   %8d /%6d /%6d            %6d /%6d          %,d%n", view,
                    stats.state(), maxBehind, freshness.getValueAtPercentile(50), freshness.getValueAtPercentile(99),
                    freshness.getMaxValue(), eventTime.getValueAtPercentile(50), eventTime.getValueAtPercentile(99),
                    stats.applied() - appliedAtStart);
        }
    }
}
