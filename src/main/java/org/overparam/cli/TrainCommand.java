package org.overparam.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import org.overparam.run.IterationListener;
import org.overparam.run.Manifest;
import org.overparam.run.RunDirectory;
import org.overparam.run.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(
            names = "--resume",
            paramLabel = "DIR",
            description = "Continue the interrupted run in DIR with the settings it recorded (no --config or --set).")
    String resume;

    @Override
    public Integer call() throws Exception {
        JobConfig config;
        if (resume != null) {
            if (run.config != null || !run.sets.isEmpty() || run.out != null) {
                throw new UserError(
                        "--resume continues a run with the settings it recorded: drop --config, --set and --out.");
            }
            RunDirectory dir = RunDirectory.open(resume, new Configuration());
            Manifest manifest = dir.readJson("manifest.json", Manifest.class);
            if (!"train".equals(manifest.command())) {
                throw new UserError("'" + resume + "' holds a '" + manifest.command() + "' run, not a train run.");
            }
            if (manifest.status() == RunStatus.COMPLETED) {
                throw new UserError("The run in '" + resume + "' is already completed; nothing to resume.");
            }
            config = JobConfig.fromRecorded(RunDirectory.JSON.writeValueAsString(manifest.config()));
            run.out = resume;
        } else {
            config = run.load();
        }
        return Main.execute(
                "train",
                run,
                config,
                Jobs.train(config.config(), resume != null, IterationListener.NONE),
                resume != null);
    }
}
