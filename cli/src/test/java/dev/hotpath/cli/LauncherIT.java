package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/hotpath} as a separate process against the jar built in the {@code package} phase (Surefire's
 * {@code launcher-it} execution, which runs in {@code integration-test}). Maven itself is replaced by a stub in the
 * rebuild tests, so a test build never starts a nested build.
 */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("hotpath.repo.root", "..")).toAbsolutePath()
            .normalize();
    private static final Path LAUNCHER = ROOT.resolve("bin/hotpath");
    private static final Path JAR = Path.of(System.getProperty("hotpath.cli.jar",
            ROOT.resolve("cli/target/hotpath-cli.jar").toString()));
    private static final String VERSION = System.getProperty("hotpath.expected.version");
    private static final Path REAL_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path tmp;

    record Proc(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void requireThePackagedJar() {
        assertTrue(VERSION != null, "LauncherIT runs in the integration-test phase (surefire execution"
                + " 'launcher-it'): run `mvn -pl cli verify`, not -Dtest=LauncherIT");
        assertTrue(Files.isRegularFile(JAR), "run through `mvn verify`: " + JAR + " must exist");
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " must be executable");
    }

    private Proc run(Path launcher, Map<String, String> extraEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.remove("JAVA_OPTS");
        env.remove("HOTPATH_DEBUG");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(extraEnv);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher timed out: " + cmd);
        return new Proc(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Map<String, String> noBuild() {
        return Map.of("HOTPATH_NO_BUILD", "1");
    }

    @Test
    void shouldRunThePackagedJarWithTheVersionFromItsManifest() throws Exception {
        Proc p = run(LAUNCHER, noBuild(), "--version");
        assertEquals(0, p.exitCode(), p.err());
        assertEquals("hotpath " + VERSION + "\n", p.out());
        assertEquals("", p.err());
    }

    @Test
    void shouldPropagateExitCodesAndKeepStdoutForOutputOnly() throws Exception {
        Proc help = run(LAUNCHER, noBuild(), "score", "--help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().startsWith("Usage: hotpath score"), help.out());

        Proc usage = run(LAUNCHER, noBuild(), "score", "--bogus");
        assertEquals(2, usage.exitCode());
        assertEquals("", usage.out());
        assertTrue(usage.err().startsWith("hotpath: error: "), usage.err());

        Proc failure = run(LAUNCHER, noBuild(), "inspect", "--model", tmp.resolve("absent.json").toString());
        assertEquals(1, failure.exitCode());
        assertEquals("", failure.out());
        assertEquals("hotpath: error: model file not found: " + tmp.resolve("absent.json") + "\n", failure.err());
    }

    @Test
    void shouldScoreAnXgboostModelThroughThePackagedClasspath() throws Exception {
        // Through the jar's manifest Class-Path (lib/), not Surefire's classpath: a dependency missing from lib/
        // fails here.
        int n = 50;
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = (i * 7) % 11;
            y[i] = i % 3 == 0 ? 1f : 0f;
        }
        Booster b;
        DMatrix d = new DMatrix(x, n, 2, Float.NaN);
        try {
            d.setLabel(y);
            b = XGBoost.train(d, Map.of("objective", "binary:logistic", "max_depth", 3, "nthread", 1), 5,
                    new HashMap<>(), null, null);
        } finally {
            d.dispose();
        }
        float[][] expected;
        Path model = tmp.resolve("m.ubj");
        try {
            b.saveModel(model.toString());
            DMatrix all = new DMatrix(x, n, 2, Float.NaN);
            try {
                expected = b.predict(all);
            } finally {
                all.dispose();
            }
        } finally {
            b.dispose();
        }
        StringBuilder csv = new StringBuilder("f1,f0\n");
        for (int i = 0; i < n; i++) {
            csv.append(Float.toString(x[2 * i + 1])).append(',').append(Float.toString(x[2 * i])).append('\n');
        }
        Path input = tmp.resolve("in.csv");
        Files.writeString(input, csv);

        Proc p = run(LAUNCHER, noBuild(), "score", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, p.exitCode(), p.err());
        assertEquals("", p.err());
        String[] lines = p.out().split("\n");
        assertEquals(n + 1, lines.length);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(expected[i][0]), Float.floatToIntBits(Float.parseFloat(lines[i + 1])),
                    "row " + i);
        }
        Proc inspect = run(LAUNCHER, noBuild(), "inspect", "--model", model.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().contains("\"format\" : \"xgboost-ubj\""), inspect.out());
    }

    @Test
    void shouldInspectAnOnnxModelThroughThePackagedClasspath() throws Exception {
        Path model = ROOT.resolve("model-formats/src/test/resources/onnx/logreg.onnx");
        Proc p = run(LAUNCHER, noBuild(), "inspect", "--model", model.toString());
        assertEquals(0, p.exitCode(), p.err());
        assertEquals("", p.err());
        assertTrue(p.out().contains("\"format\" : \"onnx\""), p.out());
    }

    @Test
    void shouldStartJavaFromJavaHomeWithJavaOptsTheChronicleFlagsAndTheJar() throws Exception {
        // A JAVA_HOME whose java records its arguments and then runs the real JVM.
        Path fakeHome = tmp.resolve("jdk");
        Path argsFile = tmp.resolve("java-args.txt");
        Files.createDirectories(fakeHome.resolve("bin"));
        writeScript(fakeHome.resolve("bin/java"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + argsFile + "'\nexec '"
                + REAL_JAVA + "' \"$@\"\n");

        Proc p = run(LAUNCHER, Map.of("HOTPATH_NO_BUILD", "1", "JAVA_HOME", fakeHome.toString(),
                "JAVA_OPTS", "-Xmx256m  -Dhotpath.test=a*b"), "--version", "extra arg");
        assertEquals(0, p.exitCode(), p.err());
        assertEquals("hotpath " + VERSION + "\n", p.out());

        List<String> expected = new ArrayList<>(List.of("-Xmx256m", "-Dhotpath.test=a*b"));
        expected.addAll(rootPomList("hotpath.chronicle.jvm.flags"));
        expected.addAll(rootPomList("hotpath.agrona.jvm.flags"));
        expected.addAll(rootPomList("hotpath.test.system.props"));
        expected.addAll(List.of("-jar", ROOT.resolve("cli/target/hotpath-cli.jar").toString(), "--version",
                "extra arg"));
        assertEquals(expected, Files.readAllLines(argsFile));
    }

    @Test
    void shouldRebuildOnlyWhenTheJarIsMissingOrOlderThanTheSources() throws Exception {
        // A miniature repository: the real launcher and jar (its lib/ linked), one module, and a stub Maven.
        Path root = tmp.resolve("repo");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.createDirectories(root.resolve("core/src/main/java"));
        Files.copy(LAUNCHER, root.resolve("bin/hotpath"));
        Path jar = root.resolve("cli/target/hotpath-cli.jar");
        Files.createSymbolicLink(root.resolve("cli/target/lib"), JAR.resolveSibling("lib"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.writeString(root.resolve("core/pom.xml"), "<project/>\n");
        Path source = root.resolve("core/src/main/java/A.java");
        Files.writeString(source, "class A {}\n");
        Path mvnLog = tmp.resolve("mvn.log");
        Path mvn = tmp.resolve("fake-mvn");
        // The stub "builds" by copying the real jar into place, and records its working directory and arguments.
        writeScript(mvn, "#!/bin/sh\necho \"$(pwd) $*\" >> '" + mvnLog + "'\necho 'maven noise'\n"
                + "[ -n \"$FAIL_BUILD\" ] && exit 1\n[ -f '" + jar + "' ] || cp '" + JAR + "' '" + jar + "'\n");
        Path launcher = root.resolve("bin/hotpath");
        Map<String, String> env = new HashMap<>(Map.of("HOTPATH_MVN", mvn.toString()));

        // 1. No jar: build, then run. Maven's output must not reach stdout (nor stderr, when the build works).
        Proc first = run(launcher, env, "--version");
        assertEquals(0, first.exitCode(), first.err());
        assertEquals("hotpath " + VERSION + "\n", first.out());
        assertEquals("hotpath: building (first run takes a minute)…\n", first.err(),
                "Maven's output is shown only when the build fails");
        assertEquals(List.of(root + " -B -q -DskipTests -pl cli -am install"), Files.readAllLines(mvnLog));

        // 2. Jar newer than every source: no build.
        Proc second = run(launcher, env, "--version");
        assertEquals(0, second.exitCode(), second.err());
        assertEquals("", second.err());
        assertEquals(1, Files.readAllLines(mvnLog).size());

        // 3. A source file edited after the build: rebuild. The stub leaves an existing jar alone (as the jar
        //    plugin does when nothing in the module changed), so only the launcher's touch makes it fresh again.
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 3_600_000));
        Files.setLastModifiedTime(source, FileTime.fromMillis(now - 1_800_000));
        Proc third = run(launcher, env, "--version");
        assertEquals(0, third.exitCode(), third.err());
        assertEquals(2, Files.readAllLines(mvnLog).size());
        Proc fourth = run(launcher, env, "--version");
        assertEquals(0, fourth.exitCode(), fourth.err());
        assertEquals(2, Files.readAllLines(mvnLog).size(), "the rebuilt jar must count as fresh");

        // 4. A pom edited after the build: rebuild; the build fails → exit 1 with a one-line error.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 3_600_000));
        Files.setLastModifiedTime(root.resolve("core/pom.xml"), FileTime.fromMillis(now - 1_800_000));
        env.put("FAIL_BUILD", "1");
        Proc failed = run(launcher, env, "--version");
        assertEquals(1, failed.exitCode());
        assertEquals("", failed.out());
        assertTrue(failed.err().startsWith("hotpath: building (first run takes a minute)…\nmaven noise\n"),
                failed.err());
        assertTrue(failed.err().endsWith("\n") && failed.err().contains("hotpath: error: the build failed"),
                failed.err());
        assertEquals(3, Files.readAllLines(mvnLog).size());

        // 5. HOTPATH_NO_BUILD=1 runs the (stale) jar without Maven; with no jar it fails clearly.
        env.put("HOTPATH_NO_BUILD", "1");
        assertEquals(0, run(launcher, env, "--version").exitCode());
        Files.delete(jar);
        Proc missing = run(launcher, env, "--version");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().startsWith("hotpath: error: " + jar + " is missing"), missing.err());
        assertEquals(3, Files.readAllLines(mvnLog).size());
    }

    private static void writeScript(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A whitespace-separated list property of the root pom, e.g. the Chronicle JVM flags. */
    private static List<String> rootPomList(String property) throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">([^<]*)</").matcher(pom);
        assertTrue(m.find(), property + " not found in the root pom");
        List<String> values = List.of(m.group(1).trim().split("\\s+"));
        assertFalse(values.isEmpty());
        return values;
    }
}
