package org.overparam.run;

import org.apache.spark.sql.SparkSession;
import org.overparam.config.JobConfig;

/** What a running {@link Job} gets: its settings, Spark, its run directory, its log; it records the layout it chose for the manifest. */
public final class JobContext {
    /**
     * Timed products per thread in {@link #dgemmPeak}, after one untimed: on a shared machine a round often runs well
     * below the BLAS's rate, and the best of two came out under what the training's own GEMMs then reached.
     */
    private static final int PEAK_ROUNDS = 6;

    public final String command;
    public final JobConfig config;
    public final SparkSession spark;
    public final RunDirectory dir;
    public final RunLog log;
    private Manifest.Layout layout = Manifest.Layout.NONE;
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

    /** Records in the manifest the partitions of the samples the job cut. */
    public void recordLayout(int partitions) {
        layout = new Manifest.Layout(partitions, null);
    }

    /** Records in the manifest the partitions of the samples and the sample blocks the job read. */
    public void recordLayout(int partitions, int blocks) {
        layout = new Manifest.Layout(partitions, blocks);
    }

    /**
     * This JVM's dgemm peak in GFLOP/s, measured as the tasks run: one single-threaded product of n = 2000 per core at
     * once ({@link org.overparam.linalg.DgemmPeak}), logged. About {@code 7 * 16 / rate} seconds (7 products of 16 GFLOP per core).
     */
    public double dgemmPeak() {
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        double peak;
        try {
            peak = org.overparam.linalg.DgemmPeak.gflops(2000, cores, PEAK_ROUNDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the dgemm peak", e);
        }
        log.info("dgemm peak of this JVM: %.1f GFLOP/s (%d single-threaded products at once, n = 2000)", peak, cores);
        return peak;
    }

    Manifest.Layout layout() {
        return layout;
    }
}
