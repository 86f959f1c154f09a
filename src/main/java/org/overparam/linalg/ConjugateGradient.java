package org.overparam.linalg;

/**
 * Preconditioned conjugate gradients (Hestenes and Stiefel 1952; Saad, "Iterative Methods for Sparse Linear
 * Systems", Alg. 9.1) for {@code H x = y} with H symmetric positive definite, run for b right-hand sides at once: each
 * iteration applies H to the b search directions in one block call; a column that has converged stops changing.
 *
 * <p>Reported per column: the iterations, the relative residual {@code ||y - H x|| / ||y||} recomputed from an explicit
 * application of H at the end (not the recurrence's), and the quadratic form {@code y^T H^{-1} y ~ y . x} with its error
 * {@code y^T H^{-1} y - y . x = r^T H^{-1} r <= ||r||^2 / lambda_min(H)}, a bound the caller can evaluate once
 * {@code lambda_min} is known.
 *
 * <p>Cost per iteration: one block application of H and of the preconditioner, {@code 10 n b} flops besides.
 * Memory: five n x b blocks. Inputs are not modified.
 */
public final class ConjugateGradient {
    private ConjugateGradient() {}

    /**
     * One right-hand side's outcome.
     *
     * @param x                 the approximate solution
     * @param iterations        iterations taken (block applications of H while this column was active)
     * @param relativeResidual  {@code ||y - H x|| / ||y||}, recomputed explicitly
     * @param converged         whether the recurrence's relative residual reached the tolerance
     * @param quadraticForm     {@code y . x}, the estimate of {@code y^T H^{-1} y}
     * @param residualNormSquared {@code ||y - H x||^2}, for the error bound {@code ||r||^2 / lambda_min}
     */
    public record Solution(
            double[] x,
            int iterations,
            double relativeResidual,
            boolean converged,
            double quadraticForm,
            double residualNormSquared) {
        /** The bound {@code ||r||^2 / lambda_min} on {@code |y^T H^{-1} y - y . x|}, relative to {@code y . x}. */
        public double relativeQuadraticFormError(double lambdaMin) {
            return residualNormSquared / lambdaMin / Math.abs(quadraticForm);
        }
    }

    /** A preconditioner {@code Z = P^{-1} R} on n x b row-major blocks. */
    public interface Preconditioner {
        void apply(double[] r, double[] z, int b);

        Preconditioner IDENTITY = (r, z, b) -> System.arraycopy(r, 0, z, 0, z.length);
    }

    /**
     * The block of solves between two iterations: the iterations made, the iterates X, residuals R and directions P
     * (n x b row-major), {@code r_c . z_c} per column, each column's iteration count and whether it is still active.
     * From it the iterations continue with the same arithmetic.
     */
    public record State(
            int iteration, double[] x, double[] r, double[] p, double[] rz, int[] iterations, boolean[] active) {}

    /**
     * Solves {@code H x_c = y_c} for each right-hand side until {@code ||r_c|| <= tol ||y_c||} or maxIterations.
     *
     * @param progress called after each iteration with (iteration, largest relative residual still active), or null
     */
    public static Solution[] solve(
            SymmetricOperator op,
            Preconditioner p,
            double[][] ys,
            double tol,
            int maxIterations,
            java.util.function.BiConsumer<Integer, Double> progress) {
        return solve(op, p, ys, tol, maxIterations, progress, SolverCheckpoints.none());
    }

    /**
     * The same, continuing from the state {@code checkpoints} saved in an earlier run of the same right-hand sides,
     * and handing it the state after every iteration it asks for.
     */
    public static Solution[] solve(
            SymmetricOperator op,
            Preconditioner p,
            double[][] ys,
            double tol,
            int maxIterations,
            java.util.function.BiConsumer<Integer, Double> progress,
            SolverCheckpoints<State> checkpoints) {
        Block block = new Block(op.n(), p, ys, tol, maxIterations, checkpoints.saved());
        double[] q = new double[op.n() * ys.length];
        while (block.running()) {
            op.apply(block.directions(), q, ys.length);
            double worst = block.step(q);
            if (progress != null) progress.accept(block.iteration(), worst);
            if (block.running() && checkpoints.due()) checkpoints.save(block.state());
        }
        op.apply(block.iterates(), q, ys.length);
        return block.solutions(q);
    }

    /**
     * The block of solves one iteration at a time, for a caller that applies H itself (to share each pass with
     * another solver): {@link #directions} to be multiplied by H, then {@link #step} with the product, while
     * {@link #running}; at the end {@link #solutions} with {@code H X}. The arithmetic is {@link #solve}'s.
     */
    public static final class Block {
        private final int n, b, maxIterations;
        private final Preconditioner p;
        private final double[][] ys;
        private final double tol;
        private final double[] yNorm;
        private final double[] z;
        private double[] x, r, pp, rz;
        private int[] its;
        private boolean[] active;
        private int iteration;
        private boolean done;

        /** The solves of {@code H x_c = y_c}, from {@code saved} (null: from x = 0). */
        public Block(int n, Preconditioner p, double[][] ys, double tol, int maxIterations, State saved) {
            int b = ys.length;
            if (b < 1) throw new IllegalArgumentException("ConjugateGradient: expected at least one right-hand side");
            if (!(tol > 0) || tol >= 1)
                throw new IllegalArgumentException("ConjugateGradient: tolerance must be in (0, 1), found " + tol);
            if (maxIterations < 1)
                throw new IllegalArgumentException(
                        "ConjugateGradient: maxIterations must be >= 1, found " + maxIterations);
            this.n = n;
            this.b = b;
            this.p = p;
            this.ys = ys;
            this.tol = tol;
            this.maxIterations = maxIterations;
            x = new double[n * b];
            r = new double[n * b];
            z = new double[n * b];
            pp = new double[n * b];
            yNorm = new double[b];
            rz = new double[b];
            its = new int[b];
            active = new boolean[b];
            for (int c = 0; c < b; c++) {
                if (ys[c].length != n)
                    throw new IllegalArgumentException("ConjugateGradient: right-hand side " + c + " has "
                            + ys[c].length + " entries, expected " + n);
                Blocks.setColumn(r, n, b, c, ys[c]);
                yNorm[c] = Blocks.norm(ys[c]);
                if (!(yNorm[c] > 0) || !Double.isFinite(yNorm[c])) {
                    throw new IllegalArgumentException(
                            "ConjugateGradient: right-hand side " + c + " is zero or not finite");
                }
                active[c] = true;
            }
            if (saved != null) {
                if (saved.x().length != n * b || saved.active().length != b) {
                    throw new IllegalArgumentException("ConjugateGradient: a saved state of " + saved.x().length
                            + " entries and " + saved.active().length + " columns for n = " + n + ", b = " + b);
                }
                x = saved.x();
                r = saved.r();
                pp = saved.p();
                rz = saved.rz();
                its = saved.iterations();
                active = saved.active();
                iteration = saved.iteration();
                boolean any = false;
                for (boolean a : active) any |= a;
                done = !any || iteration >= maxIterations;
            } else {
                p.apply(r, z, b);
                System.arraycopy(z, 0, pp, 0, n * b);
                for (int c = 0; c < b; c++) rz[c] = columnDot(r, z, n, b, c);
            }
        }

        public boolean running() {
            return !done;
        }

        /** The right-hand sides b. */
        public int width() {
            return b;
        }

        /** Iterations made. */
        public int iteration() {
            return iteration;
        }

        /** The directions P (n x b row-major) to multiply by H next; a converged column is zero. */
        public double[] directions() {
            return pp;
        }

        /** The iterates X (n x b row-major). */
        public double[] iterates() {
            return x;
        }

        /**
         * One iteration with {@code q = H P}: the iterates and residuals, then (unless every column converged) the
         * next directions. Returns the largest relative residual still active.
         */
        public double step(double[] q) {
            iteration++;
            double worst = 0;
            boolean any = false;
            for (int c = 0; c < b; c++) {
                if (!active[c]) continue;
                its[c] = iteration;
                double a = rz[c] / columnDot(pp, q, n, b, c);
                double rr = 0;
                for (int i = 0; i < n; i++) {
                    int k = i * b + c;
                    x[k] += a * pp[k];
                    r[k] -= a * q[k];
                    rr += r[k] * r[k];
                }
                double rel = Math.sqrt(rr) / yNorm[c];
                if (rel <= tol) active[c] = false;
                else {
                    any = true;
                    worst = Math.max(worst, rel);
                }
            }
            if (!any) {
                done = true;
                return worst;
            }
            p.apply(r, z, b);
            for (int c = 0; c < b; c++) {
                if (!active[c]) continue;
                double next = columnDot(r, z, n, b, c), beta = next / rz[c];
                rz[c] = next;
                for (int i = 0; i < n; i++) pp[i * b + c] = z[i * b + c] + beta * pp[i * b + c];
            }
            for (int c = 0; c < b; c++) {
                // A converged column's direction is zeroed so that it costs nothing in later block applications.
                if (!active[c]) for (int i = 0; i < n; i++) pp[i * b + c] = 0;
            }
            if (iteration >= maxIterations) done = true;
            return worst;
        }

        public State state() {
            return new State(iteration, x, r, pp, rz, its, active);
        }

        /** The solutions, with {@code hx = H X} (n x b row-major) for their explicit residuals. */
        public Solution[] solutions(double[] hx) {
            Solution[] out = new Solution[b];
            for (int c = 0; c < b; c++) {
                double[] xc = Blocks.column(x, n, b, c);
                double rr = 0;
                for (int i = 0; i < n; i++) rr += (ys[c][i] - hx[i * b + c]) * (ys[c][i] - hx[i * b + c]);
                out[c] = new Solution(xc, its[c], Math.sqrt(rr) / yNorm[c], !active[c], Blocks.dot(ys[c], xc), rr);
            }
            return out;
        }
    }

    static double columnDot(double[] a, double[] b, int n, int cols, int c) {
        double s = 0;
        for (int i = 0; i < n; i++) s += a[i * cols + c] * b[i * cols + c];
        return s;
    }
}
