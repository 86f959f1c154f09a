package org.overparam.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import org.overparam.run.IterationListener;
import org.overparam.run.RunDirectory;
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
            Map<String, Object> manifest = dir.readJson("manifest.json");
            if (!"train".equals(manifest.get("command"))) {
                throw new UserError("'" + resume + "' holds a '" + manifest.get("command") + "' run, not a train run.");
            }
            if ("completed".equals(manifest.get("status"))) {
                throw new UserError("The run in '" + resume + "' is already completed; nothing to resume.");
            }
            config = JobConfig.fromRecorded(
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(manifest.get("config")));
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
