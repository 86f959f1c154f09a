package org.overparam.linalg;

/**
 * A symmetric linear operator {@code H} of order n applied to a block of b vectors at once, {@code Y = H X}, with X
 * and Y n x b row-major (row i holds entry i of every vector). One call is one pass over H: for a matrix held in tiles,
 * each tile is one GEMM with b columns, so b label vectors or probes share the pass that a single vector would need.
 *
 * <p>Implementations must be symmetric ({@code u . H v = v . H u} up to rounding) and deterministic: the same X gives
 * the same Y bit for bit.
 */
public interface SymmetricOperator {
    /** The order n of H. */
    int n();

    /**
     * {@code Y = H X}. X is not modified; Y (n b entries) is overwritten.
     *
     * @param x n x b row-major
     * @param y n x b row-major, the result
     * @param b the number of vectors, >= 1
     */
    void apply(double[] x, double[] y, int b);

    /** {@code H x} for one vector (a new array). */
    default double[] apply(double[] x) {
        double[] y = new double[n()];
        apply(x, y, 1);
        return y;
    }

    /**
     * A dense symmetric n x n matrix (row- or column-major: it is symmetric) as an operator, one {@code dgemm} per
     * call ({@code 2 n^2 b} flops). The array is kept, not copied.
     */
    static SymmetricOperator dense(double[] h, int n) {
        if (n < 1 || h.length < (long) n * n) {
            throw new IllegalArgumentException(
                    "SymmetricOperator.dense: expected an n x n matrix with n >= 1, found n = " + n + " and " + h.length
                            + " entries");
        }
        return new SymmetricOperator() {
            @Override
            public int n() {
                return n;
            }

            @Override
            public void apply(double[] x, double[] y, int b) {
                Blocks.check(x, y, n, b, "SymmetricOperator.dense");
                // Row-major X (n x b) is column-major X^T (b x n); Y^T = X^T H since H is symmetric.
                NativeLibraries.blas().dgemm("N", "N", b, n, n, 1.0, x, b, h, n, 0.0, y, b);
            }
        };
    }
}
