package dev.hotpath.cli;

import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code hotpath} command: the root of the picocli command tree and the CLI's {@code main} class.
 *
 * <p><b>Adding a subcommand</b> takes one class in this package: annotate it with {@code @Command(name = "…",
 * mixinStandardHelpOptions = true)}, implement {@code Callable<Integer>} returning an {@link ExitCodes} value,
 * inject {@code @Spec CommandSpec spec} and reach the process's streams and the model loader through
 * {@link #from(CommandSpec)}; then list the class in this class's {@code subcommands}. A command group such as
 * {@code hotpath cache create|load|get|stats} is one class with its own {@code subcommands} (or
 * {@code @Command}-annotated methods). Throw any exception for a runtime failure: it becomes the one-line
 * {@code hotpath: error: …} message and exit code {@link ExitCodes#FAILURE}; throw
 * {@link ParameterException} for a usage error ({@link ExitCodes#USAGE}).
 *
 * <p><b>Errors.</b> Runtime failures print exactly one line, {@code hotpath: error: <message>}, on stderr; with
 * {@code --verbose} (accepted by every command) or the environment variable {@code HOTPATH_DEBUG=1} the stack
 * trace follows. Usage errors print {@code hotpath: error: <what>} and a hint to run {@code --help}.
 *
 * <p>An instance runs one command line on the streams it was given, so tests run the CLI in-process. Not
 * thread-safe; create one per invocation.
 */
@Command(name = "hotpath", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "In-process, zero-allocation fraud scoring for the JVM: command-line tools.",
        subcommands = {
            ScoreCommand.class,
            ExplainCommand.class,
            InspectCommand.class,
            CacheCommand.class,
            ShadowCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        },
        commandListHeading = "%nCommands:%n",
        modelTransformer = ExitCodeHelp.class,
        footer = {"%nRun 'hotpath COMMAND --help' for a command's options and exact semantics."})
public final class HotpathCli implements Runnable {
    /** The environment variable that turns on stack traces for errors when set to {@code 1} or {@code true}. */
    public static final String DEBUG_ENV = "HOTPATH_DEBUG";

    private static final String VERBOSE_OPTION = "--verbose";

    @Spec
    private CommandSpec spec;

    // Declared here so that every command accepts it (INHERIT); read back from the parse result in debug(), which
    // sees it wherever on the command line it was given.
    @Option(names = VERBOSE_OPTION, scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (same as HOTPATH_DEBUG=1).")
    private boolean verbose;

    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintWriter stdoutWriter;
    private final PrintWriter stderr;
    private final Map<String, String> env;
    private final ModelSource models;

    /** Loads the model a command names; {@link ModelFiles#load(Path)} outside tests. */
    @FunctionalInterface
    interface ModelSource {
        /**
         * @param file the model file named on the command line
         * @return the loaded model, closed by the command
         */
        Model load(Path file);
    }

    /**
     * Creates a CLI that runs on the given streams and environment, reading real model files.
     *
     * @param stdin the command's standard input
     * @param stdout the command's standard output (CSV, JSON, help, version); not closed
     * @param stderr the command's standard error (errors, progress); not closed
     * @param env the environment variables, e.g. {@link System#getenv()}
     */
    public HotpathCli(InputStream stdin, OutputStream stdout, OutputStream stderr, Map<String, String> env) {
        this(stdin, stdout, stderr, env, ModelFiles::load);
    }

    /**
     * The test seam: like the public constructor, with the model loader replaced.
     *
     * @param stdin standard input
     * @param stdout standard output
     * @param stderr standard error
     * @param env environment variables
     * @param models loads the model a command names
     */
    HotpathCli(InputStream stdin, OutputStream stdout, OutputStream stderr, Map<String, String> env,
               ModelSource models) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.stdout = Objects.requireNonNull(stdout, "stdout");
        this.stdoutWriter = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        this.stderr = new PrintWriter(new OutputStreamWriter(Objects.requireNonNull(stderr, "stderr"),
                StandardCharsets.UTF_8), true);
        this.env = Map.copyOf(env);
        this.models = Objects.requireNonNull(models, "models");
    }

    /**
     * Runs {@code hotpath} with the process's streams and exits with the command's exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // Unbuffered descriptors rather than System.out: the commands buffer themselves, and a closed pipe must
        // surface as an IOException instead of being swallowed by PrintStream.
        HotpathCli cli = new HotpathCli(new FileInputStream(FileDescriptor.in),
                new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err), System.getenv());
        System.exit(cli.execute(args));
    }

    /**
     * Parses and runs one command line.
     *
     * @param args the command line, without the program name
     * @return the exit code, one of {@link ExitCodes}
     */
    public int execute(String... args) {
        CommandLine cmd = new CommandLine(this);
        cmd.setOut(stdoutWriter);
        cmd.setErr(stderr);
        cmd.setParameterExceptionHandler(this::handleUsageError);
        cmd.setExecutionExceptionHandler(this::handleFailure);
        try {
            return cmd.execute(args);
        } catch (Error | RuntimeException e) {
            // picocli hands only Exceptions thrown by a command to the handler; Errors (a missing class on a broken
            // classpath, OutOfMemoryError) get the same one-line treatment here.
            return report(e, cmd.getErr(), cmd.getParseResult());
        } finally {
            stdoutWriter.flush();
            stderr.flush();
        }
    }

    /** With no command, {@code hotpath} prints its usage on stderr and exits with {@link ExitCodes#USAGE}. */
    @Override
    public void run() {
        spec.commandLine().usage(stderr);
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    /**
     * Finds the {@code HotpathCli} at the root of a running command tree; subcommands use it to reach the streams.
     *
     * @param spec any command's spec (inject it with {@code @Spec})
     * @return the root command object
     */
    static HotpathCli from(CommandSpec spec) {
        return (HotpathCli) spec.root().userObject();
    }

    /** @return the command's standard input */
    InputStream stdin() {
        return stdin;
    }

    /** @return the command's standard output as raw bytes; commands buffer and flush (never close) it */
    OutputStream stdout() {
        stdoutWriter.flush();
        return stdout;
    }

    /** @return the command's standard error, auto-flushing on println */
    PrintWriter stderr() {
        return stderr;
    }

    /**
     * @param file a model file named on the command line
     * @return the loaded model; the caller closes it
     */
    Model loadModel(Path file) {
        return models.load(file);
    }

    private int handleUsageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("hotpath: error: " + oneLine(ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private int handleFailure(Exception ex, CommandLine cmd, ParseResult parseResult) {
        return report(ex, cmd.getErr(), parseResult);
    }

    private int report(Throwable ex, PrintWriter err, ParseResult parseResult) {
        if (isBrokenPipe(ex)) {
            // The reader of our stdout went away (e.g. `hotpath score … | head`): nothing useful to say.
            return ExitCodes.FAILURE;
        }
        err.println("hotpath: error: " + oneLine(describe(ex)));
        if (debug(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }

    private boolean debug(ParseResult parseResult) {
        String flag = env.get(DEBUG_ENV);
        if (flag != null && (flag.equals("1") || flag.equalsIgnoreCase("true"))) {
            return true;
        }
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption(VERBOSE_OPTION)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message users see: Hotpath's exceptions speak for themselves; anything unexpected is called a bug.
     *
     * @param ex what was thrown
     * @return one line (before newline folding) for {@code hotpath: error: …}
     */
    static String describe(Throwable ex) {
        Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        String message = t.getMessage();
        if (t instanceof HotpathException && message != null && !message.isBlank()) {
            return message;
        }
        if (t instanceof IOException) {
            return "I/O error: " + (message != null ? message : t.getClass().getSimpleName());
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory; raise the heap limit with JAVA_OPTS=-Xmx…";
        }
        if (t instanceof LinkageError) {
            return "broken installation: " + t + " (rebuild with 'mvn -B -DskipTests install', or delete"
                    + " cli/target and rerun bin/hotpath)";
        }
        return "internal error: " + t + " (run with --verbose for the stack trace and please report it)";
    }

    private static boolean isBrokenPipe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("Broken pipe")) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line, safe for a terminal: line breaks (e.g. of a native library's multi-line message) fold into spaces, and
     * any other control character, such as an ANSI escape from a CSV header, is escaped.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return HotpathException.printable(message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " "));
    }
}
