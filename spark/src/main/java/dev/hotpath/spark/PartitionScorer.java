package dev.hotpath.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

import dev.hotpath.scoring.Model;

/**
 * Scores one partition through the model's batch path: reads up to {@code batchSize} rows' features into one
 * reused row-major buffer, scores them with {@link Model#score(float[], int, float[])} (and
 * {@link Model#scoreMargin(float[], int, float[])} when margins are asked for), then emits each input row joined
 * with its outputs.
 *
 * <p>Buffers are per partition and reused batch after batch: the feature and output arrays, the result row, and
 * one copy slot per batch position for the input rows (Spark reuses the row object it hands out, so the batch keeps
 * its own copies; an {@link UnsafeRow} is copied into a slot's byte array, which only grows). A partition of
 * unsafe rows therefore allocates nothing per row for scalar outputs; array outputs allocate their array. The
 * emitted row is reused too, as Spark's contract allows.
 *
 * <p>The function object is immutable and serialisable; the iterator it returns belongs to one task.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;

    private final BroadcastModel model;
    private final FeatureBinding binding;
    private final OutputSpec outputs;
    private final int batchSize;
    private final int inputFields;

    PartitionScorer(BroadcastModel model, FeatureBinding binding, OutputSpec outputs, int batchSize,
            int inputFields) {
        this.model = model;
        this.binding = binding;
        this.outputs = outputs;
        this.batchSize = batchSize;
        this.inputFields = inputFields;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
        return new Batches(model.model(), input);
    }

    private final class Batches implements Iterator<InternalRow> {
        private final Model m;
        private final Iterator<InternalRow> input;
        private final int nf;
        private final float[] rows;
        private final float[] scores;
        private final float[] margins;
        private final InternalRow[] kept;
        private final UnsafeRow[] slots;
        private final byte[][] slotBytes;
        private final SpecificInternalRow result;
        private final JoinedRow joined = new JoinedRow();
        private int filled;
        private int pos;

        Batches(Model m, Iterator<InternalRow> input) {
            this.m = m;
            this.input = input;
            this.nf = binding.numFeatures();
            // A model with no inputs still scores one value per row; keep the buffer non-empty.
            this.rows = new float[Math.max(1, batchSize * nf)];
            this.scores = outputs.wantsOutputs() ? new float[batchSize * outputs.numOutputs] : null;
            this.margins = outputs.wantsMargins() ? new float[batchSize * outputs.numMargins] : null;
            this.kept = new InternalRow[batchSize];
            this.slots = new UnsafeRow[batchSize];
            this.slotBytes = new byte[batchSize][];
            this.result = new SpecificInternalRow(outputs.schema());
        }

        @Override
        public boolean hasNext() {
            if (pos < filled) {
                return true;
            }
            fill();
            return filled > 0;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = pos++;
            int f = 0;
            if (!outputs.scoreCol.isEmpty()) {
                result.setFloat(f++, scores[i * outputs.numOutputs + outputs.outputIndex]);
            }
            if (!outputs.outputsCol.isEmpty()) {
                result.update(f++, floats(scores, i * outputs.numOutputs, outputs.numOutputs));
            }
            if (!outputs.marginCol.isEmpty()) {
                result.setFloat(f++, margins[i * outputs.numMargins + outputs.outputIndex]);
            }
            if (!outputs.marginsCol.isEmpty()) {
                result.update(f, floats(margins, i * outputs.numMargins, outputs.numMargins));
            }
            return joined.apply(kept[i], result);
        }

        private void fill() {
            int n = 0;
            while (n < batchSize && input.hasNext()) {
                InternalRow r = input.next();
                binding.read(r, rows, n * nf);
                kept[n] = keep(r, n);
                n++;
            }
            if (n > 0) {
                if (scores != null) {
                    m.score(rows, n, scores);
                }
                if (margins != null) {
                    m.scoreMargin(rows, n, margins);
                }
            }
            filled = n;
            pos = 0;
        }

        private InternalRow keep(InternalRow r, int n) {
            if (!(r instanceof UnsafeRow)) {
                return r.copy();
            }
            UnsafeRow u = (UnsafeRow) r;
            int size = u.getSizeInBytes();
            byte[] buf = slotBytes[n];
            if (buf == null || buf.length < size) {
                buf = new byte[Math.max(size, 64)];
                slotBytes[n] = buf;
            }
            Platform.copyMemory(u.getBaseObject(), u.getBaseOffset(), buf, Platform.BYTE_ARRAY_OFFSET, size);
            UnsafeRow slot = slots[n];
            if (slot == null) {
                slot = new UnsafeRow(inputFields);
                slots[n] = slot;
            }
            slot.pointTo(buf, size);
            return slot;
        }
    }

    private static UnsafeArrayData floats(float[] src, int from, int length) {
        return UnsafeArrayData.fromPrimitiveArray(src, Platform.FLOAT_ARRAY_OFFSET + 4 * from, length, 4);
    }
}
