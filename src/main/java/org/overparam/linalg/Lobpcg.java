package org.overparam.linalg;

import org.overparam.Seeds;

import java.util.SplittableRandom;

/**
 * The smallest eigenpair of a symmetric positive definite H by the locally optimal block preconditioned conjugate
 * gradient method with one vector (Knyazev, "Toward the optimal preconditioned eigensolver: LOBPCG", SIAM J. Sci.
 * Comput. 23(2), 2001, Alg. 4.1): the Rayleigh-Ritz step on {@code span{x, T r, p}} with r the residual and T a
 * preconditioner ({@link NystromPreconditioner}), which converges at the rate of the preconditioned condition number
 * rather than the tiny relative gap {@code (lambda_2 - lambda_1) / lambda_max} that plain Lanczos sees at the bottom of
 * Hinf's spectrum.
 *
 * <p>Error estimate: {@code theta = x^T H x} is an upper bound on {@code lambda_min}, and some eigenvalue lies within
 * {@code ||H x - theta x||} of theta (both for unit x); the residual is recomputed by an explicit application of H at
 * the end. Cost per iteration: one application of H to one vector and one of the preconditioner.
 */
public final class Lobpcg {
    private Lobpcg() {
    }

    /**
     * @param value      the Rayleigh quotient theta
     * @param vector     the unit Ritz vector
     * @param residual   {@code ||H x - theta x||}, explicit
     * @param iterations applications of H (besides the first and the final check)
     * @param converged  whether {@code residual <= tol theta}
     */
    public record Result(double value, double[] vector, double residual, int iterations, boolean converged) {
        /** {@code residual / theta}: the relative distance from theta to the nearest eigenvalue is at most this. */
        public double relativeResidual() {
            return residual / Math.abs(value);
        }
    }

    /** Runs until {@code ||H x - theta x|| <= tol theta} or maxIterations; the start vector comes from the seed. */
    public static Result smallest(SymmetricOperator op, ConjugateGradient.Preconditioner t, double tol, int maxIterations,
                                  long seed, java.util.function.BiConsumer<Integer, Double> progress) {
        int n = op.n();
        if (!(tol > 0)) throw new IllegalArgumentException("Lobpcg: tolerance must be > 0, found " + tol);
        SplittableRandom rng = Seeds.stream(seed, "lobpcg/start");
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = NystromPreconditioner.gaussian(rng);
        scale(x, 1 / Blocks.norm(x));
        double[] hx = op.apply(x);
        double theta = Blocks.dot(x, hx);
        double[] p = null, hp = null;
        int it = 0;
        boolean converged = false;
        double[] r = new double[n], w = new double[n];
        while (true) {
            for (int i = 0; i < n; i++) r[i] = hx[i] - theta * x[i];
            double rn = Blocks.norm(r);
            if (progress != null) progress.accept(it, rn / Math.abs(theta));
            if (rn <= tol * Math.abs(theta)) {
                converged = true;
                break;
            }
            if (it >= maxIterations) break;
            it++;
            t.apply(r, w, 1);
            // Orthonormal basis S = [x, w, p] (x is unit); the images H S follow every combination.
            double[][] s = new double[3][], hs = new double[3][];
            s[0] = x;
            hs[0] = hx;
            int k = 1;
            double[] wc = w.clone();
            if (orthogonalize(wc, null, s, hs, k)) {
                s[k] = wc;
                hs[k] = op.apply(wc);
                k++;
            }
            if (p != null) {
                double[] pc = p.clone(), hpc = hp.clone();
                if (orthogonalize(pc, hpc, s, hs, k)) {
                    s[k] = pc;
                    hs[k] = hpc;
                    k++;
                }
            }
            double[] a = new double[k * k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j <= i; j++) a[i * k + j] = a[j * k + i] = 0.5 * (Blocks.dot(s[i], hs[j]) + Blocks.dot(s[j], hs[i]));
            }
            SymmetricEigen e = SymmetricEigen.withVectors(a, k);
            double[] c = java.util.Arrays.copyOfRange(e.vectors, 0, k);
            double[] nx = new double[n], nhx = new double[n], np = new double[n], nhp = new double[n];
            for (int j = 0; j < k; j++) {
                axpy(c[j], s[j], nx);
                axpy(c[j], hs[j], nhx);
                if (j > 0) {
                    axpy(c[j], s[j], np);
                    axpy(c[j], hs[j], nhp);
                }
            }
            double norm = Blocks.norm(nx);
            scale(nx, 1 / norm);
            scale(nhx, 1 / norm);
            x = nx;
            hx = nhx;
            p = np;
            hp = nhp;
            theta = Blocks.dot(x, hx);
        }
        // The images were updated by combinations: recompute H x for the reported residual.
        hx = op.apply(x);
        theta = Blocks.dot(x, hx);
        for (int i = 0; i < n; i++) r[i] = hx[i] - theta * x[i];
        double rn = Blocks.norm(r);
        return new Result(theta, x, rn, it, converged && rn <= tol * Math.abs(theta) * 10);
    }

    /**
     * Orthogonalizes v (and its image hv, when given) against the first k orthonormal vectors of s, twice, and
     * normalizes it; false when v is numerically inside their span.
     */
    private static boolean orthogonalize(double[] v, double[] hv, double[][] s, double[][] hs, int k) {
        double before = Blocks.norm(v);
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < k; j++) {
                double c = Blocks.dot(s[j], v);
                axpy(-c, s[j], v);
                if (hv != null) axpy(-c, hs[j], hv);
            }
        }
        double after = Blocks.norm(v);
        if (!(after > 1e-10 * before)) return false;
        scale(v, 1 / after);
        if (hv != null) scale(hv, 1 / after);
        return true;
    }

    private static void axpy(double a, double[] x, double[] y) {
        NativeLibraries.blas().daxpy(x.length, a, x, 1, y, 1);
    }

    private static void scale(double[] x, double a) {
        NativeLibraries.blas().dscal(x.length, a, x, 1);
    }
}
