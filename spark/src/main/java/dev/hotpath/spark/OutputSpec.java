package dev.hotpath.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;

/**
 * The columns a transformation appends, in this order, each optional ({@code ""} = not written): the score (one
 * model output, {@code float}), every output ({@code array<float>}), the raw margin ({@code float}) and every
 * margin ({@code array<float>}). Values are exactly the floats {@link Model#score(float[], int, float[])} and
 * {@link Model#scoreMargin(float[], int, float[])} write. Immutable.
 */
final class OutputSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    final String scoreCol;
    final int outputIndex;
    final String outputsCol;
    final String marginCol;
    final String marginsCol;
    final int numOutputs;
    final int numMargins;

    private OutputSpec(String scoreCol, int outputIndex, String outputsCol, String marginCol, String marginsCol,
            int numOutputs, int numMargins) {
        this.scoreCol = scoreCol;
        this.outputIndex = outputIndex;
        this.outputsCol = outputsCol;
        this.marginCol = marginCol;
        this.marginsCol = marginsCol;
        this.numOutputs = numOutputs;
        this.numMargins = numMargins;
    }

    /**
     * @throws ConfigurationException if no column is asked for, a column is named twice or exists in the input, or
     *     the output index does not fit the model
     */
    static OutputSpec of(Model model, StructType input, String scoreCol, int outputIndex, String outputsCol,
            String marginCol, String marginsCol) {
        List<String> names = new ArrayList<>();
        for (String c : new String[] {scoreCol, outputsCol, marginCol, marginsCol}) {
            if (c.isEmpty()) {
                continue;
            }
            if (names.contains(c)) {
                throw new ConfigurationException("output column '" + c + "' is named twice");
            }
            if (FeatureBinding.fieldIndex(input, c) >= 0) {
                throw new ConfigurationException("output column '" + c + "' already exists in the input; choose"
                        + " another name (outputCol, outputsCol, marginCol, marginsCol)");
            }
            names.add(c);
        }
        if (names.isEmpty()) {
            throw new ConfigurationException("no output column: set outputCol, outputsCol, marginCol or marginsCol");
        }
        if (!scoreCol.isEmpty() && (outputIndex < 0 || outputIndex >= model.numOutputs())) {
            throw new ConfigurationException("outputIndex " + outputIndex + " is out of range: the model has "
                    + model.numOutputs() + " output(s) " + model.outputNames());
        }
        if (!marginCol.isEmpty() && (outputIndex < 0 || outputIndex >= model.numMarginOutputs())) {
            throw new ConfigurationException("marginCol needs outputIndex < " + model.numMarginOutputs()
                    + " (the model's margins: " + model.marginOutputNames() + "); use marginsCol for all of them");
        }
        return new OutputSpec(scoreCol, outputIndex, outputsCol, marginCol, marginsCol, model.numOutputs(),
                model.numMarginOutputs());
    }

    boolean wantsOutputs() {
        return !scoreCol.isEmpty() || !outputsCol.isEmpty();
    }

    boolean wantsMargins() {
        return !marginCol.isEmpty() || !marginsCol.isEmpty();
    }

    /** @return the appended fields, in order */
    List<StructField> fields() {
        List<StructField> f = new ArrayList<>();
        if (!scoreCol.isEmpty()) {
            f.add(DataTypes.createStructField(scoreCol, DataTypes.FloatType, false));
        }
        if (!outputsCol.isEmpty()) {
            f.add(DataTypes.createStructField(outputsCol, floatArray(), false));
        }
        if (!marginCol.isEmpty()) {
            f.add(DataTypes.createStructField(marginCol, DataTypes.FloatType, false));
        }
        if (!marginsCol.isEmpty()) {
            f.add(DataTypes.createStructField(marginsCol, floatArray(), false));
        }
        return f;
    }

    /** @return the appended fields as a schema of their own */
    StructType schema() {
        return new StructType(fields().toArray(new StructField[0]));
    }

    StructType appendTo(StructType input) {
        StructType out = input;
        for (StructField f : fields()) {
            out = out.add(f);
        }
        return out;
    }

    private static ArrayType floatArray() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }
}
