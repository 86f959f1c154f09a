package org.overparam.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import org.overparam.UserError;
import org.overparam.data.DataSpec;

/** The job of each command, built from resolved settings: one place for the command line and for pipeline stages. */
public final class Jobs {
    /** The commands a pipeline stage may run, in the order a reproduction usually runs them. */
    public static final List<String> COMMANDS =
            List.of("data", "spectrum", "train", "compare", "noise", "landscape", "generalization");

    private Jobs() {}

    /**
     * The job of {@code command} (one of {@link #COMMANDS}) with these settings.
     *
     * @throws UserError for an unknown command or settings the job refuses
     */
    public static Job of(String command, JobConfig config) {
        Config c = config.config();
        return switch (command) {
            case "data" -> new DataJob(DataSpec.from(c));
            case "train" -> new TrainJob(DataSpec.from(c), TrainSpec.from(c), false);
            case "spectrum" -> new SpectrumJob(DataSpec.from(c), SpectrumSpec.from(c));
            case "compare" ->
                new CompareJob(
                        DataSpec.from(c),
                        TrainSpec.from(c),
                        SpectrumSpec.from(c),
                        c.getIntList("compare.gram-widths"),
                        c.getInt("compare.record-every"));
            case "noise" ->
                new NoiseJob(DataSpec.from(c), TrainSpec.from(c), c.getDoubleList("noise.fractions"), noiseTestN(c));
            case "landscape" -> new LandscapeJob(DataSpec.from(c), TrainSpec.from(c), QuadraticSpec.from(c), c);
            case "generalization" ->
                new GeneralizationJob(
                        DataSpec.from(c),
                        TrainSpec.from(c),
                        QuadraticSpec.from(c),
                        c.getIntList("generalization.n"),
                        c.getInt("generalization.test-n"));
            default -> throw new UserError("Unknown command '" + command + "': expected one of " + COMMANDS + ".");
        };
    }

    /** {@code noise.test-n}: a positive count or {@code all}. */
    static int noiseTestN(Config c) {
        if (c.getValue("noise.test-n").valueType() == ConfigValueType.STRING) {
            if (!c.getString("noise.test-n").trim().equalsIgnoreCase("all")) {
                throw new UserError("noise.test-n: expected a positive integer or 'all', found '"
                        + c.getString("noise.test-n") + "'.");
            }
            return DataSpec.ALL;
        }
        int testN = c.getInt("noise.test-n");
        if (testN < 1) throw new UserError("noise.test-n: expected a positive integer or 'all', found " + testN + ".");
        return testN;
    }
}
