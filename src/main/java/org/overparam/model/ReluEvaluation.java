package org.overparam.model;

import java.io.Serializable;
import org.overparam.linalg.BulkDoubles;

/**
 * What one pass over the samples yields for the two-layer ReLU net at weights W: the loss
 * {@code sum_i 1/2 (f(x_i) - y_i)^2}, the gradient {@code dL/dW} (m x d, row-major), and the number of activation
 * patterns {@code 1{w_r . x_i >= 0}} that differ from those at W(0). An aggregator: {@link TwoLayerRelu#accumulate}
 * adds a block, {@link #merge} adds another evaluation, so Spark's {@code treeAggregate} sums the shards.
 */
public final class ReluEvaluation implements Serializable, LossEvaluation {
    private static final long serialVersionUID = 1L;

    public final int m;
    public final int d;
    public double loss;
    private final BulkDoubles gradient;
    public long patternChanges;
    public long rows;

    public ReluEvaluation(int m, int d) {
        this.m = m;
        this.d = d;
        this.gradient = new BulkDoubles(new double[Math.multiplyExact(m, d)]);
    }

    public ReluEvaluation merge(ReluEvaluation o) {
        if (o.m != m || o.d != d) {
            throw new IllegalArgumentException(
                    "ReluEvaluation.merge: shapes differ, " + m + "x" + d + " vs " + o.m + "x" + o.d);
        }
        loss += o.loss;
        patternChanges += o.patternChanges;
        rows += o.rows;
        double[] g = gradient(), h = o.gradient();
        for (int i = 0; i < g.length; i++) g[i] += h[i];
        return this;
    }

    @Override
    public double loss() {
        return loss;
    }

    @Override
    public double[] gradient() {
        return gradient.values();
    }

    /** {@code sum_i sum_r 1{sign changed} / (m n)}: Du et al.'s Figure 1(b). */
    public double patternChangeFraction() {
        return rows == 0 ? 0 : patternChanges / ((double) rows * m);
    }

    public double gradientNorm() {
        double s = 0;
        for (double v : gradient()) s += v * v;
        return Math.sqrt(s);
    }
}
