package org.overparam.kernel;

import org.overparam.linalg.Gemm;

/**
 * Counts pairs of parallel (or duplicate) inputs, {@code |cos(x_i, x_j)| > 1 - tol}, in a tile of the Gram matrix
 * {@code X_I X_J^T}. The papers' theorems (Du et al. Thm 3.1, Arora et al. Sec. 4) need no two inputs parallel:
 * {@code lambda_min(Hinf) > 0} exactly then.
 *
 * <p>The tile is formed in chunks of at most {@value #CHUNK} x {@value #CHUNK} entries (8 MiB), each one GEMM:
 * cost {@code 2 r_I r_J d} flops, memory independent of the block sizes.
 */
public final class CosineTiles {
    static final int CHUNK = 1024;

    private CosineTiles() {}

    /**
     * @param a     {@code ra x d} row-major
     * @param b     {@code rb x d} row-major
     * @param same  true when {@code a} and {@code b} are the same block: only pairs {@code i < j} count
     * @return the number of pairs with {@code |x_i . x_j| > (1 - tol) ||x_i|| ||x_j||}
     */
    public static long countParallel(double[] a, int ra, double[] b, int rb, int d, double tol, boolean same) {
        double[] na = norms(a, ra, d);
        double[] nb = same ? na : norms(b, rb, d);
        double[] tile = new double[Math.min(CHUNK, ra) * Math.min(CHUNK, rb)];
        long count = 0;
        for (int i0 = 0; i0 < ra; i0 += CHUNK) {
            int ri = Math.min(CHUNK, ra - i0);
            for (int j0 = same ? i0 : 0; j0 < rb; j0 += CHUNK) {
                int rj = Math.min(CHUNK, rb - j0);
                Gemm.abt(a, i0 * d, ri, b, j0 * d, rj, d, tile);
                for (int i = 0; i < ri; i++) {
                    int jStart = same && i0 == j0 ? i + 1 : 0;
                    double ni = na[i0 + i];
                    for (int j = jStart; j < rj; j++) {
                        if (Math.abs(tile[i * rj + j]) > (1 - tol) * ni * nb[j0 + j]) count++;
                    }
                }
            }
        }
        return count;
    }

    static double[] norms(double[] x, int rows, int d) {
        double[] n = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
            n[i] = Math.sqrt(s);
        }
        return n;
    }
}
