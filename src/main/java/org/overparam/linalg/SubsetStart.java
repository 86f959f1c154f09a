package org.overparam.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A start block for {@link Lobpcg} at the bottom of a kernel matrix, from a principal submatrix. The smallest
 * eigenvectors of Hinf on real data are localized on groups of near-duplicate inputs (MNIST 0/1, n = 5,000: the
 * eigenvector of lambda_min has about 16 entries of weight, and its top entries are the samples whose nearest neighbour
 * is closest). So: take the k rows whose largest off-diagonal entry is largest, decompose the dense k x k submatrix
 * {@code H_SS}, and embed its bottom eigenvectors (zero outside S). By interlacing, {@code lambda_min(H_SS) >=
 * lambda_min(H)}, and the start already spans most of the bottom eigenvector, so LOBPCG needs fewer iterations than
 * from a random block (docs/performance.md, "Measurements behind design choices").
 *
 * <p>Cost: {@code k^2 d} flops for the submatrix and a dense eigendecomposition of size k on the driver
 * ({@code 8 k^2} bytes twice).
 */
public final class SubsetStart {
    private SubsetStart() {}

    /** The k rows with the largest {@code rowMax} (ties by index), in increasing index order. */
    public static int[] mostSimilarRows(double[] rowMax, int k) {
        if (k < 1 || k > rowMax.length) {
            throw new IllegalArgumentException(
                    "SubsetStart: expected 1 <= k <= n = " + rowMax.length + ", found k = " + k);
        }
        Integer[] order = IntStream.range(0, rowMax.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -rowMax[i]).thenComparingInt(i -> i));
        int[] rows = new int[k];
        for (int i = 0; i < k; i++) rows[i] = order[i];
        Arrays.sort(rows);
        return rows;
    }

    /**
     * The {@code count} smallest eigenvectors of the k x k submatrix {@code sub} (rows and columns {@code rows} of an
     * n x n matrix), embedded in n-vectors with zeros outside {@code rows}; the smallest first.
     */
    public static double[][] bottomVectors(double[] sub, int[] rows, int n, int count) {
        return bottom(sub, rows, n, count).vectors();
    }

    /**
     * The start block and the submatrix's eigenvalues (increasing). The smallest is an estimate of lambda_min(H) from
     * above (Cauchy interlacing: a principal submatrix's smallest eigenvalue is at least H's).
     */
    public record Start(double[][] vectors, double[] values) {}

    /** {@link #bottomVectors} with the submatrix's {@code count} smallest eigenvalues. */
    public static Start bottom(double[] sub, int[] rows, int n, int count) {
        int k = rows.length;
        if (sub.length != (long) k * k) {
            throw new IllegalArgumentException(
                    "SubsetStart: expected a " + k + " x " + k + " submatrix, found " + sub.length + " entries");
        }
        SymmetricEigen e = SymmetricEigen.withVectors(sub, k);
        int m = Math.min(count, k);
        double[][] out = new double[m][n];
        for (int c = 0; c < m; c++) {
            for (int i = 0; i < k; i++) out[c][rows[i]] = e.vectors[c * k + i];
        }
        return new Start(out, java.util.Arrays.copyOf(e.values, m));
    }
}
