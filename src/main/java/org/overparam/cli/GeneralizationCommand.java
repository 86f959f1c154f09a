package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "generalization",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Du & Lee (2018, Sec. 4)'s generalization bound as an experiment: for each training-set size in",
            "generalization.n, the quadratic net (train.*, one width) is trained on the shards and its train and test loss",
            "measured; the gap against n on log-log axes, with the fitted slope beside the bound's -1/2."
        })
final class GeneralizationCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        return Main.execute("generalization", run, config, Jobs.of("generalization", config));
    }
}
