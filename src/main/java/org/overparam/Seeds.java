package org.overparam;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives every random stream of a run from its one seed, a purpose and an id, never from partition layout: the stream
 * of sample 17's noise is the same whether the data sits in 1 or 400 partitions.
 *
 * <p>Keys are mixed with SplitMix64's finalizer (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014), so nearby seeds and ids give unrelated streams.
 */
public final class Seeds {
    private Seeds() {}

    /** An independent stream for (seed, purpose, id). */
    public static SplittableRandom stream(long seed, String purpose, long id) {
        return new SplittableRandom(key(seed, purpose, id));
    }

    /** An independent stream for (seed, purpose). */
    public static SplittableRandom stream(long seed, String purpose) {
        return stream(seed, purpose, -1L);
    }

    /**
     * k distinct indices of 0..n-1 drawn uniformly by the first k steps of a Fisher-Yates shuffle, in draw order.
     * Cost O(n) memory, O(n + k) time.
     */
    public static int[] choose(SplittableRandom rng, int n, int k) {
        if (k < 0 || k > n) throw new IllegalArgumentException("expected 0 <= k <= n, found k = " + k + ", n = " + n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return java.util.Arrays.copyOf(perm, k);
    }

    public static long key(long seed, String purpose, long id) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF));
        }
        return mix(h ^ mix(id + 0x632BE59BD9B4E019L));
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
