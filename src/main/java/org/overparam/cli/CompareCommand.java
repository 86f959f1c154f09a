package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "compare",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Theory against practice (Arora et al. 2019): for each label vector of spectrum.labels, train the two-layer",
            "ReLU net (train.*, one width) and set its loss beside Theorem 4.1's prediction from Hinf; ||W(K) - W(0)||_F beside",
            "sqrt(y^T Hinf^-1 y) (Lemma 5.3); ||H(0) - Hinf||_2 / ||Hinf||_2 for the widths of compare.gram-widths."
        })
final class CompareCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        return Main.execute("compare", run, config, Jobs.of("compare", config));
    }
}
