package org.overparam.data;

import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.UserError;

/** Per-block transforms that need no Spark: noise and the finiteness check. PCA lives in the Spark layer. */
public final class Transforms {
    private Transforms() {}

    /**
     * Adds iid N(0, sigma^2) noise to every coordinate; sample {@code id}'s noise comes from its own stream, so it does
     * not depend on the partitioning. Returns a new block; the input is not modified.
     */
    public static SampleBlock addNoise(SampleBlock b, double sigma, long seed, String split) {
        if (sigma == 0) return b;
        double[] x = b.x.clone();
        for (int i = 0; i < b.rows; i++) {
            SplittableRandom rng = Seeds.stream(seed, "noise/" + split, b.sourceIds[i]);
            int off = i * b.d;
            for (int j = 0; j < b.d; j++) x[off + j] += sigma * rng.nextGaussian();
        }
        return b.withFeatures(b.d, x);
    }

    /** Fails, naming the sample and the stage, if a feature or label is NaN or infinite. */
    public static void requireFinite(SampleBlock b, String stage) {
        for (int i = 0; i < b.rows; i++) {
            if (!Double.isFinite(b.y[i])) {
                throw new UserError("Sample " + (b.rowStart + i) + " (source record " + b.sourceIds[i] + ") has label "
                        + b.y[i] + " after " + stage + ": expected a finite number.");
            }
            int off = i * b.d;
            for (int j = 0; j < b.d; j++) {
                if (!Double.isFinite(b.x[off + j])) {
                    throw new UserError(
                            "Sample " + (b.rowStart + i) + " (source record " + b.sourceIds[i] + ") has feature " + j
                                    + " = " + b.x[off + j] + " after " + stage + ": expected finite numbers.");
                }
            }
        }
    }
}
