package dev.hotpath.scoring.testing;

import dev.hotpath.scoring.model.TreeNodes;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded random trees in XGBoost's node-array form for tests: adjacent children allocated breadth-first, depths up to
 * a maximum, thresholds from a small set so rows can hit them exactly; optionally categorical nodes and node covers.
 * Shared through scoring-core's test-jar. Stateless.
 */
public final class RandomTrees {
    private RandomTrees() {
    }

    /**
     * What to generate besides the numerical structure.
     *
     * @param leafSize values per leaf
     * @param categorical whether some splits are categorical
     * @param covers whether nodes get covers
     * @param sloppyCovers whether parents' covers deviate slightly from their children's sum
     */
    public record Options(int leafSize, boolean categorical, boolean covers, boolean sloppyCovers) {
    }

    /**
     * A random tree. With {@code categorical}, about a third of the splits are categorical (two codes go right).
     * Covers, when asked for, come from a generator seeded from {@code rnd}'s next value (so the structure is the
     * same with or without covers): leaves get random weights, internal nodes the sum of their children's or, with
     * {@code sloppyCovers}, that sum perturbed as float32 rounding leaves it in real files.
     *
     * @param rnd the source of randomness
     * @param numFeatures split features are drawn from {@code [0, numFeatures)}
     * @param maxDepth the deepest path
     * @param thresholds the thresholds numerical splits use
     * @param o what else to generate
     * @return the tree
     */
    public static TreeNodes random(Random rnd, int numFeatures, int maxDepth, float[] thresholds, Options o) {
        int leafSize = o.leafSize();
        int cap = (1 << (maxDepth + 1)) - 1;
        int[] left = new int[cap];
        int[] right = new int[cap];
        int[] feature = new int[cap];
        float[] threshold = new float[cap];
        boolean[] defaultLeft = new boolean[cap];
        int[][] cats = o.categorical() ? new int[cap][] : null;
        float[] leaves = new float[cap * leafSize];
        int[] depth = new int[cap];
        int count = 1;
        for (int n = 0; n < count; n++) {
            boolean split = depth[n] < maxDepth && (depth[n] < 2 || rnd.nextInt(4) != 0);
            if (split) {
                left[n] = count;
                right[n] = count + 1;
                depth[count] = depth[n] + 1;
                depth[count + 1] = depth[n] + 1;
                count += 2;
                feature[n] = rnd.nextInt(numFeatures);
                if (o.categorical() && rnd.nextInt(3) == 0) {
                    cats[n] = new int[] {rnd.nextInt(4), 4 + rnd.nextInt(4)};
                    threshold[n] = Float.NaN;
                } else {
                    threshold[n] = thresholds[rnd.nextInt(thresholds.length)];
                }
                defaultLeft[n] = rnd.nextBoolean();
            } else {
                left[n] = -1;
                right[n] = -1;
                for (int j = 0; j < leafSize; j++) {
                    leaves[n * leafSize + j] = (float) (rnd.nextGaussian() * 0.1);
                }
                if (leafSize == 1) {
                    threshold[n] = leaves[n];
                }
            }
        }
        float[] cover = o.covers() ? covers(new Random(rnd.nextLong()), left, right, count, o.sloppyCovers()) : null;
        return new TreeNodes(Arrays.copyOf(left, count), Arrays.copyOf(right, count), Arrays.copyOf(feature, count),
                Arrays.copyOf(threshold, count), Arrays.copyOf(defaultLeft, count),
                cats == null ? null : Arrays.copyOf(cats, count), Arrays.copyOf(leaves, count * leafSize), leafSize,
                cover);
    }

    private static float[] covers(Random rnd, int[] left, int[] right, int count, boolean sloppy) {
        float[] cover = new float[count];
        for (int n = count - 1; n >= 0; n--) {
            if (left[n] == -1) {
                cover[n] = rnd.nextInt(8) == 0 ? 1f : (float) (1 + rnd.nextDouble() * 50);
            } else {
                float sum = cover[left[n]] + cover[right[n]];
                cover[n] = sloppy ? sum * (float) (1 + (rnd.nextDouble() - 0.5) * 1e-3) : sum;
            }
        }
        return cover;
    }
}
