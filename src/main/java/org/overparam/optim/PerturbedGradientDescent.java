package org.overparam.optim;

import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.model.LossEvaluation;

/**
 * Perturbed gradient descent, exactly Jin, Ge, Netrapalli, Kakade &amp; Jordan (ICML 2017), Algorithm 1, as Ge et al.
 * (2020) use it. Inputs: the gradient-Lipschitz constant {@code l}, the Hessian-Lipschitz constant {@code rho}, the
 * target accuracy {@code eps}, the constant {@code c}, the failure probability {@code delta} and the initial gap
 * {@code Delta_f >= f(x0) - f*}; with {@code dim} parameters:
 * <pre>
 * chi = 3 max(log(dim l Delta_f / (c eps^2 delta)), 4),  eta = c / l,  r = sqrt(c) eps / (chi^2 l),
 * g_thres = sqrt(c) eps / chi^2,  f_thres = (c / chi^3) sqrt(eps^3 / rho),  t_thres = chi l / (c^2 sqrt(rho eps))
 * t_noise = -t_thres - 1
 * for t = 0, 1, ...:
 *   if ||grad f(x_t)|| &lt;= g_thres and t - t_noise &gt; t_thres:  xtilde = x_t, t_noise = t, x_t = xtilde + xi (xi uniform in B(r))
 *   if t - t_noise == t_thres and f(x_t) - f(xtilde) &gt; -f_thres:  return xtilde
 *   x_{t+1} = x_t - eta grad f(x_t)
 * </pre>
 * {@code t_thres} is rounded up to an integer. The perturbation xi of iteration t is {@code r U^(1/dim) z / ||z||}: z's
 * rows of {@code rowLength} entries (the rows of W; the whole vector when rowLength = dim) are standard normals from
 * the streams {@code (seed, "pgd/xi/<t>", row)}, and U is uniform from {@code (seed, "pgd/radius", t)}, so the
 * sharded engine, whose blocks draw their own rows, jumps to the same point.
 * The stopping rule's iteration limit and target loss apply as well; its gradient-norm rule is not used (a small
 * gradient is where this algorithm perturbs, not where it stops). Ending by Algorithm 1's return is reported as
 * "escape failed: second-order stationary point".
 */
public final class PerturbedGradientDescent implements Minimizer {
    public static final String RETURNED = "escape failed: second-order stationary point";

    public final double chi;
    public final double eta;
    public final double radius;
    public final double gThres;
    public final double fThres;
    public final int tThres;
    private final long seed;
    private final int rowLength;
    /** Perturbations added in the last run. */
    public int perturbations;

    public PerturbedGradientDescent(
            int dim, double l, double rho, double eps, double c, double delta, double deltaF, long seed) {
        this(dim, dim, l, rho, eps, c, delta, deltaF, seed);
    }

    /** @param rowLength entries per row of the parameters (d for a k x d weight matrix); must divide dim */
    public PerturbedGradientDescent(
            int dim,
            int rowLength,
            double l,
            double rho,
            double eps,
            double c,
            double delta,
            double deltaF,
            long seed) {
        if (rowLength < 1 || dim % rowLength != 0) {
            throw new IllegalArgumentException(
                    "PerturbedGradientDescent: rowLength " + rowLength + " must divide dim " + dim);
        }
        this.rowLength = rowLength;
        if (dim < 1 || !(l > 0) || !(rho > 0) || !(eps > 0) || !(c > 0) || !(delta > 0 && delta < 1) || !(deltaF > 0)) {
            throw new IllegalArgumentException(
                    "PerturbedGradientDescent: expected dim >= 1, l, rho, eps, c, Delta_f > 0 and delta in (0,1);"
                            + " found dim=" + dim + ", l=" + l + ", rho=" + rho + ", eps=" + eps + ", c=" + c
                            + ", delta=" + delta + ", Delta_f=" + deltaF);
        }
        this.chi = 3 * Math.max(Math.log(dim * l * deltaF / (c * eps * eps * delta)), 4);
        this.eta = c / l;
        this.radius = Math.sqrt(c) * eps / (chi * chi * l);
        this.gThres = Math.sqrt(c) * eps / (chi * chi);
        this.fThres = c / (chi * chi * chi) * Math.sqrt(eps * eps * eps / rho);
        double t = chi * l / (c * c * Math.sqrt(rho * eps));
        if (t > Integer.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException(
                    "PerturbedGradientDescent: t_thres = " + t + " iterations; raise eps or c");
        }
        this.tThres = (int) Math.ceil(t);
        this.seed = seed;
    }

    @Override
    public <E extends LossEvaluation> Outcome<E> minimize(
            double[] w, GradientDescent.Oracle<E> oracle, StoppingRule stop, GradientDescent.Listener<E> listener)
            throws Exception {
        perturbations = 0;
        long tNoise = -(long) tThres - 1;
        double[] xTilde = null;
        double fTilde = Double.NaN, l0 = Double.NaN;
        for (int t = 0; ; t++) {
            long t0 = System.nanoTime();
            E e = oracle.evaluate(w, t);
            if (t == 0) l0 = e.loss();
            Minimizer.checkDivergence(t, e.loss(), l0, eta);
            if (Minimizer.norm(e.gradient()) <= gThres && t - tNoise > tThres) {
                xTilde = w.clone();
                fTilde = e.loss();
                tNoise = t;
                addBallNoise(w, t);
                perturbations++;
                e = oracle.evaluate(w, t);
            }
            if (t - tNoise == tThres && e.loss() - fTilde > -fThres) {
                System.arraycopy(xTilde, 0, w, 0, w.length);
                E back = oracle.evaluate(w, t);
                listener.onIteration(t, w, back, (System.nanoTime() - t0) / 1e9);
                return new Outcome<>(back, t, RETURNED);
            }
            listener.onIteration(t, w, e, (System.nanoTime() - t0) / 1e9);
            String reason = stop.reason(t, e.loss(), Double.NaN); // NaN: the gradient-norm rule never fires
            if (reason != null) return new Outcome<>(e, t, reason);
            double[] g = e.gradient();
            for (int i = 0; i < w.length; i++) w[i] -= eta * g[i];
        }
    }

    /** The seed of the perturbations. */
    public long seed() {
        return seed;
    }

    /** Adds a point uniform in the ball of radius r: z drawn row by row (see the class comment), length r U^(1/dim). */
    private void addBallNoise(double[] w, int t) {
        double[] z = new double[w.length];
        for (int row = 0; row < w.length / rowLength; row++) {
            SplittableRandom rng = Seeds.stream(seed, "pgd/xi/" + t, row);
            for (int i = 0; i < rowLength; i++) z[row * rowLength + i] = rng.nextGaussian();
        }
        double s = 0;
        for (double v : z) s += v * v;
        double len = ballLength(t, w.length, s);
        for (int i = 0; i < w.length; i++) w[i] += len * z[i];
    }

    /** The factor {@code r U^(1/dim) / ||z||} of iteration t's jump, given {@code ||z||^2}. */
    public double ballLength(int t, long dim, double noiseSquared) {
        return radius * Math.pow(Seeds.stream(seed, "pgd/radius", t).nextDouble(), 1.0 / dim) / Math.sqrt(noiseSquared);
    }
}
