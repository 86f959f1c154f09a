package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/** Hinf (and the squared-inner Gram) from distributed tiles: the closed form entry by entry, and its properties. */
class DistributedKernelTest {
    static final String[] MNIST = {
        "data.source=mnist", "data.path=" + TestData.mnist().toUri(), "data.classes=[0,1]", "data.n=1100"
    };

    static double[] load(List<SampleBlock> blocks, int n, int d) {
        double[] x = new double[n * d];
        for (SampleBlock b : blocks) System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
        return x;
    }

    /** Hinf_ij = t (pi - arccos t) / (2 pi), t = x_i . x_j, evaluated directly (angle exactly 0 when i = j). */
    static double direct(double[] x, int d, int i, int j) {
        double t = 0;
        for (int k = 0; k < d; k++) t += x[i * d + k] * x[j * d + k];
        if (i == j) return t / 2;
        t = Math.max(-1, Math.min(1, t));
        return t * (Math.PI - Math.acos(t)) / (2 * Math.PI);
    }

    @Test
    void hinfEqualsTheClosedFormAndIsSymmetricPsdWithDiagonalOneHalf() {
        ShardedSamples s = ShardedSamples.load(
                LocalSpark.get(), Settings.data(concat(MNIST, "data.partitions=3", "data.block-size=400")));
        try {
            int n = s.plan.n, d = s.d;
            double[] x = load(s.collect(10_000_000), n, d);
            double[] h = DistributedGram.kernel(s.blocks, InnerProductKernel.RELU_NTK, n);
            for (int i = 0; i < n; i += 13) {
                for (int j = 0; j < n; j += 7)
                    Approx.assertAbsolute(direct(x, d, i, j), h[i * n + j], 1e-14, "Hinf[" + i + "][" + j + "]");
            }
            for (int i = 0; i < n; i++) {
                Approx.assertAbsolute(0.5, h[i * n + i], 1e-14, "diagonal " + i);
                for (int j = 0; j < i; j++) assertThat(h[i * n + j]).isEqualTo(h[j * n + i]);
            }
            SymmetricEigen e = SymmetricEigen.values(h, n);
            assertThat(e.min())
                    .as("lambda_min(Hinf) > 0 for inputs with no parallel pair")
                    .isPositive();
        } finally {
            s.release();
        }
    }

    @Test
    void theUpperTriangleAloneIsTheFullMatrixsAndShardsAreCutForEvenTasks() {
        // n = 1100 with shards of SHARD_ROWS = 1536 rows at most: ShardedSamples asks for max(default, ceil(n / 1536)).
        ShardedSamples s = ShardedSamples.load(LocalSpark.get(), Settings.data(MNIST), DistributedGram::shardsFor);
        int more = LocalSpark.get().sparkContext().defaultParallelism() + 1;
        ShardedSamples three = ShardedSamples.load(LocalSpark.get(), Settings.data(MNIST), n -> more);
        try {
            int n = s.plan.n;
            assertThat(three.partitions).isEqualTo(more);
            assertThat(three.plan.blocks).hasSize(more);
            assertThat(three.plan.blocks.get(1).rowStart())
                    .isEqualTo(three.plan.blocks.get(0).rows());
            double[] full = DistributedGram.kernel(s.blocks, InnerProductKernel.RELU_NTK, n);
            DistributedGram.Matrix upper =
                    DistributedGram.kernel(three.blocks, InnerProductKernel.RELU_NTK, n, 0, false);
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++)
                    Approx.assertAbsolute(full[i * n + j], upper.values()[i * n + j], 1e-15, "H[" + i + "][" + j + "]");
            }
            // The same rows in the same order, however the samples are cut.
            assertThat(three.collect(10_000_000).stream()
                            .mapToLong(b -> b.sourceIds[0])
                            .toArray()[0])
                    .isEqualTo(s.collect(10_000_000).get(0).sourceIds[0]);
        } finally {
            s.release();
            three.release();
        }
        assertThat(DistributedGram.shardsFor(1)).isEqualTo(1);
        assertThat(DistributedGram.shardsFor(DistributedGram.SHARD_ROWS)).isEqualTo(1);
        assertThat(DistributedGram.shardsFor(DistributedGram.SHARD_ROWS + 1)).isEqualTo(2);
        assertThat(DistributedGram.cuts(1333)).containsExactly(0, 666, 1333);
        assertThat(DistributedGram.cuts(DistributedGram.TILE)).containsExactly(0, DistributedGram.TILE);
        assertThat(DistributedGram.cuts(3 * DistributedGram.TILE + 1)).hasSize(5);
        // One job unless the results would pass half of spark.driver.maxResultSize (0: no limit).
        assertThat(DistributedGram.partitionsPerJob(16, 4000, 1L << 30)).isEqualTo(16);
        assertThat(DistributedGram.partitionsPerJob(16, 30_000, 4L << 30)).isEqualTo(4); // 2^31 / (8 * 9e8 / 16)
        assertThat(DistributedGram.partitionsPerJob(16, 30_000, 0)).isEqualTo(16);
        assertThat(DistributedGram.partitionsPerJob(4, 100_000, 1L << 20)).isEqualTo(1);
    }

    @Test
    void theAssemblyIsTheSameForOneTwoAndFourPartitions() {
        // The same 1100 x 1100 matrix whatever the partitioning (and so the tile shapes).
        double[] reference = null;
        for (String layout : new String[] {"data.partitions=1", "data.partitions=2", "data.partitions=4"}) {
            ShardedSamples s =
                    ShardedSamples.load(LocalSpark.get(), Settings.data(concat(MNIST, layout, "data.block-size=300")));
            try {
                double[] h = DistributedGram.kernel(s.blocks, InnerProductKernel.RELU_NTK, s.plan.n);
                if (reference == null) {
                    reference = h;
                    continue;
                }
                // Tiles of other shapes give the GEMM other blockings: equal up to the last bits of each dot product.
                double worst = 0;
                for (int k = 0; k < h.length; k++) worst = Math.max(worst, Math.abs(h[k] - reference[k]));
                Approx.assertAbsolute(0, worst, 1e-15, "largest difference, " + layout);
            } finally {
                s.release();
            }
        }
    }

    @Test
    void squaredInnerIsTheElementwiseSquareOfTheGram() {
        ShardedSamples s =
                ShardedSamples.load(LocalSpark.get(), Settings.data("data.source=hypercube", "data.n=60", "data.d=5"));
        try {
            int n = s.plan.n, d = s.d;
            double[] x = load(s.collect(1_000_000), n, d);
            double[] g = DistributedGram.kernel(s.blocks, InnerProductKernel.SQUARED_INNER, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double t = 0;
                    for (int k = 0; k < d; k++) t += x[i * d + k] * x[j * d + k];
                    Approx.assertAbsolute(t * t, g[i * n + j], 1e-15, "(x_i . x_j)^2");
                }
            }
            // n = 60 > d(d+1)/2 = 15: the lifted vectors x (x) x span at most 15 dimensions, so G o G is singular.
            SymmetricEigen e = SymmetricEigen.values(g, n);
            assertThat(Math.abs(e.values[n - 16])).isLessThan(1e-12 * e.max());
            assertThat(e.values[n - 15]).isGreaterThan(1e-6 * e.max());
        } finally {
            s.release();
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
