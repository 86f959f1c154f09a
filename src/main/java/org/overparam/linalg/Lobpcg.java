package org.overparam.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.overparam.Seeds;

/**
 * The smallest eigenpair of a symmetric positive definite H by the locally optimal block preconditioned conjugate
 * gradient method (Knyazev, "Toward the optimal preconditioned eigensolver: LOBPCG", SIAM J. Sci. Comput. 23(2), 2001,
 * Alg. 5.1): a block of s vectors X, the Rayleigh-Ritz step on {@code span{X, T R, P}} with R the residuals, P the
 * previous update and T a preconditioner ({@link NystromPreconditioner}). A block converges at the rate set by the
 * preconditioned gap between {@code lambda_1} and {@code lambda_{s+1}}; one vector (s = 1) would see only the gap to
 * {@code lambda_2}, which at the bottom of Hinf's clustered spectrum is tiny (docs/performance.md, "Measurements behind
 * design choices"). Each iteration applies H once, to the s new directions in one block call.
 *
 * <p>Error estimate: {@code theta = x^T H x} is an upper bound on {@code lambda_min}, and some eigenvalue lies within
 * {@code ||H x - theta x||} of theta (x unit); the residual is recomputed by an explicit application of H at the end.
 * The eigenvalue itself converges twice as fast as the residual: by the Kato-Temple inequality
 * ({@code theta - lambda_1 <= ||r||^2 / (lambda_2 - theta)} when {@code theta < lambda_2}) its error is about
 * {@code ||r||^2 / (theta_2 - theta)}, with the block's second Ritz value {@code theta_2} standing in for
 * {@code lambda_2} (an estimate, not a bound: {@code theta_2 >= lambda_2}). Stopping on that estimate
 * ({@code valueTolerance}) instead of the residual saves a quarter to a third of the iterations at n = 5,000 to
 * 20,000 on MNIST, where the value has long converged when the residual reaches 1e-4.
 * Memory: about {@code 8 n (9 s)} bytes.
 */
public final class Lobpcg {
    /** Relative norm below which a new direction counts as inside the current basis and is dropped. */
    static final double DROP = 1e-10;

    private Lobpcg() {}

    /**
     * @param value      the Rayleigh quotient theta of the smallest Ritz pair
     * @param vector     its unit Ritz vector
     * @param residual   {@code ||H x - theta x||}, explicit
     * @param iterations block applications of H (besides the first and the final check)
     * @param converged  whether {@code residual <= tol theta}, or the value's error estimate reached its tolerance
     * @param valueErrorEstimate the Kato-Temple estimate of {@code (theta - lambda_1) / theta} at the last iteration
     *                   (infinite with a block of one)
     */
    public record Result(
            double value,
            double[] vector,
            double residual,
            int iterations,
            boolean converged,
            double valueErrorEstimate) {
        /** {@code residual / theta}: the relative distance from theta to the nearest eigenvalue is at most this. */
        public double relativeResidual() {
            return residual / Math.abs(value);
        }
    }

    /**
     * When LOBPCG stops and where it starts: when the smallest Ritz pair has {@code ||H x - theta x|| <= tol theta},
     * or the Kato-Temple estimate of the value's relative error, {@code (||r|| / theta)^2 theta / (theta_2 - theta)},
     * is at most {@code valueTolerance} (0: never), or after {@code maxIterations}; from the {@code start} vectors
     * ({@link SubsetStart}; null for none), filled up to the block size with vectors drawn from {@code seed}.
     *
     * @param block the block size s, {@code 1 <= s}, at most n / 3
     */
    public record Options(
            int block, double[][] start, double tol, double valueTolerance, int maxIterations, long seed) {
        /** A block of {@code block} seeded vectors, stopping on the residual only. */
        public static Options of(int block, double tol, int maxIterations, long seed) {
            return new Options(block, null, tol, 0, maxIterations, seed);
        }

        /** The same, stopping as well on the Kato-Temple estimate. */
        public Options valueTolerance(double v) {
            return new Options(block, start, tol, v, maxIterations, seed);
        }

        /** The same, from these start vectors. */
        public Options startingFrom(double[][] vectors) {
            return new Options(block, vectors, tol, valueTolerance, maxIterations, seed);
        }
    }

    /**
     * LOBPCG between two iterations: the iterations made, the block X with H X and its Ritz values theta, and the last
     * update P with H P (empty after the start block). From it the iterations continue with the same arithmetic.
     */
    public record State(int iteration, double[][] x, double[][] hx, double[] theta, double[][] p, double[][] hp) {}

    /** The smallest eigenpair of {@code op} with the preconditioner {@code t}; {@code progress} sees (iteration, relative residual). */
    public static Result smallest(
            SymmetricOperator op,
            ConjugateGradient.Preconditioner t,
            Options o,
            java.util.function.BiConsumer<Integer, Double> progress) {
        return smallest(op, t, o, progress, SolverCheckpoints.none());
    }

    /**
     * The same, continuing from the state {@code checkpoints} saved in an earlier run (the start block is then not
     * used) and handing it the state after every iteration it asks for.
     */
    public static Result smallest(
            SymmetricOperator op,
            ConjugateGradient.Preconditioner t,
            Options o,
            java.util.function.BiConsumer<Integer, Double> progress,
            SolverCheckpoints<State> checkpoints) {
        int block = o.block(), maxIterations = o.maxIterations();
        double[][] start = o.start();
        double tol = o.tol(), valueTolerance = o.valueTolerance();
        long seed = o.seed();
        if (!(valueTolerance >= 0))
            throw new IllegalArgumentException("Lobpcg: value tolerance must be >= 0, found " + valueTolerance);
        if (!(tol > 0)) throw new IllegalArgumentException("Lobpcg: tolerance must be > 0, found " + tol);
        State saved = checkpoints.saved();
        Iterate x = saved != null
                ? Iterate.of(saved, op.n())
                : initial(op, startBlock(op.n(), Math.max(1, Math.min(block, op.n() / 3)), start, seed));
        int it = saved != null ? saved.iteration() : 0;
        boolean converged = false;
        double estimate;
        while (true) {
            List<double[]> r = residuals(x);
            double rel = Blocks.norm(r.get(0)) / Math.abs(x.theta[0]);
            estimate = x.theta.length > 1 && x.theta[1] > x.theta[0]
                    ? rel * rel * Math.abs(x.theta[0]) / (x.theta[1] - x.theta[0])
                    : Double.POSITIVE_INFINITY;
            if (progress != null) progress.accept(it, rel);
            if (rel <= tol || estimate <= valueTolerance) {
                converged = true;
                break;
            }
            if (it >= maxIterations) break;
            it++;
            x = rayleighRitzStep(x, trialBasis(op, t, x, r));
            if (checkpoints.due()) checkpoints.save(x.state(it));
        }
        return result(op, x.x.get(0), it, converged, estimate, tol, valueTolerance);
    }

    /** The block X with its images H X, Ritz values theta and the previous update P with H P (empty at first). */
    private record Iterate(List<double[]> x, List<double[]> hx, double[] theta, List<double[]> p, List<double[]> hp) {
        State state(int iteration) {
            return new State(iteration, rows(x), rows(hx), theta, rows(p), rows(hp));
        }

        static Iterate of(State s, int n) {
            if (s.x().length == 0 || s.x()[0].length != n || s.theta().length != s.x().length) {
                throw new IllegalArgumentException("Lobpcg: a saved state of " + s.x().length + " vectors of "
                        + (s.x().length > 0 ? s.x()[0].length : 0) + " entries and " + s.theta().length
                        + " Ritz values for n = " + n);
            }
            return new Iterate(
                    new ArrayList<>(List.of(s.x())),
                    new ArrayList<>(List.of(s.hx())),
                    s.theta(),
                    new ArrayList<>(List.of(s.p())),
                    new ArrayList<>(List.of(s.hp())));
        }

        private static double[][] rows(List<double[]> vs) {
            return vs.toArray(new double[0][]);
        }
    }

    /** The trial subspace {@code span{X, W = T R, P}}, orthonormal, with its images. */
    private record Basis(List<double[]> s, List<double[]> hs, int blockSize) {}

    /** The s start vectors: the given ones, then seeded Gaussian ones. */
    private static List<double[]> startBlock(int n, int s, double[][] start, long seed) {
        List<double[]> x = new ArrayList<>();
        for (int c = 0; c < s; c++) {
            if (start != null && c < start.length) {
                if (start[c].length != n) {
                    throw new IllegalArgumentException(
                            "Lobpcg: start vector " + c + " has " + start[c].length + " entries, expected n = " + n);
                }
                x.add(start[c].clone());
                continue;
            }
            SplittableRandom rng = Seeds.stream(seed, "lobpcg/start", c);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = NystromPreconditioner.gaussian(rng);
            x.add(v);
        }
        return x;
    }

    /** The start block orthonormalized and rotated to its Ritz vectors (one application of H). */
    private static Iterate initial(SymmetricOperator op, List<double[]> x) {
        List<double[]> basis = new ArrayList<>(), images = new ArrayList<>();
        for (double[] v : x) if (orthogonalize(v, null, basis, images)) basis.add(v);
        List<double[]> hx = applyAll(op, basis);
        double[] theta = new double[basis.size()];
        rayleighRitz(basis, hx, theta);
        return new Iterate(basis, hx, theta, new ArrayList<>(), new ArrayList<>());
    }

    /** {@code R = H X - X diag(theta)}, from the carried images. */
    private static List<double[]> residuals(Iterate x) {
        int n = x.x.get(0).length;
        List<double[]> r = new ArrayList<>();
        for (int c = 0; c < x.x.size(); c++) {
            double[] rc = x.hx.get(c).clone();
            NativeLibraries.blas().daxpy(n, -x.theta[c], x.x.get(c), 1, rc, 1);
            r.add(rc);
        }
        return r;
    }

    /**
     * X, then {@code W = T R} (one block application of the preconditioner and one of H) and P, each block
     * orthogonalized against the vectors before it ({@link #orthogonalBlock}), a direction dropped when nothing of it
     * is left.
     */
    private static Basis trialBasis(
            SymmetricOperator op, ConjugateGradient.Preconditioner t, Iterate x, List<double[]> r) {
        int n = op.n();
        double[] rb = new double[n * r.size()], wb = new double[n * r.size()];
        for (int c = 0; c < r.size(); c++) Blocks.setColumn(rb, n, r.size(), c, r.get(c));
        t.apply(rb, wb, r.size());
        List<double[]> s0 = new ArrayList<>(x.x), hs = new ArrayList<>(x.hx);
        List<double[]> w = new ArrayList<>();
        for (int c = 0; c < r.size(); c++) w.add(Blocks.column(wb, n, r.size(), c));
        orthogonalBlock(w, null, s0, null);
        s0.addAll(w);
        hs.addAll(applyAll(op, w));
        List<double[]> p = new ArrayList<>(), hp = new ArrayList<>();
        for (int c = 0; c < x.p.size(); c++) {
            p.add(x.p.get(c).clone());
            hp.add(x.hp.get(c).clone());
        }
        orthogonalBlock(p, hp, s0, hs);
        s0.addAll(p);
        hs.addAll(hp);
        return new Basis(s0, hs, x.x.size());
    }

    /**
     * Orthogonalizes the vectors v (and their images hv, when given) against the orthonormal s (images hs), by block
     * classical Gram-Schmidt twice ({@code C = S^T V, V -= S C}: two dgemm each), then each against the ones of v kept
     * before it, twice, and normalizes them; drops (from v and hv) a vector with less than {@value #DROP} of its norm
     * left.
     */
    private static void orthogonalBlock(List<double[]> v, List<double[]> hv, List<double[]> s, List<double[]> hs) {
        if (v.isEmpty()) return;
        int n = v.get(0).length, c = v.size(), k = s.size();
        double[] before = new double[c];
        for (int j = 0; j < c; j++) before[j] = Blocks.norm(v.get(j));
        if (k > 0) {
            var blas = NativeLibraries.blas();
            double[] sm = stack(s, n), vm = stack(v, n), coef = new double[k * c];
            double[] hsm = hv != null ? stack(hs, n) : null, hvm = hv != null ? stack(hv, n) : null;
            for (int pass = 0; pass < 2; pass++) {
                blas.dgemm("T", "N", k, c, n, 1.0, sm, n, vm, n, 0.0, coef, k);
                blas.dgemm("N", "N", n, c, k, -1.0, sm, n, coef, k, 1.0, vm, n);
                if (hvm != null) blas.dgemm("N", "N", n, c, k, -1.0, hsm, n, coef, k, 1.0, hvm, n);
            }
            for (int j = 0; j < c; j++) {
                System.arraycopy(vm, j * n, v.get(j), 0, n);
                if (hvm != null) System.arraycopy(hvm, j * n, hv.get(j), 0, n);
            }
        }
        List<double[]> kept = new ArrayList<>(), keptImages = hv != null ? new ArrayList<>() : null;
        for (int j = 0; j < c; j++) {
            double[] vj = v.get(j), hvj = hv != null ? hv.get(j) : null;
            if (!(before[j] > 0)) continue;
            if (orthogonalizeWithin(vj, hvj, kept, keptImages, before[j])) {
                kept.add(vj);
                if (keptImages != null) keptImages.add(hvj);
            }
        }
        v.clear();
        v.addAll(kept);
        if (hv != null) {
            hv.clear();
            hv.addAll(keptImages);
        }
    }

    /** v (and hv) orthogonalized against the few vectors of s, twice, and normalized; false when too little is left. */
    private static boolean orthogonalizeWithin(
            double[] v, double[] hv, List<double[]> s, List<double[]> hs, double before) {
        var blas = NativeLibraries.blas();
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < s.size(); j++) {
                double c = Blocks.dot(s.get(j), v);
                blas.daxpy(v.length, -c, s.get(j), 1, v, 1);
                if (hv != null) blas.daxpy(v.length, -c, hs.get(j), 1, hv, 1);
            }
        }
        double after = Blocks.norm(v);
        if (!(after > DROP * before)) return false;
        blas.dscal(v.length, 1 / after, v, 1);
        if (hv != null) blas.dscal(v.length, 1 / after, hv, 1);
        return true;
    }

    /**
     * The Rayleigh-Ritz step on the trial basis: the new X from its m lowest Ritz vectors, the new P from their
     * components outside the old X; images by the same combinations.
     */
    private static Iterate rayleighRitzStep(Iterate x, Basis b) {
        int k = b.s.size(), m = b.blockSize, n = b.s.get(0).length;
        double[] s = stack(b.s, n), hs = stack(b.hs, n);
        var blas = NativeLibraries.blas();
        // A = S^T (H S), symmetrized: one dgemm instead of k^2 dot products.
        double[] g = new double[k * k], a = new double[k * k];
        blas.dgemm("T", "N", k, k, n, 1.0, s, n, hs, n, 0.0, g, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) a[i * k + j] = a[j * k + i] = 0.5 * (g[i * k + j] + g[j * k + i]);
        }
        SymmetricEigen e = SymmetricEigen.withVectors(a, k);
        // e.vectors holds the Ritz vectors' coefficients contiguously: column-major k x m in its first m k entries.
        double[] v = new double[n * m], hv = new double[n * m], pv = new double[n * m], hpv = new double[n * m];
        blas.dgemm("N", "N", n, m, k, 1.0, s, n, e.vectors, k, 0.0, v, n);
        blas.dgemm("N", "N", n, m, k, 1.0, hs, n, e.vectors, k, 0.0, hv, n);
        if (k > m) {
            // P and H P: the same combinations of the directions outside the old X (columns m.. of S).
            blas.dgemm("N", "N", n, m, k - m, 1.0, s, m * n, n, e.vectors, m, k, 0.0, pv, 0, n);
            blas.dgemm("N", "N", n, m, k - m, 1.0, hs, m * n, n, e.vectors, m, k, 0.0, hpv, 0, n);
        }
        double[] theta = x.theta;
        List<double[]> nx = new ArrayList<>(), nhx = new ArrayList<>(), np = new ArrayList<>(), nhp = new ArrayList<>();
        for (int c = 0; c < m; c++) {
            nx.add(java.util.Arrays.copyOfRange(v, c * n, (c + 1) * n));
            nhx.add(java.util.Arrays.copyOfRange(hv, c * n, (c + 1) * n));
            np.add(java.util.Arrays.copyOfRange(pv, c * n, (c + 1) * n));
            nhp.add(java.util.Arrays.copyOfRange(hpv, c * n, (c + 1) * n));
            theta[c] = e.values[c];
        }
        return new Iterate(nx, nhx, theta, np, nhp);
    }

    /** The vectors side by side: an n x k column-major matrix. */
    private static double[] stack(List<double[]> vs, int n) {
        double[] out = new double[n * vs.size()];
        for (int j = 0; j < vs.size(); j++) System.arraycopy(vs.get(j), 0, out, j * n, n);
        return out;
    }

    /** The first Ritz vector normalized, with its Rayleigh quotient and residual from an explicit application of H. */
    private static Result result(
            SymmetricOperator op,
            double[] v,
            int it,
            boolean converged,
            double estimate,
            double tol,
            double valueTolerance) {
        int n = op.n();
        double norm = Blocks.norm(v);
        NativeLibraries.blas().dscal(n, 1 / norm, v, 1);
        double[] hv = op.apply(v);
        double value = Blocks.dot(v, hv);
        NativeLibraries.blas().daxpy(n, -value, v, 1, hv, 1);
        double rn = Blocks.norm(hv);
        boolean byValue = converged && estimate <= valueTolerance;
        return new Result(value, v, rn, it, byValue || (converged && rn <= tol * Math.abs(value) * 10), estimate);
    }

    private static List<double[]> concat(List<double[]> a, List<double[]> b) {
        List<double[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** H applied to each vector, in one block call (an empty list costs nothing). */
    private static List<double[]> applyAll(SymmetricOperator op, List<double[]> vs) {
        List<double[]> out = new ArrayList<>();
        if (vs.isEmpty()) return out;
        int n = op.n(), b = vs.size();
        double[] in = new double[n * b], res = new double[n * b];
        for (int c = 0; c < b; c++) Blocks.setColumn(in, n, b, c, vs.get(c));
        op.apply(in, res, b);
        for (int c = 0; c < b; c++) out.add(Blocks.column(res, n, b, c));
        return out;
    }

    /** Rotates the orthonormal x (with images hx) to the Ritz vectors of span(x), increasing Ritz values into theta. */
    private static void rayleighRitz(List<double[]> x, List<double[]> hx, double[] theta) {
        int k = x.size(), n = x.get(0).length;
        double[] a = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++)
                a[i * k + j] = a[j * k + i] = 0.5 * (Blocks.dot(x.get(i), hx.get(j)) + Blocks.dot(x.get(j), hx.get(i)));
        }
        SymmetricEigen e = SymmetricEigen.withVectors(a, k);
        List<double[]> nx = new ArrayList<>(), nhx = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double[] v = new double[n], hv = new double[n];
            for (int j = 0; j < k; j++) {
                NativeLibraries.blas().daxpy(n, e.vectors[c * k + j], x.get(j), 1, v, 1);
                NativeLibraries.blas().daxpy(n, e.vectors[c * k + j], hx.get(j), 1, hv, 1);
            }
            nx.add(v);
            nhx.add(hv);
            theta[c] = e.values[c];
        }
        for (int c = 0; c < k; c++) {
            x.set(c, nx.get(c));
            hx.set(c, nhx.get(c));
        }
    }

    /**
     * Orthogonalizes v (and its image hv, when given) against the orthonormal vectors of s, twice, and normalizes
     * it; false when v is numerically inside their span.
     */
    private static boolean orthogonalize(double[] v, double[] hv, List<double[]> s, List<double[]> hs) {
        double before = Blocks.norm(v);
        return before > 0 && orthogonalizeWithin(v, hv, s, hs, before);
    }
}
