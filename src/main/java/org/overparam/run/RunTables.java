package org.overparam.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.overparam.UserError;

/**
 * A run directory's Parquet tables as SQL views, for notebooks: {@code RunTables.register(spark, "hdfs://nn/runs/x")}
 * makes {@code metrics} (train), {@code eigenvalues}, {@code projections}, {@code predicted_loss} (spectrum),
 * {@code noise} (noise) queryable by {@code %spark.sql}. A pipeline directory's stages register as
 * {@code <stage>_<table>} (dashes become underscores). Reads nothing but the folder listings; Spark reads the tables
 * lazily.
 */
public final class RunTables {
    private RunTables() {}

    /**
     * Registers (or replaces) one temporary view per Parquet table of the run directory {@code dir} (any Hadoop path).
     *
     * @return the view names, sorted
     * @throws UserError when {@code dir} does not exist or holds no Parquet table
     */
    public static List<String> register(SparkSession spark, String dir) {
        List<String> views = new ArrayList<>();
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.isDirectory(root))
                throw new UserError(
                        "'" + dir + "' is not a directory: expected a run directory such as runs/du2019-width-sweep.");
            register(spark, fs, root, "", views);
            if (isPipeline(fs, root)) {
                for (FileStatus stage : fs.listStatus(root)) {
                    if (stage.isDirectory() && fs.exists(new Path(stage.getPath(), "manifest.json"))) {
                        register(
                                spark,
                                fs,
                                stage.getPath(),
                                stage.getPath().getName().replace('-', '_') + "_",
                                views);
                    }
                }
            }
        } catch (IOException e) {
            throw new UserError("Could not list the run directory '" + dir + "': " + e.getMessage(), e);
        }
        if (views.isEmpty()) {
            throw new UserError(
                    "'" + dir + "' holds no Parquet tables: expected a run directory of train (metrics/), spectrum "
                            + "(eigenvalues/, projections/, predicted_loss/) or noise (noise/), or a pipeline directory holding them.");
        }
        views.sort(null);
        return views;
    }

    private static boolean isPipeline(FileSystem fs, Path root) throws IOException {
        Path manifest = new Path(root, "manifest.json");
        if (!fs.exists(manifest)) return false;
        try (var in = fs.open(manifest)) {
            return "pipeline"
                    .equals(RunDirectory.JSON.readTree(in).path("command").asText());
        }
    }

    private static void register(SparkSession spark, FileSystem fs, Path dir, String prefix, List<String> views)
            throws IOException {
        for (FileStatus t : fs.listStatus(dir)) {
            if (!t.isDirectory()) continue;
            boolean parquet = false;
            for (FileStatus f : fs.listStatus(t.getPath()))
                parquet |= f.getPath().getName().endsWith(".parquet");
            if (!parquet) continue;
            String view = prefix + t.getPath().getName().replace('-', '_');
            spark.read().parquet(t.getPath().toString()).createOrReplaceTempView(view);
            views.add(view);
        }
    }
}
