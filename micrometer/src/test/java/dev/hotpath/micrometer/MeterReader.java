package dev.hotpath.micrometer;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Looks meters up in a registry by name and tags, failing the test when one is missing. */
final class MeterReader {
    private final MeterRegistry registry;

    MeterReader(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @return the value of the function counter {@code name} with {@code tags} */
    double counter(String name, String... tags) {
        FunctionCounter c = registry.find(name).tags(tags).functionCounter();
        assertNotNull(c, name + " " + List.of(tags));
        return c.count();
    }

    /** @return the value of the gauge {@code name} with {@code tags} */
    double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertNotNull(g, name + " " + List.of(tags));
        return g.value();
    }
}
