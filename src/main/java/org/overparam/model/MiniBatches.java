package org.overparam.model;

import java.util.Arrays;
import org.overparam.Seeds;

/**
 * Which rows each iteration of a mini-batch optimizer sees. The n rows are shuffled once per epoch by a permutation
 * drawn from {@code (seed, "minibatch/epoch", epoch)} and cut into consecutive batches of {@code size} (the last one
 * of an epoch may be shorter); iteration t uses batch {@code t mod B} of epoch {@code t / B}, {@code B = ceil(n / size)}.
 * The rows depend only on the seed and t, never on how samples or units are partitioned. Size 0 is the full batch.
 * Memory: one permutation of n ints, redrawn once per epoch.
 */
public final class MiniBatches {
    public final int n;
    public final int size;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] permutation;

    public MiniBatches(int n, int size, long seed) {
        if (n < 1 || size < 0)
            throw new IllegalArgumentException(
                    "MiniBatches: expected n >= 1 and size >= 0, found n=" + n + ", size=" + size);
        this.n = n;
        this.size = size >= n ? 0 : size;
        this.seed = seed;
    }

    public boolean fullBatch() {
        return size == 0;
    }

    /** Batches per epoch (1 for the full batch). */
    public int perEpoch() {
        return size == 0 ? 1 : (n + size - 1) / size;
    }

    /** The largest batch. */
    public int largest() {
        return size == 0 ? n : size;
    }

    /** The sorted row ids of iteration t's batch, or null (all rows) for the full batch. */
    public int[] rows(int t) {
        if (size == 0) return null;
        int perEpoch = perEpoch();
        int epoch = t / perEpoch, j = t % perEpoch;
        if (epoch != cachedEpoch) {
            permutation = Seeds.choose(Seeds.stream(seed, "minibatch/epoch", epoch), n, n);
            cachedEpoch = epoch;
        }
        int from = j * size, to = Math.min(n, from + size);
        int[] rows = Arrays.copyOfRange(permutation, from, to);
        Arrays.sort(rows);
        return rows;
    }
}
