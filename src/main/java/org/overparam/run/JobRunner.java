package org.overparam.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.overparam.UserError;
import org.overparam.config.Command;
import org.overparam.config.JobConfig;
import org.overparam.linalg.LibraryReport;
import org.overparam.linalg.NativeLibraries;
import org.overparam.report.RunReport;
import org.overparam.spark.Sparks;

/**
 * The frame around every command: resolve the settings, create the run directory, record the manifest (status
 * {@code running}), report which BLAS/LAPACK/ARPACK loaded, start Spark, run the job, write {@code summary.json}, and
 * close the manifest as {@code completed} or {@code failed} (with the reason). A failed run never leaves a manifest that
 * looks complete, and what was written before the failure stays.
 */
public final class JobRunner {
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
    public static JobSummary run(Launch launch, JobConfig config, RunLog log, Job job) throws Exception {
        Instant started = Instant.now();
        NativeLibraries.bootstrap();
        LibraryReport blas = NativeLibraries.report();
        SparkSession spark = Sparks.session("overparam " + launch.command(), launch.master());
        if (!launch.verbose()) spark.sparkContext().setLogLevel("WARN"); // Spark may have installed its INFO defaults
        RunDirectory dir = directory(launch, spark);
        Map<String, Object> executors = Sparks.executorBlas(spark);
        Manifest manifest = startManifest(launch, config, spark, dir, blas, executors, started);
        dir.writeJson("manifest.json", manifest);

        log.info("overparam %s -> %s", launch.command(), dir.uri());
        log.info(
                "Spark %s, master %s; %s", spark.version(), spark.sparkContext().master(), blas);
        for (String w : blas.warnings()) log.warn("%s", w);
        for (Object w : (List<?>) executors.get("warnings")) log.warn("on an executor: %s", w);

        JobContext ctx = new JobContext(launch.command(), config, spark, dir, log, blas.toString());
        RunStatus status = RunStatus.FAILED;
        String error = null;
        try {
            JobSummary summary = job.run(ctx);
            dir.writeJson("summary.json", summary);
            if (!dir.exists("report.html")) writeSummaryReport(dir, launch.command(), summary);
            status = RunStatus.COMPLETED;
            return summary;
        } catch (Throwable t) {
            UserError stopped = userError(t) == null ? stoppedUnderneath(spark, dir, t) : null;
            UserError user = stopped != null ? stopped : userError(t);
            error = user != null ? user.getMessage() : t.toString();
            log.warn("run failed: %s", error);
            if (stopped != null) throw stopped;
            throw t;
        } finally {
            manifest = manifest.finished(status, ctx.layout(), error, started, Instant.now());
            dir.writeJson("manifest.json", manifest);
            dir.writeText("run.log", log.text());
            if (status == RunStatus.COMPLETED && dir.exists("report.html")) {
                dir.writeText(
                        "report.html",
                        RunReport.appendKeyValues(
                                dir.readText("report.html"), "Manifest", RunReport.flatten(asMap(manifest))));
            }
        }
    }

    /**
     * The failure of a run whose Spark application was ended from outside (on YARN: the application killed, failed or
     * preempted; the cluster manager lost), said as such: the job's own exception is only the symptom ("Cannot call
     * methods on a stopped SparkContext", "Job cancelled because SparkContext was shut down"). Null when Spark still
     * runs.
     */
    static UserError stoppedUnderneath(SparkSession spark, RunDirectory dir, Throwable t) {
        if (!spark.sparkContext().isStopped()) return null;
        String app = spark.sparkContext().applicationId();
        String symptom =
                String.valueOf(t.getMessage()).lines().findFirst().orElse("").trim();
        return new UserError(
                "the Spark application " + app + " stopped before the run finished (on YARN it was "
                        + "killed, failed or preempted: yarn application -status " + app + " says which); what the run "
                        + "wrote so far stays in " + dir.uri() + ". Spark: " + symptom,
                t);
    }

    /** The run directory: created (or overwritten when allowed), or opened to resume. */
    private static RunDirectory directory(Launch launch, SparkSession spark) {
        org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (launch.resume()) return RunDirectory.open(launch.out(), hadoop);
        return RunDirectory.create(
                launch.out() != null ? launch.out() : defaultOut(launch.command()), launch.overwrite(), hadoop);
    }

    /** The manifest of a run that starts now, with the attempts of the run it resumes. */
    private static Manifest startManifest(
            Launch launch,
            JobConfig config,
            SparkSession spark,
            RunDirectory dir,
            LibraryReport blas,
            Map<String, Object> executors,
            Instant started) {
        List<Manifest.Attempt> history = null;
        if (launch.resume()) {
            Manifest previous = dir.readJson("manifest.json", Manifest.class);
            history = new ArrayList<>();
            if (previous.resumedFrom() != null) history.addAll(previous.resumedFrom());
            history.add(previous.asAttempt());
        }
        Map<String, Object> blasInfo = new LinkedHashMap<>(blas.toMap());
        blasInfo.put("executors", executors);
        Manifest.SparkInfo sparkInfo = new Manifest.SparkInfo(
                spark.version(),
                spark.sparkContext().master(),
                spark.sparkContext().applicationId(),
                spark.sparkContext().defaultParallelism());
        return new Manifest(
                launch.command(),
                RunStatus.RUNNING,
                dir.uri(),
                recordedConfig(config),
                userSettings(config),
                seeds(config),
                Provenance.code(),
                Provenance.machine(),
                sparkInfo,
                blasInfo,
                started.toString(),
                history,
                null,
                null,
                null,
                null,
                null);
    }

    /** A command without figures (data) gets its summary as its report; the manifest joins it at the end. */
    private static void writeSummaryReport(RunDirectory dir, String command, JobSummary summary) {
        dir.writeText(
                "report.html",
                new RunReport("overparam " + command)
                        .paragraph("Run directory: " + dir.uri() + ". Provenance: manifest.json.")
                        .keyValues("Summary", RunReport.flatten(asMap(summary)))
                        .html());
    }

    /** A record as the map of its JSON entries, in their order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object record) {
        return RunDirectory.JSON.convertValue(record, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> userSettings(JobConfig config) {
        try {
            return RunDirectory.JSON.readValue(
                    config.userSettings().root().render(com.typesafe.config.ConfigRenderOptions.concise()), Map.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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

    private static Map<String, Long> seeds(JobConfig config) {
        Map<String, Long> m = new LinkedHashMap<>();
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
