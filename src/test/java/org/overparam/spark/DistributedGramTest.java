package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.overparam.data.SampleBlock;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.Precision;
import org.overparam.model.ReluEvaluation;
import org.overparam.model.TrainingSet;
import org.overparam.model.TwoLayerRelu;
import org.overparam.model.UnitRepresentation;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;

/** H(W) summed over the unit blocks equals Du et al.'s definition entry by entry, at W(0) and after a step; it is symmetric PSD. */
class DistributedGramTest {

    @Test
    void tilesEqualTheDefinitionAndHStaysSymmetricPsd() {
        // n > DistributedGram.TILE, so blocks are cut into sub-tiles; several blocks, so off-diagonal block pairs
        // occur.
        int n = DistributedGram.TILE + 76, m = 24;
        ShardedSamples samples = ShardedSamples.load(
                LocalSpark.get(),
                Settings.data(
                        "data.source=sphere",
                        "data.n=" + n,
                        "data.d=6",
                        "data.seed=2",
                        "data.partitions=3",
                        "data.block-size=700"));
        List<SampleBlock> blocks = samples.collect(10_000_000);
        int d = samples.d;
        double[] x = new double[n * d];
        for (SampleBlock b : blocks) System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
        double[] y = new double[n];
        TrainingSet set = new TrainingSet(n, d, x, y);
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, d, 3);
        double[] w0 = net.initialWeights(1.0, 3);
        double[] wk = w0.clone();
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try (UnitShardedRelu engine = new UnitShardedRelu(
                jsc, set, UnitLayout.even(m, 3, UnitRepresentation.WEIGHTS), 1.0, 3, Precision.FLOAT64)) {
            engine.start();
            double[] h0 = engine.gram(true);
            // One step with random labels moves the weights: W(1) = W(0) - eta grad L(W(0)), computed here too.
            for (int i = 0; i < n; i++) y[i] = Math.sin(7.0 * i);
            ReluEvaluation ev = new ReluEvaluation(m, d);
            net.accumulate(
                    TwoLayerRelu.SampleRows.of(x, n, y, null),
                    TwoLayerRelu.PassWeights.float64(w0),
                    new TwoLayerRelu.Workspace(net, Precision.FLOAT64),
                    ev);
            for (int i = 0; i < wk.length; i++) wk[i] -= 2.0 * ev.gradient()[i];
            engine.step(2.0, null);
            double[] hk = engine.gram(false);
            for (double[][] pair : new double[][][] {{h0, w0}, {hk, wk}}) {
                double[] h = pair[0], w = pair[1];
                for (int i = 0; i < n; i += 37) {
                    for (int j = 0; j < n; j += 29) {
                        Approx.assertAbsolute(direct(x, w, d, m, i, j), h[i * n + j], 1e-14, "H[" + i + "][" + j + "]");
                    }
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) assertThat(h[i * n + j]).isEqualTo(h[j * n + i]);
                }
                SymmetricEigen e = SymmetricEigen.values(h, n);
                assertThat(e.min()).as("H is PSD").isGreaterThanOrEqualTo(-1e-12 * e.max());
            }
        } finally {
            samples.release();
        }
    }

    /** H_ij = (x_i . x_j / m) sum_r 1{w_r . x_i >= 0} 1{w_r . x_j >= 0}, by the definition. */
    static double direct(double[] x, double[] w, int d, int m, int i, int j) {
        double dot = 0;
        for (int k = 0; k < d; k++) dot += x[i * d + k] * x[j * d + k];
        int both = 0;
        for (int r = 0; r < m; r++) {
            double a = 0, b = 0;
            for (int k = 0; k < d; k++) {
                a += w[r * d + k] * x[i * d + k];
                b += w[r * d + k] * x[j * d + k];
            }
            if (a >= 0 && b >= 0) both++;
        }
        return dot * both / m;
    }
}
