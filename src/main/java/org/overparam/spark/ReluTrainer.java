package org.overparam.spark;

import java.util.ArrayList;
import java.util.List;
import org.overparam.model.TrainingSet;

/**
 * Full-batch gradient descent of Du et al.'s two-layer ReLU net with the hidden units sharded over the executors: the
 * operations a training job runs, whatever the layout. {@link UnitShardedRelu} ships all samples to every executor;
 * {@link GridShardedRelu} cuts them into sample blocks too, a grid of sample blocks x unit blocks.
 */
public interface ReluTrainer extends AutoCloseable {
    UnitLayout layout();

    /** Builds the blocks at W(0) on the executors and returns the pass at W(0). */
    UnitShardedRelu.Pass start();

    /** Continues from the checkpoint of iteration k in {@code folder}, with f at W(k) kept by the caller. */
    UnitShardedRelu.Pass resume(String folder, int iteration, double[] predictions);

    /** One step from W(k) to W(k+1); with a folder, the blocks' W(k+1) are checkpointed there. */
    UnitShardedRelu.Pass step(double eta, String checkpointFolder);

    /**
     * {@code count} steps from the last pass, and each one's pass in order; with a folder, the blocks after the last
     * step are checkpointed there. An engine may run them in fewer jobs; the passes are those of {@code count} calls of
     * {@link #step}.
     */
    default List<UnitShardedRelu.Pass> steps(double eta, int count, String checkpointFolder) {
        List<UnitShardedRelu.Pass> passes = new ArrayList<>();
        for (int j = 0; j < count; j++) passes.add(step(eta, j == count - 1 ? checkpointFolder : null));
        return passes;
    }

    /** {@code ||grad L(W(k))||_F^2} at the last pass's weights, without stepping. */
    double gradientSquared();

    /** H(k) (or H(0) if {@code initial}), n x n, on the driver. */
    double[] gram(boolean initial);

    /** The number of samples n. */
    int samples();

    /** f at the last pass's weights on other samples. */
    double[] predict(TrainingSet test);

    @Override
    void close();
}
