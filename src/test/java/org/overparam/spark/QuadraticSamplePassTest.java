package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.data.SampleBlock;
import org.overparam.model.Loss;
import org.overparam.model.MiniBatches;
import org.overparam.model.QuadraticEvaluation;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticSums;
import org.overparam.model.SignedQuadraticNet;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;

/** A pass over the sample blocks gives the objective and gradient of a plain loop over the same samples; mini-batches cover each epoch once. */
class QuadraticSamplePassTest {
    static final int N = 530, D = 17;

    record Local(double[] x, double[] y, ShardedSamples samples) {}

    static Local load(int partitions, int blockSize) {
        ShardedSamples samples = ShardedSamples.load(
                LocalSpark.get(),
                Settings.data(
                        "data.source=hypercube",
                        "data.n=" + N,
                        "data.d=" + D,
                        "data.seed=4",
                        "data.partitions=" + partitions,
                        "data.block-size=" + blockSize));
        List<SampleBlock> blocks = samples.collect(1_000_000);
        double[] x = new double[N * D], y = new double[N];
        for (SampleBlock b : blocks) {
            System.arraycopy(b.x, 0, x, (int) b.rowStart * D, b.rows * D);
            System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
        }
        return new Local(x, y, samples);
    }

    static void assertSame(QuadraticEvaluation local, QuadraticEvaluation spark) {
        Approx.assertRelative(local.loss(), spark.loss(), Approx.SUMMATION, "objective");
        double scale = local.gradientNorm();
        assertThat(scale).isPositive();
        for (int k = 0; k < local.gradient().length; k++) {
            Approx.assertAbsolute(local.gradient()[k], spark.gradient()[k], Approx.SUMMATION * scale, "gradient " + k);
        }
    }

    @ParameterizedTest(name = "{0} partitions, blocks of {1}, k = {2}")
    @CsvSource({"1, 4096, 3", "2, 100, 3", "4, 64, 3", "1, 4096, 40", "2, 100, 40", "4, 64, 40", "4, 4096, 40"})
    void fullBatchEqualsALocalLoop(int partitions, int blockSize, int k) {
        Local data = load(partitions, blockSize);
        try {
            for (QuadraticNet net : List.of(
                    QuadraticNet.duLee(k, D, Loss.SQUARED, 0.1, QuadraticNet.randomPsd(D, 0.1, 2)),
                    SignedQuadraticNet.create(k + k % 2, D, 0.01))) {
                double[] w = net.initialWeights(0.5, 3);
                QuadraticNet.Path p = net.cheaperPath(N);
                assertEquals(k == 3 ? QuadraticNet.Path.UNITS : QuadraticNet.Path.FORM, p);
                QuadraticEvaluation local = net.evaluate(data.x, N, data.y, w, p);
                QuadraticEvaluation spark =
                        net.finish(w, QuadraticSamplePass.sums(data.samples.blocks, net, p, net.operand(p, w), null));
                assertSame(local, spark);
                QuadraticEvaluation again =
                        net.finish(w, QuadraticSamplePass.sums(data.samples.blocks, net, p, net.operand(p, w), null));
                assertEquals(spark.loss(), again.loss(), 0.0, "fixed merge order: bit-for-bit repeatable");
            }
        } finally {
            data.samples.release();
        }
    }

    @ParameterizedTest(name = "{0} partitions")
    @CsvSource({"1, 4096", "2, 100", "4, 64"})
    void miniBatchesEqualALocalLoopOverTheSameRowsAndCoverEachEpochOnce(int partitions, int blockSize) {
        Local data = load(partitions, blockSize);
        try {
            QuadraticNet net = SignedQuadraticNet.create(8, D, 0.0);
            MiniBatches batches = new MiniBatches(N, 128, 77);
            Set<Integer> seen = new HashSet<>();
            for (int t = 0; t < 5; t++) { // ceil(530 / 128) = 5 batches per epoch
                int[] rows = batches.rows(t);
                assertEquals(t < 4 ? 128 : 530 - 4 * 128, rows.length);
                for (int r : rows) assertThat(seen.add(r)).isTrue();
            }
            assertEquals(N, seen.size());
            assertThat(batches.rows(5)).isNotEqualTo(batches.rows(0)); // a new permutation for epoch 1
            int[] rows = batches.rows(2);
            long[] ids = new long[rows.length];
            for (int i = 0; i < rows.length; i++) ids[i] = rows[i];
            double[] x = new double[rows.length * D], y = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(data.x, (int) rows[i] * D, x, i * D, D);
                y[i] = data.y[(int) rows[i]];
            }
            double[] w = net.initialWeights(0.5, 3);
            QuadraticNet.Path p = net.cheaperPath(rows.length);
            assertSame(
                    net.evaluate(x, rows.length, y, w, p),
                    net.finish(w, QuadraticSamplePass.sums(data.samples.blocks, net, p, net.operand(p, w), ids)));
        } finally {
            data.samples.release();
        }
    }

    @Test
    void theBatchesDoNotDependOnThePartitioning() {
        Local one = load(1, 4096), four = load(4, 64);
        try {
            // The rows of a batch are chosen from the seed alone; the passes over them agree whatever the partitioning.
            int[] rows = new MiniBatches(N, 100, 5).rows(7);
            assertThat(Arrays.equals(rows, new MiniBatches(N, 100, 5).rows(7))).isTrue();
            long[] ids = new long[rows.length];
            for (int i = 0; i < rows.length; i++) ids[i] = rows[i];
            QuadraticNet net = SignedQuadraticNet.create(4, D, 0.0);
            double[] w = net.initialWeights(0.5, 3);
            QuadraticSums a = QuadraticSamplePass.sums(one.samples.blocks, net, QuadraticNet.Path.UNITS, w, ids);
            QuadraticSums b = QuadraticSamplePass.sums(four.samples.blocks, net, QuadraticNet.Path.UNITS, w, ids);
            assertEquals(rows.length, a.rows);
            assertEquals(a.rows, b.rows);
            Approx.assertRelative(a.loss, b.loss, Approx.SUMMATION, "loss over the batch");
        } finally {
            one.samples.release();
            four.samples.release();
        }
    }
}
