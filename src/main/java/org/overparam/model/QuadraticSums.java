package org.overparam.model;

import java.io.Serializable;
import org.overparam.linalg.BulkDoubles;

/**
 * What one pass over a set of samples yields for a quadratic-activation net: {@code sum_i l(f(x_i), y_i)}, the number
 * of rows, and one matrix sum. For {@link QuadraticNet.Path#FORM} that is the d x d matrix
 * {@code sum_i l'(f(x_i), y_i) x_i x_i^T}; for {@link QuadraticNet.Path#UNITS} the k x d matrix
 * {@code sum_i l'(f(x_i), y_i) a_j (w_j . x_i) x_i} (row j). An aggregator: blocks are added by
 * {@link QuadraticNet#accumulate}, partitions by {@link #merge}.
 */
public final class QuadraticSums implements Serializable {
    private static final long serialVersionUID = 1L;

    public final QuadraticNet.Path path;
    public final int rowsOfMatrix;
    public final int d;
    public double loss;
    public long rows;
    private final BulkDoubles matrix;

    public QuadraticSums(QuadraticNet.Path path, int rowsOfMatrix, int d) {
        this.path = path;
        this.rowsOfMatrix = rowsOfMatrix;
        this.d = d;
        this.matrix = new BulkDoubles(new double[Math.multiplyExact(rowsOfMatrix, d)]);
    }

    /** The matrix sum, row-major. */
    public double[] matrix() {
        return matrix.values();
    }

    public QuadraticSums merge(QuadraticSums o) {
        if (o.path != path || o.rowsOfMatrix != rowsOfMatrix || o.d != d) {
            throw new IllegalArgumentException("QuadraticSums.merge: shapes differ, " + path + " " + rowsOfMatrix + "x"
                    + d + " vs " + o.path + " " + o.rowsOfMatrix + "x" + o.d);
        }
        loss += o.loss;
        rows += o.rows;
        double[] a = matrix(), b = o.matrix();
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        return this;
    }
}
