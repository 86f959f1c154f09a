package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.overparam.testing.Approx;

/**
 * The Lanczos process and the CG solves sharing their passes give what each gives alone (to rounding: a pass of more
 * columns may round a column differently), in max(steps, CG iterations) + 1 passes instead of steps + iterations + 1.
 */
class LanczosWithSolvesTest {
    static final int N = 300;

    /** H = Q diag(lambda) Q^T with lambda from 0.01 to 50, and a counter of its block applications. */
    static final class Counted implements SymmetricOperator {
        final SymmetricOperator h;
        int passes;

        Counted(double[] matrix) {
            h = SymmetricOperator.dense(matrix, N);
        }

        @Override
        public int n() {
            return N;
        }

        @Override
        public void apply(double[] x, double[] y, int b) {
            passes++;
            h.apply(x, y, b);
        }
    }

    static double[] matrix() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] a = new double[N * N];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextDouble() - 0.5;
        double[] h = new double[N * N];
        // A A^T / N + 0.01 I: symmetric positive definite.
        NativeLibraries.blas().dgemm("N", "T", N, N, N, 1.0 / N, a, N, a, N, 0.0, h, N);
        for (int i = 0; i < N; i++) h[i * N + i] += 0.01;
        return h;
    }

    static double[][] vectors(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] v = new double[count][N];
        for (double[] x : v) for (int i = 0; i < N; i++) x[i] = rng.nextDouble() - 0.5;
        return v;
    }

    @Test
    void sharedPassesGiveEachSolversOwnResultsInFewerPasses() {
        double[] h = matrix();
        double[][] starts = vectors(5, 1), ys = vectors(2, 2);
        int steps = 40;
        Counted alone = new Counted(h);
        List<Lanczos.Run> runs = Lanczos.run(alone, starts, steps, null);
        int lanczosPasses = alone.passes;
        ConjugateGradient.Solution[] solutions =
                ConjugateGradient.solve(alone, ConjugateGradient.Preconditioner.IDENTITY, ys, 1e-10, 500, null);
        int cgPasses = alone.passes - lanczosPasses;

        Counted shared = new Counted(h);
        LanczosWithSolves.Result r = LanczosWithSolves.run(
                shared,
                starts,
                steps,
                ConjugateGradient.Preconditioner.IDENTITY,
                ys,
                1e-10,
                500,
                null,
                null,
                SolverCheckpoints.none());
        int iterations = Math.max(solutions[0].iterations(), solutions[1].iterations());
        assertThat(iterations).as("CG outlasts the Lanczos run here").isGreaterThan(steps);
        assertThat(shared.passes).isEqualTo(Math.max(steps, iterations) + 1);
        assertThat(shared.passes).isLessThan(lanczosPasses + cgPasses);
        for (int c = 0; c < starts.length; c++) {
            Lanczos.Run a = runs.get(c), b = r.runs().get(c);
            assertThat(b.steps()).isEqualTo(a.steps());
            for (int j = 0; j < a.steps(); j++) {
                Approx.assertRelative(a.alpha()[j], b.alpha()[j], 1e-10, "alpha " + j + " of start " + c);
                Approx.assertAbsolute(a.beta()[j], b.beta()[j], 1e-10 * Math.abs(a.alpha()[0]), "beta " + j);
            }
        }
        for (int c = 0; c < ys.length; c++) {
            ConjugateGradient.Solution a = solutions[c], b = r.solutions()[c];
            assertThat(b.iterations()).isEqualTo(a.iterations());
            assertThat(b.converged()).isTrue();
            Approx.assertRelative(a.quadraticForm(), b.quadraticForm(), 1e-12, "y . x of right-hand side " + c);
        }
    }
}
