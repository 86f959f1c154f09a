package org.overparam.data;

import java.io.Serializable;

/**
 * A few thousand samples packed for BLAS: the unit every per-shard step works on.
 *
 * <p>{@code x} is row-major, {@code rows x d} (row {@code i} is sample {@code rowStart + i}); {@code y} holds the
 * labels; {@code sourceIds} the record index of each sample in its source (file order for file sources, the draw index
 * for synthetic ones), which keys every per-sample random stream; {@code classes} the original class of each sample
 * ({@code -1} for synthetic sources). Rows of one block are consecutive in the selection, so concatenating blocks in
 * {@code rowStart} order gives the data set in order. Arrays are shared, not copied: treat a block as immutable once
 * it is in an RDD.
 */
public final class SampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    public final long rowStart;
    public final int rows;
    public final int d;
    public final double[] x;
    public final double[] y;
    public final long[] sourceIds;
    public final int[] classes;

    public SampleBlock(long rowStart, int rows, int d, double[] x, double[] y, long[] sourceIds, int[] classes) {
        if (rows < 0 || d <= 0) {
            throw new IllegalArgumentException(
                    "SampleBlock: expected rows >= 0 and d > 0, found rows=" + rows + ", d=" + d);
        }
        check("x", x.length, (long) rows * d);
        check("y", y.length, rows);
        check("sourceIds", sourceIds.length, rows);
        check("classes", classes.length, rows);
        this.rowStart = rowStart;
        this.rows = rows;
        this.d = d;
        this.x = x;
        this.y = y;
        this.sourceIds = sourceIds;
        this.classes = classes;
    }

    private static void check(String name, long found, long expected) {
        if (found != expected) {
            throw new IllegalArgumentException(
                    "SampleBlock: " + name + " has length " + found + ", expected " + expected);
        }
    }

    /** The same samples with new features of dimension {@code newD} (PCA, random features). */
    public SampleBlock withFeatures(int newD, double[] newX) {
        return new SampleBlock(rowStart, rows, newD, newX, y, sourceIds, classes);
    }

    /** Euclidean norm of row {@code i}. */
    public double rowNorm(int i) {
        double s = 0;
        int off = i * d;
        for (int j = 0; j < d; j++) s += x[off + j] * x[off + j];
        return Math.sqrt(s);
    }
}
