package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricOperator;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * {@code Y = Hinf X} from distributed tiles (cached float64, cached float32, recomputed) against the assembled matrix
 * times X, for 1, 2 and 4 partitions and two block sizes.
 */
class DistributedKernelOperatorTest {
    static final String[] MNIST = {
        "data.source=mnist", "data.path=" + TestData.mnist().toUri(), "data.classes=[0,1]", "data.n=500"
    };
    static final int B = 3;

    static double[] block(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * B];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() - 0.5;
        return x;
    }

    static double maxRelative(double[] want, double[] got) {
        double scale = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        return diff / scale;
    }

    @Test
    void theDistributedProductEqualsTheDenseOneForEveryStorageAndLayout() {
        double[] reference = null;
        double[] x = null;
        for (String[] layout : new String[][] {
            {"data.partitions=1", "data.block-size=500"},
            {"data.partitions=2", "data.block-size=170"},
            {"data.partitions=4", "data.block-size=120"}
        }) {
            ShardedSamples s =
                    ShardedSamples.load(LocalSpark.get(), Settings.data(DistributedKernelTest.concat(MNIST, layout)));
            try {
                int n = s.plan.n;
                if (reference == null) {
                    x = block(n, 1);
                    double[] h = DistributedGram.kernel(s.blocks, InnerProductKernel.RELU_NTK, n);
                    reference = new double[n * B];
                    SymmetricOperator.dense(h, n).apply(x, reference, B);
                }
                for (DistributedKernelOperator.Storage storage : DistributedKernelOperator.Storage.values()) {
                    try (DistributedKernelOperator op = DistributedKernelOperator.of(
                            s.blocks, InnerProductKernel.RELU_NTK, n, storage, layout[0].endsWith("1") ? 1 : 3)) {
                        double[] y = new double[n * B];
                        op.apply(x, y, B);
                        double[] again = new double[n * B];
                        op.apply(x, again, B);
                        assertThat(again).as("the same pass twice, " + storage).isEqualTo(y);
                        assertThat(op.passes()).isEqualTo(2);
                        double tol = storage == DistributedKernelOperator.Storage.FLOAT32
                                ? Approx.FLOAT32_TILES
                                : Approx.SUMMATION;
                        Approx.assertAbsolute(
                                0,
                                maxRelative(reference, y),
                                tol,
                                storage + ", " + layout[0] + ": max |Y - H X| / max |H X|");
                        // Row maxima of the off-diagonal entries, against the assembled matrix (which mirrors its upper
                        // triangle; a diagonal tile's GEMM is not exactly symmetric, so its lower triangle may differ
                        // in
                        // the last bit: 1e-15 for float64).
                        double[] rowMax = op.rowMaxima();
                        double[] hd = DistributedGram.kernel(s.blocks, InnerProductKernel.RELU_NTK, n);
                        for (int i = 0; i < n; i++) {
                            double m = Double.NEGATIVE_INFINITY;
                            for (int j = 0; j < n; j++) if (j != i) m = Math.max(m, hd[i * n + j]);
                            Approx.assertAbsolute(
                                    m,
                                    rowMax[i],
                                    storage == DistributedKernelOperator.Storage.FLOAT32 ? 1e-7 : 1e-15,
                                    storage + ", row maximum " + i);
                        }
                        // The features of chosen rows, collected from the shards.
                        int[] rows = {0, 5, n / 2, n - 1};
                        double[] f = s.features(rows);
                        double[] fx = new double[n * s.d];
                        for (var b : s.blocks.collect())
                            System.arraycopy(b.x, 0, fx, (int) b.rowStart * s.d, b.rows * s.d);
                        for (int r = 0; r < rows.length; r++) {
                            assertThat(java.util.Arrays.copyOfRange(f, r * s.d, (r + 1) * s.d))
                                    .as("features of row " + rows[r])
                                    .isEqualTo(java.util.Arrays.copyOfRange(fx, rows[r] * s.d, (rows[r] + 1) * s.d));
                        }
                        // A block wider than a pass takes is applied in column chunks (one pass each) with the same
                        // result.
                        double[] chunked = new double[n * B];
                        op.withChunkColumns(2).apply(x, chunked, B);
                        assertThat(op.passes())
                                .as("B = " + B + " columns, 2 per pass")
                                .isEqualTo(3 + (B + 1) / 2);
                        Approx.assertAbsolute(
                                0, maxRelative(y, chunked), Approx.BLAS, storage + ", chunked against whole");
                    }
                }
            } finally {
                s.release();
            }
        }
    }
}
