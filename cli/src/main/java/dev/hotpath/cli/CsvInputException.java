package dev.hotpath.cli;

/**
 * A CSV input file is malformed: bad header, unknown or missing columns, a row with the wrong number of fields, a
 * number that does not parse, or a line that is too long. The message names the input, the 1-based line number,
 * the column where there is one, and what was expected.
 *
 * <p>Immutable; thread-safe.
 */
public class CsvInputException extends CliException {
    private static final long serialVersionUID = 1L;

    /** The 1-based line number. */
    private final long line;

    /**
     * @param source the input's name, e.g. {@code data.csv} or {@code <stdin>}
     * @param line the 1-based physical line number (the header is line 1)
     * @param detail what was found and what was expected
     */
    public CsvInputException(String source, long line, String detail) {
        super(source + " line " + line + ": " + detail);
        this.line = line;
    }

    /** @return the 1-based line number the problem is on */
    public long line() {
        return line;
    }
}
