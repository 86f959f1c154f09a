package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.overparam.testing.Approx;

class TwoLayerReluTest {
    static final int N = 37, M = 300, D = 11;

    static double[] unitRows(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = rng.nextGaussian();
                s += x[i * d + j] * x[i * d + j];
            }
            for (int j = 0; j < d; j++) x[i * d + j] /= Math.sqrt(s);
        }
        return x;
    }

    static double[] labels(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextGaussian();
        return y;
    }

    /** The loss by the definition, one sample and one unit at a time. */
    static double directLoss(TwoLayerRelu net, double[] x, double[] y, double[] w) {
        double loss = 0;
        for (int i = 0; i < y.length; i++) {
            double f = 0;
            for (int r = 0; r < net.m; r++) {
                double dot = 0;
                for (int j = 0; j < net.d; j++) dot += w[r * net.d + j] * x[i * net.d + j];
                f += net.a[r] * Math.max(dot, 0);
            }
            f /= Math.sqrt(net.m);
            loss += 0.5 * (f - y[i]) * (f - y[i]);
        }
        return loss;
    }

    static ReluEvaluation evaluate(TwoLayerRelu net, double[] x, double[] y, double[] w, long[] mask0, Precision p) {
        ReluEvaluation e = new ReluEvaluation(net.m, net.d);
        float[] x32 = null, w32 = null;
        if (p == Precision.FLOAT32) {
            x32 = new float[x.length];
            for (int i = 0; i < x.length; i++) x32[i] = (float) x[i];
            w32 = new float[w.length];
            for (int i = 0; i < w.length; i++) w32[i] = (float) w[i];
        }
        net.accumulate(
                new TwoLayerRelu.SampleRows(x, x32, y.length, y, mask0),
                new TwoLayerRelu.PassWeights(w, w32, p),
                new TwoLayerRelu.Workspace(net, p),
                e);
        return e;
    }

    @Test
    void lossMatchesTheDefinition() {
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(M, D, 1);
        double[] w = net.initialWeights(1.0, 2), x = unitRows(N, D, 3), y = labels(N, 4);
        Approx.assertRelative(
                directLoss(net, x, y, w), evaluate(net, x, y, w, null, Precision.FLOAT64).loss, Approx.BLAS, "loss");
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(M, D, 5);
        double[] w = net.initialWeights(1.0, 6), x = unitRows(N, D, 7), y = labels(N, 8);
        double[] g = evaluate(net, x, y, w, null, Precision.FLOAT64).gradient();
        SplittableRandom pick = new SplittableRandom(9);
        double h = 1e-6;
        int checked = 0;
        for (int t = 0; t < 60; t++) {
            int k = pick.nextInt(w.length);
            // Skip coordinates whose step would flip an activation (the loss is not differentiable there).
            int r = k / D;
            boolean nearKink = false;
            for (int i = 0; i < N; i++) {
                double dot = 0;
                for (int j = 0; j < D; j++) dot += w[r * D + j] * x[i * D + j];
                if (Math.abs(dot) < 10 * h) nearKink = true;
            }
            if (nearKink) continue;
            double[] wp = w.clone(), wm = w.clone();
            wp[k] += h;
            wm[k] -= h;
            double fd = (directLoss(net, x, y, wp) - directLoss(net, x, y, wm)) / (2 * h);
            Approx.assertAbsolute(fd, g[k], 1e-7 * Math.max(1, Math.abs(fd)), "dL/dW[" + k + "]");
            checked++;
        }
        assertThat(checked).isGreaterThan(40);
    }

    @Test
    void chunkingAndBlockSplitDoNotChangeTheResult() {
        int n = 517;
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(64, D, 10).withWorkspaceBudget(64 * 200); // chunks of 200 rows
        assertEquals(200, net.chunkRows());
        double[] w = net.initialWeights(1.0, 11), x = unitRows(n, D, 12), y = labels(n, 13);
        ReluEvaluation whole = evaluate(net, x, y, w, null, Precision.FLOAT64);
        int cut = 101;
        ReluEvaluation a = evaluate(
                net, java.util.Arrays.copyOf(x, cut * D), java.util.Arrays.copyOf(y, cut), w, null, Precision.FLOAT64);
        ReluEvaluation b = evaluate(
                net,
                java.util.Arrays.copyOfRange(x, cut * D, n * D),
                java.util.Arrays.copyOfRange(y, cut, n),
                w,
                null,
                Precision.FLOAT64);
        a.merge(b);
        Approx.assertRelative(whole.loss, a.loss, 1e-13, "loss");
        for (int k = 0; k < whole.gradient().length; k++) {
            Approx.assertAbsolute(whole.gradient()[k], a.gradient()[k], 1e-12, "gradient " + k);
        }
        assertEquals(n, a.rows);
    }

    @Test
    void patternChangesCountSignFlipsAgainstTheInitialPattern() {
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(50, D, 14);
        double[] w0 = net.initialWeights(1.0, 15), x = unitRows(N, D, 16), y = labels(N, 17);
        long[] mask0 = net.patternBits(x, N, w0);
        assertEquals(0, evaluate(net, x, y, w0, mask0, Precision.FLOAT64).patternChanges);
        double[] flipped = w0.clone();
        for (int j = 0; j < D; j++) flipped[j] = -w0[j]; // unit 0 points the other way: all N of its signs flip
        long expected = 0;
        for (int i = 0; i < N; i++) {
            double dot = 0;
            for (int j = 0; j < D; j++) dot += w0[j] * x[i * D + j];
            if (dot != 0) expected++;
        }
        ReluEvaluation e = evaluate(net, x, y, flipped, mask0, Precision.FLOAT64);
        assertEquals(expected, e.patternChanges);
        Approx.assertRelative(expected / (double) (N * 50), e.patternChangeFraction(), 1e-15, "fraction");
    }

    @Test
    void float32GemmsKeepTheLossAndGradientClose() {
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(M, D, 18);
        double[] w = net.initialWeights(1.0, 19), x = unitRows(N, D, 20), y = labels(N, 21);
        ReluEvaluation e64 = evaluate(net, x, y, w, null, Precision.FLOAT64);
        ReluEvaluation e32 = evaluate(net, x, y, w, null, Precision.FLOAT32);
        Approx.assertRelative(e64.loss, e32.loss, 1e-5, "float32 loss");
        double diff = 0, norm = 0;
        for (int k = 0; k < e64.gradient().length; k++) {
            diff += Math.pow(e64.gradient()[k] - e32.gradient()[k], 2);
            norm += e64.gradient()[k] * e64.gradient()[k];
        }
        assertThat(Math.sqrt(diff / norm)).isLessThan(1e-5);
    }

    @Test
    void initializationFollowsTheSeedAndKappa() {
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(2000, 5, 22);
        double[] w = net.initialWeights(0.01, 23);
        double s = 0;
        for (double v : w) s += v * v;
        // E w^2 = kappa^2; 10,000 draws: relative sd of the mean square is sqrt(2/10000) = 1.4%.
        Approx.assertRelative(1e-4, s / w.length, 0.07, "mean square of W(0) entries");
        int plus = 0;
        for (double a : net.a) {
            assertThat(a).isIn(-1.0, 1.0);
            if (a > 0) plus++;
        }
        assertThat(plus).isBetween(1000 - 150, 1000 + 150);
        assertThat(TwoLayerRelu.withRandomSigns(2000, 5, 22).a).containsExactly(net.a);
    }
}
