package org.overparam.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.linalg.Gemm;

/**
 * The hidden units {@code j = first .. first + units - 1} of a quadratic-activation net
 * {@code f(x) = sum_j a_j (w_j . x)^2} ({@link QuadraticNet}), with what its optimizer keeps of them: their rows of W,
 * Adam's moments, perturbed GD's saved point, and from the last forward pass the rows it saw and (when small enough,
 * {@link #KEPT_DOUBLES}) their pre-activations {@code Z = X_B W_b^T}. Given the driver's per-sample coefficients the
 * units are independent, so a block computes its own rows of the gradient and steps them where it lives.
 *
 * <p>The objective is {@code L(W) = scale (1/|B|) sum_{i in B} l(f(x_i), y_i) + (decay/2) ||W||_F^2 + sum_j a_j w_j^T C w_j}
 * over the rows B of a pass (all n, or a mini-batch). Its gradient has two forms ({@link QuadraticNet}'s class comment):
 * <ul>
 *   <li>{@link QuadraticNet.Path#UNITS}: {@code dL/dw_j = a_j sum_{i in B} c_i (w_j . x_i) x_i + decay w_j + 2 a_j C w_j}
 *       with {@code c_i = 2 scale l'(f(x_i), y_i) / |B|} from the driver. A forward pass returns the block's part of
 *       the predictions, {@code sum_{j in block} a_j z_ij^2}; cost {@code 2 |B| units d} flops forward and again
 *       backward (three times when Z is not kept).</li>
 *   <li>{@link QuadraticNet.Path#FORM}: {@code dL/dW_b = 2 D_b W_b Q + decay W_b} with the driver's
 *       {@code Q = scale S / |B| + C}, {@code S = sum_i l'(f(x_i), y_i) x_i x_i^T} summed over the sample blocks. A
 *       forward pass returns the block's part of {@code M = W^T D W} (d x d); {@code 2 units d^2} flops each way.</li>
 * </ul>
 * A pass also returns {@code ||W_b||_F^2} and {@code sum_{j in block} a_j w_j^T C w_j}, so the driver forms the
 * objective without W. The perturbations of perturbed GD draw unit j's row from the stream
 * {@code (seed, "pgd/xi/<t>", j)} ({@link #noiseSquared}), so any cut of the units draws the same point.
 *
 * <p>A command ({@link #apply}) returns a new block and leaves this one as it was, so a retried or recomputed task
 * sees the same input; the arrays it replaces are kept (transient) for the block after next, as in
 * {@link ReluUnitBlock}. Memory: {@code 8 units d} bytes for W, as much for W before the last update, the gradient,
 * and the two Adam moments or the saved point where they are used, and {@code 16 |B| units} for a kept Z and its product; twice that while a
 * command runs.
 */
public final class QuadraticUnitBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest Z (rows x units) a block keeps between its forward and backward pass; beyond it Z is recomputed per chunk. */
    public static final long KEPT_DOUBLES = 1L << 24;
    /** Budget, in doubles, of each chunk buffer of a pass that does not keep Z. */
    public static final int CHUNK_DOUBLES = 1 << 21;

    /** How an optimizer's state is laid out in a block. */
    public enum State {
        /** Gradient descent: W only. */
        DESCENT(1),
        /** Adam: W and the two moments. */
        ADAM(3),
        /** Perturbed gradient descent: W and the saved point. */
        PERTURBED(2);

        /** Arrays of {@code units x d} doubles a checkpoint holds. */
        public final int arrays;

        State(int arrays) {
            this.arrays = arrays;
        }
    }

    /** Which rows a forward pass sees, and which sum it returns. */
    public record Forward(QuadraticNet.Path path, int[] rows) implements Serializable {}

    /**
     * Perturbed GD's jump of iteration t: {@code w += length * xi}, xi drawn by {@link #noiseSquared}'s streams of
     * {@code seed}; the old w is saved.
     */
    public record Perturbation(int t, long seed, double length) implements Serializable {}

    /**
     * One job's work for every block, done in this order: a backward pass (with {@code coefficients}, the c_i of the
     * last forward's rows, on the UNITS path, or {@code q}, d x d, on the FORM path; neither: none), a return to the
     * saved point or to the weights before the last update ({@code back}), a perturbation, an update by the backward
     * pass's gradient, a forward pass. Null fields are skipped.
     */
    public record Command(
            double[] coefficients, double[] q, Back back, Perturbation perturbation, UnitUpdate update, Forward forward)
            implements Serializable {}

    /** Where a command first returns to. */
    public enum Back {
        /** Nowhere. */
        NONE,
        /** Perturbed GD's saved point. */
        SAVED,
        /** The weights before the last update (a stopping rule that fired one step late). */
        PREVIOUS
    }

    /**
     * A block's part of a command.
     *
     * @param gradientSquared {@code ||dL/dW_b||_F^2} of the backward pass, NaN without one
     * @param partial         the forward pass's part of f over its rows (UNITS) or of M (FORM); null without one
     * @param weightsSquared  {@code ||W_b||_F^2} after the command
     * @param penalty         {@code sum_{j in block} a_j w_j^T C w_j} after the command (0 without C)
     * @param computeSeconds  the task's own compute time
     */
    public record Outputs(
            double gradientSquared, double[] partial, double weightsSquared, double penalty, double computeSeconds)
            implements Serializable {}

    /** A block and its part of the command that made it. */
    public record Stepped(QuadraticUnitBlock block, Outputs outputs) implements Serializable {}

    /** Per-thread chunk buffers. */
    public static final class Workspace {
        double[] x = new double[0];
        double[] z = new double[0];

        double[] x(int length) {
            if (x.length < length) x = new double[length];
            return x;
        }

        double[] z(int length) {
            if (z.length < length) z = new double[length];
            return z;
        }
    }

    public final int first;
    public final int units;
    public final int d;
    public final State state;
    private final double[] w;
    private final double[] adamM;
    private final double[] adamV;
    private final double[] saved;
    private final double[] previous;
    private final double[] gradient;
    private final int[] rows;
    private final double[] xb;
    private final double[] z;
    private transient List<double[]> spares;

    private QuadraticUnitBlock(
            int first,
            int units,
            int d,
            State state,
            double[] w,
            double[] adamM,
            double[] adamV,
            double[] saved,
            double[] previous,
            double[] gradient,
            int[] rows,
            double[] xb,
            double[] z) {
        this.first = first;
        this.units = units;
        this.d = d;
        this.state = state;
        this.w = w;
        this.adamM = adamM;
        this.adamV = adamV;
        this.saved = saved;
        this.previous = previous;
        this.gradient = gradient;
        this.rows = rows;
        this.xb = xb;
        this.z = z;
    }

    /** The block at W(0): unit j's row from {@link QuadraticNet#initialRow}, so any cut gives the same W(0). */
    public static QuadraticUnitBlock initial(int first, int units, int d, State state, double kappa, long seed) {
        double[] w = new double[Math.multiplyExact(units, d)];
        for (int r = 0; r < units; r++) QuadraticNet.initialRow(first + r, kappa, seed, w, r * d, d);
        return new QuadraticUnitBlock(
                first,
                units,
                d,
                state,
                w,
                state == State.ADAM ? new double[w.length] : null,
                state == State.ADAM ? new double[w.length] : null,
                state == State.PERTURBED ? w.clone() : null,
                null,
                null,
                null,
                null,
                null);
    }

    /** Doubles of a checkpoint of {@code units} units. */
    public static long checkpointLength(State state, int units, int d) {
        return (long) state.arrays * units * d;
    }

    /** What a checkpoint keeps: W, then Adam's moments or the saved point. */
    public double[] checkpointValues() {
        int len = w.length;
        double[] out = new double[state.arrays * len];
        System.arraycopy(w, 0, out, 0, len);
        if (state == State.ADAM) {
            System.arraycopy(adamM, 0, out, len, len);
            System.arraycopy(adamV, 0, out, 2 * len, len);
        } else if (state == State.PERTURBED) {
            System.arraycopy(saved, 0, out, len, len);
        }
        return out;
    }

    /**
     * The block from its {@link #checkpointValues}, after a forward pass over {@code rows} (null: all), whose Z the
     * next backward pass recomputes.
     */
    public static QuadraticUnitBlock restore(int first, int units, int d, State state, double[] values, int[] rows) {
        int len = Math.multiplyExact(units, d);
        if (values.length != (long) state.arrays * len) {
            throw new IllegalArgumentException("QuadraticUnitBlock.restore: expected " + (long) state.arrays * len
                    + " values, found " + values.length);
        }
        double[] w = Arrays.copyOfRange(values, 0, len);
        return new QuadraticUnitBlock(
                first,
                units,
                d,
                state,
                w,
                state == State.ADAM ? Arrays.copyOfRange(values, len, 2 * len) : null,
                state == State.ADAM ? Arrays.copyOfRange(values, 2 * len, 3 * len) : null,
                state == State.PERTURBED ? Arrays.copyOfRange(values, len, 2 * len) : null,
                null,
                null,
                rows,
                null,
                null);
    }

    /** The block's rows of W (units x d, row-major), not to be modified. */
    public double[] weights() {
        return w;
    }

    /** Runs a command (see {@link Command}) against the samples {@code data} (needed by UNITS passes only). */
    public Stepped apply(Command c, QuadraticNet net, TrainingSet data, Workspace ws) {
        long t0 = System.nanoTime();
        List<double[]> pool = spares != null ? spares : new ArrayList<>();
        spares = null;
        double[] g = gradient, nw = w, m = adamM, v = adamV, s = saved, before = previous;
        double gradientSquared = Double.NaN;
        if (c.coefficients() != null || c.q() != null) {
            g = take(pool, w.length);
            if (c.q() != null) formGradient(net, c.q(), g);
            else unitsGradient(net, data, c.coefficients(), g, ws, pool);
            if (c.update() == null) gradientSquared = squaredNorm(g);
        }
        if (c.back() == Back.SAVED) {
            nw = copy(pool, s);
        } else if (c.back() == Back.PREVIOUS) {
            if (previous == null) throw new IllegalStateException("QuadraticUnitBlock: no update to go back from");
            nw = previous;
            before = null;
        }
        if (c.perturbation() != null) {
            s = copy(pool, nw);
            double[] jumped = copy(pool, nw);
            double[] xi = take(pool, w.length);
            noise(c.perturbation().t(), c.perturbation().seed(), xi);
            for (int i = 0; i < jumped.length; i++)
                jumped[i] += c.perturbation().length() * xi[i];
            pool.add(xi);
            nw = jumped;
        }
        double weightsSquared = Double.NaN;
        if (c.update() != null) {
            if (g == null) throw new IllegalStateException("QuadraticUnitBlock: an update needs a backward pass first");
            double[] next = take(pool, w.length);
            UpdateSums sums;
            if (c.update() instanceof UnitUpdate.Descent descent) {
                sums = descentStep(descent.eta(), nw, g, next);
            } else if (c.update() instanceof UnitUpdate.AdamStep adam) {
                if (state != State.ADAM)
                    throw new IllegalStateException("QuadraticUnitBlock: an Adam step on a " + state + " block");
                double[] nm = take(pool, w.length), nv = take(pool, w.length);
                sums = adamStep(adam, nw, g, m, v, next, nm, nv);
                m = nm;
                v = nv;
            } else {
                throw new IllegalArgumentException("QuadraticUnitBlock: unknown update " + c.update());
            }
            if (c.coefficients() != null || c.q() != null) gradientSquared = sums.gradientSquared();
            weightsSquared = sums.weightsSquared();
            before = nw;
            nw = next;
        }
        int[] fRows = rows;
        double[] fx = xb, fz = z, partial = null;
        if (c.forward() != null) {
            Forward f = c.forward();
            fRows = f.rows();
            fx = null;
            fz = null;
            if (f.path() == QuadraticNet.Path.FORM) {
                partial = form(net, nw);
            } else {
                int r = f.rows() == null ? data.n : f.rows().length;
                if ((long) r * units <= KEPT_DOUBLES) {
                    fx = f.rows() == null ? null : gather(data, f.rows(), take(pool, r * d));
                    fz = take(pool, r * units);
                    Gemm.abt(fx != null ? fx : data.x(), 0, r, nw, 0, units, d, fz);
                    partial = new double[r];
                    addSquares(net, fz, r, partial, 0);
                } else {
                    partial = predictions(net, nw, data, f.rows(), ws);
                }
            }
        }
        QuadraticUnitBlock next = new QuadraticUnitBlock(
                first, units, d, state, nw, m, v, s, before, c.forward() != null ? null : g, fRows, fx, fz);
        next.spares = released(pool, next);
        Outputs out = new Outputs(
                gradientSquared,
                partial,
                Double.isNaN(weightsSquared) ? squaredNorm(nw) : weightsSquared,
                penalty(net, nw),
                (System.nanoTime() - t0) / 1e9);
        return new Stepped(next, out);
    }

    /** {@code ||g||^2} and {@code ||next||^2}, summed in index order (as {@link #squaredNorm}) while an update runs. */
    private record UpdateSums(double gradientSquared, double weightsSquared) {}

    /** {@code next = w - eta g}, with the squared norms of g and next. */
    private static UpdateSums descentStep(double eta, double[] w, double[] g, double[] next) {
        double gsq = 0, wsq = 0;
        for (int i = 0; i < next.length; i++) {
            double gi = g[i];
            double wi = w[i] - eta * gi;
            next[i] = wi;
            gsq += gi * gi;
            wsq += wi * wi;
        }
        return new UpdateSums(gsq, wsq);
    }

    /**
     * One Adam step (Kingma &amp; Ba 2015, Algorithm 1): {@code m' = b1 m + (1 - b1) g}, {@code v' = b2 v + (1 - b2) g^2},
     * {@code w' = w - rate (m' / c1) / (sqrt(v' / c2) + eps)} with the bias corrections {@code c1 = 1 - b1^t},
     * {@code c2 = 1 - b2^t}; elementwise, into {@code next}, {@code nm}, {@code nv}. Its own method so that the JIT
     * compiles it as a whole loop rather than by on-stack replacement inside the once-per-step {@link #apply}; the
     * squared norms of g and of the new weights are summed in the same pass.
     */
    private static UpdateSums adamStep(
            UnitUpdate.AdamStep adam,
            double[] w,
            double[] g,
            double[] m,
            double[] v,
            double[] next,
            double[] nm,
            double[] nv) {
        double b1 = adam.beta1(), b2 = adam.beta2(), rate = adam.rate(), eps = adam.epsilon();
        double c1 = adam.correction1(), c2 = adam.correction2();
        double gsq = 0, wsq = 0;
        for (int i = 0; i < next.length; i++) {
            double gi = g[i];
            double mi = b1 * m[i] + (1 - b1) * gi;
            double vi = b2 * v[i] + (1 - b2) * gi * gi;
            double wi = w[i] - rate * (mi / c1) / (Math.sqrt(vi / c2) + eps);
            nm[i] = mi;
            nv[i] = vi;
            next[i] = wi;
            gsq += gi * gi;
            wsq += wi * wi;
        }
        return new UpdateSums(gsq, wsq);
    }

    /** The arrays of this block and its pool that {@code next} does not hold: reused by the command after next. */
    private List<double[]> released(List<double[]> pool, QuadraticUnitBlock next) {
        List<double[]> out = new ArrayList<>(pool);
        for (double[] a : new double[][] {w, adamM, adamV, saved, previous, gradient, xb, z}) {
            if (a != null && !next.holds(a) && out.stream().noneMatch(p -> p == a)) out.add(a);
        }
        out.removeIf(next::holds);
        return out;
    }

    /**
     * Keeps the arrays of {@code origin} out of this block's spares. In a run of several steps in one task the block
     * the run started from stays cached as the last step's result until the run's blocks replace it, and a retried
     * task must find it as it was; the steps in between are never seen outside the task, so their arrays are reused.
     */
    public void neverReuse(QuadraticUnitBlock origin) {
        if (spares != null) spares.removeIf(origin::holds);
    }

    private boolean holds(double[] a) {
        return a == w || a == adamM || a == adamV || a == saved || a == previous || a == gradient || a == xb || a == z;
    }

    /** The block's part of f on the given rows of {@code data} (all rows if null), at this block's weights; no state kept. */
    public double[] predictions(QuadraticNet net, TrainingSet data, int[] select, Workspace ws) {
        return predictions(net, w, data, select, ws);
    }

    /**
     * {@code ||dL/dW_b||_F^2} over the given rows (all if null) with their coefficients c_i, at this block's weights,
     * recomputing Z per chunk; no state kept. Cost {@code 4 rows units d} flops.
     */
    public double gradientSquared(
            QuadraticNet net, TrainingSet data, int[] select, double[] coefficients, Workspace ws) {
        double[] g = new double[w.length];
        unitsGradientChunked(net, w, data, select, coefficients, g, ws);
        regularize(net, w, g);
        return squaredNorm(g);
    }

    /** {@code ||2 D_b W_b Q + decay W_b||_F^2} at this block's weights. */
    public double formGradientSquared(QuadraticNet net, double[] q) {
        double[] g = new double[w.length];
        formGradient(net, q, g);
        return squaredNorm(g);
    }

    /** {@code sum_{j in block} a_j w_j^T C w_j} at its weights (0 without C). */
    public double penalty(QuadraticNet net) {
        return penalty(net, w);
    }

    /** The block's part of {@code M = W^T D W} at its weights. */
    public double[] form(QuadraticNet net) {
        return form(net, w);
    }

    /**
     * {@code ||xi_b||^2} of perturbed GD's draw for iteration t: unit j's row from the stream
     * {@code (seed, "pgd/xi/<t>", j)}, d standard normals.
     */
    public double noiseSquared(int t, long seed) {
        double[] xi = new double[w.length];
        noise(t, seed, xi);
        return squaredNorm(xi);
    }

    private void noise(int t, long seed, double[] xi) {
        for (int r = 0; r < units; r++) {
            SplittableRandom rng = Seeds.stream(seed, "pgd/xi/" + t, first + r);
            for (int i = 0; i < d; i++) xi[r * d + i] = rng.nextGaussian();
        }
    }

    private double[] form(QuadraticNet net, double[] weights) {
        double[] dw = new double[weights.length];
        for (int r = 0; r < units; r++) {
            double a = net.a[first + r];
            for (int i = 0; i < d; i++) dw[r * d + i] = a * weights[r * d + i];
        }
        double[] m = new double[d * d];
        Gemm.atbAccumulate(dw, units, d, weights, 0, d, 1.0, m);
        return m;
    }

    private void formGradient(QuadraticNet net, double[] q, double[] g) {
        double[] dw = new double[w.length];
        for (int r = 0; r < units; r++) {
            double a = 2 * net.a[first + r];
            for (int i = 0; i < d; i++) dw[r * d + i] = a * w[r * d + i];
        }
        Gemm.abt(dw, 0, units, q, 0, d, d, g);
        addDecay(net, w, g);
    }

    /** The UNITS gradient over the last forward's rows, from its kept Z when there is one. */
    private void unitsGradient(
            QuadraticNet net, TrainingSet data, double[] coefficients, double[] g, Workspace ws, List<double[]> pool) {
        int r = rows == null ? data.n : rows.length;
        if (coefficients.length != r) {
            throw new IllegalArgumentException("QuadraticUnitBlock: expected " + r
                    + " coefficients (the last forward pass's rows), found " + coefficients.length);
        }
        if (z == null) {
            unitsGradientChunked(net, w, data, rows, coefficients, g, ws);
        } else {
            double[] u = take(pool, r * units);
            scaleBySigns(net, z, coefficients, 0, r, u);
            Arrays.fill(g, 0.0);
            Gemm.atbAccumulate(u, r, units, xb != null ? xb : data.x(), 0, d, 1.0, g);
            pool.add(u);
        }
        regularize(net, w, g);
    }

    private void unitsGradientChunked(
            QuadraticNet net,
            double[] weights,
            TrainingSet data,
            int[] select,
            double[] coefficients,
            double[] g,
            Workspace ws) {
        int r = select == null ? data.n : select.length;
        int chunk = chunkRows();
        Arrays.fill(g, 0.0);
        double[] zc = ws.z(chunk * units);
        for (int i0 = 0; i0 < r; i0 += chunk) {
            int cr = Math.min(chunk, r - i0);
            double[] x =
                    select == null ? data.x() : gather(data, Arrays.copyOfRange(select, i0, i0 + cr), ws.x(cr * d));
            int off = select == null ? i0 * d : 0;
            Gemm.abt(x, off, cr, weights, 0, units, d, zc);
            scaleBySigns(net, zc, coefficients, i0, cr, zc);
            Gemm.atbAccumulate(zc, cr, units, x, off, d, 1.0, g);
        }
    }

    /** {@code u_ij = c_(i0+i) a_j z_ij} for the rows of a chunk (u may be z). */
    private void scaleBySigns(QuadraticNet net, double[] zc, double[] coefficients, int i0, int cr, double[] u) {
        for (int i = 0; i < cr; i++) {
            double ci = coefficients[i0 + i];
            for (int j = 0; j < units; j++) u[i * units + j] = ci * net.a[first + j] * zc[i * units + j];
        }
    }

    /** {@code g += decay w + 2 a_j C w_j}. */
    private void regularize(QuadraticNet net, double[] weights, double[] g) {
        if (net.c != null) {
            double[] wc = new double[weights.length];
            Gemm.abt(weights, 0, units, net.c, 0, d, d, wc);
            for (int r = 0; r < units; r++) {
                double a2 = 2 * net.a[first + r];
                for (int i = 0; i < d; i++) g[r * d + i] += a2 * wc[r * d + i];
            }
        }
        addDecay(net, weights, g);
    }

    /** {@code g += decay w}; no pass over the {@code 8 units d} bytes of each array without weight decay. */
    private static void addDecay(QuadraticNet net, double[] weights, double[] g) {
        if (net.decay == 0) return;
        for (int i = 0; i < g.length; i++) g[i] += net.decay * weights[i];
    }

    private double[] predictions(QuadraticNet net, double[] weights, TrainingSet data, int[] select, Workspace ws) {
        int r = select == null ? data.n : select.length;
        int chunk = chunkRows();
        double[] f = new double[r];
        double[] zc = ws.z(chunk * units);
        for (int i0 = 0; i0 < r; i0 += chunk) {
            int cr = Math.min(chunk, r - i0);
            double[] x =
                    select == null ? data.x() : gather(data, Arrays.copyOfRange(select, i0, i0 + cr), ws.x(cr * d));
            Gemm.abt(x, select == null ? i0 * d : 0, cr, weights, 0, units, d, zc);
            addSquares(net, zc, cr, f, i0);
        }
        return f;
    }

    private void addSquares(QuadraticNet net, double[] zc, int cr, double[] f, int i0) {
        for (int i = 0; i < cr; i++) {
            double v = 0;
            for (int j = 0; j < units; j++) {
                double zij = zc[i * units + j];
                v += net.a[first + j] * zij * zij;
            }
            f[i0 + i] = v;
        }
    }

    private double penalty(QuadraticNet net, double[] weights) {
        if (net.c == null) return 0.0;
        double[] wc = new double[weights.length];
        Gemm.abt(weights, 0, units, net.c, 0, d, d, wc);
        double p = 0;
        for (int r = 0; r < units; r++) {
            double q = 0;
            for (int i = 0; i < d; i++) q += weights[r * d + i] * wc[r * d + i];
            p += net.a[first + r] * q;
        }
        return p;
    }

    private int chunkRows() {
        return Math.max(1, CHUNK_DOUBLES / Math.max(units, d));
    }

    private static double[] gather(TrainingSet data, int[] select, double[] out) {
        double[] x = data.x();
        int d = data.d;
        for (int i = 0; i < select.length; i++) System.arraycopy(x, select[i] * d, out, i * d, d);
        return out;
    }

    private static double squaredNorm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return s;
    }

    private static double[] take(List<double[]> pool, int length) {
        for (int i = 0; i < pool.size(); i++) {
            if (pool.get(i).length == length) return pool.remove(i);
        }
        return new double[length];
    }

    private static double[] copy(List<double[]> pool, double[] a) {
        double[] out = take(pool, a.length);
        System.arraycopy(a, 0, out, 0, a.length);
        return out;
    }
}
