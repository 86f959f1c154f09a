package org.overparam.data;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * Per-shard statistics of a data set, as an aggregator: {@link #add} a block, {@link #merge} another summary (the
 * MLlib {@code DifferentiableLossAggregator} pattern, so {@code treeAggregate} can sum it).
 */
public final class DataSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    public long n;
    public int d;
    public double minNorm = Double.POSITIVE_INFINITY;
    public double maxNorm = Double.NEGATIVE_INFINITY;
    public double minLabel = Double.POSITIVE_INFINITY;
    public double maxLabel = Double.NEGATIVE_INFINITY;
    public double labelSum;
    public double labelSquares;
    /** Samples per original class (file sources). */
    public final TreeMap<Integer, Long> classCounts = new TreeMap<>();
    /** Samples per label value, when labels are discrete (at most 10 distinct values seen). */
    public TreeMap<Double, Long> labelCounts = new TreeMap<>();

    public DataSummary add(SampleBlock b) {
        n += b.rows;
        d = b.d;
        for (int i = 0; i < b.rows; i++) {
            double norm = b.rowNorm(i);
            minNorm = Math.min(minNorm, norm);
            maxNorm = Math.max(maxNorm, norm);
            double y = b.y[i];
            minLabel = Math.min(minLabel, y);
            maxLabel = Math.max(maxLabel, y);
            labelSum += y;
            labelSquares += y * y;
            if (b.classes[i] >= 0) classCounts.merge(b.classes[i], 1L, Long::sum);
            countLabel(y, 1L);
        }
        return this;
    }

    private void countLabel(double y, long c) {
        if (labelCounts == null) return;
        labelCounts.merge(y, c, Long::sum);
        if (labelCounts.size() > 10) labelCounts = null;
    }

    public DataSummary merge(DataSummary o) {
        n += o.n;
        d = Math.max(d, o.d);
        minNorm = Math.min(minNorm, o.minNorm);
        maxNorm = Math.max(maxNorm, o.maxNorm);
        minLabel = Math.min(minLabel, o.minLabel);
        maxLabel = Math.max(maxLabel, o.maxLabel);
        labelSum += o.labelSum;
        labelSquares += o.labelSquares;
        o.classCounts.forEach((k, v) -> classCounts.merge(k, v, Long::sum));
        if (o.labelCounts == null) labelCounts = null;
        else o.labelCounts.forEach((k, v) -> countLabel(k, v));
        return this;
    }

    public double labelMean() {
        return n == 0 ? Double.NaN : labelSum / n;
    }

    public double labelStd() {
        if (n == 0) return Double.NaN;
        double m = labelMean();
        return Math.sqrt(Math.max(0, labelSquares / n - m * m));
    }
}
