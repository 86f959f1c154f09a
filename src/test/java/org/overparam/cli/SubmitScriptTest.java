package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/submit} checks its inputs before it builds the job jar or calls spark-submit: each mistake ends it with
 * exit code 2 and one line naming what was expected and what was found, and spark-submit (here a stand-in that records
 * being called) never runs.
 */
class SubmitScriptTest {
    @TempDir
    static Path tmp;

    static Path sparkHome, called;

    @BeforeAll
    static void standInSpark() throws Exception {
        sparkHome = tmp.resolve("spark");
        called = tmp.resolve("called");
        Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\necho \"$@\" > " + called + "\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Result(int code, String output) {}

    static Result submit(String sparkHomeValue, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of("bash", Path.of("jobs/submit").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("SPARK_HOME");
        if (sparkHomeValue != null) pb.environment().put("SPARK_HOME", sparkHomeValue);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static void refused(Result r, String... expected) {
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output().lines()).as("one line").hasSize(1);
        assertThat(r.output()).startsWith("jobs/submit: ").contains(expected);
        assertThat(called).as("spark-submit was not called").doesNotExist();
    }

    @Test
    void aMissingSparkHomeOrOneWithoutSparkSubmitIsNamed() throws Exception {
        refused(submit(null, "train", "--master", "yarn"), "SPARK_HOME is not set", "Spark 4.2");
        refused(
                submit(tmp.resolve("nowhere").toString(), "train", "--master", "yarn"),
                "nowhere has no bin/spark-submit");
    }

    @Test
    void aMasterOrDeployModeSparkCannotParseIsRefused() throws Exception {
        String home = sparkHome.toString();
        refused(submit(home, "train", "--master", "yran"), "--master 'yran' is not a Spark master URL", "yarn");
        refused(submit(home, "train", "--master=spark://host"), "'spark://host'", "spark://HOST:PORT");
        refused(submit(home, "--master", "local[two]", "--", "train"), "'local[two]'");
        refused(
                submit(home, "--deploy-mode", "clutser", "--", "train", "--master", "yarn"),
                "client or cluster",
                "'clutser'");
        refused(submit(home, "train", "--master"), "--master needs a URL");
    }

    @Test
    void aJobOrPipelineFileThatDoesNotExistIsNamed() throws Exception {
        String home = sparkHome.toString();
        refused(
                submit(home, "train", "--master", "yarn", "--config", "jobs/no-such-job.conf"),
                "the job file jobs/no-such-job.conf does not exist");
        refused(
                submit(home, "pipeline", "jobs/pipelines/no-such.conf", "--master", "yarn"),
                "the pipeline file jobs/pipelines/no-such.conf does not exist");
        refused(submit(home, "pipeline", "--master", "yarn"), "pipeline needs its pipeline file");
        refused(
                submit(home, "--deploy-mode", "cluster", "--", "pipeline", "jobs/pipelines/arora2019-mnist01.conf"),
                "submit it in client deploy mode");
    }
}
