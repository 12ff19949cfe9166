package dev.hotpath.shadow.replay;

import java.io.PrintStream;
import java.nio.file.Path;

import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.Model;

/**
 * The body of {@code hotpath shadow replay --log DIR --model FILE --out DIR}: the CLI parses arguments, loads the
 * model (e.g. with {@code dev.hotpath.formats.ModelLoader}), calls {@link #run}, closes the model and exits with
 * the returned code. Never calls {@code System.exit}. Stateless and thread-safe.
 */
public final class ShadowReplayCommand {
    /** Exit code: the replay log was written. */
    public static final int EXIT_OK = 0;
    /** Exit code: the source log could not be read, had no captured features, or the output failed. */
    public static final int EXIT_INPUT_ERROR = 2;

    private ShadowReplayCommand() {
    }

    /**
     * Replays, printing the summary to {@code out} or the problem to {@code err}.
     *
     * @param logDir the source log directory ({@code --log})
     * @param model the loaded candidate ({@code --model}); the caller closes it
     * @param outDir the directory for the new log ({@code --out})
     * @param options id, name, threshold and output of the candidate ({@link ReplayOptions#defaults()} for none)
     * @param out standard output
     * @param err standard error
     * @return {@link #EXIT_OK} or {@link #EXIT_INPUT_ERROR}
     */
    public static int run(Path logDir, Model model, Path outDir, ReplayOptions options, PrintStream out,
            PrintStream err) {
        try {
            ReplayResult r = ShadowReplay.replay(logDir, model, outDir, options);
            out.println(r.summary());
            out.flush();
            return EXIT_OK;
        } catch (HotpathException e) {
            err.println("hotpath shadow replay: " + e.getMessage());
            return EXIT_INPUT_ERROR;
        }
    }
}
