package org.overparam.cli;

import org.overparam.data.DataSpec;
import org.overparam.job.JobConfig;
import org.overparam.job.LandscapeJob;
import org.overparam.job.QuadraticSpec;
import org.overparam.job.TrainSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "landscape", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Du & Lee (2018)'s landscape as an experiment: for each width k in landscape.widths and landscape.seeds random",
                "initializations, gradient descent on the quadratic net (train.loss, train.weight-decay, train.perturbation,",
                "train.kappa); the fraction of runs reaching the convex reference optimum against k, with the thresholds k = d and",
                "k(k+1)/2 > n marked. The runs are spread over the executors; the data are broadcast (small n x d only)."})
final class LandscapeCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        var c = config.config();
        return Main.execute("landscape", run, config, new LandscapeJob(DataSpec.from(c), TrainSpec.from(c), QuadraticSpec.from(c), c));
    }
}
