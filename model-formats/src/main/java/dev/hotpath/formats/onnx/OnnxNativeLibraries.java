package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Pre-extracts ONNX Runtime's native libraries from the {@code onnxruntime} jar into a directory of your choice, so
 * that production JVMs can load them with {@code -Donnxruntime.native.path=DIR} (or
 * {@link OnnxOptions.Builder#nativeLibraryDirectory(Path)}).
 *
 * <p>Why: without that property ONNX Runtime copies about 22 MB ({@code libonnxruntime.so} and
 * {@code libonnxruntime4j_jni.so} on linux-x64) into a fresh {@code onnxruntime-java*} directory under
 * {@code java.io.tmpdir} at every JVM start. The files are deleted on a normal exit (the empty directory stays) but
 * survive a crash or {@code SIGKILL}, and a {@code noexec} temp directory makes loading fail with "failed to map
 * segment". Extract once at image build time (for example in a Dockerfile) and point the property at the result.
 *
 * <p>The linux libraries need glibc 2.27 or newer (and {@code GLIBCXX_3.4.22}); Alpine/musl images cannot load them.
 *
 * <p>Stateless and thread-safe; only {@link #extractTo(Path)} touches the file system. Cold path only.
 */
public final class OnnxNativeLibraries {

    private OnnxNativeLibraries() {
    }

    /**
     * ONNX Runtime's name for this platform, which is also the resource folder inside its jar: {@code linux-x64},
     * {@code linux-aarch64}, {@code osx-x64}, {@code osx-aarch64} or {@code win-x64}.
     *
     * @return the platform id
     * @throws ConfigurationException on a platform the ONNX Runtime jar carries no library for
     */
    public static String platformId() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o;
        if (os.contains("linux")) {
            o = "linux";
        } else if (os.contains("mac") || os.contains("darwin")) {
            o = "osx";
        } else if (os.contains("win")) {
            o = "win";
        } else {
            throw new ConfigurationException("ONNX Runtime ships no native library for os.name=" + os);
        }
        String a;
        if (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x64")) {
            a = "x64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            a = "aarch64";
        } else {
            throw new ConfigurationException("ONNX Runtime ships no native library for os.arch=" + arch);
        }
        return o + "-" + a;
    }

    /**
     * The file names ONNX Runtime loads from {@code onnxruntime.native.path} on this platform, e.g.
     * {@code [libonnxruntime.so, libonnxruntime4j_jni.so]}.
     *
     * @return the runtime library first, then the JNI library
     */
    public static List<String> libraryFileNames() {
        return List.of(fileName("onnxruntime"), fileName("onnxruntime4j_jni"));
    }

    /**
     * Copies this platform's ONNX Runtime native libraries out of the {@code onnxruntime} jar on the class path into
     * {@code directory} (created if missing; existing files are replaced). Does not load them.
     *
     * @param directory where to put the libraries; must be on an executable (not {@code noexec}) file system
     * @return the directory, absolute; pass it to {@code -Donnxruntime.native.path}
     * @throws ConfigurationException if the jar has no libraries for this platform or copying fails
     */
    public static Path extractTo(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        String platform = platformId();
        try {
            Files.createDirectories(dir);
            for (String lib : libraryFileNames()) {
                String resource = "/ai/onnxruntime/native/" + platform + "/" + lib;
                try (InputStream in = OnnxNativeLibraries.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ConfigurationException("the onnxruntime jar on the class path has no " + resource);
                    }
                    Path tmp = Files.createTempFile(dir, lib, ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, dir.resolve(lib), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot extract ONNX Runtime native libraries to " + dir + ": " + e, e);
        }
        return dir;
    }

    private static String fileName(String lib) {
        // ONNX Runtime maps macOS's default .jnilib suffix to .dylib, as its jar does.
        String mapped = System.mapLibraryName(lib);
        return mapped.endsWith(".jnilib") ? mapped.substring(0, mapped.length() - ".jnilib".length()) + ".dylib"
                : mapped;
    }
}
