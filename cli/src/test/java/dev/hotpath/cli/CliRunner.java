package dev.hotpath.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@link HotpathCli} in-process on captured streams. */
final class CliRunner {
    private CliRunner() {
    }

    /** The outcome of one command line. */
    record Result(int exitCode, String out, String err) {
        /** @return the non-empty lines of stderr */
        String[] errLines() {
            return err.isEmpty() ? new String[0] : err.split("\\R");
        }
    }

    static Result run(HotpathCli.ModelSource models, String... args) {
        return run(models, Map.of(), "", args);
    }

    static Result run(HotpathCli.ModelSource models, Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new HotpathCli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err, env,
                models).execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result runWithStdout(HotpathCli.ModelSource models, OutputStream stdout, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new HotpathCli(new ByteArrayInputStream(new byte[0]), stdout, err, Map.of(), models)
                .execute(args);
        return new Result(code, "", err.toString(StandardCharsets.UTF_8));
    }

    /** The production entry point: real model files through {@link ModelFiles}. */
    static Result runReal(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new HotpathCli(new ByteArrayInputStream(new byte[0]), out, err, Map.of()).execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
