package org.overparam.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Locale;
import org.overparam.UserError;
import org.overparam.model.Loss;

/**
 * The {@code train.*} settings of the quadratic-activation nets ({@code train.model = quadratic | signed-quadratic}),
 * checked; each is documented in {@code reference.conf}.
 */
public final class QuadraticSpec {
    public enum Optimizer {
        GD,
        PERTURBED_GD,
        ADAM
    }

    public final Loss loss;
    public final double weightDecay;
    public final double perturbation;
    public final Optimizer optimizer;
    public final double targetLoss;
    public final double gradientTolerance;
    public final int recordEvery;
    public final double certificateTolerance;
    public final int convexMaxD;
    public final int convexIterations;
    public final double convexTolerance;
    public final int testN;
    public final int featuresK;
    public final double featuresScale;
    public final int featuresPower;
    public final double adamLr;
    public final double adamBeta1;
    public final double adamBeta2;
    public final double adamEpsilon;
    public final int batchSize;
    public final double adamDecay;
    public final int decayEveryEpochs;
    public final double pgdL;
    public final double pgdRho;
    public final double pgdEpsilon;
    public final double pgdC;
    public final double pgdDelta;
    public final double pgdGap;

    private QuadraticSpec(Config c) {
        loss = Loss.parse(c.getString("loss"));
        weightDecay = nonNegative(c, "weight-decay");
        perturbation = nonNegative(c, "perturbation");
        optimizer = parseOptimizer(c.getString("optimizer"));
        targetLoss = nonNegative(c, "target-loss");
        gradientTolerance = nonNegative(c, "gradient-tolerance");
        recordEvery = c.getInt("record-every");
        if (recordEvery < 1) throw new UserError("train.record-every: expected >= 1, found " + recordEvery + ".");
        certificateTolerance = nonNegative(c, "certificate-tolerance");
        convexMaxD = (int) nonNegative(c, "convex-max-d");
        convexIterations = (int) nonNegative(c, "convex-iterations");
        convexTolerance = positive(c, "convex-tolerance");
        testN = (int) nonNegative(c, "test-n");
        featuresK = (int) nonNegative(c, "features.k");
        featuresScale = positive(c, "features.scale");
        featuresPower = c.getInt("features.power");
        if (featuresPower < 1)
            throw new UserError("train.features.power: expected an integer >= 1, found " + featuresPower + ".");
        adamLr = positive(c, "adam.lr");
        adamBeta1 = unitInterval(c, "adam.beta1");
        adamBeta2 = unitInterval(c, "adam.beta2");
        adamEpsilon = positive(c, "adam.epsilon");
        batchSize = (int) nonNegative(c, "adam.batch-size");
        adamDecay = positive(c, "adam.decay");
        if (adamDecay > 1)
            throw new UserError("train.adam.decay: expected a factor in (0, 1], found " + adamDecay + ".");
        decayEveryEpochs = (int) nonNegative(c, "adam.decay-every-epochs");
        pgdL = positive(c, "perturbed-gd.lipschitz");
        pgdRho = positive(c, "perturbed-gd.hessian-lipschitz");
        pgdEpsilon = positive(c, "perturbed-gd.epsilon");
        pgdC = positive(c, "perturbed-gd.c");
        pgdDelta = unitInterval(c, "perturbed-gd.delta");
        pgdGap = positive(c, "perturbed-gd.initial-gap");
    }

    private static Optimizer parseOptimizer(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "gd" -> Optimizer.GD;
            case "perturbed-gd" -> Optimizer.PERTURBED_GD;
            case "adam" -> Optimizer.ADAM;
            default -> throw new UserError("train.optimizer: expected gd | perturbed-gd | adam, found '" + s + "'.");
        };
    }

    private static double positive(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v))
            throw new UserError("train." + key + ": expected a finite number > 0, found " + v + ".");
        return v;
    }

    private static double nonNegative(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v >= 0) || Double.isInfinite(v))
            throw new UserError("train." + key + ": expected a finite number >= 0, found " + v + ".");
        return v;
    }

    private static double unitInterval(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v >= 0 && v < 1)) throw new UserError("train." + key + ": expected a number in [0, 1), found " + v + ".");
        return v;
    }

    public static QuadraticSpec from(Config config) {
        try {
            return new QuadraticSpec(config.getConfig("train"));
        } catch (ConfigException e) {
            throw new UserError(
                    "A train setting has the wrong type: " + e.getMessage() + ". See 'overparam train --help'.");
        }
    }
}
