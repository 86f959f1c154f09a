package org.overparam.linalg;

import org.netlib.util.intW;

/**
 * All eigenvalues, and optionally the eigenvectors, of a dense symmetric matrix {@code A = V Lambda V^T}, through the
 * native LAPACK of {@link NativeLibraries}. Three forms:
 * <ul>
 *   <li>{@link #values}: eigenvalues only, by {@code dsyevd} (tridiagonal reduction, then root-free QR).
 *       About {@code 4/3 n^3} flops.</li>
 *   <li>{@link #withVectors}: explicit eigenvectors by divide and conquer, {@code dsyevd} (Demmel, Applied Numerical
 *       Linear Algebra, 1997, Sec. 5.3.3). About {@code 4/3 n^3} flops to reduce, up to {@code 4 n^3} for the
 *       tridiagonal eigenvectors, and {@code 2 n^3} to carry them back; memory {@code 24 n^2} bytes at the peak.</li>
 *   <li>{@link #factored}: the eigenvectors kept as the product {@code V = Q Z}, Q the Householder reflectors of the
 *       tridiagonal reduction {@code A = Q T Q^T} and Z the eigenvectors of T by divide and conquer ({@code dstedc}:
 *       matrix products in the merges, and deflation, which Hinf's clustered spectrum makes frequent; on this
 *       project's kernels faster than MRRR, {@code dstemr}). The {@code 2 n^3}
 *       back-transformation is never done: {@link #project} costs two passes over the stored reflectors and Z
 *       ({@code 4 n^2} flops) and {@link #vector} as much. This is the form for label spectra, which need
 *       {@code V^T y} for a few vectors y and one or two eigenvectors, not V, so the reduction is most of the time.
 *       From n = {@value #TWO_STAGE_FROM} on it is done in two stages ({@link TwoStageTridiagonal}): full to band
 *       ({@code kd = 32}; 64 from n = {@value #WIDE_BAND_FROM} on) with all {@code 4/3 n^3} flops in BLAS 3, then band to tridiagonal by bulge chasing
 *       ({@code 6 kd n^2} flops, pipelined over the cores), so {@code Q = Q1 Q2}; {@code dsytrd}, half of whose flops
 *       are memory-bound matrix-vector products, reduces smaller matrices, where it is as fast and needs no JIT
 *       warm-up; {@code bench/tridiagonal} sets the thresholds (its numbers: docs/performance.md). The eigenvalues
 *       agree with {@code dsytrd}'s to {@code 1e-15} of lambda_max up to n = 10,000. Memory
 *       {@code 24 n^2} bytes at the peak (the reduced matrix, which also holds both stages' reflectors, Z and
 *       {@code dstedc}'s workspace), {@code 8 n^2} less with {@link #factoredOverwriting}.</li>
 * </ul>
 * Inputs are not modified. Eigenvalues come in increasing order; the sign of each eigenvector is arbitrary.
 */
public final class SymmetricEigen {
    /** Eigenvalues, increasing. */
    public final double[] values;
    /** Eigenvectors as the columns of an n x n column-major matrix; null for {@link #values} and {@link #factored}. */
    public final double[] vectors;

    public final int n;
    /** Factored form: the tridiagonal reduction {@code A = Q T Q^T} and Z (n x n), the eigenvectors of T. */
    private final Reduction reduction;

    private final double[] tridiagonalVectors;
    /** {@link #projecting}: the coordinates {@code V^T y} of the given vectors, in their order; null for the other forms. */
    private double[][] given;
    /** How the factored form was computed and how long each step took, for logs; empty for the other forms. */
    private String steps = "";

    /**
     * Below this n, {@link #factored} and {@link #projecting} reduce with {@code dsytrd}; from it on, in two stages
     * ({@link TwoStageTridiagonal}) with half-bandwidth {@link TwoStageTridiagonal#DEFAULT_BANDWIDTH}, and from
     * {@link #WIDE_BAND_FROM} on with {@link TwoStageTridiagonal#WIDE_BANDWIDTH}.
     */
    static final int TWO_STAGE_FROM = 3000;
    /**
     * From this n on, the two-stage reduction uses the wider band: stage 1's BLAS 3 gains more than stage 2's bulge
     * chasing ({@code 6 kd n^2} flops) loses. Measured on a Hinf-like matrix in a bare JVM, quiet machine, stage 1 +
     * stage 2 in seconds: n = 4000, kd 32: 1.24 + 0.46, kd 64: 1.15 + 0.84; n = 6000, 4.27 + 0.95 against 3.57 + 1.68;
     * n = 10,000, 22.25 + 2.53 against 16.07 + 4.61 (kd 48: 17.68 + 3.44; kd 96: 13.78 + 7.04).
     */
    static final int WIDE_BAND_FROM = 6000;

    private SymmetricEigen(int n, double[] values, double[] vectors, Reduction reduction, double[] z) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
        this.reduction = reduction;
        this.tridiagonalVectors = z;
    }

    /** The orthogonal factor Q of a tridiagonal reduction, applied to one vector. */
    private interface Reduction {
        /** {@code x <- Q x} (transpose false) or {@code Q^T x} (true). */
        void apply(double[] x, boolean transpose);
    }

    /** Eigenvalues only. {@code a} is n x n (row- or column-major: it is symmetric); only its lower triangle is read. */
    public static SymmetricEigen values(double[] a, int n) {
        return NativeLibraries.withAllCores(() -> dsyevd(a, n, false));
    }

    /** Eigenvalues and explicit eigenvectors ({@link #vectors}), by dsyevd. */
    public static SymmetricEigen withVectors(double[] a, int n) {
        return NativeLibraries.withAllCores(() -> dsyevd(a, n, true));
    }

    /**
     * Eigenvalues and the eigenvectors in factored form {@code V = Q Z}, for {@link #project} and {@link #vector}
     * ({@link #vectors} stays null). Same eigenvalues as {@link #withVectors} to rounding, in about half the time for
     * large n.
     */
    public static SymmetricEigen factored(double[] a, int n) {
        return factored(a, n, bandwidth(n));
    }

    /**
     * {@link #factored} with a chosen reduction: {@code kd = 0} for {@code dsytrd}, {@code kd >= 1} for the two-stage
     * reduction with that half-bandwidth (for tests and benchmarks; {@link #factored} chooses by n).
     */
    static SymmetricEigen factored(double[] a, int n, int kd) {
        return NativeLibraries.withAllCores(() -> reduceThenDivideAndConquer(checkedCopy(a, n), n, kd));
    }

    /** As {@link #factored(double[], int, int)}, overwriting {@code a}. */
    static SymmetricEigen factoredOverwriting(double[] a, int n, int kd) {
        return NativeLibraries.withAllCores(() -> reduceThenDivideAndConquer(checkedInPlace(a, n), n, kd));
    }

    private static int bandwidth(int n) {
        if (n < TWO_STAGE_FROM) return 0;
        return n < WIDE_BAND_FROM ? TwoStageTridiagonal.DEFAULT_BANDWIDTH : TwoStageTridiagonal.WIDE_BANDWIDTH;
    }

    /**
     * As {@link #factored}, but the decomposition takes over {@code a} (n x n) for the reflectors instead of copying it:
     * {@code a} is overwritten and must not be used afterwards. Saves {@code 8 n^2} bytes and a copy.
     */
    public static SymmetricEigen factoredOverwriting(double[] a, int n) {
        return factoredOverwriting(a, n, bandwidth(n));
    }

    /**
     * All eigenvalues, and the coordinates {@code V^T y} of the given vectors only ({@link #projection}), without the
     * eigenvectors: the tridiagonal reduction of {@link #factored}, then QL on T with its rotations applied to
     * {@code Q^T y} ({@link TridiagonalQL}) instead of divide and conquer forming T's n x n eigenvectors. For label
     * spectra, which need {@code V^T y} for a few y: at n = 10,000 the tridiagonal step takes about 1 s instead of 7 to
     * 10. {@code a} is overwritten (as {@link #factoredOverwriting}); {@link #project} and {@link #vector} are not
     * available ({@link #hasVectors} is false). The eigenvalue of a given vector's eigenvector is known without it: its
     * coordinates are those of a unit vector.
     *
     * @throws IllegalArgumentException if a vector does not have n entries or one is not finite
     */
    public static SymmetricEigen projectingOverwriting(double[] a, int n, double[]... ys) {
        return projectingOverwriting(a, n, bandwidth(n), ys);
    }

    /** As {@link #projectingOverwriting(double[], int, double[]...)} with a chosen reduction (0: dsytrd), for tests. */
    static SymmetricEigen projectingOverwriting(double[] a, int n, int kd, double[]... ys) {
        return NativeLibraries.withAllCores(() -> reduceThenQl(checkedInPlace(a, n), n, kd, ys));
    }

    /** As {@link #projectingOverwriting(double[], int, double[]...)}, leaving {@code a} as it was. */
    public static SymmetricEigen projecting(double[] a, int n, double[]... ys) {
        return NativeLibraries.withAllCores(() -> reduceThenQl(checkedCopy(a, n), n, bandwidth(n), ys));
    }

    /**
     * {@link #projecting}'s coordinates of its {@code i}-th vector y, {@code V^T y}, entry j belonging to
     * {@code values[j]} (a copy).
     *
     * @throws IllegalStateException if this decomposition was not made by {@link #projecting}
     */
    public double[] projection(int i) {
        if (given == null) {
            throw new IllegalStateException(
                    "SymmetricEigen.projection: only SymmetricEigen.projecting keeps coordinates of given vectors; use project(y)");
        }
        return given[i].clone();
    }

    /** Whether {@link #project} and {@link #vector} are available (explicit or factored eigenvectors). */
    public boolean hasVectors() {
        return vectors != null || tridiagonalVectors != null;
    }

    /**
     * {@code V^T y}: the coordinates of y in the eigenbasis, entry i belonging to {@code values[i]}. Cost {@code 2 n^2}
     * flops with explicit vectors, {@code 4 n^2} factored. y is not modified.
     *
     * @throws IllegalStateException if there are no eigenvectors ({@link #values})
     * @throws IllegalArgumentException if y does not have n entries
     */
    public double[] project(double[] y) {
        requireVectors();
        if (y.length != n) {
            throw new IllegalArgumentException("SymmetricEigen.project: expected " + n + " entries, found " + y.length);
        }
        double[] out = new double[n];
        if (n == 0) return out;
        if (vectors != null) {
            NativeLibraries.blas().dgemv("T", n, n, 1.0, vectors, n, y, 1, 0.0, out, 1);
        } else {
            double[] w = y.clone();
            reduction.apply(w, true);
            NativeLibraries.blas().dgemv("T", n, n, 1.0, tridiagonalVectors, n, w, 1, 0.0, out, 1);
        }
        return out;
    }

    /** The unit eigenvector of {@code values[i]} (a new array). */
    public double[] vector(int i) {
        requireVectors();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("SymmetricEigen.vector: index " + i + " is outside [0, " + n + ")");
        }
        double[] source = vectors != null ? vectors : tridiagonalVectors;
        double[] v = java.util.Arrays.copyOfRange(source, i * n, (i + 1) * n);
        if (vectors == null) reduction.apply(v, false);
        return v;
    }

    /** For logs: the steps of the factored form and their seconds ("" for {@link #values} and {@link #withVectors}). */
    public String steps() {
        return steps;
    }

    public double min() {
        return values[0];
    }

    public double max() {
        return values[n - 1];
    }

    private void requireVectors() {
        if (!hasVectors()) {
            throw new IllegalStateException(
                    "SymmetricEigen: this decomposition has no eigenvectors; "
                            + "use SymmetricEigen.withVectors or SymmetricEigen.factored, not SymmetricEigen.values or projecting");
        }
    }

    /** {@code dsytrd}'s reduction: its reflectors below the subdiagonal (column-major) and their tau, applied by dormtr. */
    private record Dsytrd(int n, double[] reflectors, double[] tau) implements Reduction {
        @Override
        public void apply(double[] x, boolean transpose) {
            String trans = transpose ? "T" : "N";
            intW info = new intW(0);
            double[] q = new double[1];
            NativeLibraries.lapack().dormtr("L", "L", trans, n, 1, reflectors, n, tau, x, n, q, -1, info);
            double[] work = new double[Math.max(1, (int) q[0])];
            NativeLibraries.lapack().dormtr("L", "L", trans, n, 1, reflectors, n, tau, x, n, work, work.length, info);
            check("dormtr", info);
        }
    }

    private record TwoStage(TwoStageTridiagonal t) implements Reduction {
        @Override
        public void apply(double[] x, boolean transpose) {
            if (transpose) t.applyQt(x);
            else t.applyQ(x);
        }
    }

    /** {@code a} itself, after checking it holds an n x n matrix (exactly {@code n^2} entries) of finite values. */
    private static double[] checkedInPlace(double[] a, int n) {
        check(a, n, a.length == (long) n * n);
        return a;
    }

    /** A copy of the first {@code n^2} entries of {@code a}, after checking them. */
    private static double[] checkedCopy(double[] a, int n) {
        check(a, n, a.length >= (long) n * n);
        return java.util.Arrays.copyOf(a, n * n);
    }

    private static void check(double[] a, int n, boolean sized) {
        if (n < 0 || !sized) {
            throw new IllegalArgumentException("SymmetricEigen: expected an n x n matrix with n >= 0, found n = " + n
                    + " and " + a.length + " entries");
        }
        for (double v : a) {
            if (!Double.isFinite(v))
                throw new IllegalArgumentException("SymmetricEigen: the matrix has a non-finite entry " + v);
        }
    }

    private static SymmetricEigen dsyevd(double[] a, int n, boolean vectors) {
        double[] copy = checkedCopy(a, n);
        double[] w = new double[n];
        if (n == 0) return new SymmetricEigen(0, w, vectors ? new double[0] : null, null, null);
        String jobz = vectors ? "V" : "N";
        intW info = new intW(0);
        double[] q = new double[1];
        int[] iq = new int[1];
        // "U" on the row-major view is "L" on the column-major one: either way, one triangle of a symmetric matrix.
        NativeLibraries.lapack().dsyevd(jobz, "L", n, copy, n, w, q, -1, iq, -1, info);
        double[] work = new double[Math.max(1, (int) q[0])];
        int[] iwork = new int[Math.max(1, iq[0])];
        NativeLibraries.lapack().dsyevd(jobz, "L", n, copy, n, w, work, work.length, iwork, iwork.length, info);
        check("dsyevd", info);
        return new SymmetricEigen(n, w, vectors ? copy : null, null, null);
    }

    /** A tridiagonal reduction {@code A = Q T Q^T}: T's diagonal d and off-diagonal e, Q, and the steps for logs. */
    private record Reduced(double[] d, double[] e, Reduction q, String steps) {}

    private static Reduced reduce(double[] reduced, int n, int kd) {
        if (kd == 0) {
            long t0 = System.nanoTime();
            double[] w = new double[n];
            double[] e = new double[Math.max(1, n - 1)];
            double[] tau = new double[Math.max(1, n - 1)];
            intW info = new intW(0);
            double[] q = new double[1];
            NativeLibraries.lapack().dsytrd("L", n, reduced, n, w, e, tau, q, -1, info);
            double[] work = new double[Math.max(1, (int) q[0])];
            NativeLibraries.lapack().dsytrd("L", n, reduced, n, w, e, tau, work, work.length, info);
            check("dsytrd", info);
            return new Reduced(
                    w,
                    e,
                    new Dsytrd(n, reduced, tau),
                    String.format(java.util.Locale.ROOT, "dsytrd %.1f s", (System.nanoTime() - t0) * 1e-9));
        }
        TwoStageTridiagonal t = TwoStageTridiagonal.reduce(reduced, n, kd);
        return new Reduced(
                t.d,
                t.e,
                new TwoStage(t),
                String.format(
                        java.util.Locale.ROOT,
                        "two-stage reduction, kd = %d: full to band %.1f s, band to tridiagonal %.1f s",
                        kd,
                        t.stage1Seconds,
                        t.stage2Seconds));
    }

    private static SymmetricEigen reduceThenDivideAndConquer(double[] reduced, int n, int kd) {
        if (n == 0)
            return new SymmetricEigen(0, new double[0], null, new Dsytrd(0, reduced, new double[0]), new double[0]);
        Reduced r = reduce(reduced, n, kd);
        long t1 = System.nanoTime();
        SymmetricEigen out = new SymmetricEigen(n, r.d(), null, r.q(), divideAndConquer(r.d(), r.e(), n));
        out.steps =
                String.format(java.util.Locale.ROOT, "%s; dstedc %.1f s", r.steps(), (System.nanoTime() - t1) * 1e-9);
        return out;
    }

    private static SymmetricEigen reduceThenQl(double[] reduced, int n, int kd, double[][] ys) {
        int k = ys.length;
        for (double[] y : ys) {
            if (y.length != n) {
                throw new IllegalArgumentException(
                        "SymmetricEigen.projecting: expected vectors of " + n + " entries, found " + y.length);
            }
            for (double v : y) {
                if (!Double.isFinite(v))
                    throw new IllegalArgumentException(
                            "SymmetricEigen.projecting: a vector has a non-finite entry " + v);
            }
        }
        if (n == 0) {
            SymmetricEigen out = new SymmetricEigen(0, new double[0], null, null, null);
            out.given = new double[k][0];
            return out;
        }
        Reduced r = reduce(reduced, n, kd);
        long t1 = System.nanoTime();
        double[] w = new double[k * n];
        for (int q = 0; q < k; q++) {
            double[] x = ys[q].clone();
            r.q().apply(x, true);
            System.arraycopy(x, 0, w, q * n, n);
        }
        double[] values = r.d();
        TridiagonalQL.solve(values, r.e(), w, k);
        SymmetricEigen out = new SymmetricEigen(n, values, null, null, null);
        out.given = new double[k][];
        for (int q = 0; q < k; q++) out.given[q] = java.util.Arrays.copyOfRange(w, q * n, (q + 1) * n);
        out.steps = String.format(
                java.util.Locale.ROOT,
                "%s; QL with %d vector%s %.1f s",
                r.steps(),
                k,
                k == 1 ? "" : "s",
                (System.nanoTime() - t1) * 1e-9);
        return out;
    }

    /** Z, the eigenvectors of the tridiagonal (d, e), by dstedc('I'); d becomes the eigenvalues, increasing. */
    static double[] divideAndConquer(double[] d, double[] e, int n) {
        var lapack = NativeLibraries.lapack();
        intW info = new intW(0);
        double[] q = new double[1];
        double[] z = new double[n * n];
        int[] iq = new int[1];
        lapack.dstedc("I", n, d, e, z, n, q, -1, iq, -1, info);
        double[] work = new double[Math.max(1, (int) q[0])];
        int[] iwork = new int[Math.max(1, iq[0])];
        lapack.dstedc("I", n, d, e, z, n, work, work.length, iwork, iwork.length, info);
        check("dstedc", info);
        return z;
    }

    private static void check(String routine, intW info) {
        if (info.val != 0) {
            throw new ArithmeticException("LAPACK " + routine + " failed: info = " + info.val
                    + (info.val > 0
                            ? " (the algorithm failed to converge)"
                            : " (argument " + (-info.val) + " had an illegal value)"));
        }
    }
}
