package org.overparam.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;
import org.overparam.model.Precision;
import org.overparam.model.UnitRepresentation;

/** The {@code train.*} settings, checked; each is documented in {@code reference.conf}. */
public final class TrainSpec {
    public final String model;
    public final List<Integer> widths;
    public final double kappa;
    public final double eta;
    public final int iterations;
    public final long seed;
    public final int checkpointEvery;
    public final int gramEvery;
    public final Precision precision;
    public final int blockSize;
    public final int unitBlocks;
    /** relu: sample blocks of the samples x units grid; 0 = the cost model's choice, 1 = every executor holds all samples. */
    public final int sampleBlocks;
    /** How each unit block holds its weights; null = the cost model chooses ({@code auto}). */
    public final UnitRepresentation representation;

    public final double progressSeconds;
    public final boolean reportPeak;

    private TrainSpec(Config c) {
        model = c.getString("model").trim().toLowerCase(Locale.ROOT);
        if (!model.equals("relu") && !model.equals("quadratic") && !model.equals("signed-quadratic")) {
            throw new UserError("train.model: expected relu (Du et al.'s two-layer ReLU net) | quadratic (Du & Lee) | "
                    + "signed-quadratic (Ge et al.), found '" + model + "'.");
        }
        if (model.equals("relu") && !c.getString("optimizer").trim().equalsIgnoreCase("gd")) {
            throw new UserError(
                    "train.optimizer: the relu model trains with gd only, found '" + c.getString("optimizer") + "'.");
        }
        if (model.equals("relu") && c.getInt("features.k") > 0) {
            throw new UserError(
                    "train.features.k: random features feed the quadratic models only; the relu model needs features.k = 0.");
        }
        widths = new ArrayList<>();
        if (c.getValue("width").valueType() == ConfigValueType.LIST) widths.addAll(c.getIntList("width"));
        else widths.add(c.getInt("width"));
        if (widths.isEmpty())
            throw new UserError("train.width: expected a width or a non-empty list of widths, found [].");
        for (int m : widths) {
            if (m < 1) throw new UserError("train.width: expected widths >= 1, found " + m + ".");
        }
        if (widths.stream().distinct().count() != widths.size()) {
            throw new UserError("train.width: a width is listed twice in " + widths + ".");
        }
        kappa = positive(c, "kappa");
        eta = positive(c, "eta");
        iterations = c.getInt("iterations");
        if (iterations < 0) throw new UserError("train.iterations: expected >= 0, found " + iterations + ".");
        seed = c.getLong("seed");
        checkpointEvery = nonNegative(c, "checkpoint-every");
        gramEvery = nonNegative(c, "gram-every");
        precision = Precision.parse(c.getString("precision"));
        blockSize = nonNegative(c, "block-size");
        unitBlocks = nonNegative(c, "unit-blocks");
        sampleBlocks = nonNegative(c, "sample-blocks");
        representation = UnitRepresentation.parse(c.getString("representation"));
        progressSeconds = c.getDouble("progress-seconds");
        reportPeak = c.getBoolean("report-peak");
    }

    private static double positive(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v))
            throw new UserError("train." + key + ": expected a finite number > 0, found " + v + ".");
        return v;
    }

    private static int nonNegative(Config c, String key) {
        int v = c.getInt(key);
        if (v < 0) throw new UserError("train." + key + ": expected >= 0, found " + v + ".");
        return v;
    }

    public static TrainSpec from(Config config) {
        try {
            return new TrainSpec(config.getConfig("train"));
        } catch (ConfigException e) {
            throw new UserError(
                    "A train setting has the wrong type: " + e.getMessage() + ". See 'overparam train --help'.");
        }
    }
}
