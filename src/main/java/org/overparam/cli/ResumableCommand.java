package org.overparam.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;
import org.overparam.config.Command;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import org.overparam.run.Manifest;
import org.overparam.run.RunDirectory;
import org.overparam.run.RunStatus;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line of a command whose runs can be continued ({@code train}, {@code spectrum}): the run options, or
 * {@code --resume DIR} with the settings DIR's manifest recorded.
 */
@picocli.CommandLine.Command(sortOptions = false, mixinStandardHelpOptions = true)
final class ResumableCommand implements Callable<Integer> {
    private final Command command;

    @Mixin
    RunOptions run;

    ResumableCommand(Command command) {
        this.command = command;
    }

    @Option(
            names = "--resume",
            paramLabel = "DIR",
            description = "Continue the interrupted run in DIR with the settings it recorded (no --config or --set).")
    String resume;

    @Override
    public Integer call() throws Exception {
        if (resume != null && (run.config != null || !run.sets.isEmpty() || run.out != null)) {
            throw new UserError(
                    "--resume continues a run with the settings it recorded: drop --config, --set and --out.");
        }
        if (resume == null && YarnAttempt.earlierAttemptStarted(run.out)) {
            System.err.println("overparam: attempt " + YarnAttempt.number() + " of this YARN application continues the "
                    + "run its earlier attempt started in " + run.out);
            resume = run.out;
        }
        JobConfig config;
        if (resume != null) {
            RunDirectory dir = RunDirectory.open(resume, new Configuration());
            Manifest manifest = dir.readJson("manifest.json", Manifest.class);
            if (!command.id().equals(manifest.command())) {
                throw new UserError(
                        "'" + resume + "' holds a '" + manifest.command() + "' run, not a " + command.id() + " run.");
            }
            if (manifest.status() == RunStatus.COMPLETED) {
                throw new UserError("The run in '" + resume + "' is already completed; nothing to resume.");
            }
            config = JobConfig.fromRecorded(RunDirectory.JSON.writeValueAsString(manifest.config()));
            run.out = resume;
        } else {
            config = run.load();
        }
        return Main.execute(command.id(), run, config, Jobs.of(command, config, resume != null), resume != null);
    }
}
