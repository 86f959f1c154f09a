package org.overparam.theory;

import org.overparam.linalg.SymmetricEigen;

/**
 * The worst-case labels of Arora, Du, Hu, Li, Wang (ICML 2019), Fig. 1(a, c): the unit eigenvector {@code v_n} of
 * {@code lambda_min(H)} scaled to a given norm, usually that of the true labels ({@code sqrt(n)} for
 * {@code +-1} labels). They make both predictions of the paper as bad as they can be for that norm: the loss
 * {@code 1/2 (1 - eta lambda_min)^(2k) ||y||^2} decays slowest (Thm 4.1), and the complexity
 * {@code sqrt(2 ||y||^2 / (n lambda_min))} is largest (Thm 5.1).
 *
 * <p>An eigenvector's sign is arbitrary; here it is fixed so that the entry of largest magnitude is positive (the
 * first such entry on ties), which makes the labels deterministic for a given decomposition. When
 * {@code lambda_min} is repeated, its eigenvector is not unique and LAPACK's choice is returned.
 *
 * <p>Cost {@code O(n)}; the decomposition is not modified.
 */
public final class WorstCaseLabels {
    private WorstCaseLabels() {}

    /**
     * {@code norm * v_n / ||v_n||}, signed so that its largest-magnitude entry is positive.
     *
     * @param eigen the decomposition of H with eigenvectors (eigenvalues increasing, so eigenvector 0 belongs to
     *              {@code lambda_min})
     * @param norm  the Euclidean norm of the result, finite and >= 0
     */
    public static double[] of(SymmetricEigen eigen, double norm) {
        if (!eigen.hasVectors()) {
            throw new IllegalArgumentException("WorstCaseLabels: the decomposition has no eigenvectors; "
                    + "use SymmetricEigen.factored or withVectors, not SymmetricEigen.values");
        }
        if (eigen.n == 0) {
            throw new IllegalArgumentException("WorstCaseLabels: the kernel matrix is empty (n = 0)");
        }
        if (!(norm >= 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("WorstCaseLabels: the norm must be finite and >= 0, found " + norm);
        }
        return scaled(eigen.vector(0), norm);
    }

    /**
     * A given eigenvector of {@code lambda_min} (from an iterative solver, for n past the dense limit) scaled to
     * {@code norm} and signed as in {@link #of}. v is overwritten and returned.
     */
    public static double[] scaled(double[] v, double norm) {
        if (!(norm >= 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("WorstCaseLabels: the norm must be finite and >= 0, found " + norm);
        }
        int n = v.length;
        int largest = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            sumSq += v[i] * v[i];
            if (Math.abs(v[i]) > Math.abs(v[largest])) {
                largest = i;
            }
        }
        // LAPACK's vectors are unit to rounding; dividing by the computed norm makes ||result|| = norm to rounding too.
        double scale = norm / Math.sqrt(sumSq);
        if (v[largest] < 0) {
            scale = -scale;
        }
        for (int i = 0; i < n; i++) {
            v[i] *= scale;
        }
        return v;
    }

    /** {@link #of} scaled like the given labels: {@code ||result|| = ||y||}. */
    public static double[] likeLabels(SymmetricEigen eigen, double[] y) {
        if (y.length != eigen.n) {
            throw new IllegalArgumentException(
                    "WorstCaseLabels: expected " + eigen.n + " labels (one per row of H), found " + y.length);
        }
        double sumSq = 0;
        for (double v : y) {
            sumSq += v * v;
        }
        return of(eigen, Math.sqrt(sumSq));
    }
}
