package org.overparam.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
 * steps from; a gradient-norm rule that fires then costs one command back. With every block in one task the engine
 * runs the steps up to the next checkpoint in one job ({@link UnitShardedQuadratic#steps}), and the loop takes them
 * one by one as if each had been a job of its own. Perturbed GD, whose steps depend on the
 * norm, makes a backward pass of its own each step, and two more jobs per perturbation.
 *
 * <p>Resume: when the engine has checkpointed the blocks of iteration t, the listener receives the loop's own state
 * at the start of iteration t ({@link ResumePoint}) before the older checkpoints go; {@link #minimize} given that
 * point continues from the checkpoint along the same iterates as the uninterrupted run.
 */
public final class QuadraticOptimizers {
    private QuadraticOptimizers() {}

    /**
     * What the listener sees of iteration t, at W(t).
     *
     * @param loss         the objective over the iteration's rows (a mini-batch's on mini-batch runs)
     * @param gradientNorm {@code ||grad L(W(t))||_F} over the same rows
     * @param seconds      the wall time of the iteration's jobs
     */
    public record Iterate(
            int iteration, double loss, double dataLoss, double gradientNorm, double learningRate, double seconds) {}

    public interface Listener {
        void onIterate(Iterate it) throws Exception;

        /** The engine has checkpointed the blocks of {@code point.iteration()}: the loop's state to continue from. */
        default void onCheckpoint(ResumePoint point) throws Exception {}
    }

    /**
     * The optimizer loop's state at the start of iteration t, whose blocks are checkpointed: with the engine's
     * checkpoint, all a new driver needs to continue. The Adam schedule's products {@code b^t} and the mini-batches are
     * re-derived from t and the seed.
     *
     * @param initialLoss    the loss of iteration 0's pass (the divergence rule's reference)
     * @param noiseIteration perturbed GD: the iteration of the last perturbation (or its initial value)
     * @param noiseLoss      perturbed GD: the loss before it (NaN before the first)
     * @param perturbations  perturbed GD: perturbations so far
     */
    public record ResumePoint(
            int iteration, double initialLoss, long noiseIteration, double noiseLoss, int perturbations) {}

    /** The last iteration, why the run stopped, and the perturbations perturbed GD made. */
    public record Outcome(int iterations, String reason, Iterate last, int perturbations) {}

    /** Runs {@code optimizer} (a {@link GradientDescent}, {@link Adam} or {@link PerturbedGradientDescent}) from W(0). */
    public static Outcome minimize(
            UnitShardedQuadratic engine, Minimizer optimizer, StoppingRule stop, MiniBatches batches, Listener listener)
            throws Exception {
        return minimize(engine, optimizer, stop, batches, listener, null);
    }

    /**
     * Runs {@code optimizer} from W(0), or with {@code from} non-null from the engine's checkpoint of
     * {@code from.iteration()} ({@link UnitShardedQuadratic#resume}).
     */
    public static Outcome minimize(
            UnitShardedQuadratic engine,
            Minimizer optimizer,
            StoppingRule stop,
            MiniBatches batches,
            Listener listener,
            ResumePoint from)
            throws Exception {
        if (optimizer instanceof PerturbedGradientDescent pgd) {
            if (!batches.fullBatch()) throw new IllegalArgumentException("perturbed GD is full-batch");
            return perturbed(engine, pgd, stop, listener, from);
        }
        if (optimizer instanceof GradientDescent gd) {
            UnitUpdate.Descent step = new UnitUpdate.Descent(gd.eta());
            return firstOrder(engine, t -> step, t -> gd.eta(), stop, batches, listener, from);
        }
        if (optimizer instanceof Adam adam)
            return firstOrder(engine, new AdamSchedule(adam), adam::learningRate, stop, batches, listener, from);
        throw new IllegalArgumentException("QuadraticOptimizers: no sharded loop for "
                + optimizer.getClass().getSimpleName());
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
            if (t != next)
                throw new IllegalStateException("Adam's steps are taken in order: expected " + next + ", asked " + t);
            next++;
            p1 *= adam.beta1;
            p2 *= adam.beta2;
            return new UnitUpdate.AdamStep(adam.learningRate(t), adam.beta1, adam.beta2, adam.epsilon, 1 - p1, 1 - p2);
        }
    }

    private static Outcome firstOrder(
            UnitShardedQuadratic engine,
            Schedule schedule,
            java.util.function.IntToDoubleFunction rate,
            StoppingRule stop,
            MiniBatches batches,
            Listener listener,
            ResumePoint from)
            throws Exception {
        int first = from == null ? 0 : from.iteration();
        UnitShardedQuadratic.Pass pass =
                from == null ? engine.start(batches.rows(0)) : engine.resume(first, batches.rows(first));
        double l0 = from == null ? pass.loss() : from.initialLoss();
        for (int t = 0; t < first; t++) schedule.at(t);
        Deque<UnitShardedQuadratic.Step> ahead = new ArrayDeque<>();
        for (int t = first; ; t++) {
            Minimizer.checkDivergence(t, pass.loss(), l0, rate.applyAsDouble(t));
            String early = stop.reason(t, pass.loss(), Double.NaN);
            if (early != null) {
                long t0 = System.nanoTime();
                double norm = Math.sqrt(engine.backward());
                Iterate it =
                        iterate(pass, norm, rate.applyAsDouble(t), pass.seconds() + (System.nanoTime() - t0) / 1e9);
                listener.onIterate(it);
                return new Outcome(t, stop.reason(t, pass.loss(), norm), it, 0);
            }
            UnitShardedQuadratic.Pass at = pass;
            if (ahead.isEmpty()) ahead.addAll(stepsFrom(engine, t, schedule, stop, batches, l0));
            UnitShardedQuadratic.Step step = ahead.poll();
            pass = step.pass();
            double norm = Math.sqrt(step.gradientSquared());
            Iterate it = iterate(at, norm, rate.applyAsDouble(t), pass.seconds());
            listener.onIterate(it);
            // The gradient-norm rule sees iteration t's norm with the step to t + 1: it then goes back one step.
            String reason = stop.reason(t, at.loss(), norm);
            if (reason != null) {
                engine.undo(t, at.rows());
                return new Outcome(t, reason, it, 0);
            }
            if (ahead.isEmpty()) checkpointed(engine, listener, l0, 0, Double.NaN, 0);
        }
    }

    /**
     * The steps from iteration t that the engine runs in its next job ({@link UnitShardedQuadratic#runLength}): their
     * updates and rows, taken from the schedule and the mini-batches in order. A run ends early only where this loop
     * stops, so the updates taken past its end are never needed.
     */
    private static List<UnitShardedQuadratic.Step> stepsFrom(
            UnitShardedQuadratic engine, int t, Schedule schedule, StoppingRule stop, MiniBatches batches, double l0) {
        int count = engine.runLength(t, stop.maxIterations());
        List<UnitUpdate> updates = new ArrayList<>(count);
        List<int[]> rows = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            updates.add(schedule.at(t + j));
            rows.add(batches.rows(t + 1 + j));
        }
        return engine.steps(updates, rows, stop, l0);
    }

    /** After a command: tells the listener of a checkpoint the engine wrote, then lets the engine drop the older ones. */
    private static void checkpointed(
            UnitShardedQuadratic engine,
            Listener listener,
            double l0,
            long noiseIteration,
            double noiseLoss,
            int perturbations)
            throws Exception {
        int t = engine.takeWrittenCheckpoint();
        if (t < 0) return;
        listener.onCheckpoint(new ResumePoint(t, l0, noiseIteration, noiseLoss, perturbations));
        engine.dropEarlierCheckpoints();
    }

    private static Outcome perturbed(
            UnitShardedQuadratic engine,
            PerturbedGradientDescent pgd,
            StoppingRule stop,
            Listener listener,
            ResumePoint from)
            throws Exception {
        int perturbations = from == null ? 0 : from.perturbations();
        long tNoise = from == null ? -(long) pgd.tThres - 1 : from.noiseIteration();
        double fTilde = from == null ? Double.NaN : from.noiseLoss();
        long dim = (long) engine.net().k * engine.net().d;
        UnitUpdate.Descent step = new UnitUpdate.Descent(pgd.eta);
        int first = from == null ? 0 : from.iteration();
        UnitShardedQuadratic.Pass pass = from == null ? engine.start(null) : engine.resume(first, null);
        double l0 = from == null ? pass.loss() : from.initialLoss();
        for (int t = first; ; t++) {
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
            checkpointed(engine, listener, l0, tNoise, fTilde, perturbations);
        }
    }

    private static Iterate iterate(UnitShardedQuadratic.Pass pass, double norm, double rate, double seconds) {
        return new Iterate(pass.iteration(), pass.loss(), pass.dataLoss(), norm, rate, seconds);
    }
}
