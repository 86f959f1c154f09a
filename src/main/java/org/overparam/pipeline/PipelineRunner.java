package org.overparam.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.overparam.UserError;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import org.overparam.report.RunReport;
import org.overparam.run.Job;
import org.overparam.run.JobRunner;
import org.overparam.run.Manifest;
import org.overparam.run.Provenance;
import org.overparam.run.RunDirectory;
import org.overparam.run.RunLog;
import org.overparam.run.RunStatus;
import org.overparam.spark.Sparks;

/**
 * Runs a {@link Pipeline}: its stages in order on one SparkSession, each in its own run directory
 * {@code <pipeline dir>/<stage name>} through {@link JobRunner}. A stage whose directory holds a completed manifest with
 * the same resolved settings is skipped (its entry keeps that run's times), so rerunning a pipeline after a failure
 * resumes at the failed stage; a failed or interrupted stage of a command that can continue its runs ({@code train},
 * {@code spectrum}: {@link org.overparam.config.Command#resumable}) with the same settings continues from its
 * checkpoints, and any other, or one whose settings changed, is run again from scratch (its directory replaced). The
 * first failing stage stops the pipeline. Throughout, {@code manifest.json} in the pipeline directory records each
 * stage's status ({@code pending}, {@code running}, {@code completed}, {@code skipped}, {@code failed}), start, end and
 * seconds, and {@code report.html} links the stages' reports and shows their figures. {@link PipelineLock} refuses a
 * second concurrent run of the same pipeline directory.
 */
public final class PipelineRunner {
    private PipelineRunner() {}

    /**
     * @param jobs builds each stage's job from its command, settings and whether it resumes ({@link Jobs#of} on the
     *     command line)
     * @return the pipeline's manifest as written
     * @throws Exception the failing stage's error, after the manifest and report recorded it
     */
    public static PipelineManifest run(
            Pipeline pipeline, String out, String master, boolean verbose, PrintStream console, StageJobs jobs)
            throws Exception {
        RunLog log = new RunLog(console);
        SparkSession spark = Sparks.session("overparam pipeline " + pipeline.name, master);
        if (!verbose) spark.sparkContext().setLogLevel("WARN");
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (PipelineLock lock = PipelineLock.acquire(out, hadoop, pipeline.name, log)) {
            RunDirectory dir = RunDirectory.openOrCreate(out, hadoop);
            Instant started = Instant.now();
            List<PipelineManifest.Stage> stages = new ArrayList<>();
            for (Pipeline.Stage s : pipeline.stages) {
                stages.add(PipelineManifest.Stage.pending(s.name(), s.command(), dir.resolve(s.name())));
            }
            PipelineManifest running = new PipelineManifest(
                    "pipeline",
                    pipeline.name,
                    pipeline.file,
                    RunStatus.RUNNING,
                    dir.uri(),
                    Provenance.code(),
                    Provenance.machine(),
                    new Manifest.SparkInfo(spark.version(), spark.sparkContext().master(), null, null),
                    started.toString(),
                    stages,
                    null,
                    null,
                    null);
            dir.writeJson("manifest.json", running);
            log.info("pipeline %s: %d stages -> %s", pipeline.name, pipeline.stages.size(), dir.uri());
            Throwable failure = null;
            RunStatus status = RunStatus.COMPLETED;
            String error = null;
            try {
                Session session = new Session(
                        dir, master, verbose, console, log, jobs, () -> dir.writeJson("manifest.json", running));
                for (int i = 0; i < pipeline.stages.size(); i++) {
                    runStage(session, pipeline.stages.get(i), stages, i, pipeline.stages.size());
                }
            } catch (Throwable t) {
                failure = t;
                status = RunStatus.FAILED;
                UserError user = JobRunner.userError(t);
                error = user != null ? user.getMessage() : t.toString();
            }
            PipelineManifest manifest = running.finished(status, error, started, Instant.now());
            dir.writeJson("manifest.json", manifest);
            dir.writeText("report.html", report(pipeline, manifest, dir, hadoop));
            log.info(
                    "pipeline %s %s in %.1f s; report: %s",
                    pipeline.name, manifest.status(), manifest.seconds(), dir.resolve("report.html"));
            dir.writeText("run.log", log.text());
            if (failure instanceof Exception e) throw e;
            if (failure instanceof Error e) throw e;
            return manifest;
        }
    }

    /**
     * What every stage of one pipeline run shares: the pipeline directory, the Spark master and logging, the console
     * and the pipeline's log, how a stage's job is made, and how the manifest is saved.
     */
    private record Session(
            RunDirectory dir,
            String master,
            boolean verbose,
            PrintStream console,
            RunLog log,
            StageJobs jobs,
            Runnable save) {}

    /** Makes a stage's job. */
    @FunctionalInterface
    public interface StageJobs {
        /** The job of {@code command} with {@code config}, continuing the run in its directory when {@code resume}. */
        Job of(String command, JobConfig config, boolean resume);
    }

    /** What a stage's directory holds from an earlier run, and so what this run does with it. */
    private enum Earlier {
        /** Nothing: a fresh stage. */
        NONE,
        /** A completed run of the same settings: skipped. */
        COMPLETED,
        /** An interrupted or failed run of the same settings whose command continues runs: resumed. */
        RESUMABLE,
        /** Anything else: run again from scratch. */
        REPLACED
    }

    private record Previous(Earlier earlier, String why) {}

    /** Stage {@code index + 1} of {@code count}: skipped when completed before with the same settings, else run. */
    private static void runStage(
            Session session, Pipeline.Stage s, List<PipelineManifest.Stage> stages, int index, int count)
            throws Exception {
        RunDirectory dir = session.dir();
        RunLog log = session.log();
        Runnable save = session.save();
        String stageDir = dir.resolve(s.name());
        Map<String, Object> config = JobRunner.recordedConfig(s.config());
        Previous previous = previousRun(dir, s, config);
        if (previous.earlier() == Earlier.COMPLETED) {
            Manifest done = dir.readJson(s.name() + "/manifest.json", Manifest.class);
            log.info(
                    "stage %d/%d %s (%s): completed %s with the same settings; skipped",
                    index + 1, count, s.name(), s.command(), done.ended());
            stages.set(index, stages.get(index).skipped(done));
            save.run();
            return;
        }
        boolean resume = previous.earlier() == Earlier.RESUMABLE;
        log.info(
                "stage %d/%d %s (%s)%s",
                index + 1,
                count,
                s.name(),
                s.command(),
                previous.why().isEmpty()
                        ? ""
                        : ": " + previous.why() + (resume ? "; continuing it" : "; running it again"));
        Instant t0 = Instant.now();
        stages.set(index, stages.get(index).running(t0));
        save.run();
        RunStatus status = RunStatus.FAILED;
        String error = null;
        try {
            Job job = session.jobs().of(s.command(), s.config(), resume);
            JobRunner.Launch launch =
                    new JobRunner.Launch(s.command(), stageDir, !resume, resume, session.master(), session.verbose());
            JobRunner.run(launch, s.config(), new RunLog(session.console()), job);
            status = RunStatus.COMPLETED;
        } catch (Throwable t) {
            UserError user = JobRunner.userError(t);
            error = user != null ? user.getMessage() : t.toString();
            log.warn("stage %s failed: %s", s.name(), error);
            throw t;
        } finally {
            stages.set(index, stages.get(index).ended(status, error, t0, Instant.now()));
            save.run();
        }
    }

    /** What the stage's directory holds from an earlier run, and why it is not simply skipped. */
    private static Previous previousRun(RunDirectory dir, Pipeline.Stage s, Map<String, Object> config) {
        if (!dir.exists(s.name() + "/manifest.json")) return new Previous(Earlier.NONE, "");
        Manifest m = dir.readJson(s.name() + "/manifest.json", Manifest.class);
        if (!s.command().equals(m.command()))
            return new Previous(Earlier.REPLACED, "the previous run was a " + m.command() + " run");
        boolean same = Objects.equals(config, m.config());
        if (m.status() == RunStatus.COMPLETED) {
            return same
                    ? new Previous(Earlier.COMPLETED, "")
                    : new Previous(Earlier.REPLACED, "its settings changed since the completed run");
        }
        String why = "the previous run's status is " + m.status();
        return same && org.overparam.config.Command.parse(s.command()).resumable()
                ? new Previous(Earlier.RESUMABLE, why)
                : new Previous(Earlier.REPLACED, why + (same ? "" : " and its settings changed"));
    }

    private static String report(Pipeline pipeline, PipelineManifest manifest, RunDirectory dir, Configuration hadoop) {
        RunReport r = new RunReport("overparam pipeline " + pipeline.name);
        r.paragraph("Pipeline file: " + pipeline.file + ". Status: " + manifest.status() + ", " + manifest.seconds()
                + " s. Each stage has its own run directory, report and manifest; a rerun skips the stages completed with the same settings."
                + (manifest.error() != null ? "\nError: " + manifest.error() : ""));
        List<List<?>> rows = new ArrayList<>();
        Map<String, String> links = new LinkedHashMap<>();
        for (PipelineManifest.Stage st : manifest.stages()) {
            String name = st.name();
            rows.add(List.of(
                    name,
                    st.command(),
                    st.status(),
                    st.seconds() == null ? "" : st.seconds(),
                    st.started() == null ? "" : st.started()));
            if (dir.exists(name + "/report.html"))
                links.put(name + " (" + st.command() + "): report", name + "/report.html");
            if (dir.exists(name + "/manifest.json")) links.put(name + ": manifest", name + "/manifest.json");
        }
        r.table("Stages", List.of("stage", "command", "status", "seconds", "started"), rows);
        r.links("Stage reports and manifests", links);
        for (PipelineManifest.Stage st : manifest.stages()) {
            for (String png : pngs(hadoop, dir.resolve(st.name() + "/plots"))) {
                r.figure(st.name() + ": " + png.replace(".png", ""), st.name() + "/plots/" + png, null);
            }
        }
        Map<String, Object> all = JobRunner.asMap(manifest);
        Map<String, Object> kv = new LinkedHashMap<>();
        for (String k : List.of(
                "pipeline", "file", "status", "started", "ended", "seconds", "run_directory", "code", "spark")) {
            if (all.containsKey(k)) kv.put(k, all.get(k));
        }
        r.keyValues("Manifest", kv);
        return r.html();
    }

    private static List<String> pngs(Configuration hadoop, String plots) {
        List<String> names = new ArrayList<>();
        try {
            Path p = new Path(plots);
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) return names;
            for (FileStatus f : fs.listStatus(p)) {
                if (f.getPath().getName().endsWith(".png"))
                    names.add(f.getPath().getName());
            }
        } catch (IOException e) {
            return names;
        }
        names.sort(null);
        return names;
    }
}
