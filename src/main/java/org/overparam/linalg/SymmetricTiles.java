package org.overparam.linalg;

/**
 * The contribution of one tile of a symmetric matrix to a block product {@code Y = H X}: for the tile
 * {@code T = H[I, J]} (rows I, columns J, {@code I <= J} in the upper triangle), {@code Y_I += T X_J} and, off the
 * diagonal, {@code Y_J += T^T X_I}, each one {@code dgemm} ({@code 2 r_I r_J b} flops). X and Y are n x b row-major;
 * the tile is {@code r_I x r_J} row-major.
 */
public final class SymmetricTiles {
    private SymmetricTiles() {
    }

    /**
     * @param t        the tile, {@code ri x rj} row-major
     * @param i0       the first row of I
     * @param j0       the first row of J (the tile's first column)
     * @param diagonal whether I and J are the same rows (then only {@code Y_I += T X_I})
     */
    public static void accumulate(double[] t, long i0, int ri, long j0, int rj, boolean diagonal, double[] x, double[] y, int b) {
        var blas = NativeLibraries.blas();
        int offI = Math.toIntExact(i0 * b), offJ = Math.toIntExact(j0 * b);
        // Row-major blocks are column-major transposes: Y_I^T += X_J^T T^T, Y_J^T += X_I^T T.
        blas.dgemm("N", "N", b, ri, rj, 1.0, x, offJ, b, t, 0, rj, 1.0, y, offI, b);
        if (!diagonal) blas.dgemm("N", "T", b, rj, ri, 1.0, x, offI, b, t, 0, rj, 1.0, y, offJ, b);
    }
}
