package org.overparam.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import org.overparam.UserError;
import org.overparam.config.Command;
import org.overparam.config.JobConfig;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.SpectrumSpec;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.experiment.compare.CompareJob;
import org.overparam.experiment.data.DataJob;
import org.overparam.experiment.noise.NoiseJob;
import org.overparam.experiment.quadratic.GeneralizationJob;
import org.overparam.experiment.quadratic.LandscapeJob;
import org.overparam.experiment.quadratic.QuadraticTraining;
import org.overparam.experiment.spectrum.SpectrumJob;
import org.overparam.experiment.train.TrainJob;
import org.overparam.run.IterationListener;
import org.overparam.run.Job;

/** The job of each command, built from resolved settings: one place for the command line and for pipeline stages. */
public final class Jobs {
    private Jobs() {}

    /**
     * The job of the command named {@code command} (see {@link Command}) with these settings.
     *
     * @throws UserError for an unknown command or settings the job refuses
     */
    public static Job of(String command, JobConfig config) {
        return of(Command.parse(command), config);
    }

    /** The job of the command named {@code command}, continuing the run in its directory when {@code resume}. */
    public static Job of(String command, JobConfig config, boolean resume) {
        return of(Command.parse(command), config, resume);
    }

    /**
     * The job of {@code command} with these settings.
     *
     * @throws UserError for settings the job refuses
     */
    public static Job of(Command command, JobConfig config) {
        return of(command, config, false);
    }

    /**
     * The job of {@code command} with these settings, continuing the run in its directory when {@code resume} (for
     * the commands that can, {@link Command#resumable}).
     *
     * @throws UserError for settings the job refuses
     */
    public static Job of(Command command, JobConfig config, boolean resume) {
        Config c = config.config();
        return switch (command) {
            case DATA -> new DataJob(DataSpec.from(c));
            case TRAIN -> train(c, resume, IterationListener.NONE);
            case SPECTRUM -> new SpectrumJob(DataSpec.from(c), SpectrumSpec.from(c), resume);
            case COMPARE ->
                new CompareJob(
                        DataSpec.from(c),
                        TrainSpec.from(c),
                        SpectrumSpec.from(c),
                        c.getIntList("compare.gram-widths"),
                        c.getInt("compare.record-every"));
            case NOISE ->
                new NoiseJob(DataSpec.from(c), TrainSpec.from(c), c.getDoubleList("noise.fractions"), noiseTestN(c));
            case LANDSCAPE -> new LandscapeJob(DataSpec.from(c), TrainSpec.from(c), QuadraticSpec.from(c), c);
            case GENERALIZATION ->
                new GeneralizationJob(
                        DataSpec.from(c),
                        TrainSpec.from(c),
                        QuadraticSpec.from(c),
                        c.getIntList("generalization.n"),
                        c.getInt("generalization.test-n"));
        };
    }

    /**
     * The {@code train} command's job for the settings {@code c}: {@link TrainJob} for the relu model,
     * {@link QuadraticTraining} for the quadratic ones; {@code resume} continues a run from its checkpoints.
     */
    public static Job train(Config c, boolean resume, IterationListener listener) {
        DataSpec data = DataSpec.from(c);
        TrainSpec train = TrainSpec.from(c);
        return train.model == TrainSpec.Model.RELU
                ? new TrainJob(data, train, resume, listener)
                : new QuadraticTraining(data, train, QuadraticSpec.from(c), resume, listener);
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
