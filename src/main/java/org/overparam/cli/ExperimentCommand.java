package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.Command;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * The command line of one {@link Command}: the run options ({@link RunOptions}), then the command's job from its
 * settings ({@link Jobs#of}) in the standard frame. Its name, description and settings help come from the command.
 */
@CommandLine.Command(sortOptions = false, mixinStandardHelpOptions = true)
final class ExperimentCommand implements Callable<Integer> {
    private final Command command;

    @Mixin
    RunOptions run;

    ExperimentCommand(Command command) {
        this.command = command;
    }

    @Override
    public Integer call() throws Exception {
        if (YarnAttempt.earlierAttemptStarted(run.out)) {
            System.err.println("overparam: attempt " + YarnAttempt.number()
                    + " of this YARN application redoes the run " + "its earlier attempt started in " + run.out);
            run.overwrite = true;
        }
        JobConfig config = run.load();
        return Main.execute(command.id(), run, config, Jobs.of(command, config));
    }
}
