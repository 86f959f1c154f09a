package org.overparam.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every command runs on. */
public final class Sparks {
    public static final String DEFAULT_MASTER = "local[*]";

    private Sparks() {}

    /**
     * @param master the {@code --master} given to overparam, or null: then the master spark-submit set, else
     *               {@value #DEFAULT_MASTER}
     */
    public static SparkSession session(String appName, String master) {
        // A pipeline runs its stages on one session: reuse it as is (the builder would warn that its settings are
        // ignored).
        scala.Option<SparkSession> running = SparkSession.getDefaultSession();
        if (running.isDefined() && !running.get().sparkContext().isStopped()) return running.get();
        SparkConf conf = new SparkConf(true); // picks up spark-submit's spark.* system properties
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster(DEFAULT_MASTER);
        if (!conf.contains("spark.app.name")) conf.setAppName(appName);
        // Our own progress lines replace Spark's console progress bar.
        conf.set("spark.ui.showConsoleProgress", "false");
        // Every training iteration returns one m x d gradient per partition and broadcasts m x d weights (tens of MB).
        // Results up to 1 GB go back directly with the task's status (in local mode without a loopback fetch);
        // random doubles do not compress, so broadcasts skip compression.
        conf.setIfMissing("spark.task.maxDirectResultSize", "1g");
        conf.setIfMissing("spark.rpc.message.maxSize", "1024");
        conf.setIfMissing("spark.broadcast.compress", "false");
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

    /**
     * What BLAS/LAPACK/ARPACK the executors loaded (one task per default-parallelism slot; distinct summaries, and the
     * warnings of any executor with a Java fallback). In local mode the executors are the driver's JVM.
     */
    public static java.util.Map<String, Object> executorBlas(SparkSession spark) {
        org.apache.spark.api.java.JavaSparkContext jsc =
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        java.util.List<scala.Tuple2<String, java.util.List<String>>> seen;
        if (spark.sparkContext().isLocal()) {
            // local[*]: the executor is this JVM, whose libraries are already loaded; no job needed.
            org.overparam.linalg.LibraryReport r = org.overparam.linalg.NativeLibraries.report();
            seen = java.util.List.of(new scala.Tuple2<>(r.toString(), r.warnings()));
        } else {
            int slots = Math.max(1, jsc.defaultParallelism());
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < slots; i++) ids.add(i);
            seen = jsc.parallelize(ids, slots)
                    .map(i -> {
                        org.overparam.linalg.LibraryReport r = org.overparam.linalg.NativeLibraries.report();
                        return new scala.Tuple2<>(r.toString(), r.warnings());
                    })
                    .collect();
        }
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        java.util.List<String> summaries = new java.util.ArrayList<>();
        java.util.List<String> warnings = new java.util.ArrayList<>();
        for (scala.Tuple2<String, java.util.List<String>> t : seen) {
            if (!summaries.contains(t._1())) summaries.add(t._1());
            for (String w : t._2()) if (!warnings.contains(w)) warnings.add(w);
        }
        m.put("summaries", summaries);
        m.put("warnings", warnings);
        return m;
    }
}
