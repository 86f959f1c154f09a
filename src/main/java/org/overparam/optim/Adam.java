package org.overparam.optim;

import org.overparam.model.LossEvaluation;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015, Algorithm 1) with a step decay: at iteration t (from 0) the learning rate is
 * {@code lr * decay^floor(t / decayEvery)} (Ge et al. 2020, Appendix A: lr 0.003, x0.3 every 15 epochs). Moments
 * {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, step {@code w -= lr_t mhat / (sqrt(vhat) + eps)} with
 * the bias corrections {@code mhat = m / (1 - b1^(t+1))}, {@code vhat = v / (1 - b2^(t+1))}. Full batch or mini-batch:
 * the oracle decides which samples iteration t sees (seeded by t). Memory: two arrays of the weights' size.
 */
public final class Adam implements Minimizer {
    public final double lr;
    public final double beta1;
    public final double beta2;
    public final double epsilon;
    public final double decay;
    public final int decayEvery;

    /**
     * @param decay      factor applied to the learning rate every {@code decayEvery} iterations, in (0, 1]
     * @param decayEvery iterations between decays; 0 = never
     */
    public Adam(double lr, double beta1, double beta2, double epsilon, double decay, int decayEvery) {
        if (!(lr > 0)
                || !(beta1 >= 0 && beta1 < 1)
                || !(beta2 >= 0 && beta2 < 1)
                || !(epsilon > 0)
                || !(decay > 0 && decay <= 1)
                || decayEvery < 0) {
            throw new IllegalArgumentException(
                    "Adam: expected lr > 0, beta1, beta2 in [0, 1), epsilon > 0, decay in (0, 1], decayEvery >= 0;"
                            + " found " + lr + ", " + beta1 + ", " + beta2 + ", " + epsilon + ", " + decay + ", "
                            + decayEvery);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.decay = decay;
        this.decayEvery = decayEvery;
    }

    /** The learning rate of iteration t. */
    public double learningRate(int t) {
        return decayEvery == 0 ? lr : lr * Math.pow(decay, t / decayEvery);
    }

    @Override
    public <E extends LossEvaluation> Outcome<E> minimize(
            double[] w, GradientDescent.Oracle<E> oracle, StoppingRule stop, GradientDescent.Listener<E> listener)
            throws Exception {
        double[] m = new double[w.length], v = new double[w.length];
        double l0 = Double.NaN, p1 = 1, p2 = 1;
        for (int t = 0; ; t++) {
            long t0 = System.nanoTime();
            E e = oracle.evaluate(w, t);
            if (t == 0) l0 = e.loss();
            Minimizer.checkDivergence(t, e.loss(), l0, learningRate(t));
            listener.onIteration(t, w, e, (System.nanoTime() - t0) / 1e9);
            double[] g = e.gradient();
            String reason = stop.reason(t, e.loss(), Minimizer.norm(g));
            if (reason != null) return new Outcome<>(e, t, reason);
            p1 *= beta1;
            p2 *= beta2;
            double rate = learningRate(t);
            for (int i = 0; i < w.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                w[i] -= rate * (m[i] / (1 - p1)) / (Math.sqrt(v[i] / (1 - p2)) + epsilon);
            }
        }
    }
}
