package dev.hotpath.formats.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxProtoWriter.Attr;
import dev.hotpath.formats.onnx.OnnxProtoWriter.Msg;
import dev.hotpath.scoring.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protobuf lengths in ONNX files are varints that can have bit 63 set: they must be read as unsigned and checked
 * against the bytes left in the enclosing message before anything is skipped or allocated (issue #20 item 1).
 * Before, a length of {@code 2^63 + 5} passed the signed check and moved the cursor past the end of the file.
 */
class OnnxLengthFieldTest {
    @TempDir
    Path tmp;

    /** A varint with bit 63 set whose low bits say {@code low}: 10 bytes on the wire. */
    private static Msg hugeLength(Msg m, long low) {
        return m.rawVarint(Long.MIN_VALUE | low);
    }

    private ModelFormatException reject(String name, byte[] model) throws IOException {
        Path file = tmp.resolve(name + ".onnx");
        Files.write(file, model);
        try {
            ModelLoader.load(file).close();
        } catch (ModelFormatException e) {
            assertEquals(file.toString(), e.source(), e.getMessage());
            return e;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(name + ": expected a ModelFormatException, got " + e, e);
        }
        return fail(name + ": the corrupt model was accepted");
    }

    @Test
    void shouldRejectATopLevelStringLengthWithBit63Set() throws IOException {
        // ir_version 8, then producer_name (field 2) whose length is 2^63 + 5, followed by 5 bytes and a graph.
        byte[] graph = new Msg().string(2, "g").toBytes();
        Msg m = new Msg().varint(1, 8);
        m.rawVarint(2 << 3 | 2);
        hugeLength(m, 5).raw("hello".getBytes()).bytes(7, graph);
        ModelFormatException e = reject("producer", m.toBytes());
        assertEquals("offset 3", e.location(), e.getMessage());
        assertTrue(e.expectation().contains("declares 9223372036854775813 bytes"), e.getMessage());
    }

    @Test
    void shouldRejectANestedLengthWithBit63SetInsideTheGraph() throws IOException {
        // A node whose attribute list (field 5 of NodeProto) claims 2^63 + 2 bytes.
        Msg node = new Msg().string(4, "TreeEnsembleRegressor").string(7, "ai.onnx.ml");
        node.rawVarint(5 << 3 | 2);
        hugeLength(node, 2).raw(new byte[] {8, 1});
        byte[] model = OnnxProtoWriter.model(List.of(node.toBytes()),
                List.of(OnnxProtoWriter.valueInfo("input", OnnxProtoWriter.FLOAT, "N", 3)),
                List.of(OnnxProtoWriter.valueInfo("y", OnnxProtoWriter.FLOAT, "N", 1)), OnnxProtoWriter.opsets(17, 3));
        ModelFormatException e = reject("attribute", model);
        assertTrue(e.location().startsWith("offset "), e.getMessage());
        assertTrue(e.expectation().contains("(NodeProto.attribute) declares 9223372036854775810 bytes"),
                e.getMessage());
    }

    @Test
    void shouldRejectAPackedArrayLengthWithBit63SetInATreeAttribute() throws IOException {
        Msg attr = new Msg().string(1, "nodes_treeids").varint(20, 7);
        attr.rawVarint(8 << 3 | 2);
        hugeLength(attr, 3).raw(new byte[] {0, 0, 0});
        Map<String, Attr> a = OnnxProtoWriter.treeAttributes("target_");
        a.put("nodes_treeids", new Attr("nodes_treeids", attr.toBytes()));
        ModelFormatException e = reject("packed", OnnxProtoWriter.treeRegressor(a));
        assertTrue(e.expectation().contains("(AttributeProto.ints) declares 9223372036854775811 bytes"),
                e.getMessage());
    }

    @Test
    void shouldRejectATensorWhoseDimsOverflowOrDisagreeWithItsData() throws IOException {
        byte[] huge = OnnxProtoWriter.floatTensor(new long[] {1L << 20, 1L << 20}, 1f);
        ModelFormatException e = reject("dims", OnnxProtoWriter.treeEnsembleV5(
                OnnxProtoWriter.tensor("leaf_weights", huge)));
        assertTrue(e.location().endsWith("attribute leaf_weights"), e.getMessage());
        assertTrue(e.expectation().contains("tensor dims of a representable size"), e.getMessage());

        byte[] lying = OnnxProtoWriter.floatTensor(new long[] {50}, 0.25f, -0.5f, 1f, 0.75f, 0.5f);
        e = reject("lying", OnnxProtoWriter.treeEnsembleV5(OnnxProtoWriter.tensor("leaf_weights", lying)));
        assertTrue(e.expectation().contains("as many values as its dims [50] hold (50), found 5"), e.getMessage());
    }
}
