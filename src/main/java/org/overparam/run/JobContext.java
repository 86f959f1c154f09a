package org.overparam.run;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.JobConfig;

/** What a running {@link Job} gets: its settings, Spark, its run directory, its log, and manifest entries to add. */
public final class JobContext {
    public final String command;
    public final JobConfig config;
    public final SparkSession spark;
    public final RunDirectory dir;
    public final RunLog log;
    /** Extra manifest entries a job records (partitions, block size, timings...). */
    public final Map<String, Object> manifestExtras = new LinkedHashMap<>();
    /** One line saying which BLAS/LAPACK/ARPACK the driver loaded. */
    public final String blas;

    JobContext(String command, JobConfig config, SparkSession spark, RunDirectory dir, RunLog log, String blas) {
        this.blas = blas;
        this.command = command;
        this.config = config;
        this.spark = spark;
        this.dir = dir;
        this.log = log;
    }
}
