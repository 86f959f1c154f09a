package org.overparam.linalg;

import java.util.SplittableRandom;
import org.netlib.util.intW;
import org.overparam.Seeds;

/**
 * The randomized Nystrom preconditioner of Frangella, Tropp and Udell ("Randomized Nystrom Preconditioning", SIAM J.
 * Matrix Anal. Appl. 44(2), 2023, Alg. 2.1 and eq. 5.3 with mu = 0) for a symmetric PSD H: from one block
 * application {@code Y = H Omega} to r orthonormalized Gaussian vectors, the rank-r approximation
 * {@code H ~ U Lambda U^T}, and
 * <pre>{@code  P^{-1} = lambda_r U Lambda^{-1} U^T + (I - U U^T),}</pre>
 * which maps the top r eigenvalues of H to about {@code lambda_r} and leaves the rest, so that conjugate gradients
 * converge at the rate of {@code lambda_r / lambda_min} instead of {@code lambda_max / lambda_min}.
 *
 * <p>Cost: one block application of H with r columns, {@code O(n r^2)} flops for the rest; each application of
 * {@code P^{-1}} to b vectors costs {@code 4 n r b} flops. Memory: U, {@code 8 n r} bytes.
 */
public final class NystromPreconditioner {
    private final int n;
    private final int rank;
    /** U, n x rank row-major. */
    private final double[] u;
    /** {@code lambda_r / lambda_i - 1} for each column of U. */
    private final double[] scale;

    private final double[] lambda;

    private NystromPreconditioner(int n, int rank, double[] u, double[] lambda) {
        this.n = n;
        this.rank = rank;
        this.u = u;
        this.lambda = lambda;
        this.scale = new double[rank];
        double floor = lambda[rank - 1];
        for (int i = 0; i < rank; i++) scale[i] = floor / lambda[i] - 1.0;
    }

    /**
     * Builds the preconditioner of rank {@code min(r, n)} with test vectors drawn from {@code Seeds.stream(seed,
     * "nystrom", column)}. Directions the sketch finds empty (eigenvalue 0 after the shift) are dropped.
     */
    public static NystromPreconditioner build(SymmetricOperator op, int r, long seed) {
        int n = op.n();
        if (r < 1) throw new IllegalArgumentException("NystromPreconditioner: rank must be >= 1, found " + r);
        int k = Math.min(r, n);
        double[] omega = orthonormalTestVectors(n, k, seed);
        double[] y = new double[n * k];
        op.apply(omega, y, k);
        return fromSketch(omega, y, n, k);
    }

    /**
     * The preconditioner whose rank adapts to H's spectrum (Frangella, Tropp and Udell, Sec. 5.4, their adaptive
     * rule with the smallest eigenvalue in place of the regularization): the rank-{@code r} preconditioner of
     * {@link #build}, then, while the smallest kept Nystrom eigenvalue {@code lambda_r} exceeds {@code condition}
     * times {@code floor} (an estimate of lambda_min from above) and the rank is below {@code maxRank}, the sketch
     * doubled: new Gaussian test vectors orthogonalized against the old ones, one more application of H to them
     * alone, the approximation recomputed from the whole sketch. Preconditioned LOBPCG and CG then see a condition
     * number near {@code (lambda_r + error) / lambda_min}. A first round that already meets the rule returns exactly
     * {@link #build}'s preconditioner. Cost per doubling: one block application with the new columns and
     * {@code O(n r^2)} flops; memory {@code 8 n r} bytes four times at the final rank r while it is made (test vectors,
     * sketch, the sketch's working copy, U).
     */
    public static NystromPreconditioner adaptive(
            SymmetricOperator op, int r, int maxRank, double floor, double condition, long seed) {
        int n = op.n();
        if (r < 1 || maxRank < r || !(floor > 0) || !(condition > 1)) {
            throw new IllegalArgumentException("NystromPreconditioner.adaptive: expected 1 <= r <= maxRank, floor > 0 "
                    + "and condition > 1; found r = " + r + ", maxRank = " + maxRank + ", floor = " + floor
                    + ", condition = " + condition);
        }
        int k = Math.min(r, n), cap = Math.min(maxRank, n);
        double[] omega = orthonormalTestVectors(n, k, seed);
        double[] y = new double[n * k];
        op.apply(omega, y, k);
        NystromPreconditioner pre = fromSketch(omega, y.clone(), n, k);
        while (pre.lambda[pre.rank - 1] > condition * floor && k < cap) {
            int extra = Math.min(k, cap - k);
            double[] more = testVectors(n, k, extra, seed);
            for (int twice = 0; twice < 2; twice++) {
                orthogonalizeAgainst(omega, k, more, extra, n);
                orthonormalize(more, n, extra);
            }
            double[] ymore = new double[n * extra];
            op.apply(more, ymore, extra);
            omega = sideBySide(omega, k, more, extra, n);
            more = null;
            y = sideBySide(y, k, ymore, extra, n);
            ymore = null;
            k += extra;
            // The old U goes before the new one is made: at most four blocks of the new rank live at once.
            pre = null;
            pre = fromSketch(omega, y.clone(), n, k);
        }
        return pre;
    }

    /** The first k Gaussian test vectors, orthonormalized (Cholesky QR twice). */
    private static double[] orthonormalTestVectors(int n, int k, long seed) {
        double[] omega = testVectors(n, 0, k, seed);
        orthonormalize(omega, n, k);
        orthonormalize(omega, n, k);
        return omega;
    }

    /** Columns {@code first .. first + k} of the Gaussian test matrix, n x k row-major. */
    private static double[] testVectors(int n, int first, int k, long seed) {
        double[] omega = new double[n * k];
        for (int c = 0; c < k; c++) {
            SplittableRandom rng = Seeds.stream(seed, "nystrom", first + c);
            for (int i = 0; i < n; i++) omega[i * k + c] = gaussian(rng);
        }
        return omega;
    }

    /** {@code B -= A (A^T B)} for orthonormal columns A (n x ka) and B (n x kb), both row-major. */
    private static void orthogonalizeAgainst(double[] a, int ka, double[] b, int kb, int n) {
        var blas = NativeLibraries.blas();
        double[] c = new double[ka * kb];
        // C = A^T B (ka x kb row-major = column-major kb x ka): C^T = B^T A.
        blas.dgemm("N", "T", kb, ka, n, 1.0, b, kb, a, ka, 0.0, c, kb);
        // B -= A C: B^T -= C^T A^T.
        blas.dgemm("N", "N", kb, n, ka, -1.0, c, kb, a, ka, 1.0, b, kb);
    }

    /** {@code [A B]}, n x (ka + kb) row-major. */
    private static double[] sideBySide(double[] a, int ka, double[] b, int kb, int n) {
        int k = ka + kb;
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * ka, out, i * k, ka);
            System.arraycopy(b, i * kb, out, i * k + ka, kb);
        }
        return out;
    }

    /**
     * The Nystrom approximation from orthonormal test vectors {@code omega} and the sketch {@code y = H omega} (both
     * n x k row-major; y is overwritten): the shifted, stable form of Tropp et al. (Frangella, Tropp and Udell, Alg. 2.1).
     */
    private static NystromPreconditioner fromSketch(double[] omega, double[] y, int n, int k) {
        var blas = NativeLibraries.blas();
        double nu = Math.ulp(1.0) * Math.sqrt(n) * blas.dnrm2(n * k, y, 1);
        blas.daxpy(n * k, nu, omega, 1, y, 1);
        // M = Omega^T Y_nu (k x k); the row-major n x k blocks are column-major k x n.
        double[] m = new double[k * k];
        blas.dgemm("N", "T", k, k, n, 1.0, omega, k, y, k, 0.0, m, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) m[i * k + j] = m[j * k + i] = 0.5 * (m[i * k + j] + m[j * k + i]);
        }
        intW info = new intW(0);
        NativeLibraries.lapack().dpotrf("U", k, m, k, info);
        if (info.val != 0) {
            throw new ArithmeticException(
                    "NystromPreconditioner: Omega^T H Omega is not positive definite (dpotrf info = " + info.val
                            + "); H must be symmetric positive semi-definite");
        }
        // B = Y_nu C^{-1}, i.e. B^T = C^{-T} Y_nu^T, in place on y.
        blas.dtrsm("L", "U", "T", "N", k, n, 1.0, m, k, y, k);
        double[] g = new double[k * k];
        blas.dgemm("N", "T", k, k, n, 1.0, y, k, y, k, 0.0, g, k);
        SymmetricEigen e = SymmetricEigen.withVectors(g, k);
        // Singular values sigma_i^2 = e.values (increasing); keep those with sigma^2 - nu > 0, largest first.
        int kept = 0;
        for (int i = 0; i < k; i++) if (e.values[i] - nu > 0) kept++;
        if (kept == 0) throw new ArithmeticException("NystromPreconditioner: the sketch of H is zero");
        double[] lambda = new double[kept];
        double[] vs = new double[k * kept];
        for (int c = 0; c < kept; c++) {
            int src = k - 1 - c;
            lambda[c] = e.values[src] - nu;
            double sigma = Math.sqrt(e.values[src]);
            for (int i = 0; i < k; i++) vs[i * kept + c] = e.vectors[src * k + i] / sigma;
        }
        // U = B W with W = V Sigma^{-1}; in column-major terms U^T = W^T B^T.
        double[] uu = new double[n * kept];
        blas.dgemm("N", "N", kept, n, k, 1.0, vs, kept, y, k, 0.0, uu, kept);
        return new NystromPreconditioner(n, kept, uu, lambda);
    }

    /** The rank kept. */
    public int rank() {
        return rank;
    }

    /** Its factors, to be saved: n, U (n x rank, row-major; not copied) and the eigenvalues. */
    public record Factors(int n, double[] u, double[] lambda) {}

    public Factors factors() {
        return new Factors(n, u, lambda);
    }

    /** The preconditioner of saved factors: the same one, applied with the same arithmetic. */
    public static NystromPreconditioner of(Factors f) {
        int rank = f.lambda().length;
        if (rank < 1 || f.u().length != (long) f.n() * rank) {
            throw new IllegalArgumentException("NystromPreconditioner: factors of " + f.u().length + " entries and "
                    + rank + " eigenvalues for n = " + f.n());
        }
        return new NystromPreconditioner(f.n(), rank, f.u(), f.lambda());
    }

    /** A copy of the approximate top eigenvalues {@code lambda_1 >= ... >= lambda_r} of H. */
    public double[] eigenvalues() {
        return lambda.clone();
    }

    /** {@code Z = P^{-1} R} for an n x b row-major block R; Z is overwritten. */
    public void apply(double[] r, double[] z, int b) {
        Blocks.check(r, z, n, b, "NystromPreconditioner.apply");
        var blas = NativeLibraries.blas();
        double[] c = new double[rank * b];
        // C = U^T R (rank x b row-major = column-major b x rank): C^T = R^T U.
        blas.dgemm("N", "T", b, rank, n, 1.0, r, b, u, rank, 0.0, c, b);
        for (int i = 0; i < rank; i++) {
            for (int j = 0; j < b; j++) c[i * b + j] *= scale[i];
        }
        System.arraycopy(r, 0, z, 0, n * b);
        // Z += U C: Z^T += C^T U^T.
        blas.dgemm("N", "N", b, n, rank, 1.0, c, b, u, rank, 1.0, z, b);
    }

    /** Orthonormalizes the columns of an n x k row-major block by Cholesky QR. */
    static void orthonormalize(double[] a, int n, int k) {
        var blas = NativeLibraries.blas();
        double[] g = new double[k * k];
        blas.dgemm("N", "T", k, k, n, 1.0, a, k, a, k, 0.0, g, k);
        intW info = new intW(0);
        NativeLibraries.lapack().dpotrf("U", k, g, k, info);
        if (info.val != 0)
            throw new ArithmeticException(
                    "Cholesky QR: the columns are linearly dependent (dpotrf info = " + info.val + ")");
        blas.dtrsm("L", "U", "T", "N", k, n, 1.0, g, k, a, k);
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
