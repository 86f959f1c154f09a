package org.overparam.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.overparam.cluster.StandaloneClusterIT.JSON;
import static org.overparam.cluster.StandaloneClusterIT.assertSameMetrics;
import static org.overparam.cluster.StandaloneClusterIT.assertSameSpectrum;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.TestData;

/**
 * The job jar submitted with {@code jobs/submit --master yarn} to a real YARN cluster over a real HDFS
 * ({@link YarnCluster}), exactly as the README's YARN lines: MNIST read from {@code hdfs://}, run directories written
 * there. A pipeline of a {@code train} and a {@code spectrum} stage in client deploy mode, and each command alone in
 * cluster deploy mode (its job file shipped with {@code --files}), equal the same runs on the embedded Spark within the
 * summation-order and eigenvalue bounds. An application killed mid-run ends the submit with an error, and the run
 * directory's manifest says {@code failed} and why. A cluster-mode driver (the ApplicationMaster's JVM) killed mid-run
 * is continued by YARN's second attempt from the run's checkpoints, to the same metrics. Runs in {@code mvn verify}, after the job jar is built.
 */
class YarnClusterIT {
    @TempDir
    static Path tmp;

    static YarnCluster cluster;
    static String mnist;
    static Path localTrain, localSpectrum;

    @BeforeAll
    static void start() throws Exception {
        cluster = new YarnCluster(tmp.resolve("yarn"), Path.of("").toAbsolutePath());
        cluster.put(List.of(TestData.mnist().toFile().listFiles((d, n) -> n.startsWith("train-"))), "/datasets/mnist");
        mnist = cluster.hdfsUri + "/datasets/mnist";
        writeJobFile("yarn-train.conf", StandaloneClusterIT.trainSettings());
        writeJobFile("yarn-spectrum.conf", StandaloneClusterIT.spectrumSettings());
        Files.writeString(
                tmp.resolve("yarn-pipeline.conf"),
                "name = yarn\nstages = [\n"
                        + "  { name = train, command = train, config = \"yarn-train.conf\" }\n"
                        + "  { name = spectrum, command = spectrum, config = \"yarn-spectrum.conf\" }\n]\n");
        localTrain = tmp.resolve("local-train");
        localSpectrum = tmp.resolve("local-spectrum");
        local("train", localTrain);
        local("spectrum", localSpectrum);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    /** A job file of the settings ({@code --set k=v} pairs) but the data's path, which each run sets. */
    static void writeJobFile(String name, List<String> settings) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < settings.size(); i += 2) {
            String setting = settings.get(i);
            if (!setting.startsWith("data.path="))
                b.append(setting.replaceFirst("=", " = ")).append('\n');
        }
        Files.writeString(tmp.resolve(name), b.toString());
    }

    /** The same job file on the embedded Spark, reading the local MNIST files. */
    static void local(String command, Path out) {
        StandaloneClusterIT.local(
                command,
                List.of(
                        "--config",
                        tmp.resolve("yarn-" + command + ".conf").toString(),
                        "--set",
                        "data.path=" + TestData.mnist()),
                out);
    }

    /** The resources of the runs here: two executors of one core and 1 GB; a 1 GB driver in cluster mode. */
    static List<String> submitOptions(boolean clusterMode) {
        List<String> o = new ArrayList<>();
        if (clusterMode) o.addAll(List.of("--deploy-mode", "cluster", "--driver-memory", "1g"));
        o.addAll(List.of(
                "--num-executors",
                "2",
                "--executor-cores",
                "1",
                "--executor-memory",
                "1g",
                "--conf",
                "spark.ui.enabled=false"));
        return o;
    }

    static Process submit(String name, boolean clusterMode, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(submitOptions(clusterMode));
        args.add("--");
        args.addAll(command);
        return cluster.submit(tmp.resolve(name + ".log"), args);
    }

    static void finished(String name, Process p) throws Exception {
        assertThat(p.waitFor(6, TimeUnit.MINUTES))
                .as(name + " finished in time")
                .isTrue();
        assertThat(p.exitValue())
                .as(name + " exit code; log:\n" + StandaloneCluster.tail(tmp.resolve(name + ".log")))
                .isZero();
    }

    /** The run directory {@code /runs/<name>} copied from HDFS to a local folder. */
    static Path fetch(String name) throws Exception {
        Path local = tmp.resolve("fetched").resolve(name);
        Files.createDirectories(local.getParent());
        cluster.fileSystem()
                .copyToLocalFile(
                        new org.apache.hadoop.fs.Path("/runs/" + name),
                        new org.apache.hadoop.fs.Path(local.toString()));
        return local;
    }

    static JsonNode manifest(Path run) throws Exception {
        return JSON.readTree(run.resolve("manifest.json").toFile());
    }

    @Test
    void aPipelineOfTrainingAndSpectrumInClientModeEqualsTheLocalRuns() throws Exception {
        Process p = submit(
                "client-pipeline",
                false,
                List.of(
                        "pipeline",
                        tmp.resolve("yarn-pipeline.conf").toString(),
                        "--master",
                        "yarn",
                        "--set",
                        "data.path=" + mnist,
                        "--out",
                        cluster.hdfsUri + "/runs/client-pipeline"));
        finished("client-pipeline", p);
        Path run = fetch("client-pipeline");
        assertThat(manifest(run).get("status").asText()).isEqualTo("completed");
        assertThat(manifest(run).at("/stages/1/status").asText()).isEqualTo("completed");
        for (String stage : List.of("train", "spectrum")) {
            JsonNode m = manifest(run.resolve(stage));
            assertThat(m.at("/spark/master").asText()).isEqualTo("yarn");
            assertThat(m.at("/spark/app_id").asText()).startsWith("application_");
            assertThat(m.at("/config/data/path").asText()).isEqualTo(mnist);
        }
        assertSameMetrics(localTrain, run.resolve("train"));
        assertSameSpectrum(localSpectrum, run.resolve("spectrum"));
    }

    @Test
    void trainingAndSpectrumInClusterModeEqualTheLocalRuns() throws Exception {
        for (String command : List.of("train", "spectrum")) {
            String name = "cluster-" + command;
            finished(
                    name,
                    submit(
                            name,
                            true,
                            List.of(
                                    command,
                                    "--master",
                                    "yarn",
                                    "--config",
                                    tmp.resolve("yarn-" + command + ".conf").toString(),
                                    "--set",
                                    "data.path=" + mnist,
                                    "--out",
                                    cluster.hdfsUri + "/runs/" + name)));
            assertThat(Files.readString(tmp.resolve(name + ".log")))
                    .as("the YARN client's report")
                    .contains("final status: SUCCEEDED");
            JsonNode m = manifest(fetch(name));
            assertThat(m.get("status").asText()).isEqualTo("completed");
            assertThat(m.at("/spark/master").asText()).isEqualTo("yarn");
        }
        assertSameMetrics(localTrain, tmp.resolve("fetched/cluster-train"));
        assertSameSpectrum(localSpectrum, tmp.resolve("fetched/cluster-spectrum"));
    }

    @Test
    void aKilledApplicationFailsTheRunAndItsManifestSaysWhy() throws Exception {
        String name = "killed";
        Path log = tmp.resolve(name + ".log");
        Process p = submit(
                name,
                false,
                List.of(
                        "train",
                        "--master",
                        "yarn",
                        "--config",
                        tmp.resolve("yarn-train.conf").toString(),
                        "--set",
                        "data.path=" + mnist,
                        "--set",
                        "train.iterations=100000",
                        "--out",
                        cluster.hdfsUri + "/runs/" + name));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.readString(log).matches("(?s).*iter\\s+5/100000.*")
                && p.isAlive()
                && System.nanoTime() < deadline) Thread.sleep(100);
        List<ApplicationReport> running = cluster.running();
        assertThat(running)
                .as("running applications; log:\n" + StandaloneCluster.tail(log))
                .hasSize(1);
        cluster.kill(running.get(0));
        assertThat(p.waitFor(2, TimeUnit.MINUTES))
                .as("the submit ended after the kill")
                .isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(cluster.report(running.get(0)).getYarnApplicationState()).isEqualTo(YarnApplicationState.KILLED);
        String output = Files.readString(log);
        String appId = running.get(0).getApplicationId().toString();
        assertThat(output).as("the user's error line").contains("error: ").contains(appId);
        assertThat(output).as("no stack trace").doesNotContain("\tat org.");
        JsonNode m = manifest(fetch(name));
        assertThat(m.get("status").asText()).isEqualTo("failed");
        assertThat(m.get("error").asText()).contains(appId).contains("stopped before the run finished");
        assertThat(new File(tmp.resolve("fetched/killed/metrics.csv").toString()))
                .exists();
    }

    /** The ApplicationMaster JVMs (not their launch scripts) the NodeManager in this JVM started, alive now. */
    static List<ProcessHandle> applicationMasters() {
        return ProcessHandle.current()
                .descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .filter(h ->
                        StandaloneCluster.commandLine(h).contains("org.apache.spark.deploy.yarn.ApplicationMaster"))
                .toList();
    }

    @Test
    void aClusterModeDriverKilledMidRunIsContinuedByYarnsNextAttempt() throws Exception {
        String name = "driver-killed";
        List<String> longer = List.of("--set", "train.iterations=200");
        List<String> command = new ArrayList<>(List.of(
                "train",
                "--master",
                "yarn",
                "--config",
                tmp.resolve("yarn-train.conf").toString(),
                "--set",
                "data.path=" + mnist));
        command.addAll(longer);
        command.addAll(List.of("--out", cluster.hdfsUri + "/runs/" + name));
        Process p = submit(name, true, command);
        org.apache.hadoop.fs.Path checkpoint =
                new org.apache.hadoop.fs.Path("/runs/" + name + "/checkpoints/m=200/state.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!cluster.fileSystem().exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline)
            Thread.sleep(50);
        List<ProcessHandle> drivers = applicationMasters();
        assertThat(drivers)
                .as("one driver running with a checkpoint written; log:\n"
                        + StandaloneCluster.tail(tmp.resolve(name + ".log")))
                .hasSize(1);
        drivers.get(0).destroyForcibly();
        finished(name, p);
        assertThat(Files.readString(tmp.resolve(name + ".log"))).contains("final status: SUCCEEDED");
        Path run = fetch(name);
        JsonNode m = manifest(run);
        assertThat(m.get("status").asText()).isEqualTo("completed");
        assertThat(m.get("resumed_from")).as("the first attempt, recorded").hasSize(1);
        assertThat(m.at("/resumed_from/0/status").asText()).isNotEqualTo("completed");

        Path local = tmp.resolve("local-train-200");
        List<String> settings = new ArrayList<>(List.of(
                "--config", tmp.resolve("yarn-train.conf").toString(), "--set", "data.path=" + TestData.mnist()));
        settings.addAll(longer);
        StandaloneClusterIT.local("train", settings, local);
        assertSameMetrics(local, run, StandaloneClusterIT.COMPARED, 201);
    }
}
