package org.overparam.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.overparam.UserError;
import org.overparam.config.Command;
import org.overparam.config.JobConfig;
import org.overparam.linalg.LibraryReport;
import org.overparam.linalg.NativeLibraries;
import org.overparam.spark.Sparks;

/**
 * The frame around every command: resolve the settings, create the run directory, record the manifest (status
 * {@code running}), report which BLAS/LAPACK/ARPACK loaded, start Spark, run the job, write {@code summary.json}, and
 * close the manifest as {@code completed} or {@code failed} (with the reason). A failed run never leaves a manifest that
 * looks complete, and what was written before the failure stays.
 */
public final class JobRunner {
    /** Top-level settings sections recorded in the manifest. */
    private JobRunner() {}

    /** Where a run goes when {@code --out} is not given. */
    public static String defaultOut(String command) {
        return "runs/" + command + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now());
    }

    /**
     * How a command is launched: its name, the run directory ({@code out}, null for {@link #defaultOut}), whether an
     * existing one may be overwritten or is resumed, the Spark master (null: local or spark-submit's), and whether
     * Spark keeps its INFO logging.
     */
    public record Launch(
            String command, String out, boolean overwrite, boolean resume, String master, boolean verbose) {
        /** A fresh run of {@code command} into {@code out} on the default master, quiet. */
        public static Launch of(String command, String out) {
            return new Launch(command, out, false, false, null, false);
        }

        public Launch resuming(boolean r) {
            return new Launch(command, out, overwrite, r, master, verbose);
        }
    }

    /**
     * Runs {@code job} and returns its summary. Errors are recorded in the manifest and rethrown. With
     * {@code launch.resume()}, {@code launch.out()} must be an existing run directory of the same command, which is
     * continued (its files are kept; the manifest records the resumption).
     */
    public static Map<String, Object> run(Launch launch, JobConfig config, RunLog log, Job job) throws Exception {
        String command = launch.command(), out = launch.out(), master = launch.master();
        boolean overwrite = launch.overwrite(), resume = launch.resume(), verbose = launch.verbose();
        Instant started = Instant.now();
        NativeLibraries.bootstrap();
        LibraryReport blas = NativeLibraries.report();
        SparkSession spark = Sparks.session("overparam " + command, master);
        if (!verbose) spark.sparkContext().setLogLevel("WARN"); // Spark may have installed its INFO defaults
        RunDirectory dir = resume
                ? RunDirectory.open(out, spark.sparkContext().hadoopConfiguration())
                : RunDirectory.create(
                        out != null ? out : defaultOut(command),
                        overwrite,
                        spark.sparkContext().hadoopConfiguration());
        Map<String, Object> previous = resume ? dir.readJson("manifest.json") : null;
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("command", command);
        manifest.put("status", "running");
        manifest.put("run_directory", dir.uri());
        manifest.put("config", recordedConfig(config));
        manifest.put(
                "user_settings",
                RunDirectory.JSON.readValue(
                        config.userSettings().root().render(com.typesafe.config.ConfigRenderOptions.concise()),
                        Map.class));
        manifest.put("seeds", seeds(config));
        manifest.put("code", Provenance.code());
        manifest.put("machine", Provenance.machine());
        Map<String, Object> sparkInfo = new LinkedHashMap<>();
        sparkInfo.put("version", spark.version());
        sparkInfo.put("master", spark.sparkContext().master());
        sparkInfo.put("app_id", spark.sparkContext().applicationId());
        sparkInfo.put("default_parallelism", spark.sparkContext().defaultParallelism());
        manifest.put("spark", sparkInfo);
        Map<String, Object> blasInfo = new LinkedHashMap<>(blas.toMap());
        Map<String, Object> executors = Sparks.executorBlas(spark);
        blasInfo.put("executors", executors);
        manifest.put("blas", blasInfo);
        manifest.put("started", started.toString());
        if (previous != null) {
            List<Object> history = new java.util.ArrayList<>();
            if (previous.get("resumed_from") instanceof List<?> l) history.addAll(l);
            history.add(Map.of(
                    "started",
                    String.valueOf(previous.get("started")),
                    "ended",
                    String.valueOf(previous.get("ended")),
                    "status",
                    String.valueOf(previous.get("status"))));
            manifest.put("resumed_from", history);
        }
        dir.writeJson("manifest.json", manifest);

        log.info("overparam %s -> %s", command, dir.uri());
        log.info(
                "Spark %s, master %s; %s", spark.version(), spark.sparkContext().master(), blas);
        for (String w : blas.warnings()) log.warn("%s", w);
        for (Object w : (List<?>) executors.get("warnings")) log.warn("on an executor: %s", w);

        JobContext ctx = new JobContext(command, config, spark, dir, log, blas.toString());
        try {
            Map<String, Object> summary = job.run(ctx);
            dir.writeJson("summary.json", summary);
            if (!dir.exists(
                    "report.html")) { // a command without figures (data): its summary; the manifest joins it below
                dir.writeText(
                        "report.html",
                        new org.overparam.report.RunReport("overparam " + command)
                                .paragraph("Run directory: " + dir.uri() + ". Provenance: manifest.json.")
                                .keyValues("Summary", org.overparam.report.RunReport.flatten(summary))
                                .html());
            }
            manifest.putAll(ctx.manifestExtras);
            manifest.put("status", "completed");
            return summary;
        } catch (Throwable t) {
            manifest.putAll(ctx.manifestExtras);
            manifest.put("status", "failed");
            UserError user = userError(t);
            manifest.put("error", user != null ? user.getMessage() : t.toString());
            log.warn("run failed: %s", user != null ? user.getMessage() : t.toString());
            throw t;
        } finally {
            Instant ended = Instant.now();
            manifest.put("ended", ended.toString());
            manifest.put("seconds", (ended.toEpochMilli() - started.toEpochMilli()) / 1000.0);
            dir.writeJson("manifest.json", manifest);
            dir.writeText("run.log", log.text());
            if ("completed".equals(manifest.get("status")) && dir.exists("report.html")) {
                dir.writeText(
                        "report.html",
                        org.overparam.report.RunReport.appendKeyValues(
                                dir.readText("report.html"),
                                "Manifest",
                                org.overparam.report.RunReport.flatten(manifest)));
            }
        }
    }

    /** The resolved settings as the manifest records them ({@code config}), to compare with a recorded run. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> recordedConfig(JobConfig config) {
        try {
            return RunDirectory.JSON.readValue(
                    config.toJson(Command.SETTING_SECTIONS.toArray(new String[0])), Map.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> seeds(JobConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String s : Command.SETTING_SECTIONS) {
            if (config.config().hasPath(s + ".seed")) m.put(s, config.config().getLong(s + ".seed"));
        }
        return m;
    }

    /** The user's mistake behind a failure, if any (Spark wraps executor exceptions). */
    public static UserError userError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserError u) return u;
            if (c.getCause() == c) break;
        }
        return null;
    }
}
