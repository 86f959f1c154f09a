package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.JobConfig;
import org.overparam.data.DataSpec;
import org.overparam.experiment.data.DataJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "data",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Load and transform a data set as configured and summarize it: n, d, class counts, norm range,",
            "labels, and the number of parallel or duplicate input pairs. Writes manifest.json, summary.json,",
            "run.log, and with --set data.write=true the samples as Parquet (samples/)."
        })
final class DataCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        DataSpec spec = DataSpec.from(config.config());
        return Main.execute("data", run, config, new DataJob(spec));
    }
}
