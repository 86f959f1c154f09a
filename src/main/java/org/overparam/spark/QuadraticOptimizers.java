package org.overparam.spark;

import org.overparam.model.MiniBatches;
import org.overparam.model.UnitUpdate;
import org.overparam.optim.Adam;
import org.overparam.optim.GradientDescent;
import org.overparam.optim.Minimizer;
import org.overparam.optim.PerturbedGradientDescent;
import org.overparam.optim.StoppingRule;

/**
 * Gradient descent, Adam and perturbed gradient descent on a {@link UnitShardedQuadratic}, step for step as the
 * driver-side {@link GradientDescent#minimize}, {@link Adam#minimize} and {@link PerturbedGradientDescent#minimize}
 * run them on a weight array: the same iterates, listener calls, stopping and divergence rules (tests hold the two to
 * 1e-12). GD and Adam make one command per step, whose backward pass gives the gradient norm of the iteration it
 * steps from; a gradient-norm rule that fires then costs one command back. Perturbed GD, whose steps depend on the
 * norm, makes a backward pass of its own each step, and two more jobs per perturbation.
 */
public final class QuadraticOptimizers {
    private QuadraticOptimizers() {
    }

    /**
     * What the listener sees of iteration t, at W(t).
     *
     * @param loss         the objective over the iteration's rows (a mini-batch's on mini-batch runs)
     * @param gradientNorm {@code ||grad L(W(t))||_F} over the same rows
     * @param seconds      the wall time of the iteration's jobs
     */
    public record Iterate(int iteration, double loss, double dataLoss, double gradientNorm, double learningRate, double seconds) {
    }

    @FunctionalInterface
    public interface Listener {
        void onIterate(Iterate it) throws Exception;
    }

    /** The last iteration, why the run stopped, and the perturbations perturbed GD made. */
    public record Outcome(int iterations, String reason, Iterate last, int perturbations) {
    }

    /** Runs {@code optimizer} (a {@link GradientDescent}, {@link Adam} or {@link PerturbedGradientDescent}) from W(0). */
    public static Outcome minimize(UnitShardedQuadratic engine, Minimizer optimizer, StoppingRule stop, MiniBatches batches,
                                   Listener listener) throws Exception {
        if (optimizer instanceof PerturbedGradientDescent pgd) {
            if (!batches.fullBatch()) throw new IllegalArgumentException("perturbed GD is full-batch");
            return perturbed(engine, pgd, stop, listener);
        }
        if (optimizer instanceof GradientDescent gd) {
            UnitUpdate.Descent step = new UnitUpdate.Descent(gd.eta());
            return firstOrder(engine, t -> step, t -> gd.eta(), stop, batches, listener);
        }
        if (optimizer instanceof Adam adam) return firstOrder(engine, new AdamSchedule(adam), adam::learningRate, stop, batches, listener);
        throw new IllegalArgumentException("QuadraticOptimizers: no sharded loop for " + optimizer.getClass().getSimpleName());
    }

    /** The update of iteration t. */
    private interface Schedule {
        UnitUpdate at(int t);
    }

    /** Adam's rate and bias corrections by iteration, the products {@code b^(t+1)} accumulated as Adam does. */
    private static final class AdamSchedule implements Schedule {
        private final Adam adam;
        private double p1 = 1, p2 = 1;
        private int next;

        AdamSchedule(Adam adam) {
            this.adam = adam;
        }

        @Override
        public UnitUpdate at(int t) {
            if (t != next) throw new IllegalStateException("Adam's steps are taken in order: expected " + next + ", asked " + t);
            next++;
            p1 *= adam.beta1;
            p2 *= adam.beta2;
            return new UnitUpdate.AdamStep(adam.learningRate(t), adam.beta1, adam.beta2, adam.epsilon, 1 - p1, 1 - p2);
        }
    }

    private static Outcome firstOrder(UnitShardedQuadratic engine, Schedule schedule, java.util.function.IntToDoubleFunction rate,
                                      StoppingRule stop, MiniBatches batches, Listener listener) throws Exception {
        UnitShardedQuadratic.Pass pass = engine.start(batches.rows(0));
        double l0 = pass.loss();
        for (int t = 0; ; t++) {
            Minimizer.checkDivergence(t, pass.loss(), l0, rate.applyAsDouble(t));
            String early = stop.reason(t, pass.loss(), Double.NaN);
            if (early != null) {
                long t0 = System.nanoTime();
                double norm = Math.sqrt(engine.backward());
                Iterate it = iterate(pass, norm, rate.applyAsDouble(t), pass.seconds() + (System.nanoTime() - t0) / 1e9);
                listener.onIterate(it);
                return new Outcome(t, stop.reason(t, pass.loss(), norm), it, 0);
            }
            UnitShardedQuadratic.Pass at = pass;
            pass = engine.step(schedule.at(t), t + 1, batches.rows(t + 1));
            double norm = Math.sqrt(engine.lastGradientSquared());
            Iterate it = iterate(at, norm, rate.applyAsDouble(t), pass.seconds());
            listener.onIterate(it);
            // The gradient-norm rule sees iteration t's norm with the step to t + 1: it then goes back one step.
            String reason = stop.reason(t, at.loss(), norm);
            if (reason != null) {
                engine.undo(t, at.rows());
                return new Outcome(t, reason, it, 0);
            }
        }
    }

    private static Outcome perturbed(UnitShardedQuadratic engine, PerturbedGradientDescent pgd, StoppingRule stop, Listener listener)
            throws Exception {
        int perturbations = 0;
        long tNoise = -(long) pgd.tThres - 1;
        double fTilde = Double.NaN;
        long dim = (long) engine.net().k * engine.net().d;
        UnitUpdate.Descent step = new UnitUpdate.Descent(pgd.eta);
        UnitShardedQuadratic.Pass pass = engine.start(null);
        double l0 = pass.loss();
        for (int t = 0; ; t++) {
            long t0 = System.nanoTime();
            Minimizer.checkDivergence(t, pass.loss(), l0, pgd.eta);
            double norm = Math.sqrt(engine.backward());
            if (norm <= pgd.gThres && t - tNoise > pgd.tThres) {
                fTilde = pass.loss();
                tNoise = t;
                pass = engine.perturb(t, pgd.seed(), pgd.ballLength(t, dim, engine.noiseSquared(t, pgd.seed())));
                perturbations++;
                norm = Math.sqrt(engine.backward());
            }
            if (t - tNoise == pgd.tThres && pass.loss() - fTilde > -pgd.fThres) {
                pass = engine.revert();
                norm = Math.sqrt(engine.backward());
                Iterate it = iterate(pass, norm, pgd.eta, (System.nanoTime() - t0) / 1e9);
                listener.onIterate(it);
                return new Outcome(t, PerturbedGradientDescent.RETURNED, it, perturbations);
            }
            Iterate it = iterate(pass, norm, pgd.eta, (System.nanoTime() - t0) / 1e9 + pass.seconds());
            listener.onIterate(it);
            String reason = stop.reason(t, pass.loss(), Double.NaN);
            if (reason != null) return new Outcome(t, reason, it, perturbations);
            pass = engine.update(step, t + 1, null);
        }
    }

    private static Iterate iterate(UnitShardedQuadratic.Pass pass, double norm, double rate, double seconds) {
        return new Iterate(pass.iteration(), pass.loss(), pass.dataLoss(), norm, rate, seconds);
    }
}
