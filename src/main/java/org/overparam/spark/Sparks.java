package org.overparam.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every command runs on. */
public final class Sparks {
    public static final String DEFAULT_MASTER = "local[*]";

    private Sparks() {
    }

    /**
     * @param master the {@code --master} given to overparam, or null: then the master spark-submit set, else
     *               {@value #DEFAULT_MASTER}
     */
    public static SparkSession session(String appName, String master) {
        SparkConf conf = new SparkConf(true); // picks up spark-submit's spark.* system properties
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster(DEFAULT_MASTER);
        if (!conf.contains("spark.app.name")) conf.setAppName(appName);
        // Our own progress lines replace Spark's console progress bar.
        conf.set("spark.ui.showConsoleProgress", "false");
        String plugins = conf.get("spark.plugins", "");
        String ours = NativeBlasPlugin.class.getName();
        if (!plugins.contains(ours)) conf.set("spark.plugins", plugins.isEmpty() ? ours : plugins + "," + ours);
        for (String env : new String[] {"OVERPARAM_BLAS", "OVERPARAM_BLAS_THREADS"}) {
            String v = System.getenv(env);
            if (v != null && !conf.contains("spark.executorEnv." + env)) conf.set("spark.executorEnv." + env, v);
        }
        for (String prop : new String[] {"overparam.blas", "overparam.blas.threads"}) {
            String v = System.getProperty(prop);
            String env = prop.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
            if (v != null && !conf.contains("spark.executorEnv." + env)) conf.set("spark.executorEnv." + env, v);
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
