package org.overparam.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The dgemm rate this JVM's BLAS reaches as Spark tasks use it: one single-threaded {@code n x n} product per thread,
 * {@code threads} at once, the best of {@code repeats} rounds; GFLOP/s summed over the threads ({@code 2 n^3} flops
 * per product). The peak against which the training engine's share is reported. Cost: {@code repeats + 1} products
 * per thread, {@code 24 n^2} bytes each.
 */
public final class DgemmPeak {
    private DgemmPeak() {}

    public static double gflops(int n, int threads, int repeats) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        double[] best = new double[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(
                    () -> {
                        SplittableRandom rng = new SplittableRandom(id);
                        double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = rng.nextDouble();
                            b[i] = rng.nextDouble();
                        }
                        for (int r = 0; r <= repeats; r++) {
                            long t0 = System.nanoTime();
                            Gemm.abt(a, 0, n, b, 0, n, n, c);
                            double rate = 2.0 * n * n * n / (System.nanoTime() - t0);
                            if (r > 0) best[id] = Math.max(best[id], rate);
                        }
                    },
                    "dgemm-peak-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) w.join();
        double sum = 0;
        for (double v : best) sum += v;
        return sum;
    }
}
