package org.overparam.cli;

import com.typesafe.config.ConfigValueType;
import org.overparam.UserError;
import org.overparam.data.DataSpec;
import org.overparam.job.JobConfig;
import org.overparam.job.NoiseJob;
import org.overparam.job.TrainSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "noise", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Label noise against generalization (Arora et al. 2019, Fig. 2): for each fraction p of randomized train and",
                "test labels, the complexity measure on the training set and, after gradient descent, the test l1 loss and",
                "classification error on the held-out split; their correlation in summary.json."})
final class NoiseCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        var c = config.config();
        int testN;
        if (c.getValue("noise.test-n").valueType() == ConfigValueType.STRING) {
            if (!c.getString("noise.test-n").trim().equalsIgnoreCase("all")) {
                throw new UserError("noise.test-n: expected a positive integer or 'all', found '" + c.getString("noise.test-n") + "'.");
            }
            testN = DataSpec.ALL;
        } else {
            testN = c.getInt("noise.test-n");
            if (testN < 1) throw new UserError("noise.test-n: expected a positive integer or 'all', found " + testN + ".");
        }
        NoiseJob job = new NoiseJob(DataSpec.from(c), TrainSpec.from(c), c.getDoubleList("noise.fractions"), testN);
        return Main.execute("noise", run, config, job);
    }
}
