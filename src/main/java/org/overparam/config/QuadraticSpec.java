package org.overparam.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
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
        Settings s = new Settings(c, "train");
        loss = Loss.parse(c.getString("loss"));
        weightDecay = s.nonNegative("weight-decay");
        perturbation = s.nonNegative("perturbation");
        optimizer = s.choice("optimizer", Optimizer.class);
        targetLoss = s.nonNegative("target-loss");
        gradientTolerance = s.nonNegative("gradient-tolerance");
        recordEvery = c.getInt("record-every");
        if (recordEvery < 1) throw new UserError("train.record-every: expected >= 1, found " + recordEvery + ".");
        certificateTolerance = s.nonNegative("certificate-tolerance");
        convexMaxD = (int) s.nonNegative("convex-max-d");
        convexIterations = (int) s.nonNegative("convex-iterations");
        convexTolerance = s.positive("convex-tolerance");
        testN = (int) s.nonNegative("test-n");
        featuresK = (int) s.nonNegative("features.k");
        featuresScale = s.positive("features.scale");
        featuresPower = c.getInt("features.power");
        if (featuresPower < 1)
            throw new UserError("train.features.power: expected an integer >= 1, found " + featuresPower + ".");
        adamLr = s.positive("adam.lr");
        adamBeta1 = s.unitInterval("adam.beta1");
        adamBeta2 = s.unitInterval("adam.beta2");
        adamEpsilon = s.positive("adam.epsilon");
        batchSize = (int) s.nonNegative("adam.batch-size");
        adamDecay = s.positive("adam.decay");
        if (adamDecay > 1)
            throw new UserError("train.adam.decay: expected a factor in (0, 1], found " + adamDecay + ".");
        decayEveryEpochs = (int) s.nonNegative("adam.decay-every-epochs");
        pgdL = s.positive("perturbed-gd.lipschitz");
        pgdRho = s.positive("perturbed-gd.hessian-lipschitz");
        pgdEpsilon = s.positive("perturbed-gd.epsilon");
        pgdC = s.positive("perturbed-gd.c");
        pgdDelta = s.unitInterval("perturbed-gd.delta");
        pgdGap = s.positive("perturbed-gd.initial-gap");
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
