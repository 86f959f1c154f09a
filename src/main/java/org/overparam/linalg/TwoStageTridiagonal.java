package org.overparam.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Two-stage reduction of a dense symmetric matrix to tridiagonal form, {@code A = Q1 Q2 T Q2^T Q1^T}, keeping both
 * orthogonal factors as Householder reflectors so that {@code Q^T y} and {@code Q z} can be applied later (which
 * LAPACK's {@code dsytrd_2stage} cannot: it returns no way to apply its second stage).
 * <ol>
 *   <li>Stage 1, full to band of half-bandwidth {@code kd} (LAPACK {@code dsytrd_sy2sb}; Haidar, Ltaief and Dongarra,
 *       "Parallel reduction to condensed forms for symmetric eigenvalue problems using aggregated fine-grained and
 *       memory-aware kernels", SC'11): for each panel of kd columns, {@code dgeqrf} of the block below the band,
 *       {@code dlarft} for its T, and the two-sided update of the trailing matrix
 *       {@code A22 <- (I - V T V^T)^T A22 (I - V T V^T)} as {@code W = A22 V T}, {@code W -= V (T^T V^T W) / 2},
 *       {@code A22 -= V W^T + W V^T} ({@code dsymm}, {@code dsyr2k}): all {@code 4/3 n^3} flops in BLAS 3, where
 *       {@code dsytrd} spends half of them in memory-bound {@code dsymv}.</li>
 *   <li>Stage 2, band to tridiagonal by bulge chasing (LAPACK {@code dsytrd_sb2st} / {@code dsb2st_kernels}, column
 *       by column): a reflector of length at most kd annihilates a column below the subdiagonal, and the bulge it
 *       creates below the band is chased down by further reflectors, each annihilating the first column of the bulge.
 *       About {@code 6 kd n^2} flops, in Java on a compact band array of {@code (2 kd + 1) n} doubles; every reflector
 *       is kept, {@code n^2 / 2} doubles in all.</li>
 * </ol>
 * The input array is overwritten: below the band it ends up holding the stage-1 reflectors, above the diagonal the
 * stage-2 ones, so no n x n memory is needed beyond it; the band, the T factors and buffers take {@code O(kd n)}.
 */
final class TwoStageTridiagonal {
    /** Default half-bandwidth: measured on this project's kernels (see {@link SymmetricEigen}). */
    static final int DEFAULT_BANDWIDTH = 32;
    /** Half-bandwidth for large n ({@link SymmetricEigen#WIDE_BAND_FROM} on). */
    static final int WIDE_BANDWIDTH = 64;

    final int n;
    final int kd;
    /** Diagonal and subdiagonal of T (e has n - 1 entries, at least one). */
    final double[] d;

    final double[] e;
    /** n x n column-major; panel p's reflectors, explicit unit lower trapezoidal, at rows p kd + kd.., columns p kd... */
    private final double[] a;
    /** Panel p's upper triangular T (kd x kd, column-major) at {@code p kd^2}. */
    private final double[] t;
    /**
     * Stage-2 reflectors, in {@code a}'s strict upper triangle, which nothing else uses: sweep s's, in order, cover rows
     * s+1..n-1 and are stored in column n-1-s (rows 0..n-2-s, exactly as many); each one's first slot holds its tau.
     */
    private final double[] hous;
    /** Wall time of each stage, for benchmarks and logs. */
    final double stage1Seconds;

    final double stage2Seconds;

    private TwoStageTridiagonal(
            int n,
            int kd,
            double[] d,
            double[] e,
            double[] a,
            double[] t,
            double[] hous,
            double stage1Seconds,
            double stage2Seconds) {
        this.stage1Seconds = stage1Seconds;
        this.stage2Seconds = stage2Seconds;
        this.n = n;
        this.kd = kd;
        this.d = d;
        this.e = e;
        this.a = a;
        this.t = t;
        this.hous = hous;
    }

    /**
     * Reduces {@code a} (n x n, column-major, lower triangle read; overwritten) with half-bandwidth {@code kd >= 1}.
     */
    static TwoStageTridiagonal reduce(double[] a, int n, int kd) {
        return reduce(a, n, kd, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
    }

    /** As {@link #reduce(double[], int, int)}, chasing bulges on up to {@code threads} threads. */
    static TwoStageTridiagonal reduce(double[] a, int n, int kd, int threads) {
        if (kd < 1) throw new IllegalArgumentException("TwoStageTridiagonal: expected a bandwidth >= 1, found " + kd);
        int panels = Math.max(0, (n - kd + kd - 1) / kd);
        double[] t = new double[Math.max(1, panels) * kd * kd];
        long t0 = System.nanoTime();
        toBand(a, n, kd, t);
        long t1 = System.nanoTime();
        int ldb = 2 * kd + 1;
        double[] band = new double[n * ldb];
        for (int c = 0; c < n; c++) {
            int rows = Math.min(kd, n - 1 - c);
            System.arraycopy(a, c * n + c, band, c * ldb, rows + 1);
        }
        explicitReflectors(a, n, kd);
        double[] hous = a;
        chase(band, ldb, n, kd, hous, threads);
        double[] d = new double[n], e = new double[Math.max(1, n - 1)];
        for (int c = 0; c < n; c++) {
            d[c] = band[c * ldb];
            if (c < n - 1) e[c] = band[c * ldb + 1];
        }
        return new TwoStageTridiagonal(n, kd, d, e, a, t, hous, (t1 - t0) * 1e-9, (System.nanoTime() - t1) * 1e-9);
    }

    /** {@code x <- Q1 Q2 x}. */
    void applyQ(double[] x) {
        applyQ2(x);
        applyQ1(x, false);
    }

    /** {@code x <- Q2^T Q1^T x}. */
    void applyQt(double[] x) {
        applyQ1(x, true);
        applyQ2t(x);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Stage 1

    private static void toBand(double[] a, int n, int kd, double[] t) {
        if (n <= kd) return;
        BLAS blas = NativeLibraries.blas();
        LAPACK lapack = NativeLibraries.lapack();
        int maxRows = n - kd;
        double[] tau = new double[kd];
        double[] v = new double[maxRows * kd];
        double[] w = new double[maxRows * kd];
        double[] small = new double[kd * kd];
        intW info = new intW(0);
        double[] q = new double[1];
        lapack.dgeqrf(maxRows, kd, a, 0, n, tau, 0, q, 0, -1, info);
        double[] work = new double[Math.max(1, (int) q[0])];
        for (int i = 0, p = 0; i < n - kd; i += kd, p++) {
            int pn = n - i - kd, pk = Math.min(pn, kd);
            int panel = i + kd + i * n;
            int tp = p * kd * kd;
            // All kd columns of the panel, also when fewer rows (pn < kd) than columns remain: Q^T must reach the
            // columns past the reflectors too, whose entries there lie inside the band.
            lapack.dgeqrf(pn, kd, a, panel, n, tau, 0, work, 0, work.length, info);
            if (info.val != 0) throw new ArithmeticException("LAPACK dgeqrf failed: info = " + info.val);
            lapack.dlarft("F", "C", pn, pk, a, panel, n, tau, 0, t, tp, kd);
            for (int c = 0; c < pk; c++) {
                int col = c * pn;
                java.util.Arrays.fill(v, col, col + c, 0.0);
                v[col + c] = 1.0;
                System.arraycopy(a, panel + c * n + c + 1, v, col + c + 1, pn - c - 1);
            }
            int a22 = (i + kd) + (i + kd) * n;
            // W = A22 V T; W -= V (T^T V^T W) / 2; A22 -= V W^T + W V^T
            symmetricTimes(blas, a, n, a22, pn, pk, v, w);
            blas.dtrmm("R", "U", "N", "N", pn, pk, 1.0, t, tp, kd, w, 0, pn);
            blas.dgemm("T", "N", pk, pk, pn, 1.0, v, 0, pn, w, 0, pn, 0.0, small, 0, pk);
            blas.dtrmm("L", "U", "T", "N", pk, pk, 1.0, t, tp, kd, small, 0, pk);
            blas.dgemm("N", "N", pn, pk, pk, -0.5, v, 0, pn, small, 0, pk, 1.0, w, 0, pn);
            rank2kUpdate(blas, a, n, a22, pn, pk, v, w);
        }
    }

    /*
     * The trailing matrix A22 (pn x pn at a22, lower triangle) ends in the array's last column, which netlib's argument
     * checks refuse as a submatrix (they require offset + columns * lda <= length, one column's worth more than
     * Fortran reads). So both products split A22 = [B 0; b^T alpha] and treat its last column, which in the lower
     * triangle is the one entry alpha, and its last row b^T (stride n) apart: two BLAS 2 calls of O(pn kd) each.
     */

    /** {@code W = A22 V} (pn x pk, leading dimension pn). */
    private static void symmetricTimes(BLAS blas, double[] a, int n, int a22, int pn, int pk, double[] v, double[] w) {
        int m = pn - 1, row = a22 + m; // b^T: row pn - 1 of A22, columns 0..m-1, stride n
        double alpha = a[a22 + m + m * n];
        if (m > 0) {
            blas.dsymm("L", "L", m, pk, 1.0, a, a22, n, v, 0, pn, 0.0, w, 0, pn);
            blas.dger(m, pk, 1.0, a, row, n, v, m, pn, w, 0, pn); // W[0:m] += b V[m, :]
            blas.dgemv("T", m, pk, 1.0, v, 0, pn, a, row, n, 0.0, w, m, pn); // W[m, :] = b^T V[0:m]
        } else {
            for (int k = 0; k < pk; k++) w[m + k * pn] = 0;
        }
        blas.daxpy(pk, alpha, v, m, pn, w, m, pn); // W[m, :] += alpha V[m, :]
    }

    /** {@code A22 -= V W^T + W V^T} on the lower triangle. */
    private static void rank2kUpdate(BLAS blas, double[] a, int n, int a22, int pn, int pk, double[] v, double[] w) {
        int m = pn - 1, row = a22 + m;
        if (m > 0) {
            blas.dsyr2k("L", "N", m, pk, -1.0, v, 0, pn, w, 0, pn, 1.0, a, a22, n);
            blas.dgemv("N", m, pk, -1.0, v, 0, pn, w, m, pn, 1.0, a, row, n); // b -= V[0:m] W[m, :]^T
            blas.dgemv("N", m, pk, -1.0, w, 0, pn, v, m, pn, 1.0, a, row, n); // b -= W[0:m] V[m, :]^T
        }
        a[a22 + m + m * n] -= 2 * blas.ddot(pk, v, m, pn, w, m, pn);
    }

    /** After the band is copied out: each panel's R (in the band) replaced by the unit diagonal and zeros above it. */
    private static void explicitReflectors(double[] a, int n, int kd) {
        for (int i = 0; i < n - kd; i += kd) {
            int pk = Math.min(n - i - kd, kd);
            int panel = i + kd + i * n;
            for (int c = 0; c < pk; c++) {
                int col = panel + c * n;
                java.util.Arrays.fill(a, col, col + c, 0.0);
                a[col + c] = 1.0;
            }
        }
    }

    /** {@code x <- Q1 x}, or {@code Q1^T x} when transpose. */
    void applyQ1(double[] x, boolean transpose) {
        if (n <= kd) return;
        BLAS blas = NativeLibraries.blas();
        double[] w = new double[kd];
        int count = (n - 1) / kd; // panels start at i = p kd < n - kd
        for (int k = 0; k < count; k++) {
            int p = transpose ? k : count - 1 - k;
            int i = p * kd, pn = n - i - kd, pk = Math.min(pn, kd);
            int panel = i + kd + i * n;
            blas.dgemv("T", pn, pk, 1.0, a, panel, n, x, i + kd, 1, 0.0, w, 0, 1);
            blas.dtrmv("U", transpose ? "T" : "N", "N", pk, t, p * kd * kd, kd, w, 0, 1);
            blas.dgemv("N", pn, pk, -1.0, a, panel, n, w, 0, 1, 1.0, x, i + kd, 1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Stage 2

    /** Where sweep s's reflectors start: column n-1-s of the upper triangle (it has n-1-s entries, one per row covered). */
    private static long sweepOffset(int n, int s) {
        return (long) (n - 1 - s) * n;
    }

    /** Sweeps per thread before a second thread pays off, and the most threads the chase uses. */
    private static final int PIPELINE_FROM = 64;

    private static final int MAX_THREADS = 4;
    /** Progress of a sweep that has finished. */
    private static final int DONE = Integer.MAX_VALUE;

    /**
     * Bulge chasing on the lower band (element (r, c), 0 <= r - c <= 2 kd, at {@code band[c ldb + r - c]}), storing each
     * reflector (tau in its first slot, the implicit unit) in {@code hous}. Sweeps are pipelined over threads as in
     * {@code dsytrd_sb2st}: sweep s + 1 may work on its block k once sweep s has finished its block k + 1 (the blocks it
     * touches are then final and sweep s touches them no more), so sweep s is handled by thread s mod threads. The
     * reflectors that run out of sequential order act on disjoint rows and commute, so Q2 is the sequential product.
     */
    private static void chase(double[] band, int ldb, int n, int kd, double[] hous, int maxThreads) {
        int sweeps = Math.max(0, n - 2);
        int threads = Math.min(maxThreads, sweeps / PIPELINE_FROM);
        if (threads <= 1) {
            Sweeper one = new Sweeper(band, ldb, n, kd, hous, null);
            for (int s = 0; s < sweeps; s++) one.sweep(s);
            return;
        }
        java.util.concurrent.atomic.AtomicIntegerArray progress =
                new java.util.concurrent.atomic.AtomicIntegerArray(sweeps);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] helpers = new Thread[threads - 1];
        for (int t = 0; t < threads; t++) {
            int first = t;
            Runnable work = () -> {
                Sweeper sweeper = new Sweeper(band, ldb, n, kd, hous, progress);
                try {
                    for (int s = first; s < sweeps; s += threads) sweeper.sweep(s);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    for (int s = first; s < sweeps; s += threads) progress.set(s, DONE); // release the others
                }
            };
            if (t < threads - 1) {
                helpers[t] = new Thread(work, "overparam-bulge-chase-" + t);
                helpers[t].setDaemon(true);
                helpers[t].start();
            } else {
                work.run();
            }
        }
        for (Thread h : helpers) {
            try {
                h.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("TwoStageTridiagonal: interrupted while chasing bulges", e);
            }
        }
        if (failure.get() != null)
            throw new IllegalStateException("TwoStageTridiagonal: bulge chasing failed", failure.get());
    }

    /** One thread's sweeps, with its own buffers (no allocation per block). */
    private static final class Sweeper {
        private final double[] band, hous;
        private final int ldb, ld, n, kd;
        private final java.util.concurrent.atomic.AtomicIntegerArray progress;
        private double[] v, vNext;
        private final double[] w;

        Sweeper(
                double[] band,
                int ldb,
                int n,
                int kd,
                double[] hous,
                java.util.concurrent.atomic.AtomicIntegerArray progress) {
            this.band = band;
            this.ldb = ldb;
            this.ld = ldb - 1; // a dense block at (r0, c0): column j, row i at c0 ldb + r0 - c0 + j (ldb - 1) + i
            this.n = n;
            this.kd = kd;
            this.hous = hous;
            this.progress = progress;
            this.v = new double[kd];
            this.vNext = new double[kd];
            this.w = new double[kd];
        }

        /** Sweep s: annihilate column s below the subdiagonal, then chase the bulge down block by block. */
        void sweep(int s) {
            long sweep = sweepOffset(n, s);
            int st = s + 1, ed = Math.min(s + kd, n - 1);
            awaitPrevious(s, 0);
            double tau = householder(band, s * ldb + 1, ed - st + 1, v);
            store(hous, sweep, v, tau, ed - st + 1);
            for (int k = 0; ; ) {
                symmetricUpdate(band, st * ldb, ld, ed - st + 1, v, tau, w);
                int j1 = ed + 1, j2 = Math.min(ed + kd, n - 1);
                int rows = j2 - j1 + 1, cols = ed - st + 1;
                if (rows <= 0) break;
                int block = st * ldb + (j1 - st);
                applyRight(band, block, ld, rows, cols, v, tau, w);
                double tauNext = householder(band, block, rows, vNext);
                store(hous, sweep + (j1 - s - 1), vNext, tauNext, rows);
                applyLeft(band, block + ld, ld, rows, cols - 1, vNext, tauNext);
                double[] swap = v;
                v = vNext;
                vNext = swap;
                tau = tauNext;
                st = j1;
                ed = j2;
                k++;
                if (progress != null) progress.set(s, k);
                awaitPrevious(s, k);
            }
            if (progress != null) progress.set(s, DONE);
        }

        /** Waits until sweep s - 1 has finished its block k + 1. */
        private void awaitPrevious(int s, int k) {
            if (progress == null || s == 0) return;
            for (int spins = 0; progress.get(s - 1) < k + 2; spins++) {
                if (spins < 1000) Thread.onSpinWait();
                else Thread.yield();
            }
        }
    }

    private static void store(double[] hous, long at, double[] v, double tau, int m) {
        int p = (int) at;
        hous[p] = tau;
        System.arraycopy(v, 1, hous, p + 1, m - 1);
    }

    /**
     * LAPACK's dlarfg on {@code x[at..at+m)}: H = I - tau v v^T with v[0] = 1 maps x to (beta, 0, ..., 0); writes beta
     * and zeros back into x, v into {@code v[0..m)}, returns tau (0 when x is already reduced). The norm is computed
     * with scaling, so 1e-150 and 1e150 inputs neither underflow nor overflow.
     */
    private static double householder(double[] x, int at, int m, double[] v) {
        v[0] = 1.0;
        double alpha = x[at];
        double scale = 0;
        for (int i = 1; i < m; i++) scale = Math.max(scale, Math.abs(x[at + i]));
        if (scale == 0) {
            for (int i = 1; i < m; i++) v[i] = 0;
            return 0;
        }
        scale = Math.max(scale, Math.abs(alpha));
        double sum = 0;
        double inv = 1 / scale;
        for (int i = 0; i < m; i++) {
            double y = x[at + i] * inv;
            sum += y * y;
        }
        double beta = -Math.copySign(scale * Math.sqrt(sum), alpha);
        double tau = (beta - alpha) / beta;
        double f = 1 / (alpha - beta);
        for (int i = 1; i < m; i++) {
            v[i] = x[at + i] * f;
            x[at + i] = 0;
        }
        x[at] = beta;
        return tau;
    }

    /** LAPACK's dlarfy, lower: C <- H C H for the symmetric m x m block C at {@code c} (leading dimension ld). */
    private static void symmetricUpdate(double[] b, int c, int ld, int m, double[] v, double tau, double[] w) {
        if (tau == 0) return;
        for (int i = 0; i < m; i++) w[i] = 0;
        for (int j = 0; j < m; j++) { // w = C v from the lower triangle: column j below the diagonal serves both sides
            int col = c + j * ld;
            double vj = v[j];
            w[j] += b[col + j] * vj + dot(b, col + j + 1, v, j + 1, m - j - 1);
            for (int i = j + 1; i < m; i++) w[i] += b[col + i] * vj;
        }
        double alpha = -0.5 * tau * tau * dot(w, 0, v, 0, m);
        for (int i = 0; i < m; i++) w[i] = tau * w[i] + alpha * v[i];
        for (int j = 0; j < m; j++) {
            int col = c + j * ld;
            double vj = v[j], wj = w[j];
            for (int i = j; i < m; i++) b[col + i] -= v[i] * wj + w[i] * vj;
        }
    }

    /** {@code x[xo..xo+m) . y[yo..yo+m)} with four partial sums (independent chains for the CPU's pipelines). */
    private static double dot(double[] x, int xo, double[] y, int yo, int m) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < m; i += 4) {
            s0 += x[xo + i] * y[yo + i];
            s1 += x[xo + i + 1] * y[yo + i + 1];
            s2 += x[xo + i + 2] * y[yo + i + 2];
            s3 += x[xo + i + 3] * y[yo + i + 3];
        }
        for (; i < m; i++) s0 += x[xo + i] * y[yo + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** C <- C H for the rows x cols block C at {@code c}: {@code w = C v; C -= tau w v^T}. */
    private static void applyRight(double[] b, int c, int ld, int rows, int cols, double[] v, double tau, double[] w) {
        if (tau == 0) return;
        for (int i = 0; i < rows; i++) w[i] = 0;
        for (int j = 0; j < cols; j++) {
            int col = c + j * ld;
            double vj = v[j];
            for (int i = 0; i < rows; i++) w[i] += b[col + i] * vj;
        }
        for (int j = 0; j < cols; j++) {
            int col = c + j * ld;
            double f = tau * v[j];
            for (int i = 0; i < rows; i++) b[col + i] -= w[i] * f;
        }
    }

    /** C <- H C for the rows x cols block C at {@code c}: each column loses {@code tau (v . c_j) v}. */
    private static void applyLeft(double[] b, int c, int ld, int rows, int cols, double[] v, double tau) {
        if (tau == 0) return;
        for (int j = 0; j < cols; j++) {
            int col = c + j * ld;
            double s = tau * dot(v, 0, b, col, rows);
            for (int i = 0; i < rows; i++) b[col + i] -= s * v[i];
        }
    }

    /** {@code x <- Q2^T x = H_N ... H_1 x}: the reflectors in the order they were applied. */
    void applyQ2t(double[] x) {
        for (int s = 0; s + 2 < n; s++) {
            long sweep = sweepOffset(n, s);
            for (int p = s + 1; p < n; p += kd) reflect(x, (int) (sweep + (p - s - 1)), p, Math.min(kd, n - p));
        }
    }

    /** {@code x <- Q2 x = H_1 ... H_N x}. */
    void applyQ2(double[] x) {
        for (int s = n - 3; s >= 0; s--) {
            long sweep = sweepOffset(n, s);
            int last = s + 1 + ((n - 1 - (s + 1)) / kd) * kd;
            for (int p = last; p > s; p -= kd) reflect(x, (int) (sweep + (p - s - 1)), p, Math.min(kd, n - p));
        }
    }

    private void reflect(double[] x, int at, int p, int m) {
        double tau = hous[at];
        if (tau == 0) return;
        double s = x[p];
        for (int i = 1; i < m; i++) s += hous[at + i] * x[p + i];
        s *= tau;
        x[p] -= s;
        for (int i = 1; i < m; i++) x[p + i] -= s * hous[at + i];
    }
}
