package org.overparam.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one approximate-equality helper of the test suite, with named tolerances (EJML's UtilEjml style).
 * A relative comparison against an exact zero is an error, not a pass.
 */
public final class Approx {
    /** Sums of ~10^7 doubles accumulated in a different order than the reference. */
    public static final double SUMMATION = 1e-10;
    /** Results of one BLAS call against a plain loop. */
    public static final double BLAS = 1e-12;
    /**
     * A gradient-descent trajectory of a few dozen steps against the same trajectory computed in another summation order
     * (other cuts of the units into blocks) or representation (W itself, or its span of the samples).
     */
    public static final double TRAJECTORY = 1e-12;
    /** Values that went through float64 I/O and parsing only. */
    public static final double EXACT_DECIMAL = 1e-15;
    /** A dense symmetric eigendecomposition multiplied back together ({@code V Lambda V^T}, {@code H v - lambda v}). */
    public static final double RECONSTRUCTION = 1e-12;
    /** A closed form through an eigendecomposition against the iteration it solves (Arora et al., Thm 4.1). */
    public static final double SPECTRAL_FORMULA = 1e-10;
    /** Eigenvalues of the same matrix from two LAPACK builds (OpenBLAS here, SciPy's in the reference script). */
    public static final double EIGENVALUE = 1e-10;
    /** A function of a kernel matrix, {@code y^T f(H) y}, by two factorizations (Cholesky, eigen) or two libraries. */
    public static final double SPECTRAL_FUNCTION = 1e-9;
    /** Eigenvector projections {@code |v . y|} from two LAPACK builds, compared up to the eigenvector's sign. */
    public static final double EIGENVECTOR = 1e-8;
    /** A central difference with step 1e-6 against an analytic gradient of a smooth objective, relative to the gradient's norm. */
    public static final double FINITE_DIFFERENCE = 1e-7;

    /** lambda_max from ARPACK on the tiles against the dense eigendecomposition, relative. */
    public static final double LANCZOS_LAMBDA_MAX = 1e-6;
    /** lambda_min from preconditioned LOBPCG on the tiles against the dense eigendecomposition, relative. */
    public static final double LANCZOS_LAMBDA_MIN = 1e-3;
    /** The complexity sqrt(2 y^T H^-1 y / n) by preconditioned CG against Cholesky, relative. */
    public static final double LANCZOS_COMPLEXITY = 1e-4;
    /** The predicted loss by Lanczos quadrature against the eigendecomposition, relative, at every k up to 1e5. */
    public static final double LANCZOS_PREDICTED_LOSS = 1e-3;
    /**
     * The Wasserstein-1 distance between the stochastic-Lanczos-quadrature eigenvalue distribution and the true
     * eigenvalues, relative to the mean eigenvalue (1/2 for Hinf of unit inputs), with the top 10 eigenvalues deflated
     * (20 probes, 80 steps at n = 600: measured 0.017).
     */
    public static final double SLQ_WASSERSTEIN = 0.03;

    /** A product with kernel tiles stored in float32 (each entry rounded to 6e-8 relative) against float64. */
    public static final double FLOAT32_TILES = 1e-6;

    private Approx() {}

    public static void assertRelative(double expected, double actual, double tol, String what) {
        if (expected == 0) {
            fail(what + ": relative comparison against an exact 0 is meaningless; use assertAbsolute");
        }
        double rel = Math.abs(actual - expected) / Math.abs(expected);
        if (!(rel <= tol)) {
            fail(String.format(
                    "%s: expected %.17g, found %.17g (relative error %.3g > %.3g)", what, expected, actual, rel, tol));
        }
    }

    public static void assertAbsolute(double expected, double actual, double tol, String what) {
        if (!(Math.abs(actual - expected) <= tol)) {
            fail(String.format(
                    "%s: expected %.17g, found %.17g (absolute error %.3g > %.3g)",
                    what, expected, actual, Math.abs(actual - expected), tol));
        }
    }
}
