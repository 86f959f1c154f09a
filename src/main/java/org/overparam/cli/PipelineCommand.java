package org.overparam.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.overparam.experiment.Jobs;
import org.overparam.pipeline.Pipeline;
import org.overparam.pipeline.PipelineRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pipeline",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Run a pipeline file (jobs/pipelines/*.conf): its stages in order, each in its own run directory under the",
            "pipeline's (--out). A stage that completed before with the same resolved settings is skipped, so a rerun after a",
            "failure resumes at the failed stage. manifest.json records each stage's status and time; report.html links the",
            "stages. A second run of the same pipeline directory while one is running is refused (pipeline.lock)."
        })
final class PipelineCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "FILE",
            description = "The pipeline file (HOCON: name, stages = [{ name, command, config, settings }]).")
    File file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override one setting in every stage, after the stage's own; repeatable (e.g. --set data.path=hdfs://nn:8020/mnist).")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "The pipeline directory (any Hadoop path). Default: runs/<pipeline name>. Reusing it resumes the pipeline.")
    String out;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master. Default: local[*], or the master spark-submit was given.")
    String master;

    @Option(names = "--verbose", description = "Show Spark's and Hadoop's INFO logging.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Pipeline pipeline = Pipeline.load(file, sets);
        Logging.quiet(verbose);
        PipelineRunner.run(
                pipeline, out != null ? out : "runs/" + pipeline.name, master, verbose, System.out, Jobs::of);
        return 0;
    }
}
