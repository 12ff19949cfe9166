package dev.hotpath.shadow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;

/**
 * The evaluator's control plane: which models it knows and under which log ids. Model names (the {@code String}
 * ids a {@code Scorer} uses) map to u16 log ids in one {@link ModelIdRegistry} shared by primaries and shadows, so a
 * model keeps its id when its role changes. Resolving a primary, listing and replacing shadows all happen here, on
 * cold paths; the MODEL_INFO records they produce wait in a queue for the writer's thread.
 *
 * <p>Thread-safe: every mutation holds this object's lock. Allocates (cold path only).
 */
final class ModelRoster {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final int MAX_NAME_CHARS = 200;

    private final ModelIdRegistry registry = new ModelIdRegistry();
    private final ShadowWorkerAgent[] workers;
    private final float primaryThreshold;
    private final ConcurrentLinkedQueue<ModelDescriptor> pendingModels = new ConcurrentLinkedQueue<>();
    /** The counters of the last shadow slot of each id, continued if that id is shadowed again. */
    private final Map<Integer, SingleWriterCounters> lastCounters = new HashMap<>();

    /**
     * @param workers the shadow positions, with their initial slots
     * @param primaryThreshold the primary's threshold (also a replacement shadow's)
     * @param primaries the primaries configured at build
     */
    ModelRoster(ShadowWorkerAgent[] workers, float primaryThreshold, Collection<ModelDescriptor> primaries) {
        this.workers = workers;
        this.primaryThreshold = primaryThreshold;
        for (ModelDescriptor d : primaries) {
            registry.put(d.name(), d.modelId());
        }
        for (ShadowWorkerAgent w : workers) {
            ShadowWorkerAgent.Slot slot = w.configured();
            registry.put(slot.config.name(), slot.modelId);
            lastCounters.put(slot.modelId, slot.counters);
        }
    }

    /**
     * The log id of a primary model, registering its name under the smallest free id when it is new (with a
     * MODEL_INFO record naming it). Names longer than 200 characters are cut in the record.
     *
     * @return the id, or -1 if the registry is full
     */
    synchronized int resolvePrimary(String name, Model model, long version) {
        if (name == null || name.isEmpty()) {
            return -1;
        }
        int id = registry.find(name);
        if (id >= 0) {
            return id;
        }
        id = registry.register(name);
        if (id >= 0) {
            String n = name.length() > MAX_NAME_CHARS ? name.substring(0, MAX_NAME_CHARS) : name;
            String checksum = model == null ? "" : model.info().checksum();
            String description = model == null ? "" : ShadowModelConfig.describe(model.info());
            pendingModels.add(new ModelDescriptor(id, ShadowLogFormat.ROLE_PRIMARY, n, "v" + version, checksum,
                    description, primaryThreshold, model == null ? -1 : model.numFeatures(), 0, 0));
        }
        return id;
    }

    /** @return the current shadow models by name (a snapshot) */
    synchronized Map<String, Model> shadowModels() {
        Map<String, Model> m = new LinkedHashMap<>();
        for (ShadowWorkerAgent w : workers) {
            ShadowWorkerAgent.Slot slot = w.configured();
            m.put(slot.config.name(), slot.model);
        }
        return Collections.unmodifiableMap(m);
    }

    /** @return the current shadow configurations, in position order */
    synchronized List<ShadowModelConfig> shadows() {
        List<ShadowModelConfig> list = new ArrayList<>();
        for (ShadowWorkerAgent w : workers) {
            list.add(w.configured().config);
        }
        return List.copyOf(list);
    }

    /** See {@link ShadowEvaluator#replaceShadow}. */
    synchronized void replaceShadow(String name, String newName, Model model) {
        ShadowWorkerAgent target = null;
        for (ShadowWorkerAgent w : workers) {
            String current = w.configured().config.name();
            if (current.equals(name)) {
                target = w;
            } else if (current.equals(newName)) {
                throw new ConfigurationException("'" + newName + "' is already the name of another shadow");
            }
        }
        if (target == null) {
            throw new ConfigurationException("no shadow named '" + name + "'; shadows: " + shadowModels().keySet());
        }
        int id = registry.register(newName);
        if (id < 0) {
            throw new ConfigurationException("too many model names registered (" + ModelIdRegistry.MAX_NAMES + ")");
        }
        ShadowModelConfig old = target.configured().config;
        ShadowModelConfig next = ShadowModelConfig.builder(id, newName, model)
                .latencyBudget(Duration.ofNanos(old.latencyBudgetNanos()))
                .breakerFailures(old.breakerFailures())
                .breakerCoolDown(Duration.ofNanos(old.breakerCoolDownNanos()))
                .build();
        ShadowWorkerAgent.Slot slot = new ShadowWorkerAgent.Slot(next, primaryThreshold, lastCounters.get(id));
        lastCounters.put(id, slot.counters);
        pendingModels.add(next.descriptor(primaryThreshold));
        target.configure(slot);
        LOG.info("shadow '{}' [{}] replaced by '{}' [{}]", name, old.modelId(), newName, id);
    }

    /** @return the next MODEL_INFO record to write, or null; called on the writer's thread */
    ModelDescriptor pollPending() {
        return pendingModels.poll();
    }
}
