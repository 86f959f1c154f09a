package org.overparam.theory;

import java.util.Arrays;
import org.netlib.util.doubleW;
import org.netlib.util.intW;
import org.overparam.linalg.NativeLibraries;
import org.overparam.linalg.SymmetricEigen;

/**
 * The data-dependent complexity measure of Arora, Du, Hu, Li, Wang (ICML 2019), Theorem 5.1:
 * <pre>{@code  C(y) = sqrt(2 y^T H^{-1} y / n),}</pre>
 * which bounds the population loss of the trained two-layer ReLU net (H = Hinf), together with the quantity of their
 * Lemma 5.3, {@code sqrt(y^T H^{-1} y)}, the leading term of the bound on {@code ||W(k) - W(0)||_F}. Both come from
 * the one quadratic form {@code q = y^T H^{-1} y}.
 *
 * <p>Two routes, which must agree (a cross-check):
 * <ul>
 *   <li>{@link #byCholesky}: {@code H = L L^T} by LAPACK {@code dpotrf}, {@code z = H^{-1} y} by {@code dpotrs},
 *       {@code q = y . z}. Cost {@code n^3 / 3} flops plus {@code O(n^2)}; memory one copy of H; H and y are not
 *       modified.</li>
 *   <li>{@link #bySpectrum}: {@code q = sum_i p_i^2 / lambda_i} from a {@link LabelSpectrum}, {@code O(n)} once the
 *       eigendecomposition exists.</li>
 * </ul>
 *
 * <h2>Singular H</h2>
 * H counts as singular to working precision when {@code lambda_min <= n eps lambda_max}, {@code eps = 2^-52}
 * (about 2.2e-16), or when the Cholesky factorization fails. Then q is dominated by rounding, so the result says
 * {@link Result#singular() singular}, reports {@code lambda_min} and the condition number, and its complexity is NaN.
 * For Hinf: Du et al. (ICLR 2019, Thm 3.1) prove {@code lambda_min(Hinf) > 0} when no two inputs are parallel;
 * two identical (unit) inputs give two equal rows of Hinf, so {@code lambda_min = 0} exactly, and near-duplicates give
 * a tiny {@code lambda_min}. (An antiparallel pair {@code x_j = -x_i} does not by itself make Hinf singular:
 * {@code Hinf} of {@code {x, -x}} is {@code I / 2}.) Callers that see a singular result should look for duplicates.
 *
 * <p>The Cholesky route needs no eigenvalues when H is well conditioned: LAPACK {@code dpocon} estimates the 1-norm
 * condition number {@code kappa_1} from the factor in {@code O(n^2)}. Because
 * {@code kappa_2 / n <= kappa_1 <= n kappa_2}, only when the estimate exceeds {@code 1 / (10 n^2 eps)} are the
 * eigenvalues computed ({@link SymmetricEigen#values}, {@code 4/3 n^3} flops) to apply the criterion above exactly.
 * (dpocon's estimate is a lower bound on {@code kappa_1}, usually within a factor 3; the margin of 10 covers that.)
 */
public final class ComplexityMeasure {
    /** The unit roundoff of the criterion {@code lambda_min <= n eps lambda_max}: {@code 2^-52}. */
    public static final double EPS = Math.ulp(1.0);
    /** Margin on the dpocon screen, against its underestimates of {@code kappa_1}. */
    static final double SCREEN_MARGIN = 10.0;

    /** How a result was computed. */
    public enum Method {
        /** LAPACK dpotrf + dpotrs (+ dpocon, and dsyevd values only when the screen triggers). */
        CHOLESKY,
        /** From the eigendecomposition: {@code sum_i p_i^2 / lambda_i}. */
        EIGEN,
        /** Preconditioned conjugate gradients ({@code y . x} with {@code H x ~ y}), for n past the dense limit. */
        CONJUGATE_GRADIENT
    }

    /**
     * The measure from {@code q = y . x} with x an iterative solution of {@code H x = y}
     * ({@link org.overparam.linalg.ConjugateGradient}), given the extreme eigenvalues of H found iteratively; the
     * same singularity criterion {@code lambda_min <= n eps lambda_max} as the dense routes.
     */
    public static Result byIterativeSolve(int n, double quadraticForm, double lambdaMin, double lambdaMax) {
        double cond = lambdaMin > 0 ? lambdaMax / lambdaMin : Double.POSITIVE_INFINITY;
        if (lambdaMin <= n * EPS * lambdaMax) {
            return new Result(
                    Method.CONJUGATE_GRADIENT,
                    n,
                    true,
                    Double.NaN,
                    lambdaMin,
                    lambdaMax,
                    cond,
                    singularMessage(n, lambdaMin, lambdaMax, cond, "iterative lambda_min"));
        }
        return new Result(
                Method.CONJUGATE_GRADIENT,
                n,
                false,
                quadraticForm,
                lambdaMin,
                lambdaMax,
                cond,
                String.format(
                        "lambda_min = %.6g, lambda_max = %.6g, condition number %.3g", lambdaMin, lambdaMax, cond));
    }

    /**
     * The quadratic form {@code q = y^T H^{-1} y} and what it implies.
     *
     * @param method        how it was computed
     * @param n             the number of samples (order of H)
     * @param singular      whether H is singular to working precision; then q is NaN
     * @param quadraticForm {@code y^T H^{-1} y}, or NaN when singular
     * @param lambdaMin     {@code lambda_min(H)}; NaN when not computed (Cholesky route on a well-conditioned H)
     * @param lambdaMax     {@code lambda_max(H)}; NaN when not computed
     * @param condition     {@code lambda_max / lambda_min} (+Infinity for {@code lambda_min <= 0}) when the eigenvalues
     *                      are known, otherwise dpocon's estimate of the 1-norm condition number
     * @param message       one line for logs: the values, or why the measure is undefined
     */
    public record Result(
            Method method,
            int n,
            boolean singular,
            double quadraticForm,
            double lambdaMin,
            double lambdaMax,
            double condition,
            String message) {
        /** Arora et al., Thm 5.1: {@code sqrt(2 y^T H^{-1} y / n)}; NaN when singular. */
        public double complexity() {
            return singular ? Double.NaN : Math.sqrt(2.0 * quadraticForm / n);
        }

        /** Arora et al., Lemma 5.3: {@code sqrt(y^T H^{-1} y)}, the bound on {@code ||W(k) - W(0)||_F}; NaN when singular. */
        public double weightDistanceBound() {
            return singular ? Double.NaN : Math.sqrt(quadraticForm);
        }

        /** Whether {@link #condition()} is the exact 2-norm condition number from eigenvalues (else a 1-norm estimate). */
        public boolean eigenvaluesKnown() {
            return !Double.isNaN(lambdaMin);
        }
    }

    private ComplexityMeasure() {}

    /**
     * {@code y^T H^{-1} y} by a Cholesky solve.
     *
     * @param h symmetric PSD n x n matrix (row- or column-major: it is symmetric; the lower triangle of the
     *          column-major view is read); not modified
     * @param y labels, n finite entries; not modified
     */
    public static Result byCholesky(double[] h, int n, double[] y) {
        check(h, n, y);
        return NativeLibraries.withAllCores(() -> cholesky(h, n, y));
    }

    private static Result cholesky(double[] h, int n, double[] y) {
        double[] l = Arrays.copyOf(h, n * n);
        double anorm = NativeLibraries.lapack().dlansy("1", "L", n, l, n, new double[n]);
        intW info = new intW(0);
        NativeLibraries.lapack().dpotrf("L", n, l, n, info);
        if (info.val < 0) {
            throw new IllegalStateException("LAPACK dpotrf: argument " + (-info.val) + " had an illegal value");
        }
        if (info.val > 0) {
            SymmetricEigen eigen = SymmetricEigen.values(h, n);
            double cond = condition(eigen.min(), eigen.max());
            return new Result(
                    Method.CHOLESKY,
                    n,
                    true,
                    Double.NaN,
                    eigen.min(),
                    eigen.max(),
                    cond,
                    singularMessage(
                            n,
                            eigen.min(),
                            eigen.max(),
                            cond,
                            "the Cholesky factorization failed at pivot " + info.val
                                    + " (H is not positive definite)"));
        }
        doubleW rcond = new doubleW(0);
        NativeLibraries.lapack().dpocon("L", n, l, n, anorm, rcond, new double[3 * n], new int[n], info);
        if (info.val != 0) {
            throw new IllegalStateException("LAPACK dpocon: argument " + (-info.val) + " had an illegal value");
        }
        double lambdaMin = Double.NaN;
        double lambdaMax = Double.NaN;
        double cond = 1.0 / rcond.val;
        if (rcond.val <= SCREEN_MARGIN * n * n * EPS) {
            SymmetricEigen eigen = SymmetricEigen.values(h, n);
            lambdaMin = eigen.min();
            lambdaMax = eigen.max();
            cond = condition(lambdaMin, lambdaMax);
            if (singular(n, lambdaMin, lambdaMax)) {
                return new Result(
                        Method.CHOLESKY,
                        n,
                        true,
                        Double.NaN,
                        lambdaMin,
                        lambdaMax,
                        cond,
                        singularMessage(
                                n, lambdaMin, lambdaMax, cond, "the factorization succeeded but is meaningless"));
            }
        }
        double[] z = y.clone();
        NativeLibraries.lapack().dpotrs("L", n, 1, l, n, z, n, info);
        if (info.val != 0) {
            throw new IllegalStateException("LAPACK dpotrs: argument " + (-info.val) + " had an illegal value");
        }
        double q = NativeLibraries.blas().ddot(n, y, 1, z, 1);
        return regular(Method.CHOLESKY, n, q, lambdaMin, lambdaMax, cond);
    }

    /** {@code y^T H^{-1} y = sum_i p_i^2 / lambda_i} from the spectrum of y; {@code O(n)}. */
    public static Result bySpectrum(LabelSpectrum spectrum) {
        int n = spectrum.n();
        double[] values = spectrum.eigenvalues();
        double[] p = spectrum.projections();
        double lambdaMin = values[n - 1];
        double lambdaMax = values[0];
        double cond = condition(lambdaMin, lambdaMax);
        if (singular(n, lambdaMin, lambdaMax)) {
            return new Result(
                    Method.EIGEN,
                    n,
                    true,
                    Double.NaN,
                    lambdaMin,
                    lambdaMax,
                    cond,
                    singularMessage(n, lambdaMin, lambdaMax, cond, "from the eigendecomposition"));
        }
        double q = 0;
        // Decreasing eigenvalues: the usually small terms of the top eigenvectors are summed first.
        for (int i = 0; i < n; i++) {
            q += p[i] * p[i] / values[i];
        }
        return regular(Method.EIGEN, n, q, lambdaMin, lambdaMax, cond);
    }

    /** {@code lambda_min <= n eps lambda_max} (also true for a non-positive lambda_min). */
    public static boolean singular(int n, double lambdaMin, double lambdaMax) {
        return lambdaMin <= n * EPS * lambdaMax;
    }

    private static double condition(double lambdaMin, double lambdaMax) {
        return lambdaMin > 0 ? lambdaMax / lambdaMin : Double.POSITIVE_INFINITY;
    }

    private static Result regular(Method method, int n, double q, double lambdaMin, double lambdaMax, double cond) {
        String message = String.format(
                "y^T H^-1 y = %.6g, complexity sqrt(2 y^T H^-1 y / n) = %.6g (n = %d), "
                        + "sqrt(y^T H^-1 y) = %.6g; %s",
                q,
                Math.sqrt(2.0 * q / n),
                n,
                Math.sqrt(q),
                Double.isNaN(lambdaMin)
                        ? String.format("estimated 1-norm condition number %.3g", cond)
                        : String.format(
                                "lambda_min = %.6g, lambda_max = %.6g, condition number %.3g",
                                lambdaMin, lambdaMax, cond));
        return new Result(method, n, false, q, lambdaMin, lambdaMax, cond, message);
    }

    private static String singularMessage(int n, double lambdaMin, double lambdaMax, double cond, String how) {
        return String.format(
                "H is singular to working precision (%s): lambda_min = %.6g <= n eps lambda_max = %.6g "
                        + "(lambda_max = %.6g, condition number %.3g); the complexity sqrt(2 y^T H^-1 y / n) is undefined. "
                        + "Two identical or nearly parallel inputs make Hinf singular (Du et al. 2019, Thm 3.1).",
                how, lambdaMin, n * EPS * lambdaMax, lambdaMax, cond);
    }

    private static void check(double[] h, int n, double[] y) {
        if (n <= 0 || h.length < (long) n * n) {
            throw new IllegalArgumentException("ComplexityMeasure: expected an n x n matrix with n >= 1, found n = " + n
                    + " and " + h.length + " entries");
        }
        if (y.length != n) {
            throw new IllegalArgumentException(
                    "ComplexityMeasure: expected " + n + " labels (one per row of H), found " + y.length);
        }
        for (double v : h) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("ComplexityMeasure: H has a non-finite entry " + v);
            }
        }
        for (double v : y) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("ComplexityMeasure: the labels have a non-finite entry " + v);
            }
        }
    }
}
