package dev.hotpath.scoring.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GlibcMath} against the real glibc of this machine: a C program (compiled here with gcc) evaluates
 * {@code expf}, {@code logf} and {@code log1pf} on every 997th float bit pattern plus special values, and every result must match
 * bit for bit. Also shows that {@code (float) Math.exp} does not, which is why the port exists. The double
 * {@code exp} is compared on a million inputs twice: as glibc runs on this CPU (against {@link GlibcMath#exp(double)})
 * and with FMA masked off through {@code GLIBC_TUNABLES} (against the unfused variant).
 */
class GlibcMathTest {
    private static final String PROGRAM = String.join("\n",
            "#include <math.h>",
            "#include <stdio.h>",
            "#include <stdint.h>",
            "#include <string.h>",
            "int main(int argc, char** argv) {",
            "  FILE* f = fopen(argv[1], \"wb\");",
            "  for (uint64_t b = 0; b <= 0xffffffffULL; b += 997) {",
            "    uint32_t u = (uint32_t) b; float x; memcpy(&x, &u, 4);",
            "    float r[3] = { expf(x), logf(x), log1pf(x) };",
            "    fwrite(r, 4, 3, f);",
            "  }",
            "  return fclose(f);",
            "}", "");

    @Test
    void shouldMatchGlibcBitForBitOnMillionsOfInputs(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("probe.c");
        Files.writeString(src, PROGRAM, StandardCharsets.US_ASCII);
        Path exe = dir.resolve("probe");
        run(dir, "gcc", "-O1", "-o", exe.toString(), src.toString(), "-lm");
        Path out = dir.resolve("glibc.bin");
        run(dir, exe.toString(), out.toString());
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.nativeOrder());
        long n = 0;
        long mathExpDiffers = 0;
        for (long b = 0; b <= 0xffffffffL; b += 997) {
            float x = Float.intBitsToFloat((int) b);
            float e = bb.getFloat();
            float l = bb.getFloat();
            float l1p = bb.getFloat();
            assertSameFloat(e, GlibcMath.expf(x), "expf", x);
            assertSameFloat(l, GlibcMath.logf(x), "logf", x);
            assertSameFloat(l1p, GlibcMath.log1pf(x), "log1pf", x);
            if (!Float.isNaN(x) && (float) Math.exp(x) != e) {
                mathExpDiffers++;
            }
            n++;
        }
        assertTrue(n > 4_000_000, "compared " + n + " inputs");
        assertTrue(mathExpDiffers > 0, "expected (float) Math.exp to differ from glibc somewhere");
    }

    private static final String EXP_PROGRAM = String.join("\n",
            "#include <math.h>",
            "#include <stdio.h>",
            "#include <stdint.h>",
            "int main(int argc, char** argv) {",
            "  FILE* f = fopen(argv[1], \"wb\");",
            "  uint64_t s = 88172645463325252ULL;",
            "  static const double lo[] = {-40, -745.2, 500, -520, -1e-3, -5, -0x1p-50, -709};",
            "  static const double hi[] = {40, -700, 709.8, -500, 1e-3, 5, 0x1p-50, 710};",
            "  for (int i = 0; i < 1000000; i++) {",
            "    s ^= s << 13; s ^= s >> 7; s ^= s << 17;",
            "    double u = (double) (s >> 11) * 0x1p-53;",
            "    int r = (int) (s % 8);",
            "    double x[2] = { lo[r] + (hi[r] - lo[r]) * u, 0 };",
            "    x[1] = exp(x[0]);",
            "    fwrite(x, 8, 2, f);",
            "  }",
            "  return fclose(f);",
            "}", "");

    @Test
    void shouldMatchGlibcExpBitForBitWithAndWithoutFma(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("exp.c");
        Files.writeString(src, EXP_PROGRAM, StandardCharsets.US_ASCII);
        Path exe = dir.resolve("exp");
        run(dir, "gcc", "-O1", "-o", exe.toString(), src.toString(), "-lm");
        Path thisCpu = dir.resolve("exp-this-cpu.bin");
        run(dir, exe.toString(), thisCpu.toString());
        Path unfused = dir.resolve("exp-unfused.bin");
        ProcessBuilder masked = new ProcessBuilder(exe.toString(), unfused.toString());
        // glibc 2.26-2.32 name the features *_Usable, later ones without; unknown names are ignored.
        masked.environment().put("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-FMA,-AVX2,-FMA_Usable,-AVX2_Usable");
        run(dir, masked);
        long mathExpDiffers = compareExp(thisCpu, true);
        compareExp(unfused, false);
        assertTrue(mathExpDiffers > 100, "expected Math.exp to differ from glibc's exp on some inputs, differed on "
                + mathExpDiffers);
    }

    /** @return on how many inputs {@code Math.exp} differs from glibc */
    private static long compareExp(Path results, boolean asThisCpu) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(results)).order(ByteOrder.nativeOrder());
        long n = 0;
        long mathExpDiffers = 0;
        while (bb.remaining() >= 16) {
            double x = bb.getDouble();
            double glibc = bb.getDouble();
            double port = asThisCpu ? GlibcMath.exp(x) : GlibcMath.exp(x, false);
            if (Double.doubleToRawLongBits(glibc) != Double.doubleToRawLongBits(port)) {
                assertEquals(Double.toHexString(glibc), Double.toHexString(port), (asThisCpu ? "exp" : "unfused exp")
                        + "(" + Double.toHexString(x) + ")");
            }
            mathExpDiffers += Math.exp(x) != glibc ? 1 : 0;
            n++;
        }
        assertEquals(1_000_000, n, "inputs compared");
        return mathExpDiffers;
    }

    @Test
    void shouldHandleSpecialValuesOfDoubleExp() {
        for (boolean fused : new boolean[] {true, false}) {
            assertEquals(1.0, GlibcMath.exp(0.0, fused));
            assertEquals(1.0, GlibcMath.exp(-0.0, fused));
            assertEquals(0.0, GlibcMath.exp(Double.NEGATIVE_INFINITY, fused));
            assertEquals(Double.POSITIVE_INFINITY, GlibcMath.exp(Double.POSITIVE_INFINITY, fused));
            assertEquals(Double.POSITIVE_INFINITY, GlibcMath.exp(710.0, fused));
            assertEquals(0.0, GlibcMath.exp(-746.0, fused));
            assertEquals(Double.MIN_VALUE, GlibcMath.exp(-744.5, fused)); // the smallest subnormal
            assertTrue(Double.isNaN(GlibcMath.exp(Double.NaN, fused)));
            assertEquals(Math.E, GlibcMath.exp(1.0, fused));
        }
    }

    @Test
    void shouldHandleSpecialValues() {
        assertEquals(1f, GlibcMath.expf(0f));
        assertEquals(0f, GlibcMath.expf(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, GlibcMath.expf(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, GlibcMath.expf(89f));
        assertEquals(0f, GlibcMath.expf(-104f));
        assertTrue(Float.isNaN(GlibcMath.expf(Float.NaN)));
        assertEquals(0f, GlibcMath.logf(1f));
        assertEquals(Float.NEGATIVE_INFINITY, GlibcMath.logf(0f));
        assertEquals(Float.NEGATIVE_INFINITY, GlibcMath.logf(-0f));
        assertTrue(Float.isNaN(GlibcMath.logf(-1f)));
        assertEquals(Float.POSITIVE_INFINITY, GlibcMath.logf(Float.POSITIVE_INFINITY));
    }

    private static void assertSameFloat(float expected, float actual, String fn, float x) {
        if (Float.isNaN(expected) && Float.isNaN(actual)) {
            return;
        }
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                fn + "(" + x + " / 0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + "): glibc " + expected
                        + ", GlibcMath " + actual);
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        run(dir, new ProcessBuilder(cmd));
    }

    private static void run(Path dir, ProcessBuilder pb) throws IOException, InterruptedException {
        List<String> cmd = pb.command();
        Process p = pb.directory(dir.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done && p.exitValue() == 0, String.join(" ", cmd) + " failed (gcc is required; .ci/run installs"
                + " it): " + output);
    }
}
