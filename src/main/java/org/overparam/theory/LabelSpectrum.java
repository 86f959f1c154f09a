package org.overparam.theory;

import org.overparam.linalg.SymmetricEigen;

/**
 * A label vector y seen in the eigenbasis of a symmetric PSD kernel matrix {@code H = sum_i lambda_i v_i v_i^T}
 * (n x n, typically Hinf), and the loss trajectory it predicts (Arora, Du, Hu, Li, Wang, "Fine-Grained Analysis of
 * Optimization and Generalization for Overparameterized Two-Layer Neural Networks", ICML 2019).
 *
 * <p>Convention: eigenvalues in <b>decreasing</b> order, as in the paper's Fig. 1(b), and the projections
 * {@code p_i = v_i . y} in the same order. The sign of each {@code p_i} follows the (arbitrary) sign LAPACK gave
 * {@code v_i}; only {@code |p_i|} and {@code p_i^2} are meaningful.
 *
 * <p>Theorem 4.1 (with {@code u(0) = 0}): the linear dynamics {@code u(k+1) = u(k) - eta H (u(k) - y)}, which the
 * network's predictions follow when it is wide enough, leave the residual
 * {@code y - u(k) = sum_i (1 - eta lambda_i)^k (v_i . y) v_i}, hence the loss
 * <pre>{@code  Phi(k) = 1/2 ||y - u(k)||^2 = 1/2 sum_i (1 - eta lambda_i)^(2k) p_i^2 .}</pre>
 * {@link LinearDynamics} iterates the same dynamics by mat-vecs, for checking.
 *
 * <p>Cost: one projection {@code V^T y} ({@link SymmetricEigen#project}, {@code O(n^2)}) at construction, then {@code O(n)} per predicted loss.
 * Memory: three arrays of n doubles; the eigenvectors are not kept. Neither the decomposition nor y is modified.
 */
public final class LabelSpectrum {
    private final int n;
    private final double[] values;
    private final double[] projections;
    private final double[] cumulativeShare;
    private final double labelNormSquared;

    private LabelSpectrum(double[] values, double[] projections, double labelNormSquared) {
        this.n = values.length;
        this.values = values;
        this.projections = projections;
        this.labelNormSquared = labelNormSquared;
        this.cumulativeShare = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += projections[i] * projections[i];
            cumulativeShare[i] = sum / labelNormSquared;
        }
    }

    /**
     * The spectrum of y in the eigenbasis of H.
     *
     * @param eigen the decomposition of H with eigenvectors ({@link SymmetricEigen#factored} or
     *              {@link SymmetricEigen#withVectors}), eigenvalues increasing
     * @param y     the label vector, n finite entries, not all zero
     * @throws IllegalArgumentException if the eigenvectors are missing, the sizes disagree, or y is zero or not finite
     */
    public static LabelSpectrum of(SymmetricEigen eigen, double[] y) {
        if (!eigen.hasVectors()) {
            throw new IllegalArgumentException("LabelSpectrum: the decomposition has no eigenvectors; "
                    + "use SymmetricEigen.factored or withVectors, not SymmetricEigen.values");
        }
        double normSq = checkedNormSquared(eigen.n, y, "labels (one per row of H)", "labels");
        // q = V^T y: q_j = v_j . y, in LAPACK's increasing order.
        return decreasing(eigen.values, eigen.project(y), normSq);
    }

    /**
     * The spectrum of a label vector given by its coordinates {@code q = V^T y} in the eigenbasis (entry j belonging
     * to {@code eigen.values[j]}, increasing), as {@link SymmetricEigen#projection} gives them; {@code ||y||^2} is
     * {@code ||q||^2} (V is orthogonal).
     *
     * @throws IllegalArgumentException if the sizes disagree, n = 0, or q is zero or not finite
     */
    public static LabelSpectrum ofCoordinates(SymmetricEigen eigen, double[] q) {
        double normSq = checkedNormSquared(eigen.n, q, "coordinates (one per eigenvalue)", "coordinates");
        return decreasing(eigen.values, q.clone(), normSq);
    }

    /**
     * The worst-case labels of {@link WorstCaseLabels}, {@code norm * v_min}, by their coordinates: {@code norm} on
     * lambda_min's eigenvector, 0 on every other (no eigenvector needs forming).
     */
    public static LabelSpectrum ofMinEigenvector(SymmetricEigen eigen, double norm) {
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("LabelSpectrum: the norm must be finite and > 0, found " + norm);
        }
        double[] q = new double[eigen.n];
        if (q.length > 0) q[0] = norm;
        return ofCoordinates(eigen, q);
    }

    /** {@code ||v||^2}, after checking that n > 0 and v has n finite entries, not all zero. */
    private static double checkedNormSquared(int n, double[] v, String expected, String what) {
        if (n == 0) {
            throw new IllegalArgumentException("LabelSpectrum: the kernel matrix is empty (n = 0)");
        }
        if (v.length != n) {
            throw new IllegalArgumentException("LabelSpectrum: expected " + n + " " + expected + ", found " + v.length);
        }
        double normSq = 0;
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("LabelSpectrum: the " + what + " have a non-finite entry " + x);
            }
            normSq += x * x;
        }
        if (normSq == 0) {
            throw new IllegalArgumentException(
                    "LabelSpectrum: the labels are all zero; shares of ||y||^2 are undefined");
        }
        return normSq;
    }

    /** From LAPACK's increasing order to the paper's decreasing one. */
    private static LabelSpectrum decreasing(double[] increasingValues, double[] q, double normSq) {
        int n = q.length;
        double[] values = new double[n];
        double[] projections = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = increasingValues[n - 1 - i];
            projections[i] = q[n - 1 - i];
        }
        return new LabelSpectrum(values, projections, normSq);
    }

    /** The number of samples n (the order of H). */
    public int n() {
        return n;
    }

    /**
     * A copy of the eigenvalues {@code lambda_1 >= ... >= lambda_n}, as LAPACK computed them (the smallest of a
     * singular PSD matrix may come out slightly negative).
     */
    public double[] eigenvalues() {
        return values.clone();
    }

    /** A copy of the projections {@code p_i = v_i . y}, in the order of {@link #eigenvalues()}. */
    public double[] projections() {
        return projections.clone();
    }

    /** A copy of the cumulative shares {@code s_i = sum_{j <= i} p_j^2 / ||y||^2} (1-based i; array index i - 1). */
    public double[] cumulativeShare() {
        return cumulativeShare.clone();
    }

    /** {@code ||y||^2}. */
    public double labelNormSquared() {
        return labelNormSquared;
    }

    /** {@code lambda_max(H)}. */
    public double lambdaMax() {
        return values[0];
    }

    /** {@code lambda_min(H)}. */
    public double lambdaMin() {
        return values[n - 1];
    }

    /**
     * The share of {@code ||y||^2} on the top-k eigenvectors, {@code sum_{i <= k} p_i^2 / ||y||^2}: 0 for k = 0, 1 up
     * to rounding for k = n (Arora et al., Fig. 1(b): true labels concentrate on the top eigenvectors).
     */
    public double topShare(int k) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("topShare: k must be in [0, " + n + "], found " + k);
        }
        return k == 0 ? 0.0 : cumulativeShare[k - 1];
    }

    /**
     * Whether the step size makes the linear dynamics fail to converge: {@code eta lambda_max >= 2}, so that
     * {@code |1 - eta lambda_max| >= 1} and the top component of the residual does not shrink (it grows for
     * {@code > 2}). Callers should warn; {@link #predictedLoss} then grows with k, up to +Infinity.
     */
    public boolean divergent(double eta) {
        checkEta(eta);
        return eta * values[0] >= 2.0;
    }

    /** The step size at which the dynamics stop converging, {@code 2 / lambda_max}. */
    public double divergenceThreshold() {
        return 2.0 / values[0];
    }

    /**
     * The predicted training loss after k steps of size eta from {@code u(0) = 0} (Arora et al., Thm 4.1):
     * {@code 1/2 sum_i (1 - eta lambda_i)^(2k) p_i^2}; k = 0 gives {@code ||y||^2 / 2}.
     *
     * <p>Each factor is evaluated as {@code exp(2k log|1 - eta lambda_i|)} with {@code log1p(-eta lambda_i)} when
     * {@code eta lambda_i < 1}, so that a factor {@code 1 - 1e-12} raised to {@code 2k = 2e6} keeps full relative
     * accuracy (the power is even, so the sign of {@code 1 - eta lambda_i} does not matter; a zero base gives 0 for
     * k >= 1). Any k >= 0 is accepted; the cost is {@code O(n)}, independent of k.
     *
     * @throws IllegalArgumentException if eta is not positive and finite, or k < 0
     */
    public double predictedLoss(double eta, long k) {
        checkEta(eta);
        if (k < 0) {
            throw new IllegalArgumentException("predictedLoss: k must be >= 0, found " + k);
        }
        if (k == 0) {
            return 0.5 * labelNormSquared;
        }
        double twoK = 2.0 * k;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double pSq = projections[i] * projections[i];
            if (pSq != 0) {
                // Skipping empty components keeps a growing factor (+Infinity) from turning 0 into NaN.
                sum += decay(eta * values[i], twoK) * pSq;
            }
        }
        return 0.5 * sum;
    }

    /** {@link #predictedLoss} at each of {@code ks}, in the given order. Cost {@code O(n ks.length)}. */
    public double[] predictedLossCurve(double eta, long[] ks) {
        double[] out = new double[ks.length];
        for (int j = 0; j < ks.length; j++) {
            out[j] = predictedLoss(eta, ks[j]);
        }
        return out;
    }

    /** {@code |1 - x|^twoK} for {@code twoK > 0}, through logarithms; {@code log1p} keeps small x exact. */
    static double decay(double x, double twoK) {
        if (x == 1.0) {
            return 0.0;
        }
        double log = x < 1.0 ? Math.log1p(-x) : Math.log(x - 1.0);
        return Math.exp(twoK * log);
    }

    /**
     * Iterations for plotting a loss curve on a log axis: 0, 1, then integers spaced evenly in {@code log k} up to
     * {@code kMax}, strictly increasing and ending at kMax. Where rounding would repeat a value the next free integer
     * is taken, so the grid has exactly {@code min(points, kMax + 1)} entries (all of {@code 0..kMax} when
     * {@code points > kMax}).
     *
     * @param kMax   the last iteration, >= 0
     * @param points the number of entries wanted, >= 3 (0, 1 and kMax)
     */
    public static long[] logGrid(long kMax, int points) {
        if (kMax < 0) {
            throw new IllegalArgumentException("logGrid: kMax must be >= 0, found " + kMax);
        }
        if (points < 3) {
            throw new IllegalArgumentException("logGrid: points must be >= 3 (0, 1 and kMax), found " + points);
        }
        if (points > kMax) {
            int size = (int) (kMax + 1);
            long[] all = new long[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        // points <= kMax: the values 1..kMax have room for points - 1 distinct integers.
        int m = points - 1;
        long[] grid = new long[points];
        grid[0] = 0;
        grid[1] = 1;
        double logMax = Math.log((double) kMax);
        for (int j = 1; j < m; j++) {
            long ideal = Math.round(Math.exp(logMax * j / (m - 1)));
            long atLeast = grid[j] + 1;
            long atMost = kMax - (m - 1 - j);
            grid[j + 1] = Math.min(Math.max(ideal, atLeast), atMost);
        }
        grid[points - 1] = kMax;
        return grid;
    }

    private static void checkEta(double eta) {
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta must be positive and finite, found " + eta);
        }
    }
}
