package dev.hotpath.stream.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Manual probe: how long does a broker take to start here. */
public final class BrokerSmokeMain {
    public static void main(String[] args) throws Exception {
        Path d = Files.createTempDirectory("broker");
        long t0 = System.nanoTime();
        try (EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(d)) {
            long t1 = System.nanoTime();
            System.out.println("started in " + (t1 - t0) / 1e6 + " ms at " + b.bootstrapServers());
            b.createTopic("t", 3, Map.of());
            System.out.println("topic in " + (System.nanoTime() - t1) / 1e6 + " ms");
            long t2 = System.nanoTime();
            b.stop();
            System.out.println("stopped in " + (System.nanoTime() - t2) / 1e6 + " ms");
            long t3 = System.nanoTime();
            b.restart();
            System.out.println("restarted in " + (System.nanoTime() - t3) / 1e6 + " ms");
        }
    }
}
