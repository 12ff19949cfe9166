package dev.hotpath.spark;

import dev.hotpath.scoring.HotpathException;

/**
 * The input data does not fit the model: a feature column is missing, has a type Hotpath cannot read, or a vector
 * has the wrong size. Schema problems are raised on the driver when the transformation is defined, before any task
 * runs; a vector of the wrong size can only be seen in its row and fails that task. The message names the column.
 * Immutable.
 */
public class SparkInputException extends HotpathException {
    private static final long serialVersionUID = 1L;

    private final String column;

    /**
     * @param column the column concerned, or {@code null} when the problem is not about one column
     * @param message what is wrong and how to fix it
     */
    public SparkInputException(String column, String message) {
        super(message);
        this.column = column;
    }

    /** @return the column concerned, or {@code null} */
    public String column() {
        return column;
    }
}
