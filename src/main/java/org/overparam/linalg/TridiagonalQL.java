package org.overparam.linalg;

/**
 * All eigenvalues of a symmetric tridiagonal matrix T, and the coordinates of a few vectors in its eigenbasis,
 * {@code W Z} for a k x n matrix W (Z the eigenvectors of T, as columns), without forming Z.
 *
 * <p>The implicit QL algorithm with Wilkinson's shift (Bowdler, Martin, Reinsch and Wilkinson, "The QR and QL
 * algorithms for symmetric matrices", Numer. Math. 11, 1968: EISPACK's tql2; here after the public-domain Java of
 * JAMA). QL diagonalizes T by plane rotations, {@code T = Z Lambda Z^T} with Z their product; tql2 accumulates them in
 * an n x n matrix, this class only in the k rows of W. About n^2 rotations in all (a few sweeps per eigenvalue, each
 * over the still-unreduced block), {@code 6k} flops each on W, against the {@code O(n^3)} of forming Z by divide and
 * conquer ({@code dstedc}; measured: docs/performance.md, "Dense eigensolvers"). The eigenvalues agree with LAPACK's to a few ulps of {@code ||T||}; each coordinate
 * {@code (W Z)_qi} to about {@code eps ||T|| ||w_q|| / gap_i}, gap_i the distance of lambda_i to the other eigenvalues,
 * which is as well as any method can fix a single eigenvector (within a cluster only the sum of the squared
 * coordinates is determined).
 *
 * <p>T is scaled by a power of two so its largest entry is about 1 (no overflow in the rotations, exact to undo).
 * Convergence is tested against {@code eps} times the largest {@code |d_l| + |e_l|} met so far, as in tql2.
 */
final class TridiagonalQL {
    /** As LAPACK's dsteqr: at most this many QL iterations per eigenvalue, on average. */
    static final int MAX_ITERATIONS_PER_VALUE = 30;

    private TridiagonalQL() {}

    /**
     * @param d n diagonal entries; overwritten with the eigenvalues, increasing
     * @param e n - 1 off-diagonal entries ({@code e[i]} couples i and i + 1); not modified
     * @param w k x n, row-major; overwritten with {@code W Z}, its columns in the order of the eigenvalues
     * @throws IllegalArgumentException if the sizes disagree or an entry is not finite
     * @throws ArithmeticException      if QL does not converge (it always does in exact arithmetic)
     */
    static void solve(double[] d, double[] e, double[] w, int k) {
        int n = d.length;
        if (e.length < Math.max(0, n - 1) || k < 0 || w.length < (long) k * n) {
            throw new IllegalArgumentException("TridiagonalQL: expected n = " + n + " diagonal entries, "
                    + Math.max(0, n - 1) + " off-diagonal and a " + k + " x " + n + " W; found " + e.length + " and "
                    + w.length + " entries");
        }
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]));
        for (int i = 0; i + 1 < n; i++) scale = Math.max(scale, Math.abs(e[i]));
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException("TridiagonalQL: the tridiagonal matrix has a non-finite entry");
        }
        if (n == 0) return;
        if (scale == 0) return; // T = 0: eigenvalues 0, Z = I
        int shift = -Math.getExponent(scale);
        double[] off = new double[n]; // off[i] couples i and i + 1; off[n - 1] = 0
        for (int i = 0; i < n; i++) d[i] = Math.scalb(d[i], shift);
        for (int i = 0; i + 1 < n; i++) off[i] = Math.scalb(e[i], shift);
        iterate(d, off, w, k, n);
        for (int i = 0; i < n; i++) d[i] = Math.scalb(d[i], -shift);
        sort(d, w, k, n);
    }

    private static void iterate(double[] d, double[] e, double[] w, int k, int n) {
        final double eps = Math.ulp(1.0);
        double f = 0, tst1 = 0;
        long iterations = 0, maxIterations = (long) MAX_ITERATIONS_PER_VALUE * n;
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
            if (m > l) {
                do {
                    if (++iterations > maxIterations) {
                        throw new ArithmeticException("TridiagonalQL: no convergence after " + maxIterations
                                + " QL iterations (eigenvalue " + l + " of " + n + ")");
                    }
                    // Wilkinson's shift from the leading 2 x 2 block, applied to the whole remaining diagonal.
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.abs(p) > 1e150 ? Math.abs(p) : Math.sqrt(p * p + 1.0);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    // The implicit QL sweep, bottom up, each rotation also applied to columns i, i + 1 of W.
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, el1 = e[l + 1], s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.sqrt(p * p + e[i] * e[i]);
                        if (r < 1e-140) r = Math.hypot(p, e[i]); // squares would underflow
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int q = 0, o = 0; q < k; q++, o += n) {
                            double a = w[o + i], b = w[o + i + 1];
                            w[o + i + 1] = s * a + c * b;
                            w[o + i] = c * a - s * b;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0;
        }
    }

    /** Sorts the eigenvalues increasing, permuting W's columns alike. */
    private static void sort(double[] d, double[] w, int k, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(d[a], d[b]));
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) sorted[i] = d[order[i]];
        System.arraycopy(sorted, 0, d, 0, n);
        double[] row = new double[n];
        for (int q = 0; q < k; q++) {
            for (int i = 0; i < n; i++) row[i] = w[q * n + order[i]];
            System.arraycopy(row, 0, w, q * n, n);
        }
    }
}
