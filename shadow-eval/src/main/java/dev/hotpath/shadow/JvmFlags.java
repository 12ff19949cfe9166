package dev.hotpath.shadow;

import org.agrona.concurrent.UnsafeBuffer;

import dev.hotpath.scoring.ConfigurationException;

/**
 * The JVM flag shadow-eval needs, and an early check for it. Agrona 2.x accesses {@code jdk.internal.misc.Unsafe},
 * which the JVM only allows with {@value #AGRONA_EXPORT}; without it the first Agrona buffer fails with an
 * obscure {@code NoClassDefFoundError}. Every entry point (evaluator, log writer and reader, report, replay) calls
 * {@link #requireAgronaAccess()} on its cold path so a missing flag fails at build time with this advice instead.
 * Stateless and thread-safe.
 */
public final class JvmFlags {
    /** Add this to the JVM command line of every process that uses shadow-eval. */
    public static final String AGRONA_EXPORT = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private static volatile boolean verified;

    private JvmFlags() {
    }

    /**
     * @throws ConfigurationException if Agrona cannot reach {@code jdk.internal.misc.Unsafe}
     */
    public static void requireAgronaAccess() {
        if (verified) {
            return;
        }
        try {
            new UnsafeBuffer(new byte[8]).putLong(0, 1L);
            verified = true;
        } catch (LinkageError e) {
            throw new ConfigurationException("shadow-eval uses Agrona 2.x, which needs the JVM flag " + AGRONA_EXPORT
                    + " (add it to the java command line, JAVA_TOOL_OPTIONS or the Surefire argLine)", e);
        }
    }
}
