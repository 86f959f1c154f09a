package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overparam.data.SampleBlock;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/** The shards hold the same samples, in the same order, with the same labels, however they are partitioned. */
class ShardedSamplesTest {
    static final long MAX = 20_000_000L;

    record Flat(double[] x, double[] y, long[] ids, int d, int blocks) {}

    static Flat load(String... sets) {
        ShardedSamples s = ShardedSamples.load(LocalSpark.get(), Settings.data(sets));
        try {
            List<SampleBlock> blocks = s.collect(MAX);
            int n = s.plan.n, d = s.d;
            double[] x = new double[n * d];
            double[] y = new double[n];
            long[] ids = new long[n];
            long expectedStart = 0;
            for (SampleBlock b : blocks) {
                assertEquals(expectedStart, b.rowStart, "blocks are contiguous and in order");
                System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
                System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
                System.arraycopy(b.sourceIds, 0, ids, (int) b.rowStart, b.rows);
                expectedStart += b.rows;
            }
            assertEquals(n, expectedStart, "every row present once");
            return new Flat(x, y, ids, d, blocks.size());
        } finally {
            s.release();
        }
    }

    static List<String[]> layouts() {
        List<String[]> l = new ArrayList<>();
        for (int p : new int[] {1, 2, 4}) {
            for (int b : new int[] {300, 4096}) l.add(new String[] {"data.partitions=" + p, "data.block-size=" + b});
        }
        return l;
    }

    static void assertSameForEveryLayout(String... sets) {
        Flat reference = null;
        for (String[] layout : layouts()) {
            String[] all = concat(sets, layout);
            Flat f = load(all);
            if (reference == null) {
                reference = f;
                continue;
            }
            assertArrayEquals(reference.ids, f.ids, "source ids, layout " + String.join(" ", layout));
            assertArrayEquals(reference.y, f.y, "labels, layout " + String.join(" ", layout));
            assertArrayEquals(reference.x, f.x, "features, layout " + String.join(" ", layout));
        }
    }

    @Test
    void mnistWithRandomLabelsAndNoiseIsLayoutIndependent() {
        assertSameForEveryLayout(
                "data.source=mnist",
                "data.path=" + TestData.mnist().toUri(),
                "data.classes=[0,1]",
                "data.n=2000",
                "data.labels=random:0.3",
                "data.noise=0.01",
                "data.seed=7");
    }

    @Test
    void cifarRandomSubsetIsLayoutIndependent() {
        assertSameForEveryLayout(
                "data.source=cifar10",
                "data.path=" + TestData.cifar().toUri(),
                "data.classes=[1,0]",
                "data.n=600",
                "data.sample=random",
                "data.seed=3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sphere", "hypercube", "gaussian"})
    void syntheticSourcesAreLayoutIndependent(String source) {
        assertSameForEveryLayout(
                "data.source=" + source,
                "data.n=700",
                "data.d=20",
                "data.labels=random:0.2",
                "data.normalize=" + !source.equals("gaussian"));
    }

    @Test
    void blocksFollowTheBlockSize() {
        Flat f = load("data.source=sphere", "data.n=1000", "data.d=5", "data.partitions=1", "data.block-size=300");
        assertEquals(4, f.blocks);
    }

    @Test
    void randomLabelsReplaceExactlyTheRequestedFraction() {
        String[] base = {
            "data.source=mnist", "data.path=" + TestData.mnist().toUri(), "data.classes=[0,1]", "data.n=1000"
        };
        Flat clean = load(base);
        ShardedSamples s =
                ShardedSamples.load(LocalSpark.get(), Settings.data(concat(base, "data.labels=random:0.25")));
        assertEquals(250, s.plan.randomizedLabels);
        s.release();
        Flat noisy = load(concat(base, "data.labels=random:0.25"));
        int changed = 0;
        for (int i = 0; i < clean.y.length; i++) {
            assertThat(noisy.y[i]).isIn(-1.0, 1.0);
            if (noisy.y[i] != clean.y[i]) changed++;
        }
        // 250 labels are redrawn from unif{-1,+1}: about half of them change. Binomial(250, 1/2): mean 125, sd 7.9.
        assertThat(changed).isBetween(125 - 40, 125 + 40);
    }

    @Test
    void pcaProjectsOntoDecorrelatedDirectionsOfDecreasingVariance() {
        Flat f = load(
                "data.source=mnist",
                "data.path=" + TestData.mnist().toUri(),
                "data.classes=[0,1]",
                "data.n=1500",
                "data.pca=10");
        assertEquals(10, f.d);
        int n = f.y.length, k = f.d;
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) mean[j] += f.x[i * k + j] / n;
        double[][] cov = new double[k][k];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    cov[a][b] += (f.x[i * k + a] - mean[a]) * (f.x[i * k + b] - mean[b]) / (n - 1);
                }
            }
        }
        for (int a = 0; a < k; a++) {
            if (a > 0) assertThat(cov[a][a]).isLessThanOrEqualTo(cov[a - 1][a - 1] * (1 + 1e-9));
            for (int b = 0; b < k; b++) {
                if (a != b)
                    Approx.assertAbsolute(
                            0,
                            cov[a][b] / Math.sqrt(cov[a][a] * cov[b][b]),
                            1e-8,
                            "correlation of PCs " + a + ", " + b);
            }
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
