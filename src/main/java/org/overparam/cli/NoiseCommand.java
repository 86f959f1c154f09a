package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import org.overparam.run.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "noise",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Label noise against generalization (Arora et al. 2019, Fig. 2): for each fraction p of randomized train and",
            "test labels, the complexity measure on the training set and, after gradient descent, the test l1 loss and",
            "classification error on the held-out split; their correlation in summary.json."
        })
final class NoiseCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        Job job = Jobs.of("noise", config);
        return Main.execute("noise", run, config, job);
    }
}
