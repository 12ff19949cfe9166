package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The JVM flags Chronicle Map 3.27ea0 needs on Java 17+, and an up-front check for them.
 *
 * <p>Without these flags Chronicle fails deep inside its static initialisers with errors that do not say what to
 * do. Every feature-cache entry point ({@link FeatureReader#open}, {@link FeatureWriter#open},
 * {@link FeatureWriter#createGeneration}, {@link FeatureCacheAdmin}) calls {@link #check()} before any Chronicle
 * class is initialised, and fails with {@link ConfigurationException} listing the exact flags.
 *
 * <p>Pass them on the command line, in {@code JDK_JAVA_OPTIONS} (see {@link #jvmOptionsLine()}), or, for an
 * executable jar, as {@code Add-Exports}/{@code Add-Opens} attributes of the <em>application's</em> jar manifest.
 * On Java 22+ also pass {@value #NATIVE_ACCESS} and on Java 24+ {@value #UNSAFE_ACCESS_ALLOW} (without them the JVM
 * prints warnings at start-up; {@code --sun-misc-unsafe-memory-access=deny} makes Chronicle 3.27ea0 fail).
 *
 * <p>Thread-safe; stateless. Cold path only.
 */
public final class ChronicleJvmFlags {
    /**
     * OpenHFT's documented list for class-path use on Java 11/17/21, in the order {@code bin/hotpath}, Surefire and
     * the docs use. Not all are strictly required by 3.27ea0, but all are checked so that every launcher uses the
     * same list.
     */
    public static final List<String> REQUIRED_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED");

    /**
     * System properties Hotpath sets itself at every entry point (so they need not be passed), listed for
     * launchers that want Chronicle quiet from the first class load: no usage analytics, no banner.
     */
    public static final List<String> SYSTEM_PROPERTIES = List.of(
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true");

    /** Java 22+: Chronicle and ONNX Runtime load native code; without it the JVM warns (and will refuse later). */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Java 24+: Chronicle uses {@code sun.misc.Unsafe} memory access; without it the JVM warns at first use. */
    public static final String UNSAFE_ACCESS_ALLOW = "--sun-misc-unsafe-memory-access=allow";

    private static final String UNSAFE_ACCESS_DENY = "--sun-misc-unsafe-memory-access=deny";

    private ChronicleJvmFlags() {
    }

    /**
     * @return the flags from {@link #REQUIRED_FLAGS} this JVM was not started with (empty when all are present)
     */
    public static List<String> missingFlags() {
        Module target = chronicleModule();
        List<String> missing = new ArrayList<>();
        for (String flag : REQUIRED_FLAGS) {
            if (!isGranted(flag, target)) {
                missing.add(flag);
            }
        }
        return Collections.unmodifiableList(missing);
    }

    /**
     * Checks that the JVM can run Chronicle Map: all {@link #REQUIRED_FLAGS} present, the {@code jdk.compiler}
     * module available (Chronicle compiles generated classes with javac at run time, so jlink images without it
     * fail), and unsafe memory access not denied on Java 24+.
     *
     * @throws ConfigurationException naming exactly what is missing, with the full flag list to copy
     */
    public static void check() {
        List<String> problems = new ArrayList<>();
        List<String> missing = missingFlags();
        if (!missing.isEmpty()) {
            problems.add("missing JVM flags: " + String.join(" ", missing));
        }
        if (ModuleLayer.boot().findModule("jdk.compiler").isEmpty()) {
            problems.add("module jdk.compiler is not in this runtime; Chronicle Map compiles generated classes"
                    + " at run time and needs a full JDK (not a JRE or a jlink image without jdk.compiler,"
                    + " java.compiler and jdk.zipfs)");
        }
        if (Runtime.version().feature() >= 24
                && ManagementFactory.getRuntimeMXBean().getInputArguments().contains(UNSAFE_ACCESS_DENY)) {
            problems.add(UNSAFE_ACCESS_DENY + " breaks Chronicle Map 3.27ea0; use " + UNSAFE_ACCESS_ALLOW);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Chronicle Map (the feature cache) cannot run in this JVM: "
                    + String.join("; ", problems) + ". Start the JVM with exactly these flags: "
                    + jvmOptionsLine() + " (on Java 22+ also " + NATIVE_ACCESS + ", on Java 24+ also "
                    + UNSAFE_ACCESS_ALLOW + "; the line above already has those this JVM needs)");
        }
    }

    /**
     * @return every required flag and system property on one line, ready for {@code JDK_JAVA_OPTIONS} or a
     *         launcher script
     */
    public static String jvmOptionsLine() {
        List<String> all = new ArrayList<>(REQUIRED_FLAGS);
        all.addAll(SYSTEM_PROPERTIES);
        if (Runtime.version().feature() >= 22) {
            all.add(NATIVE_ACCESS);
        }
        if (Runtime.version().feature() >= 24) {
            all.add(UNSAFE_ACCESS_ALLOW);
        }
        return String.join(" ", all);
    }

    /** Test-only: the required flags, to build partial flag sets for child JVMs. */
    static List<String> chronicleFlagsForTesting() {
        return REQUIRED_FLAGS;
    }

    private static boolean isGranted(String flag, Module target) {
        // flag looks like --add-opens=<module>/<package>=ALL-UNNAMED
        int eq = flag.indexOf('=');
        int slash = flag.indexOf('/', eq);
        int eq2 = flag.indexOf('=', slash);
        String kind = flag.substring(0, eq);
        String moduleName = flag.substring(eq + 1, slash);
        String pkg = flag.substring(slash + 1, eq2);
        Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
        if (module.isEmpty()) {
            return false;
        }
        return "--add-opens".equals(kind) ? module.get().isOpen(pkg, target) : module.get().isExported(pkg, target);
    }

    /**
     * The module Chronicle's classes live in: the unnamed module on the class path (the supported setup). Looked
     * up without initialising any Chronicle class.
     */
    private static Module chronicleModule() {
        try {
            return Class.forName("net.openhft.chronicle.core.Jvm", false, ChronicleJvmFlags.class.getClassLoader())
                    .getModule();
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException("chronicle-core is not on the class path; the feature cache needs"
                    + " net.openhft:chronicle-map:3.27ea0 and its dependencies", e);
        }
    }
}
