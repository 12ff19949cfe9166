package dev.hotpath.scoring.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GlibcMath} against the real glibc of this machine: a C program (compiled here with gcc) evaluates
 * {@code expf}, {@code logf} and {@code log1pf} on every 997th float bit pattern plus special values, and every result must match
 * bit for bit. Also shows that {@code (float) Math.exp} does not, which is why the port exists.
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
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done && p.exitValue() == 0, String.join(" ", cmd) + " failed (gcc is required; .ci/run installs"
                + " it): " + output);
    }
}
