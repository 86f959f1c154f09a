package org.overparam.spark;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.overparam.linalg.NativeLibraries;

/**
 * Loads the native BLAS/LAPACK in every executor JVM before any task runs ({@code spark.plugins}), so that MLlib's
 * own BLAS calls (PCA, for instance) and ours use the same native library on the executors as on the driver, and gives
 * OpenBLAS {@code spark.task.cpus} threads there unless {@code overparam.blas.threads} says otherwise.
 */
public final class NativeBlasPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext ctx) {
                NativeLibraries.bootstrap();
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                NativeLibraries.bootstrap();
                // One OpenBLAS thread per task core: concurrent tasks each running a multi-threaded BLAS would
                // oversubscribe the executor (docs/performance.md, "Measurements behind design choices").
                if (!NativeLibraries.threadsConfigured()) {
                    NativeLibraries.setThreads(Math.max(1, ctx.conf().getInt("spark.task.cpus", 1)));
                }
            }
        };
    }
}
