package org.overparam.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.config.Command;
import org.overparam.experiment.Jobs;
import org.overparam.run.JobSummary;
import org.overparam.run.RunLog;
import org.overparam.testing.LocalSpark;

class PipelineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path tmp;

    /** Three small stages on the unit sphere: a data summary, a spectrum and a training run. */
    Path pipelineFile(String trainIterations) throws Exception {
        Path jobs = Files.createDirectories(tmp.resolve("jobs"));
        Files.writeString(
                jobs.resolve("sphere.conf"),
                "data { source = sphere, n = 60, d = 8, partitions = 2, block-size = 25 }\n");
        Path file = Files.createDirectories(jobs.resolve("pipelines")).resolve("small.conf");
        Files.writeString(file, """
                name = small
                stages = [
                  { name = data-summary, command = data, config = "../sphere.conf" }
                  { name = spectrum, command = spectrum, config = "../sphere.conf", settings { spectrum.labels = ["true", "random"] } }
                  { name = train, command = train, config = "../sphere.conf", settings { train.width = 30, train.iterations = %s, train.eta = 0.3 } }
                ]
                """.formatted(trainIterations));
        return file;
    }

    static JsonNode manifest(Path dir) throws Exception {
        return JSON.readTree(dir.resolve("manifest.json").toFile());
    }

    static List<String> statuses(JsonNode pipelineManifest) {
        List<String> s = new ArrayList<>();
        for (JsonNode st : pipelineManifest.get("stages"))
            s.add(st.get("name").asText() + "=" + st.get("status").asText());
        return s;
    }

    /** The summary of the test's blocking stage. */
    record Blocked(boolean blocked) implements JobSummary {}

    PipelineManifest run(Path file, Path out, PipelineRunner.StageJobs jobs) throws Exception {
        LocalSpark.get();
        return PipelineRunner.run(Pipeline.load(file.toFile(), List.of()), out.toString(), null, false, QUIET, jobs);
    }

    @Test
    void stagesRunInTheirOwnDirectoriesAndARerunSkipsCompletedStagesUnlessTheirSettingsChanged() throws Exception {
        LocalSpark.get();
        Path file = pipelineFile("5"), out = tmp.resolve("out");
        // As a user runs it: jobs/run pipeline <file> --out <dir>.
        int code = org.overparam.cli.Main.commandLine().execute("pipeline", file.toString(), "--out", out.toString());
        assertThat(code).isZero();
        JsonNode first = manifest(out);
        assertThat(first.get("status").asText()).isEqualTo("completed");
        assertThat(statuses(first)).containsExactly("data-summary=completed", "spectrum=completed", "train=completed");
        for (String stage : List.of("data-summary", "spectrum", "train")) {
            JsonNode m = manifest(out.resolve(stage));
            assertThat(m.get("status").asText()).isEqualTo("completed");
            assertThat(m.get("command").asText()).isEqualTo(stage.equals("data-summary") ? "data" : stage);
        }
        assertThat(manifest(out.resolve("train")).at("/config/train/iterations").asInt())
                .isEqualTo(5);
        for (JsonNode st : first.get("stages"))
            assertThat(st.get("seconds").asDouble()).isPositive();
        assertThat(out.resolve(PipelineLock.FILE)).doesNotExist();
        String report = Files.readString(out.resolve("report.html"));
        assertThat(report)
                .contains(
                        "href=\"spectrum/report.html\"",
                        "href=\"train/report.html\"",
                        "href=\"data-summary/manifest.json\"",
                        "src=\"train/plots/loss.png\"");

        String trainStarted = manifest(out.resolve("train")).get("started").asText();
        String spectrumStarted =
                manifest(out.resolve("spectrum")).get("started").asText();
        run(file, out, Jobs::of);
        assertThat(statuses(manifest(out)))
                .containsExactly("data-summary=skipped", "spectrum=skipped", "train=skipped");
        assertThat(manifest(out.resolve("train")).get("started").asText()).isEqualTo(trainStarted);
        assertThat(manifest(out).at("/stages/2/started").asText())
                .as("a skipped stage keeps its run's time")
                .isEqualTo(trainStarted);

        // A changed setting reruns only its stage.
        Path changed = pipelineFile("7");
        run(changed, out, Jobs::of);
        assertThat(statuses(manifest(out)))
                .containsExactly("data-summary=skipped", "spectrum=skipped", "train=completed");
        assertThat(manifest(out.resolve("spectrum")).get("started").asText()).isEqualTo(spectrumStarted);
        assertThat(manifest(out.resolve("train")).at("/config/train/iterations").asInt())
                .isEqualTo(7);
        assertThat(Files.readAllLines(out.resolve("train/metrics.csv"))).hasSize(1 + 8); // iterations 0..7
    }

    @Test
    void aRerunAfterAFailedStageResumesAtThatStage() throws Exception {
        Path file = pipelineFile("3"), out = tmp.resolve("out");
        PipelineRunner.StageJobs failingSpectrum = (command, config, resume) -> command.equals("spectrum")
                ? ctx -> {
                    throw new IllegalStateException("executor lost (injected)");
                }
                : Jobs.of(command, config, resume);
        assertThatThrownBy(() -> run(file, out, failingSpectrum)).hasMessageContaining("injected");
        JsonNode failed = manifest(out);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("error").asText()).contains("injected");
        assertThat(statuses(failed)).containsExactly("data-summary=completed", "spectrum=failed", "train=pending");
        assertThat(manifest(out.resolve("spectrum")).get("status").asText()).isEqualTo("failed");
        assertThat(out.resolve("train")).doesNotExist();
        assertThat(out.resolve(PipelineLock.FILE)).doesNotExist();
        assertThat(Files.readString(out.resolve("report.html"))).contains("injected");

        String dataStarted =
                manifest(out.resolve("data-summary")).get("started").asText();
        java.util.List<Boolean> resumed = new java.util.ArrayList<>();
        run(file, out, (command, config, resume) -> {
            if (command.equals("spectrum")) resumed.add(resume);
            return Jobs.of(command, config, resume);
        });
        assertThat(resumed)
                .as("the failed spectrum stage, same settings, is continued")
                .containsExactly(true);
        assertThat(manifest(out.resolve("spectrum")).get("resumed_from"))
                .as("its manifest keeps the failed attempt")
                .hasSize(1);
        assertThat(Files.readString(out.resolve("run.log"))).contains("status is failed; continuing it");
        assertThat(statuses(manifest(out)))
                .containsExactly("data-summary=skipped", "spectrum=completed", "train=completed");
        assertThat(manifest(out.resolve("data-summary")).get("started").asText())
                .isEqualTo(dataStarted);
        assertThat(manifest(out.resolve("spectrum")).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void aSecondRunOfTheSamePipelineIsRefusedWhileTheFirstRuns() throws Exception {
        Path file = pipelineFile("3"), out = tmp.resolve("out");
        CountDownLatch inStage = new CountDownLatch(1), release = new CountDownLatch(1);
        PipelineRunner.StageJobs blocking = (command, config, resume) -> command.equals("data")
                ? ctx -> {
                    inStage.countDown();
                    release.await(60, TimeUnit.SECONDS);
                    return new Blocked(true);
                }
                : Jobs.of(command, config, resume);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                run(file, out, blocking);
            } catch (Throwable t) {
                firstFailure.set(t);
            }
        });
        first.start();
        try {
            assertThat(inStage.await(60, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> run(file, out, Jobs::of))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("already running")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            assertThat(statuses(manifest(out)))
                    .containsExactly("data-summary=running", "spectrum=pending", "train=pending");
        } finally {
            release.countDown();
            first.join(120_000);
        }
        assertThat(firstFailure.get()).isNull();
        assertThat(statuses(manifest(out)))
                .containsExactly("data-summary=completed", "spectrum=completed", "train=completed");
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsReplaced() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(
                out.resolve(PipelineLock.FILE),
                JSON.writeValueAsString(Map.of(
                        "pipeline",
                        "small",
                        "pid",
                        p.pid(),
                        "host",
                        java.net.InetAddress.getLocalHost().getHostName(),
                        "started",
                        "2026-01-01T00:00:00Z")));
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (PipelineLock lock =
                PipelineLock.acquire(out.toString(), new Configuration(), "small", new RunLog(new PrintStream(said)))) {
            assertThat(JSON.readTree(out.resolve(PipelineLock.FILE).toFile())
                            .get("pid")
                            .asLong())
                    .isEqualTo(ProcessHandle.current().pid());
        }
        assertThat(said.toString()).contains("no longer running");
        assertThat(out.resolve(PipelineLock.FILE)).doesNotExist();
        // One held on another host is never taken over.
        Files.writeString(
                out.resolve(PipelineLock.FILE),
                JSON.writeValueAsString(Map.of("pid", 1, "host", "elsewhere", "started", "t")));
        assertThatThrownBy(() -> PipelineLock.acquire(out.toString(), new Configuration(), "small", new RunLog(QUIET)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("on elsewhere")
                .hasMessageContaining("delete");
    }

    @Test
    void everyCheckedInPipelineLoadsAndBadFilesAreRefusedWithTheReason() throws Exception {
        File[] files = new File("jobs/pipelines").listFiles((d, n) -> n.endsWith(".conf"));
        assertThat(files).isNotEmpty();
        for (File f : files) {
            Pipeline p = Pipeline.load(f, List.of("data.path=elsewhere"));
            assertThat(p.stages).isNotEmpty();
            for (Pipeline.Stage s : p.stages) assertThat(Command.ids()).contains(s.command());
        }
        Path bad = tmp.resolve("bad.conf");
        Files.writeString(bad, "name = x\nstages = [ { name = a, command = trian } ]\n");
        assertThatThrownBy(() -> Pipeline.load(bad.toFile(), List.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("unknown command 'trian'")
                .hasMessageContaining(Command.ids().toString());
        Files.writeString(bad, "name = x\nstages = [ { name = a, command = data }, { name = a, command = train } ]\n");
        assertThatThrownBy(() -> Pipeline.load(bad.toFile(), List.of())).hasMessageContaining("'a' is used twice");
        Files.writeString(bad, "name = x\nstages = [ { name = a, command = data, settings { data.nn = 3 } } ]\n");
        assertThatThrownBy(() -> Pipeline.load(bad.toFile(), List.of()))
                .hasMessageContaining("stage 1 (a)")
                .hasMessageContaining("did you mean 'data.n'");
        Files.writeString(bad, "name = x\nstages = [ { name = a, command = data, confg = \"f\" } ]\n");
        assertThatThrownBy(() -> Pipeline.load(bad.toFile(), List.of())).hasMessageContaining("unknown key 'confg'");
    }
}
