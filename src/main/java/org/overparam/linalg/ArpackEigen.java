package org.overparam.linalg;

import org.netlib.util.doubleW;
import org.netlib.util.intW;

/**
 * The k largest eigenpairs of a symmetric operator by ARPACK's implicitly restarted Lanczos method (Lehoucq, Sorensen
 * and Yang, "ARPACK Users' Guide", 1998: {@code dsaupd} in mode 1 with {@code which = "LA"}, then {@code dseupd}),
 * through the reverse-communication interface of dev.ludovic.netlib, as Spark MLlib's
 * {@code EigenValueDecomposition.symmetricEigs} drives it: each request for {@code H x} is one application of the
 * operator (one pass over the tiles when H is distributed).
 *
 * <p>The start vector is drawn from a seed ({@code Seeds.stream(seed, "arpack/start", 0)}) and handed to ARPACK
 * ({@code info = 1}): ARPACK's own random start comes from a generator whose state its routines keep between calls,
 * so that a second run in the same JVM would start elsewhere and end in other bits.
 *
 * <p>ARPACK's convergence test is {@code ||H x - theta x|| <= tol |theta|} for each Ritz pair. Cost: about
 * {@code ncv} plus a few restarts' worth of applications; memory {@code 8 n (ncv + 3)} bytes.
 */
public final class ArpackEigen {
    /** Operators of a smaller (or larger than its inverse) scale are rescaled to order 1 for ARPACK. */
    static final double SMALLEST_SCALE = 1e-6;

    private ArpackEigen() {}

    /**
     * @param values      the k largest eigenvalues, decreasing
     * @param vectors     their unit eigenvectors (vectors[i] belongs to values[i])
     * @param residuals   {@code ||H v_i - lambda_i v_i||}, recomputed explicitly
     * @param iterations  ARPACK's restart iterations
     * @param applications applications of H (ARPACK's count)
     */
    public record Result(double[] values, double[][] vectors, double[] residuals, int iterations, int applications) {}

    /**
     * @param k   eigenpairs wanted, {@code 1 <= k < n}
     * @param tol ARPACK's relative tolerance
     * @throws ArithmeticException if ARPACK reports an error or converges to fewer than k pairs in maxIterations
     */
    public static Result largest(SymmetricOperator op, int k, double tol, int maxIterations) {
        return largest(op, k, tol, maxIterations, 0);
    }

    /** The same from the start vector drawn from {@code seed}. */
    public static Result largest(SymmetricOperator op, int k, double tol, int maxIterations, long seed) {
        int n = op.n();
        if (k < 1 || k >= n)
            throw new IllegalArgumentException("ArpackEigen: expected 1 <= k < n = " + n + ", found k = " + k);
        int ncv = Math.min(Math.max(2 * k, 20), n);
        var arpack = NativeLibraries.arpack();
        intW ido = new intW(0), info = new intW(1);
        doubleW tolW = new doubleW(tol);
        double[] resid = new double[n], v = new double[n * ncv], workd = new double[3 * n];
        java.util.SplittableRandom rng = org.overparam.Seeds.stream(seed, "arpack/start", 0);
        for (int i = 0; i < n; i++) resid[i] = NystromPreconditioner.gaussian(rng);
        int lworkl = ncv * (ncv + 8);
        double[] workl = new double[lworkl];
        int[] iparam = new int[11], ipntr = new int[11];
        iparam[0] = 1;
        iparam[2] = maxIterations;
        iparam[6] = 1;
        arpack.dsaupd(ido, "I", n, "LA", k, tolW, resid, ncv, v, n, iparam, ipntr, workd, workl, lworkl, info);
        double[] x = new double[n];
        double factor = 0; // set from the first application: ARPACK then works on factor * H
        while (ido.val != 99) {
            if (ido.val != -1 && ido.val != 1) {
                throw new ArithmeticException("ARPACK dsaupd asked for ido = " + ido.val + ", which mode 1 never does");
            }
            int in = ipntr[0] - 1, out = ipntr[1] - 1;
            System.arraycopy(workd, in, x, 0, n);
            double[] y = op.apply(x);
            if (factor == 0) factor = rescaling(Blocks.norm(y) / Blocks.norm(x));
            if (factor != 1) NativeLibraries.blas().dscal(n, factor, y, 1);
            System.arraycopy(y, 0, workd, out, n);
            arpack.dsaupd(ido, "I", n, "LA", k, tolW, resid, ncv, v, n, iparam, ipntr, workd, workl, lworkl, info);
        }
        if (info.val != 0) {
            String why = switch (info.val) {
                case 1 ->
                    "the maximum of " + maxIterations + " iterations was reached with " + iparam[4] + " of " + k
                            + " pairs converged";
                case 3 -> "no shifts could be applied (increase ncv)";
                case -9999 -> "the Lanczos factorization could not be built";
                default -> "info = " + info.val + " (see the dsaupd documentation)";
            };
            throw new ArithmeticException("ARPACK dsaupd: " + why);
        }
        int converged = iparam[4];
        double[] d = new double[converged];
        double[] z = new double[n * converged];
        boolean[] select = new boolean[ncv];
        intW ierr = new intW(0);
        arpack.dseupd(
                true,
                "A",
                select,
                d,
                z,
                n,
                0.0,
                "I",
                n,
                "LA",
                new intW(converged),
                tol,
                resid,
                ncv,
                v,
                n,
                iparam,
                ipntr,
                workd,
                workl,
                lworkl,
                ierr);
        if (ierr.val != 0) throw new ArithmeticException("ARPACK dseupd: info = " + ierr.val);
        if (converged < k)
            throw new ArithmeticException("ARPACK: only " + converged + " of " + k + " eigenpairs converged");
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        double[] residuals = new double[k];
        // dseupd returns them increasing: the last k are the largest.
        for (int i = 0; i < k; i++) {
            int src = converged - 1 - i;
            values[i] = d[src] / (factor == 0 ? 1 : factor);
            vectors[i] = java.util.Arrays.copyOfRange(z, src * n, (src + 1) * n);
        }
        double[] block = new double[n * k], image = new double[n * k];
        for (int i = 0; i < k; i++) Blocks.setColumn(block, n, k, i, vectors[i]);
        op.apply(block, image, k);
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double r = image[j * k + i] - values[i] * vectors[i][j];
                s += r * r;
            }
            residuals[i] = Math.sqrt(s);
        }
        return new Result(values, vectors, residuals, iparam[2], iparam[8] + 1);
    }

    /**
     * The factor ARPACK's operator is scaled by: 1 unless {@code ||H x|| / ||x||} for its start vector is below
     * {@value #SMALLEST_SCALE} or above its inverse, then its inverse. ARPACK's convergence test
     * {@code ||r|| <= tol max(eps^(2/3), |theta|)} has an absolute floor that would accept any Ritz pair of a tiny
     * operator; scaled to order 1 it tests relative error. The eigenvalues are scaled back.
     */
    static double rescaling(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) return 1;
        return scale < SMALLEST_SCALE || scale > 1 / SMALLEST_SCALE ? 1 / scale : 1;
    }
}
