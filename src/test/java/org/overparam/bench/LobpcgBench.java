package org.overparam.bench;

import org.overparam.linalg.ConjugateGradient;
import org.overparam.linalg.Lobpcg;
import org.overparam.linalg.SymmetricOperator;

/**
 * LOBPCG's driver work alone (bench/lobpcg): the operator is diagonal (an O(n b) apply), so what is timed is the
 * orthogonalization and Rayleigh-Ritz work between applications. Prints {@code RESULT overparam <s/iteration>
 * <lambda_min>}, the best of REPS runs.
 *
 * <p>Arguments: n, block, iterations, reps.
 */
public final class LobpcgBench {
    private LobpcgBench() {}

    /** {@code d_i = 1 + i / 1000 + sin(i)}: the operator bench/lobpcg_scipy.py builds too. */
    static double[] diagonal(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = 1 + i * 1e-3 + Math.sin(i);
        return d;
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]), block = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]), reps = Integer.parseInt(args[3]);
        double[] d = diagonal(n);
        SymmetricOperator op = new SymmetricOperator() {
            @Override
            public int n() {
                return n;
            }

            @Override
            public void apply(double[] x, double[] y, int b) {
                for (int i = 0; i < n; i++) for (int c = 0; c < b; c++) y[i * b + c] = d[i] * x[i * b + c];
            }
        };
        double best = Double.POSITIVE_INFINITY, value = Double.NaN;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Lobpcg.Result res = Lobpcg.smallest(
                    op,
                    ConjugateGradient.Preconditioner.IDENTITY,
                    Lobpcg.Options.of(block, 1e-14, iterations, 1),
                    null);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / Math.max(1, res.iterations()));
            value = res.value();
        }
        System.out.printf(java.util.Locale.ROOT, "RESULT overparam %.6f %.12g%n", best, value);
    }
}
