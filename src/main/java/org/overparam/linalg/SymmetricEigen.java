package org.overparam.linalg;

import org.netlib.util.intW;

/**
 * All eigenvalues (and optionally eigenvectors) of a dense symmetric matrix by LAPACK's divide-and-conquer
 * {@code dsyevd} (Demmel, Applied Numerical Linear Algebra, 1997, Sec. 5.3.3), through the native LAPACK of
 * {@link NativeLibraries}.
 *
 * <p>Cost: about {@code 4/3 n^3} flops for values only, {@code 9 n^3} with vectors; memory: a copy of the matrix
 * ({@code 8 n^2} bytes) plus LAPACK's workspace (about {@code 1 + 6n + 2n^2} doubles with vectors, {@code 2n + 1}
 * without). The input is not modified. Eigenvalues come in increasing order.
 */
public final class SymmetricEigen {
    /** Eigenvalues, increasing. */
    public final double[] values;
    /** Eigenvectors as the columns of an n x n column-major matrix (null when not requested). */
    public final double[] vectors;
    public final int n;

    private SymmetricEigen(int n, double[] values, double[] vectors) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
    }

    /** Eigenvalues only. {@code a} is n x n (row- or column-major: it is symmetric); only its lower triangle is read. */
    public static SymmetricEigen values(double[] a, int n) {
        return decompose(a, n, false);
    }

    public static SymmetricEigen withVectors(double[] a, int n) {
        return decompose(a, n, true);
    }

    private static SymmetricEigen decompose(double[] a, int n, boolean vectors) {
        return NativeLibraries.withAllCores(() -> decomposeNow(a, n, vectors));
    }

    private static SymmetricEigen decomposeNow(double[] a, int n, boolean vectors) {
        if (n < 0 || a.length < (long) n * n) {
            throw new IllegalArgumentException("SymmetricEigen: expected an n x n matrix with n >= 0, found n = " + n + " and " + a.length + " entries");
        }
        for (double v : a) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("SymmetricEigen: the matrix has a non-finite entry " + v);
        }
        double[] w = new double[n];
        if (n == 0) return new SymmetricEigen(0, w, vectors ? new double[0] : null);
        double[] copy = java.util.Arrays.copyOf(a, n * n);
        String jobz = vectors ? "V" : "N";
        intW info = new intW(0);
        double[] q = new double[1];
        int[] iq = new int[1];
        // "U" on the row-major view is "L" on the column-major one: either way, one triangle of a symmetric matrix.
        NativeLibraries.lapack().dsyevd(jobz, "L", n, copy, n, w, q, -1, iq, -1, info);
        int lwork = (int) q[0];
        int liwork = iq[0];
        double[] work = new double[Math.max(1, lwork)];
        int[] iwork = new int[Math.max(1, liwork)];
        NativeLibraries.lapack().dsyevd(jobz, "L", n, copy, n, w, work, lwork, iwork, liwork, info);
        if (info.val != 0) {
            throw new ArithmeticException("LAPACK dsyevd failed: info = " + info.val
                    + (info.val > 0 ? " (the algorithm failed to converge)" : " (argument " + (-info.val) + " had an illegal value)"));
        }
        return new SymmetricEigen(n, w, vectors ? copy : null);
    }

    public double min() {
        return values[0];
    }

    public double max() {
        return values[n - 1];
    }
}
