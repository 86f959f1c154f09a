package org.overparam.linalg;

/**
 * The contribution of one tile of a symmetric matrix to a block product {@code Y = H X}: for the tile
 * {@code T = H[I, J]} (rows I, columns J, {@code I <= J} in the upper triangle), {@code Y_I += T X_J} and, off the
 * diagonal, {@code Y_J += T^T X_I}, each one {@code dgemm} ({@code 2 r_I r_J b} flops). X and Y are n x b row-major;
 * the tile is {@code r_I x r_J} row-major.
 */
public final class SymmetricTiles {
    private SymmetricTiles() {}

    /**
     * @param t        the tile, {@code ri x rj} row-major
     * @param i0       the first row of I
     * @param j0       the first row of J (the tile's first column)
     * @param diagonal whether I and J are the same rows (then only {@code Y_I += T X_I})
     */
    public static void accumulate(
            double[] t, long i0, int ri, long j0, int rj, boolean diagonal, double[] x, double[] y, int b) {
        var blas = NativeLibraries.blas();
        int offI = Math.toIntExact(i0 * b), offJ = Math.toIntExact(j0 * b);
        // Row-major blocks are column-major transposes: Y_I^T += X_J^T T^T, Y_J^T += X_I^T T.
        blas.dgemm("N", "N", b, ri, rj, 1.0, x, offJ, b, t, 0, rj, 1.0, y, offI, b);
        if (!diagonal) blas.dgemm("N", "T", b, rj, ri, 1.0, x, offI, b, t, 0, rj, 1.0, y, offJ, b);
    }

    /** Rows of a float tile widened to double per {@code dgemm} pair by {@link #accumulate(float[], long, int, long, int, boolean, double[], double[], int, double[])}. */
    public static final int STRIP = 64;

    /**
     * As {@link #accumulate(double[], long, int, long, int, boolean, double[], double[], int)} for a tile stored in
     * float32: the tile is widened to double {@value #STRIP} rows at a time into {@code buffer} (at least
     * {@code STRIP * rj} doubles, reused across calls, so a pass allocates nothing), and each strip takes its two
     * {@code dgemm}s there while it is still in cache. The products are exact double-precision products of the stored
     * float32 entries: storing in float32 perturbs H by at most 6e-8 relative per entry, and the application adds no
     * rounding beyond that of double arithmetic.
     */
    public static void accumulate(
            float[] t,
            long i0,
            int ri,
            long j0,
            int rj,
            boolean diagonal,
            double[] x,
            double[] y,
            int b,
            double[] buffer) {
        if (buffer.length < (long) Math.min(STRIP, ri) * rj) {
            throw new IllegalArgumentException("SymmetricTiles: the buffer needs " + Math.min(STRIP, ri) * rj
                    + " doubles, found " + buffer.length);
        }
        var blas = NativeLibraries.blas();
        int offI = Math.toIntExact(i0 * b), offJ = Math.toIntExact(j0 * b);
        for (int r0 = 0; r0 < ri; r0 += STRIP) {
            int rows = Math.min(STRIP, ri - r0);
            int base = r0 * rj, len = rows * rj;
            for (int q = 0; q < len; q++) buffer[q] = t[base + q];
            // The strip is rows r0.. of T: Y_I[r0..]^T += X_J^T strip^T and Y_J^T += X_I[r0..]^T strip.
            blas.dgemm("N", "N", b, rows, rj, 1.0, x, offJ, b, buffer, 0, rj, 1.0, y, offI + r0 * b, b);
            if (!diagonal) blas.dgemm("N", "T", b, rj, rows, 1.0, x, offI + r0 * b, b, buffer, 0, rj, 1.0, y, offJ, b);
        }
    }
}
