package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ModelFormatException;
import org.junit.jupiter.api.Test;

/** Node covers: carried through compilation in pre-order, optional, validated at load. */
class NodeCoverTest {
    /** Node 0 splits; its children are stored out of order (left = 2, right = 3), node 1 is deleted. */
    private static TreeNodes tree(float[] cover) {
        return new TreeNodes(new int[] {2, -1, -1, -1}, new int[] {3, -1, -1, -1}, new int[] {0, 0, 0, 0},
                new float[] {0.5f, 9f, -1f, 1f}, new boolean[4], null, new float[] {0.5f, 9f, -1f, 1f}, 1, cover);
    }

    @Test
    void shouldCarryCoversIntoThePreOrderLayout() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(tree(new float[] {10f, Float.NaN, 4f, 6f}), 0, 1f)
                .build();
        TreeView v = m.trees().get(0);
        assertTrue(v.hasCovers());
        assertEquals(3, v.size());
        assertEquals(10f, v.cover(0));
        assertEquals(4f, v.cover(1)); // the old node 2, the left child; deleted node 1 (NaN) is not checked
        assertEquals(6f, v.cover(v.rightChild(0)));
    }

    @Test
    void shouldAcceptTreesWithoutCoversThroughTheOldConstructor() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(Trees.stump(0, 0.5f, true, -1f, 1f), 0, 1f).build();
        TreeView v = m.trees().get(0);
        assertFalse(v.hasCovers());
        assertThrows(IllegalStateException.class, () -> v.cover(0));
        assertEquals(-1f, m.scoreMargin(new float[] {0f}));
    }

    @Test
    void shouldRejectNegativeOrNaNCoversNamingTheNode() {
        for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> TreeEnsemble.builder(1, 1)
                    .source("m.json").addTree(tree(new float[] {10f, 0f, bad, 6f}), 0, 1f));
            assertTrue(e.getMessage().contains("m.json at tree[0].node[2]: node cover (sum_hessian) must be finite"
                    + " and >= 0, found " + bad), e.getMessage());
        }
    }

    @Test
    void shouldRejectACoverArrayOfTheWrongLength() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TreeEnsemble.builder(1, 1)
                .source("m.json").addTree(tree(new float[] {10f, 4f, 6f}), 0, 1f));
        assertTrue(e.getMessage().contains("cover has 3 entries, expected one per node (4)"), e.getMessage());
    }

    @Test
    void shouldIgnoreTheCoverOfASingleLeafTree() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(new TreeNodes(new int[] {-1}, new int[] {-1},
                new int[] {0}, new float[] {2f}, new boolean[1], null, new float[] {2f}, 1, new float[] {-3f}), 0, 1f)
                .build();
        assertEquals(2f, m.scoreMargin(new float[] {0f}));
    }
}
