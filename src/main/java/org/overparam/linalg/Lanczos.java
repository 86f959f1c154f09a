package org.overparam.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The Lanczos process with full reorthogonalization, run from b start vectors at once over one
 * {@link SymmetricOperator}: step j applies H to the b current Lanczos vectors in one block call, so every start
 * (label vectors, random probes) shares each pass over H. Each start u gets its own recurrence
 * {@code H Q_m = Q_m T_m + beta_m q_{m+1} e_m^T}, {@code q_1 = u / ||u||}, with T_m tridiagonal (diagonal alpha,
 * off-diagonal beta), from which {@link GaussQuadrature} gives {@code u^T f(H) u ~ ||u||^2 e_1^T f(T_m) e_1}
 * (Golub and Meurant, "Matrices, Moments and Quadrature with Applications", 2010, ch. 6-7).
 *
 * <p>Reorthogonalization: after the three-term step, the new vector is orthogonalized twice (classical Gram-Schmidt
 * by two {@code dgemv}, "twice is enough") against all earlier vectors of its own start, so T_m is the tridiagonal
 * matrix of an orthonormal basis to rounding and no spurious copies of converged Ritz values appear. A start whose
 * Krylov space becomes invariant ({@code beta_j <= }{@value #BREAKDOWN}{@code  ||T||}) stops there: its quadrature is
 * then exact for every f.
 *
 * <p>Cost per step: one block application of H, plus {@code 8 n j} flops per start for the reorthogonalization.
 * Memory: the bases, {@code 8 n m} bytes per start (m steps). The start vectors are not modified.
 */
public final class Lanczos {
    /** Relative size of beta below which the Krylov space counts as invariant. */
    public static final double BREAKDOWN = 1e-10;

    private Lanczos() {}

    /**
     * One start's recurrence: its basis Q (column-major, n x m), the coefficients of T, the step at which its Krylov
     * space became invariant (0 while it has not), and the workspace of a step.
     */
    private static final class Start {
        final double[] q, alpha, beta, w, coef;
        final double normSquared;
        final int n, m;
        int done;
        boolean invariant;

        Start(double[] u, double norm, int n, int m) {
            this(n, m, new double[m * n], new double[m], new double[m], norm * norm, 0, false);
            for (int i = 0; i < n; i++) q[i] = u[i] / norm;
        }

        private Start(
                int n,
                int m,
                double[] q,
                double[] alpha,
                double[] beta,
                double normSquared,
                int done,
                boolean invariant) {
            this.n = n;
            this.m = m;
            this.q = q;
            this.alpha = alpha;
            this.beta = beta;
            this.normSquared = normSquared;
            this.done = done;
            this.invariant = invariant;
            w = new double[n];
            coef = new double[m];
        }

        /** Start c of a saved state. */
        static Start of(State s, int c, int n, int m) {
            if (s.q()[c].length != m * n || s.alpha()[c].length != m || s.beta()[c].length != m) {
                throw new IllegalArgumentException("Lanczos: saved start " + c + " holds " + s.q()[c].length
                        + " basis entries and " + s.alpha()[c].length + " coefficients, expected " + (long) m * n
                        + " and " + m);
            }
            return new Start(
                    n, m, s.q()[c], s.alpha()[c], s.beta()[c], s.normSquared()[c], s.done()[c], s.invariant()[c]);
        }

        /**
         * Step j: alpha_j and beta_j from column c of {@code y = H Q} (n x b, row-major), the new vector orthogonalized
         * twice against the basis and stored as q_{j+1}, or the start marked done at an invariant subspace.
         */
        void extend(double[] y, int b, int c, int j) {
            var blas = NativeLibraries.blas();
            for (int i = 0; i < n; i++) w[i] = y[i * b + c];
            double a = blas.ddot(n, q, j * n, 1, w, 0, 1);
            alpha[j] = a;
            blas.daxpy(n, -a, q, j * n, 1, w, 0, 1);
            if (j > 0) blas.daxpy(n, -beta[j - 1], q, (j - 1) * n, 1, w, 0, 1);
            for (int pass = 0; pass < 2; pass++) {
                // coef = Q_j^T w; w -= Q_j coef (Q_j: the j + 1 basis vectors, column-major n x (j + 1)).
                blas.dgemv("T", n, j + 1, 1.0, q, n, w, 1, 0.0, coef, 1);
                blas.dgemv("N", n, j + 1, -1.0, q, n, coef, 1, 1.0, w, 1);
                alpha[j] += coef[j];
            }
            double bj = blas.dnrm2(n, w, 1);
            beta[j] = bj;
            double scale = 0;
            for (int k = 0; k <= j; k++) scale = Math.max(scale, Math.abs(alpha[k]) + (k > 0 ? beta[k - 1] : 0));
            if (bj <= BREAKDOWN * scale || j == n - 1) {
                done = j + 1;
                invariant = true;
                beta[j] = 0;
            } else if (j + 1 < m) {
                for (int i = 0; i < n; i++) q[(j + 1) * n + i] = w[i] / bj;
            }
        }

        Run run() {
            int s = done > 0 ? done : m;
            return new Run(java.util.Arrays.copyOf(alpha, s), java.util.Arrays.copyOf(beta, s), normSquared, invariant);
        }
    }

    /**
     * One start's recurrence coefficients.
     *
     * @param alpha       diagonal of T (length steps)
     * @param beta        {@code beta[j]} couples steps j and j+1; {@code beta[steps - 1]} is the residual coefficient
     *                    {@code beta_m} (0 after an invariant subspace was found)
     * @param normSquared {@code ||u||^2} of the start vector
     * @param invariant   whether the Krylov space became invariant (the quadrature is exact)
     */
    public record Run(double[] alpha, double[] beta, double normSquared, boolean invariant) {
        public int steps() {
            return alpha.length;
        }

        /** The Gauss quadrature of all steps. */
        public GaussQuadrature quadrature() {
            return quadrature(steps());
        }

        /** The Gauss quadrature of the first m steps (m nodes), for error estimates by comparison. */
        public GaussQuadrature quadrature(int m) {
            if (m < 1 || m > steps()) {
                throw new IllegalArgumentException(
                        "Lanczos.Run.quadrature: m must be in [1, " + steps() + "], found " + m);
            }
            boolean exact = invariant && m == steps();
            return GaussQuadrature.of(alpha, beta, m, normSquared, exact);
        }
    }

    /**
     * The process between two steps: the steps made, and per start its basis (n x m column-major, the first
     * {@link #columns} columns set), the coefficients of T so far, the step its Krylov space became invariant at (0:
     * not yet) and {@code ||u||^2}. From it the steps continue with the same arithmetic.
     */
    public record State(
            int steps,
            double[][] q,
            double[][] alpha,
            double[][] beta,
            double[] normSquared,
            int[] done,
            boolean[] invariant) {
        /** Basis columns set after {@code steps} steps of a run of m: the next step's vector included. */
        public int columns(int m) {
            return Math.min(steps + 1, m);
        }
    }

    /**
     * Runs up to {@code steps} Lanczos steps from each start (fewer for a start whose Krylov space is invariant; at
     * most n).
     *
     * @param op       the operator H
     * @param starts   b start vectors of length n, none zero or non-finite
     * @param steps    the number of steps m, >= 1
     * @param progress called after each step with the step count, or null
     */
    public static List<Run> run(SymmetricOperator op, double[][] starts, int steps, IntConsumer progress) {
        return run(op, starts, steps, progress, SolverCheckpoints.none());
    }

    /**
     * The same, continuing from the state {@code checkpoints} saved in an earlier run of the same starts and steps,
     * and handing it the state after every step it asks for.
     */
    public static List<Run> run(
            SymmetricOperator op,
            double[][] starts,
            int steps,
            IntConsumer progress,
            SolverCheckpoints<State> checkpoints) {
        Process process = new Process(op.n(), starts, steps, checkpoints.saved());
        int n = op.n(), b = starts.length;
        double[] x = new double[n * b], y = new double[n * b];
        while (process.running()) {
            process.block(x);
            op.apply(x, y, b);
            process.extend(y);
            if (progress != null) progress.accept(process.steps());
            if (checkpoints.due()) checkpoints.save(process.state());
        }
        return process.runs();
    }

    /**
     * The process one step at a time, for a caller that applies H itself (to share each pass with another solver):
     * {@link #block} gives the vectors to multiply by H, {@link #extend} takes the product, while {@link #running}.
     * The arithmetic is {@link #run}'s.
     */
    public static final class Process {
        private final Start[] start;
        private final int n, m;
        private int j;

        /** Up to {@code steps} steps from each start, from {@code saved} (null: from the start vectors). */
        public Process(int n, double[][] starts, int steps, State saved) {
            int b = starts.length;
            if (b < 1) throw new IllegalArgumentException("Lanczos: expected at least one start vector, found none");
            if (steps < 1) throw new IllegalArgumentException("Lanczos: steps must be >= 1, found " + steps);
            this.n = n;
            this.m = Math.min(steps, n);
            start = new Start[b];
            for (int c = 0; c < b; c++) {
                double[] u = starts[c];
                if (u.length != n)
                    throw new IllegalArgumentException(
                            "Lanczos: start " + c + " has " + u.length + " entries, expected n = " + n);
                for (double v : u) {
                    if (!Double.isFinite(v))
                        throw new IllegalArgumentException("Lanczos: start " + c + " has a non-finite entry " + v);
                }
                double nrm = Blocks.norm(u);
                if (nrm == 0) throw new IllegalArgumentException("Lanczos: start " + c + " is the zero vector");
                start[c] = new Start(u, nrm, n, m);
            }
            if (saved != null) {
                if (saved.q().length != b) {
                    throw new IllegalArgumentException(
                            "Lanczos: a saved state of " + saved.q().length + " starts for " + b + " start vectors");
                }
                for (int c = 0; c < b; c++) start[c] = Start.of(saved, c, n, m);
                j = saved.steps();
            }
        }

        /** Whether a step is left: fewer than m made and some start's Krylov space not yet invariant. */
        public boolean running() {
            if (j >= m) return false;
            for (Start st : start) if (st.done == 0) return true;
            return false;
        }

        /** The starts b. */
        public int width() {
            return start.length;
        }

        /** Steps made. */
        public int steps() {
            return j;
        }

        /** The current Lanczos vector of every start into x (n x b row-major; zero for a finished start). */
        public void block(double[] x) {
            int b = start.length;
            java.util.Arrays.fill(x, 0, n * b, 0);
            for (int c = 0; c < b; c++) {
                if (start[c].done > 0) continue;
                for (int i = 0; i < n; i++) x[i * b + c] = start[c].q[j * n + i];
            }
        }

        /** The step from {@code y = H} {@link #block} (n x b row-major). */
        public void extend(double[] y) {
            int b = start.length, step = j;
            // The starts' recurrences are independent: they run on the driver's cores at once, each its own dgemv
            // (memory-bound, so two streams read the bases twice as fast as one), with the same arithmetic.
            java.util.stream.IntStream.range(0, b).parallel().forEach(c -> {
                if (start[c].done == 0) start[c].extend(y, b, c, step);
            });
            j++;
        }

        public State state() {
            return Lanczos.state(start, j);
        }

        /** Every start's coefficients so far. */
        public List<Run> runs() {
            List<Run> out = new ArrayList<>(start.length);
            for (Start st : start) out.add(st.run());
            return out;
        }
    }

    private static State state(Start[] start, int steps) {
        int b = start.length;
        double[][] q = new double[b][], alpha = new double[b][], beta = new double[b][];
        double[] norms = new double[b];
        int[] done = new int[b];
        boolean[] invariant = new boolean[b];
        for (int c = 0; c < b; c++) {
            q[c] = start[c].q;
            alpha[c] = start[c].alpha;
            beta[c] = start[c].beta;
            norms[c] = start[c].normSquared;
            done[c] = start[c].done;
            invariant[c] = start[c].invariant;
        }
        return new State(steps, q, alpha, beta, norms, done, invariant);
    }
}
