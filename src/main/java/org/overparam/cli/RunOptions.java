package org.overparam.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.overparam.config.JobConfig;
import picocli.CommandLine.Option;

/** Options every command shares (a picocli mixin). */
public final class RunOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "HOCON job file (one per experiment under jobs/). Precedence: reference.conf < job file < --set.")
    File config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one setting; repeatable. Example: --set data.n=2000 --set data.classes=[0,1]")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Run directory (any Hadoop path), created. Default: runs/<command>-<UTC time>.")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing non-empty run directory (refused otherwise).")
    boolean overwrite;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master. Default: local[*], or the master spark-submit was given.")
    String master;

    @Option(names = "--verbose", description = "Show Spark's and Hadoop's INFO logging.")
    boolean verbose;

    JobConfig load() {
        return JobConfig.load(config, sets);
    }
}
