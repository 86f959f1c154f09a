package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "landscape",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Du & Lee (2018)'s landscape as an experiment: for each width k in landscape.widths and landscape.seeds random",
            "initializations, gradient descent on the quadratic net (train.loss, train.weight-decay, train.perturbation,",
            "train.kappa); the fraction of runs reaching the convex reference optimum against k, with the thresholds k = d and",
            "k(k+1)/2 > n marked. The runs are spread over the executors; the data are broadcast (small n x d only)."
        })
final class LandscapeCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        return Main.execute("landscape", run, config, Jobs.of("landscape", config));
    }
}
