package org.overparam.spark;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.data.SampleBlock;
import org.overparam.model.Precision;
import org.overparam.model.ReluEvaluation;
import org.overparam.model.TwoLayerRelu;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The distributed loss, gradient and pattern counts equal a plain loop over the same samples on one machine. */
class SparkReluOracleTest {
    static final int M = 120;

    @ParameterizedTest(name = "{0} partitions, blocks of {1}")
    @CsvSource({"1, 4096", "2, 100", "4, 64", "4, 4096"})
    void distributedEvaluationEqualsALocalLoop(int partitions, int blockSize) {
        ShardedSamples samples = ShardedSamples.load(LocalSpark.get(), Settings.data("data.source=sphere", "data.n=530",
                "data.d=17", "data.seed=4", "data.partitions=" + partitions, "data.block-size=" + blockSize));
        List<SampleBlock> blocks = samples.collect(1_000_000);
        int n = samples.plan.n, d = samples.d;
        double[] x = new double[n * d], y = new double[n];
        for (SampleBlock b : blocks) {
            System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
            System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
        }
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(M, d, 9);
        double[] w0 = net.initialWeights(1.0, 9);
        double[] w = w0.clone();
        for (int i = 0; i < w.length; i++) w[i] += 0.3 * Math.sin(i); // move away from W(0) so patterns change

        ReluEvaluation local = new ReluEvaluation(M, d);
        net.accumulate(x, null, n, y, net.patternBits(x, n, w0), w, null, Precision.FLOAT64,
                new TwoLayerRelu.Workspace(net, Precision.FLOAT64), local);
        try (SparkReluOracle oracle = new SparkReluOracle(samples.blocks, net, w0, Precision.FLOAT64)) {
            ReluEvaluation spark = oracle.evaluate(w, 1);
            assertEquals(n, spark.rows);
            Approx.assertRelative(local.loss, spark.loss, Approx.SUMMATION, "loss");
            assertEquals(local.patternChanges, spark.patternChanges, "pattern changes");
            assertThat(spark.patternChanges).isPositive();
            double scale = local.gradientNorm();
            for (int k = 0; k < local.gradient.length; k++) {
                Approx.assertAbsolute(local.gradient[k], spark.gradient[k], Approx.SUMMATION * scale, "gradient " + k);
            }
            ReluEvaluation again = oracle.evaluate(w, 2);
            assertEquals(spark.loss, again.loss, 0.0, "the partition sums are merged in a fixed order: bit-for-bit repeatable");
        } finally {
            samples.release();
        }
    }
}
