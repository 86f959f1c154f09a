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
        if (b == 1) {
            accumulateOne(t, Math.toIntExact(i0), ri, Math.toIntExact(j0), rj, diagonal, x, y);
            return;
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

    /** Whether the vector API's kernel runs one-vector products ({@code jdk.incubator.vector} is in the JVM). */
    static final boolean VECTOR_KERNEL = vectorModulePresent();

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts, once per JVM, a daemon thread that warms the one-vector kernel up ({@code VectorTileKernel.warmUp}): the
     * tasks that build the float32 tiles call this, so the JIT has compiled the kernel by the first pass. Returns
     * whether this call started it.
     */
    public static boolean warmUpOnce() {
        if (!VECTOR_KERNEL || !WARMED.compareAndSet(false, true)) return false;
        Thread t = new Thread(VectorTileKernel::warmUp, "overparam-tile-kernel-warm-up");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /**
     * The float32 tile's contribution for one vector ({@code b = 1}) in a single pass over the tile: four rows at a
     * time, each entry read once for both {@code y_I += T x_J} and {@code y_J += T^T x_I}, widened to double in a
     * register ({@link VectorTileKernel} where the JVM has the vector API, else plain Java). A product with one column
     * is memory-bound, and {@code dgemm} would first need the tile widened in memory (three times the bytes). The sums
     * run in another order than {@code dgemm}'s, so the result agrees with it to rounding, not bit for bit.
     */
    static void accumulateOne(float[] t, int i0, int ri, int j0, int rj, boolean diagonal, double[] x, double[] y) {
        if (VECTOR_KERNEL) VectorTileKernel.accumulateOne(t, i0, ri, j0, rj, diagonal, x, y);
        else accumulateRows(t, i0, 0, ri, j0, rj, diagonal, x, y);
    }

    /** Rows {@code from .. to} of {@link #accumulateOne}, in plain Java. */
    static void accumulateRows(
            float[] t, int i0, int from, int to, int j0, int rj, boolean diagonal, double[] x, double[] y) {
        for (int r = from; r < to; r++) {
            int o = r * rj;
            double xr = x[i0 + r], d0 = 0, d1 = 0;
            int c = 0;
            for (; c + 1 < rj; c += 2) {
                double t0 = t[o + c], t1 = t[o + c + 1];
                d0 += t0 * x[j0 + c];
                d1 += t1 * x[j0 + c + 1];
                if (!diagonal) {
                    y[j0 + c] += t0 * xr;
                    y[j0 + c + 1] += t1 * xr;
                }
            }
            if (c < rj) {
                double tv = t[o + c];
                d0 += tv * x[j0 + c];
                if (!diagonal) y[j0 + c] += tv * xr;
            }
            y[i0 + r] += d0 + d1;
        }
    }
}
