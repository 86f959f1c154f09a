package org.overparam.kernel;

import org.overparam.linalg.Gemm;

/**
 * The finite-width Gram matrix of the two-layer ReLU net at weights W (Du et al. 2019, Sec. 3):
 * {@code H_ij = (x_i . x_j / m) sum_r 1{w_r . x_i >= 0} 1{w_r . x_j >= 0}}, i.e. {@code H = (X X^T) o (M M^T) / m}
 * with M the n x m activation pattern. Its expectation over {@code w ~ N(0, I)} is {@link ReluNtk Hinf}.
 *
 * <p>Tiles are built from the samples and their patterns stored as bits (row i's bits in words
 * {@code i * ceil(m/64) ..}, unit r at bit {@code r mod 64} of word {@code r / 64}, as {@code TwoLayerRelu.patternBits}
 * writes them): one GEMM for {@code X_I X_J^T} (cost {@code 2 r_I r_J d}) and, over
 * chunks of {@value #UNITS} units, GEMMs for {@code M_I M_J^T} (cost {@code 2 r_I r_J m}). Workspace:
 * {@code (r_I + r_J) * UNITS + r_I r_J} doubles.
 */
public final class EmpiricalNtk {
    static final int UNITS = 512;

    private EmpiricalNtk() {}

    /**
     * The tile of rows {@code i0 .. i0+ri} of block I against rows {@code j0 .. j0+rj} of block J.
     *
     * @param xI    block I's samples, row-major with d columns
     * @param bitsI block I's activation pattern (m bits per row)
     * @return ri x rj, row-major
     */
    public static double[] tile(
            double[] xI, long[] bitsI, int i0, int ri, double[] xJ, long[] bitsJ, int j0, int rj, int d, int m) {
        double[] gram = new double[ri * rj];
        Gemm.abt(xI, i0 * d, ri, xJ, j0 * d, rj, d, gram);
        double[] both = new double[ri * rj];
        double[] mi = new double[ri * Math.min(UNITS, m)];
        double[] mj = new double[rj * Math.min(UNITS, m)];
        for (int u0 = 0; u0 < m; u0 += UNITS) {
            int uc = Math.min(UNITS, m - u0);
            unpack(bitsI, i0, ri, m, u0, uc, mi);
            unpack(bitsJ, j0, rj, m, u0, uc, mj);
            Gemm.abt(mi, 0, ri, mj, 0, rj, uc, both, u0 == 0 ? 0.0 : 1.0);
        }
        double inv = 1.0 / m;
        for (int k = 0; k < gram.length; k++) gram[k] *= both[k] * inv;
        return gram;
    }

    /** Rows {@code row0 .. row0+rows} and units {@code u0 .. u0+uc} of a bit pattern, as a rows x uc 0/1 matrix. */
    static void unpack(long[] bits, int row0, int rows, int m, int u0, int uc, double[] out) {
        int words = (m + 63) >>> 6;
        for (int i = 0; i < rows; i++) {
            int base = (row0 + i) * words;
            int o = i * uc;
            for (int r = 0; r < uc; r++) {
                int u = u0 + r;
                out[o + r] = (bits[base + (u >>> 6)] >>> (u & 63)) & 1L;
            }
        }
    }
}
