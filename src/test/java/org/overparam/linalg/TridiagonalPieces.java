package org.overparam.linalg;

import java.util.Random;

/**
 * Benchmark driver for bench/tridiagonal (not a test): times the pieces of the factored eigendecomposition on a
 * Hinf-like kernel matrix (relu-ntk of n random non-negative unit vectors in 784 dimensions, like images): dsytrd,
 * the two-stage reduction's stage 1 and stage 2 for each half-bandwidth, dstedc, and one projection in each form.
 * Usage: TridiagonalPieces N KD...
 */
final class TridiagonalPieces {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        double[] h = kernel(n, 784, 1);
        NativeLibraries.withAllCores(() -> {
            double[] y = new Random(2).doubles(n, -1, 1).toArray();
            double[] a = h.clone();
            long t0 = System.nanoTime();
            var lapack = NativeLibraries.lapack();
            double[] d = new double[n], e = new double[n - 1], tau = new double[n - 1], q = new double[1];
            var info = new org.netlib.util.intW(0);
            lapack.dsytrd("L", n, a, n, d, e, tau, q, -1, info);
            double[] work = new double[(int) q[0]];
            lapack.dsytrd("L", n, a, n, d, e, tau, work, work.length, info);
            double dsytrd = (System.nanoTime() - t0) * 1e-9;
            long t1 = System.nanoTime();
            SymmetricEigen.divideAndConquer(d, e, n);
            double dstedc = (System.nanoTime() - t1) * 1e-9;
            System.out.printf("n %d: dsytrd %.2f s, dstedc %.2f s%n", n, dsytrd, dstedc);
            double[] reference = d;
            for (int k = 1; k < args.length; k++) {
                int kd = Integer.parseInt(args[k]);
                a = h.clone();
                TwoStageTridiagonal t = TwoStageTridiagonal.reduce(a, n, kd);
                double[] d2 = t.d.clone(), e2 = t.e.clone();
                long t2 = System.nanoTime();
                SymmetricEigen.divideAndConquer(d2, e2, n);
                double dc = (System.nanoTime() - t2) * 1e-9;
                double[] x = y.clone();
                long t3 = System.nanoTime();
                t.applyQt(x);
                double apply = (System.nanoTime() - t3) * 1e-9;
                double diff = 0;
                for (int i = 0; i < n; i++) diff = Math.max(diff, Math.abs(d2[i] - reference[i]));
                System.out.printf(
                        "n %d, kd %d: stage 1 %.2f s, stage 2 %.2f s (sum %.2f s), dstedc %.2f s, Q^T y %.3f s;"
                                + " max |lambda - dsytrd's| / lambda_max %.1e%n",
                        n,
                        kd,
                        t.stage1Seconds,
                        t.stage2Seconds,
                        t.stage1Seconds + t.stage2Seconds,
                        dc,
                        apply,
                        diff / reference[n - 1]);
            }
            return null;
        });
    }

    static double[] kernel(int n, int dim, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * dim];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                double v = r.nextDouble() < 0.2 ? r.nextDouble() : 0;
                x[i * dim + j] = v;
                s += v * v;
            }
            double inv = 1 / Math.sqrt(s);
            for (int j = 0; j < dim; j++) x[i * dim + j] *= inv;
        }
        double[] g = new double[n * n];
        NativeLibraries.blas().dgemm("T", "N", n, n, dim, 1.0, x, dim, x, dim, 0.0, g, n);
        for (int i = 0; i < g.length; i++) {
            double t = Math.max(-1, Math.min(1, g[i]));
            g[i] = t * (Math.PI - Math.acos(t)) / (2 * Math.PI);
        }
        return g;
    }
}
