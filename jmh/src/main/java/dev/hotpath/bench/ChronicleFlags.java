package dev.hotpath.bench;

/**
 * The JVM flags Chronicle Map needs on JDK 17 (the list in the root pom's {@code hotpath.chronicle.jvm.flags} and
 * {@code dev.hotpath.cache.ChronicleJvmFlags#REQUIRED_FLAGS}), as compile-time constants for {@code @Fork}.
 */
final class ChronicleFlags {
    static final String F1 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String F2 = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String F3 = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    static final String F4 = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    static final String F5 = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    static final String F6 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String F7 = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String F8 = "--add-opens=java.base/java.io=ALL-UNNAMED";
    static final String F9 = "--add-opens=java.base/java.util=ALL-UNNAMED";
    static final String P1 = "-Dchronicle.analytics.disable=true";
    static final String P2 = "-Dchronicle.announcer.disable=true";

    private ChronicleFlags() {
    }
}
