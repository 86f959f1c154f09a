package org.overparam.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import org.overparam.UserError;
import org.overparam.model.Precision;
import org.overparam.model.UnitRepresentation;

/** The {@code train.*} settings, checked; each is documented in {@code reference.conf}. */
public final class TrainSpec {
    /** The network {@code train.model} names. */
    public enum Model {
        /** Du et al.'s two-layer ReLU net. */
        RELU,
        /** Du &amp; Lee's quadratic-activation net. */
        QUADRATIC,
        /** Ge et al.'s signed quadratic net. */
        SIGNED_QUADRATIC;

        /** As written in settings and outputs. */
        public String id() {
            return Settings.id(this);
        }
    }

    public final Model model;
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
    /**
     * Sample blocks when the samples are not shipped whole (relu: of the samples x units grid; the quadratic nets: the
     * partitions the samples stay in); 0 = the cost model's choice, 1 = every executor holds all samples.
     */
    public final int sampleBlocks;
    /** How each unit block holds its weights; null = the cost model chooses ({@code auto}). */
    public final UnitRepresentation representation;

    public final double progressSeconds;
    public final boolean reportPeak;

    private TrainSpec(Config c) {
        Settings s = new Settings(c, "train");
        model = s.choice("model", Model.class, "Du et al.'s two-layer ReLU net", "Du & Lee", "Ge et al.");
        if (model == Model.RELU && !c.getString("optimizer").trim().equalsIgnoreCase("gd")) {
            throw new UserError(
                    "train.optimizer: the relu model trains with gd only, found '" + c.getString("optimizer") + "'.");
        }
        if (model == Model.RELU && c.getInt("features.k") > 0) {
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
        kappa = s.positive("kappa");
        eta = s.positive("eta");
        iterations = c.getInt("iterations");
        if (iterations < 0) throw new UserError("train.iterations: expected >= 0, found " + iterations + ".");
        seed = c.getLong("seed");
        checkpointEvery = s.nonNegativeInt("checkpoint-every");
        gramEvery = s.nonNegativeInt("gram-every");
        precision = Precision.parse(c.getString("precision"));
        blockSize = s.nonNegativeInt("block-size");
        unitBlocks = s.nonNegativeInt("unit-blocks");
        sampleBlocks = s.nonNegativeInt("sample-blocks");
        representation = UnitRepresentation.parse(c.getString("representation"));
        progressSeconds = c.getDouble("progress-seconds");
        reportPeak = c.getBoolean("report-peak");
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
