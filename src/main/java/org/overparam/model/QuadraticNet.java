package org.overparam.model;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.linalg.Gemm;

/**
 * A two-layer network with quadratic activation and a fixed second layer of signs {@code a_j}:
 * {@code f(x) = sum_j a_j (w_j . x)^2 = x^T W^T D W x} with {@code W} k x d (row-major) and {@code D = diag(a)}, trained
 * on the objective {@code L(W) = scale * (1/n) sum_i l(f(x_i), y_i) + (decay/2) ||W||_F^2 + <C, W^T D W>}.
 * Du &amp; Lee (ICML 2018) take {@code a = 1}, {@code scale = 1}, {@code decay = lambda} and optionally a random PSD
 * {@code C} ({@link #duLee}); Ge et al. (2020) take half the signs +1 and half -1 with the squared loss, {@code scale =
 * 1/2} (their {@code 1/(4n) sum (f - y)^2}) and {@code decay = gamma} ({@link SignedQuadraticNet}).
 *
 * <p><b>Why the shards aggregate a d x d matrix.</b> With {@code M = W^T D W}, {@code f(x_i) = x_i^T M x_i} and
 * {@code dL/dW = 2 D W (scale S + C) + decay W} where {@code S = (1/n) sum_i l'(f(x_i), y_i) x_i x_i^T}. The weights
 * enter the data-dependent part only through M, and the data enter the gradient only through S: so each shard
 * receives M (d x d), computes {@code P = X M} and {@code f_i = <P_i, x_i>} (one GEMM), then
 * {@code X^T diag(v) X} with {@code v_i = l'(f_i, y_i)} (one GEMM), and returns that d x d matrix
 * ({@link Path#FORM}). This costs {@code 4 n d^2} flops per pass on the executors plus {@code 4 k d^2} on the driver
 * (forming M, multiplying by S) and moves {@code 8 d^2} bytes each way per partition — independent of k, so it wins
 * whenever {@code k > d} (Du &amp; Lee's regime k &gt;= d, Ge et al.'s r = 3000 &gt; d = 784). S is also exactly what
 * the global-optimality certificate ({@code org.overparam.theory.OptimalityCertificate}) and the convex reference
 * problem over M need, so the same pass serves training, certificate and convex solver.
 * When k is small next to d the per-unit gradient is cheaper ({@link Path#UNITS}: {@code Z = X W^T},
 * {@code G = (diag(v) Z D)^T X}, {@code 4 n k d} flops, k x d returned); {@link #cheaperPath} picks by flop count.
 *
 * <p>Workspace per evaluation: one chunk of at most {@code 2^22} doubles (32 MiB). Inputs are never modified.
 */
public final class QuadraticNet implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Budget of the chunk workspace, doubles. */
    public static final int WORKSPACE_DOUBLES = 1 << 22;

    /** Which sum a pass over the samples aggregates (see the class comment). */
    public enum Path {
        FORM,
        UNITS
    }

    public final int k;
    public final int d;
    /** Second-layer signs, fixed. */
    public final double[] a;

    public final Loss loss;
    public final double scale;
    public final double decay;
    /** The perturbation C (d x d, symmetric PSD), or null. */
    public final double[] c;

    public QuadraticNet(int k, int d, double[] a, Loss loss, double scale, double decay, double[] c) {
        if (k < 1 || d < 1 || a.length != k) {
            throw new IllegalArgumentException("QuadraticNet: expected k, d >= 1 and k signs, found k=" + k + ", d=" + d
                    + ", " + a.length + " signs");
        }
        if (c != null && c.length != d * d) {
            throw new IllegalArgumentException(
                    "QuadraticNet: C must be d x d = " + d + "x" + d + ", found " + c.length + " entries");
        }
        if (!(scale > 0) || !(decay >= 0)) {
            throw new IllegalArgumentException(
                    "QuadraticNet: expected scale > 0 and decay >= 0, found " + scale + ", " + decay);
        }
        this.k = k;
        this.d = d;
        this.a = a;
        this.loss = loss;
        this.scale = scale;
        this.decay = decay;
        this.c = c;
    }

    /** Du &amp; Lee's net: all signs +1, objective {@code (1/n) sum l + (lambda/2) ||W||_F^2 (+ <C, W^T W>)}. */
    public static QuadraticNet duLee(int k, int d, Loss loss, double lambda, double[] c) {
        double[] ones = new double[k];
        java.util.Arrays.fill(ones, 1.0);
        return new QuadraticNet(k, d, ones, loss, 1.0, lambda, c);
    }

    /** True when every sign is +1: then {@code M = W^T W} is PSD and the objective is Du &amp; Lee's. */
    public boolean allPositive() {
        for (double s : a) if (s != 1.0) return false;
        return true;
    }

    /** W(0): entries N(0, s^2), row j from its own stream of {@code seed}. */
    public double[] initialWeights(double s, long seed) {
        double[] w = new double[k * d];
        for (int j = 0; j < k; j++) initialRow(j, s, seed, w, j * d, d);
        return w;
    }

    /** Unit j's row of W(0), {@code d} entries N(0, s^2) from the stream {@code (seed, "quadratic/w", j)}, into {@code out[off..]}. */
    public static void initialRow(int j, double s, long seed, double[] out, int off, int d) {
        SplittableRandom rng = Seeds.stream(seed, "quadratic/w", j);
        for (int i = 0; i < d; i++) out[off + i] = s * rng.nextGaussian();
    }

    /**
     * A random PSD matrix of Frobenius norm {@code delta}: {@code C = G G^T / ||G G^T||_F} scaled, G d x d with N(0, 1)
     * entries from {@code seed} (Du &amp; Lee, Thm 3.2's perturbation). Symmetric, row-major.
     */
    public static double[] randomPsd(int d, double delta, long seed) {
        double[] g = new double[d * d];
        SplittableRandom rng = Seeds.stream(seed, "quadratic/C");
        for (int i = 0; i < g.length; i++) g[i] = rng.nextGaussian();
        double[] c = new double[d * d];
        Gemm.abt(g, 0, d, g, 0, d, d, c);
        double f = 0;
        for (double v : c) f += v * v;
        double s = delta / Math.sqrt(f);
        for (int i = 0; i < c.length; i++) c[i] *= s;
        return c;
    }

    /** {@code M = W^T D W}, d x d, symmetric. Cost {@code 2 k d^2} flops. */
    public double[] form(double[] w) {
        checkWeights(w);
        double[] dw = new double[k * d];
        for (int j = 0; j < k; j++) for (int i = 0; i < d; i++) dw[j * d + i] = a[j] * w[j * d + i];
        double[] m = new double[d * d];
        Gemm.atbAccumulate(dw, k, d, w, 0, d, 1.0, m);
        return m;
    }

    /** The path with fewer flops for a pass over n samples: FORM costs {@code 4 (n + k) d^2}, UNITS {@code 4 n k d}. */
    public Path cheaperPath(long n) {
        return (double) (n + k) * d <= (double) n * k ? Path.FORM : Path.UNITS;
    }

    /** What the executors need for a pass: M for FORM, W for UNITS. */
    public double[] operand(Path p, double[] w) {
        return p == Path.FORM ? form(w) : w;
    }

    public QuadraticSums newSums(Path p) {
        return new QuadraticSums(p, p == Path.FORM ? d : k, d);
    }

    /** Rows per chunk for a path. */
    public int chunkRows(Path p) {
        int width = p == Path.FORM ? d : k;
        return Math.max(1, Math.min(4096, WORKSPACE_DOUBLES / width));
    }

    /** A workspace for {@link #accumulate} on path p. */
    public double[] workspace(Path p) {
        return new double[chunkRows(p) * (p == Path.FORM ? d : k)];
    }

    /**
     * Adds a block's loss sum and matrix sum to {@code out}.
     *
     * @param x       rows x d, row-major
     * @param operand M (d x d) for FORM, W (k x d) for UNITS ({@link #operand})
     * @param ws      a workspace from {@link #workspace} for the same path
     */
    public void accumulate(double[] x, int rows, double[] y, double[] operand, double[] ws, QuadraticSums out) {
        Path p = out.path;
        int width = p == Path.FORM ? d : k;
        int chunk = chunkRows(p);
        if (ws.length < chunk * width)
            throw new IllegalArgumentException("QuadraticNet.accumulate: workspace too small");
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int cr = Math.min(chunk, rows - i0);
            Gemm.abt(x, i0 * d, cr, operand, 0, width, d, ws);
            for (int i = 0; i < cr; i++) {
                int row = i * width, xr = (i0 + i) * d;
                double f = 0;
                if (p == Path.FORM) {
                    for (int j = 0; j < d; j++) f += ws[row + j] * x[xr + j];
                } else {
                    for (int j = 0; j < k; j++) f += a[j] * ws[row + j] * ws[row + j];
                }
                double yi = y[i0 + i];
                out.loss += loss.value(f, yi);
                double v = loss.derivative(f, yi);
                if (p == Path.FORM) {
                    for (int j = 0; j < d; j++) ws[row + j] = v * x[xr + j];
                } else {
                    for (int j = 0; j < k; j++) ws[row + j] *= v * a[j];
                }
            }
            Gemm.atbAccumulate(ws, cr, width, x, i0 * d, d, 1.0, out.matrix());
        }
        out.rows += rows;
    }

    /**
     * The objective and gradient at W from the sums of a pass over all n samples ({@code sums.rows = n}).
     * {@code formGradient} is {@code grad_M [scale (1/n) sum l(x^T M x) + <C, M> + (decay/2) tr M]} for Du &amp; Lee's
     * net (all signs +1), null otherwise.
     */
    public QuadraticEvaluation finish(double[] w, QuadraticSums sums) {
        checkWeights(w);
        if (sums.rows < 1) throw new IllegalArgumentException("QuadraticNet.finish: no samples were aggregated");
        double n = sums.rows;
        double dataLoss = sums.loss / n;
        double wNorm2 = 0;
        for (double v : w) wNorm2 += v * v;
        double objective = scale * dataLoss + 0.5 * decay * wNorm2;
        double[] g = new double[k * d];
        double[] formGradient = null;
        if (sums.path == Path.FORM) {
            double[] q = new double[d * d];
            for (int i = 0; i < q.length; i++) q[i] = scale * sums.matrix()[i] / n + (c != null ? c[i] : 0.0);
            if (c != null) objective += frobeniusInner(c, form(w));
            double[] dw = new double[k * d];
            for (int j = 0; j < k; j++) for (int i = 0; i < d; i++) dw[j * d + i] = 2 * a[j] * w[j * d + i];
            Gemm.abt(dw, 0, k, q, 0, d, d, g);
            if (allPositive()) {
                for (int i = 0; i < d; i++) q[i * d + i] += 0.5 * decay;
                formGradient = q;
            }
        } else {
            for (int i = 0; i < g.length; i++) g[i] = 2 * scale * sums.matrix()[i] / n;
            if (c != null) {
                double[] wc = new double[k * d];
                Gemm.abt(w, 0, k, c, 0, d, d, wc);
                for (int j = 0; j < k; j++) {
                    double q = 0;
                    for (int i = 0; i < d; i++) {
                        q += w[j * d + i] * wc[j * d + i];
                        g[j * d + i] += 2 * a[j] * wc[j * d + i];
                    }
                    objective += a[j] * q;
                }
            }
        }
        for (int i = 0; i < g.length; i++) g[i] += decay * w[i];
        return new QuadraticEvaluation(objective, g, dataLoss, formGradient);
    }

    /**
     * Du &amp; Lee's convex objective over {@code M} (d x d, PSD) from the FORM sums of a pass at operand M:
     * {@code F(M) = scale (1/n) sum_i l(x_i^T M x_i, y_i) + <C, M> + (decay/2) tr M} (equal to the net's objective at
     * any W with {@code W^T W = M}) and {@code grad F = scale S + C + (decay/2) I}. For all-positive signs only.
     *
     * @return {F(M), then the d x d gradient} as {@code [objective, g_11, g_12, ...]}
     */
    public double[] convexObjective(double[] m, QuadraticSums sums) {
        if (!allPositive() || sums.path != Path.FORM) {
            throw new IllegalArgumentException("QuadraticNet.convexObjective: needs all signs +1 and FORM sums");
        }
        double n = sums.rows;
        double[] out = new double[1 + d * d];
        double f = scale * sums.loss / n;
        for (int i = 0; i < d * d; i++) {
            double ci = c != null ? c[i] : 0.0;
            out[1 + i] = scale * sums.matrix()[i] / n + ci;
            f += ci * m[i];
        }
        for (int i = 0; i < d; i++) {
            out[1 + i * d + i] += 0.5 * decay;
            f += 0.5 * decay * m[i * d + i];
        }
        out[0] = f;
        return out;
    }

    /** Full evaluation over samples held in one array (tests, small problems, the driver). */
    public QuadraticEvaluation evaluate(double[] x, int rows, double[] y, double[] w, Path p) {
        QuadraticSums s = newSums(p);
        accumulate(x, rows, y, operand(p, w), workspace(p), s);
        return finish(w, s);
    }

    /** Predictions {@code f(x_i) = sum_j a_j (w_j . x_i)^2} of a block. */
    public double[] predict(double[] x, int rows, double[] w) {
        checkWeights(w);
        double[] f = new double[rows];
        int chunk = chunkRows(Path.UNITS);
        double[] z = new double[chunk * k];
        for (int i0 = 0; i0 < rows; i0 += chunk) {
            int cr = Math.min(chunk, rows - i0);
            Gemm.abt(x, i0 * d, cr, w, 0, k, d, z);
            for (int i = 0; i < cr; i++) {
                double v = 0;
                for (int j = 0; j < k; j++) v += a[j] * z[i * k + j] * z[i * k + j];
                f[i0 + i] = v;
            }
        }
        return f;
    }

    static double frobeniusInner(double[] p, double[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) s += p[i] * q[i];
        return s;
    }

    private void checkWeights(double[] w) {
        if (w.length != k * d) {
            throw new IllegalArgumentException(
                    "QuadraticNet: expected k x d = " + k + "x" + d + " weights, found " + w.length + " entries");
        }
    }
}
