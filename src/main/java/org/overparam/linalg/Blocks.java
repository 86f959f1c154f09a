package org.overparam.linalg;

/** Helpers for blocks of b vectors of length n stored n x b row-major (entry i of vector c at {@code i * b + c}). */
final class Blocks {
    private Blocks() {}

    static void check(double[] x, double[] y, int n, int b, String who) {
        if (b < 1 || x.length < (long) n * b || y.length < (long) n * b) {
            throw new IllegalArgumentException(who + ": expected two n x b blocks with n = " + n + ", b = " + b
                    + " (>= 1), found " + x.length + " and " + y.length + " entries");
        }
    }

    /** Column c of an n x b block (a new array). */
    static double[] column(double[] block, int n, int b, int c) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = block[i * b + c];
        return v;
    }

    /** Writes v into column c of an n x b block. */
    static void setColumn(double[] block, int n, int b, int c, double[] v) {
        for (int i = 0; i < n; i++) block[i * b + c] = v[i];
    }

    static double dot(double[] a, double[] b) {
        return NativeLibraries.blas().ddot(a.length, a, 1, b, 1);
    }

    static double norm(double[] a) {
        return NativeLibraries.blas().dnrm2(a.length, a, 1);
    }
}
