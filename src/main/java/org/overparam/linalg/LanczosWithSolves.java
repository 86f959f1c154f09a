package org.overparam.linalg;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * A Lanczos process ({@link Lanczos.Process}: the label vectors and probes) and a block of preconditioned CG solves
 * ({@link ConjugateGradient.Block}: the label vectors' {@code H x = y}) sharing every pass over H: while both run,
 * each pass applies H to the Lanczos vectors and the CG directions side by side, b1 + b2 columns in one block call.
 * A pass over the tiles is bound by reading them (a block of 16 costs little more than one of 13), so the solves ride
 * along instead of taking passes of their own: the passes are {@code max(steps, CG iterations) + 1} instead of their
 * sum plus 1. Each solver's arithmetic is its own method's; the columns of one pass are independent.
 *
 * <p>Checkpoints: after a pass, when due, both states together ({@link State}); continuing from them repeats the same
 * passes of the same widths, so the results are the same bits.
 */
public final class LanczosWithSolves {
    private LanczosWithSolves() {}

    /** Both solvers between two passes. */
    public record State(Lanczos.State lanczos, ConjugateGradient.State solves) {}

    /** Every start's Lanczos coefficients, and every right-hand side's solution. */
    public record Result(List<Lanczos.Run> runs, ConjugateGradient.Solution[] solutions) {}

    /**
     * @param starts   the Lanczos start vectors
     * @param steps    Lanczos steps
     * @param p        the CG preconditioner
     * @param ys       the right-hand sides
     * @param tol      CG's relative residual tolerance
     * @param maxIterations CG's iteration limit
     * @param lanczosProgress called after each Lanczos step with the step count, or null
     * @param solveProgress   called after each CG iteration with (iteration, largest relative residual), or null
     */
    public static Result run(
            SymmetricOperator op,
            double[][] starts,
            int steps,
            ConjugateGradient.Preconditioner p,
            double[][] ys,
            double tol,
            int maxIterations,
            IntConsumer lanczosProgress,
            BiConsumer<Integer, Double> solveProgress,
            SolverCheckpoints<State> checkpoints) {
        int n = op.n();
        State saved = checkpoints.saved();
        Lanczos.Process lanczos = new Lanczos.Process(n, starts, steps, saved != null ? saved.lanczos() : null);
        ConjugateGradient.Block solves =
                new ConjugateGradient.Block(n, p, ys, tol, maxIterations, saved != null ? saved.solves() : null);
        int b1 = lanczos.width(), b2 = solves.width();
        double[] x1 = new double[n * b1], y1 = new double[n * b1], q = new double[n * b2];
        double[] x = new double[n * (b1 + b2)], y = new double[n * (b1 + b2)];
        while (lanczos.running() || solves.running()) {
            boolean first = lanczos.running(), second = solves.running();
            int w1 = first ? b1 : 0, w2 = second ? b2 : 0, w = w1 + w2;
            if (first) lanczos.block(x1);
            double[] pp = solves.directions();
            for (int i = 0; i < n; i++) {
                if (first) System.arraycopy(x1, i * b1, x, i * w, b1);
                if (second) System.arraycopy(pp, i * b2, x, i * w + w1, b2);
            }
            op.apply(x, y, w);
            for (int i = 0; i < n; i++) {
                if (first) System.arraycopy(y, i * w, y1, i * b1, b1);
                if (second) System.arraycopy(y, i * w + w1, q, i * b2, b2);
            }
            if (first) {
                lanczos.extend(y1);
                if (lanczosProgress != null) lanczosProgress.accept(lanczos.steps());
            }
            if (second) {
                double worst = solves.step(q);
                if (solveProgress != null) solveProgress.accept(solves.iteration(), worst);
            }
            if ((lanczos.running() || solves.running()) && checkpoints.due())
                checkpoints.save(new State(lanczos.state(), solves.state()));
        }
        op.apply(solves.iterates(), q, b2);
        return new Result(lanczos.runs(), solves.solutions(q));
    }
}
