package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureSource;
import dev.hotpath.scoring.scorer.FeatureStatus;

import java.util.List;

/**
 * Adapts a pinned {@link FeatureReader} to the {@link dev.hotpath.scoring.scorer.Scorer}'s {@link FeatureSource}.
 * Thread-safe; {@link #read} and {@link #fillDefaults} allocate nothing and never throw for data problems.
 */
final class ReaderFeatureSource implements FeatureSource {
    /** ReadStatus ordinal -> FeatureStatus, matched by name so neither enum's order matters. */
    private static final FeatureStatus[] STATUS = new FeatureStatus[ReadStatus.COUNT];

    static {
        for (ReadStatus s : ReadStatus.values()) {
            STATUS[s.ordinal()] = FeatureStatus.valueOf(s.name());
        }
    }

    private final FeatureReader reader;
    private final FeatureView view;

    ReaderFeatureSource(FeatureReader reader, FeatureView view) {
        this.reader = reader;
        this.view = view;
    }

    @Override
    public String name() {
        return view.name();
    }

    @Override
    public List<String> featureNames() {
        return view.featureNames();
    }

    @Override
    public FeatureStatus read(CharSequence entityId, float[] dst, int offset) {
        return STATUS[reader.read(entityId, dst, offset).ordinal()];
    }

    @Override
    public void fillDefaults(float[] dst, int offset) {
        view.copyDefaults(dst, offset);
    }

    @Override
    public String toString() {
        return "FeatureSource{" + view + "}";
    }
}
