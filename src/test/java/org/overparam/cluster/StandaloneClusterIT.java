package org.overparam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.TestData;

/**
 * The job jar submitted with {@code jobs/submit} to a real standalone cluster (a Master and two Workers, each its own
 * JVM, one executor per Worker): a training run, and a spectrum run as the stage of a submitted pipeline, equal the
 * same runs on the embedded Spark within the summation-order bound, and a training run during which one executor JVM is
 * killed still finishes with the same numbers (Spark re-runs the lost tasks and rebuilds the lost shards from the
 * source). Runs in {@code mvn verify}, after the job jar is built.
 */
class StandaloneClusterIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Columns of metrics.csv that must agree between runs (all but the wall-clock time). */
    static final List<String> COMPARED =
            List.of("loss", "gradient_norm", "pattern_change_fraction", "max_weight_distance", "weight_distance_fro");

    @TempDir
    static Path tmp;

    static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new StandaloneCluster(tmp.resolve("cluster"), Path.of("").toAbsolutePath(), 2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static List<String> trainSettings() {
        return List.of(
                "--set",
                "data.source=mnist",
                "--set",
                "data.path=" + TestData.mnist(),
                "--set",
                "data.classes=[0,1]",
                "--set",
                "data.n=300",
                "--set",
                "data.partitions=4",
                "--set",
                "train.width=200",
                "--set",
                "train.kappa=1",
                "--set",
                "train.eta=0.05",
                "--set",
                "train.iterations=30",
                "--set",
                "train.checkpoint-every=10",
                "--set",
                "train.progress-seconds=0");
    }

    static List<String> spectrumSettings() {
        return List.of(
                "--set",
                "data.source=mnist",
                "--set",
                "data.path=" + TestData.mnist(),
                "--set",
                "data.classes=[0,1]",
                "--set",
                "data.n=400",
                "--set",
                "data.partitions=4",
                "--set",
                "spectrum.labels=[true,random]");
    }

    static Process submit(String name, String command, List<String> commandArgs, Path out) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--executor-memory",
                "1g",
                "--total-executor-cores",
                "2",
                "--conf",
                "spark.ui.enabled=false",
                "--",
                command));
        args.addAll(commandArgs);
        args.addAll(List.of("--master", cluster.masterUrl, "--out", out.toString()));
        return cluster.submit(tmp.resolve(name + ".log"), args);
    }

    static void finished(String name, Process p) throws Exception {
        assertThat(p.waitFor(5, TimeUnit.MINUTES))
                .as(name + " finished in time")
                .isTrue();
        assertThat(p.exitValue())
                .as(name + " exit code; log:\n" + StandaloneCluster.tail(tmp.resolve(name + ".log")))
                .isZero();
    }

    static void local(String command, List<String> settings, Path out) {
        LocalSpark.get();
        List<String> args = new ArrayList<>(List.of(command, "--out", out.toString()));
        args.addAll(settings);
        assertThat(Main.commandLine().execute(args.toArray(new String[0]))).isZero();
    }

    /** Quadratic nets' metrics.csv columns that must agree. */
    static final List<String> QUADRATIC_COMPARED = List.of("loss", "data_loss", "gradient_norm", "learning_rate");

    static List<double[]> metrics(Path run, List<String> columns) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            double[] v = new double[columns.size()];
            for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(f[header.indexOf(columns.get(i))]);
            rows.add(v);
        }
        return rows;
    }

    static void assertSameMetrics(Path expected, Path actual) throws Exception {
        assertSameMetrics(expected, actual, COMPARED);
    }

    static void assertSameMetrics(Path expected, Path actual, List<String> columns) throws Exception {
        assertSameMetrics(expected, actual, columns, 31);
    }

    /** The metrics of two runs of {@code rows - 1} iterations agree within the summation-order bound. */
    static void assertSameMetrics(Path expected, Path actual, List<String> columns, int rows) throws Exception {
        List<double[]> e = metrics(expected, columns), a = metrics(actual, columns);
        assertThat(a).hasSameSizeAs(e).hasSize(rows);
        for (int k = 0; k < e.size(); k++) {
            for (int c = 0; c < columns.size(); c++) {
                double x = e.get(k)[c], y = a.get(k)[c];
                if (x == 0)
                    assertThat(y).as(columns.get(c) + " at iteration " + k).isZero();
                else Approx.assertRelative(x, y, Approx.SUMMATION, columns.get(c) + " at iteration " + k);
            }
        }
    }

    /**
     * The 400 eigenvalues of the spectrum settings' run, within the eigenvalue bound of the spectrum's scale, and the
     * complexity of true and random labels within the spectral-function bound.
     */
    static void assertSameSpectrum(Path expected, Path actual) throws Exception {
        List<String> le = Files.readAllLines(expected.resolve("eigenvalues.csv")),
                ce = Files.readAllLines(actual.resolve("eigenvalues.csv"));
        assertThat(ce).hasSameSizeAs(le).hasSize(401);
        double lambdaMax = Double.parseDouble(le.get(le.size() - 1).split(",")[1]);
        for (int i = 1; i < le.size(); i++) {
            double x = Double.parseDouble(le.get(i).split(",")[1]),
                    y = Double.parseDouble(ce.get(i).split(",")[1]);
            Approx.assertAbsolute(
                    x,
                    y,
                    Approx.EIGENVALUE
                            * Math.max(lambdaMax, Double.parseDouble(le.get(1).split(",")[1])),
                    "eigenvalue " + i);
        }
        JsonNode ls = JSON.readTree(expected.resolve("summary.json").toFile()),
                cs = JSON.readTree(actual.resolve("summary.json").toFile());
        for (String scheme : List.of("true", "random")) {
            Approx.assertRelative(
                    ls.at("/labels/" + scheme + "/complexity").asDouble(),
                    cs.at("/labels/" + scheme + "/complexity").asDouble(),
                    Approx.SPECTRAL_FUNCTION,
                    "complexity of " + scheme + " labels");
        }
    }

    static List<String> quadraticSettings() {
        return List.of(
                "--set",
                "data.source=mnist",
                "--set",
                "data.path=" + TestData.mnist(),
                "--set",
                "data.classes=[0,1]",
                "--set",
                "data.n=300",
                "--set",
                "data.partitions=4",
                "--set",
                "train.model=signed-quadratic",
                "--set",
                "train.width=400",
                "--set",
                "train.optimizer=adam",
                "--set",
                "train.adam.batch-size=32",
                "--set",
                "train.adam.lr=0.003",
                "--set",
                "train.iterations=30",
                "--set",
                "train.record-every=1",
                "--set",
                "train.checkpoint-every=10",
                "--set",
                "train.unit-blocks=2",
                "--set",
                "train.progress-seconds=0");
    }

    /** Waits until the run's log shows iteration 5, then kills one executor JVM. */
    static void killAnExecutorAtIteration5(Process run, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(log).matches("(?s).*iter\\s+5/30.*") && System.nanoTime() < deadline && run.isAlive())
            Thread.sleep(50);
        List<ProcessHandle> executors = cluster.executors();
        assertThat(executors)
                .as("executors running at iteration 5; log:\n" + StandaloneCluster.tail(log))
                .hasSize(2);
        assertThat(Files.readString(log)).matches("(?s).*iter\\s+5/30.*").doesNotContain("30/30");
        ProcessHandle victim = executors.get(0);
        victim.destroyForcibly();
        assertThat(victim.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void adamOnAQuadraticNetAndAGridOfSampleBlocksOnTheClusterEqualTheLocalRunsAndSurviveALostExecutor()
            throws Exception {
        Path clusterAdam = tmp.resolve("cluster-adam"), localAdam = tmp.resolve("local-adam");
        finished("adam", submit("adam", "train", quadraticSettings(), clusterAdam));
        local("train", quadraticSettings(), localAdam);
        assertSameMetrics(localAdam, clusterAdam, QUADRATIC_COMPARED);

        Path killed = tmp.resolve("cluster-adam-killed");
        Process again = submit("adam-killed", "train", quadraticSettings(), killed);
        killAnExecutorAtIteration5(again, tmp.resolve("adam-killed.log"));
        finished("adam-killed", again);
        assertThat(JSON.readTree(killed.resolve("manifest.json").toFile())
                        .get("status")
                        .asText())
                .isEqualTo("completed");
        assertSameMetrics(clusterAdam, killed, QUADRATIC_COMPARED);
        Approx.assertRelative(
                JSON.readTree(clusterAdam.resolve("summary.json").toFile())
                        .get("final_loss")
                        .asDouble(),
                JSON.readTree(killed.resolve("summary.json").toFile())
                        .get("final_loss")
                        .asDouble(),
                Approx.SUMMATION,
                "final loss");

        // The relu net on a grid of 4 sample blocks: its shuffles cross the two executors; the local run ships the
        // samples.
        List<String> grid = new ArrayList<>(trainSettings());
        grid.addAll(List.of(
                "--set",
                "train.sample-blocks=4",
                "--set",
                "train.representation=weights",
                "--set",
                "data.block-size=50"));
        List<String> shipped = new ArrayList<>(trainSettings());
        shipped.addAll(List.of("--set", "train.representation=weights"));
        Path clusterGrid = tmp.resolve("cluster-grid"), localShipped = tmp.resolve("local-shipped");
        finished("grid", submit("grid", "train", grid, clusterGrid));
        assertThat(JSON.readTree(clusterGrid.resolve("summary.json").toFile())
                        .get("runs")
                        .get(0)
                        .get("sample_blocks")
                        .asInt())
                .isEqualTo(4);
        local("train", shipped, localShipped);
        assertSameMetrics(localShipped, clusterGrid);
    }

    @Test
    void trainingAndSpectrumOnTheClusterEqualTheLocalRunsAndTrainingSurvivesALostExecutor() throws Exception {
        Path clusterTrain = tmp.resolve("cluster-train"), clusterPipeline = tmp.resolve("cluster-pipeline");
        Process train = submit("train", "train", trainSettings(), clusterTrain);
        finished("train", train);
        // The spectrum job as the stage of a pipeline submitted with jobs/submit (its settings through the pipeline's
        // --set).
        Path pipelineFile = tmp.resolve("cluster-pipeline.conf");
        Files.writeString(pipelineFile, "name = cluster\nstages = [ { name = spectrum, command = spectrum } ]\n");
        List<String> pipelineArgs = new ArrayList<>(List.of(pipelineFile.toString()));
        pipelineArgs.addAll(spectrumSettings());
        Process spectrum = submit("spectrum", "pipeline", pipelineArgs, clusterPipeline);
        finished("spectrum", spectrum);
        JsonNode pipeline =
                JSON.readTree(clusterPipeline.resolve("manifest.json").toFile());
        assertThat(pipeline.get("status").asText()).isEqualTo("completed");
        assertThat(pipeline.at("/stages/0/status").asText()).isEqualTo("completed");
        Path clusterSpectrum = clusterPipeline.resolve("spectrum");
        assertThat(JSON.readTree(clusterSpectrum.resolve("manifest.json").toFile())
                        .at("/spark/master")
                        .asText())
                .isEqualTo(cluster.masterUrl);

        JsonNode manifest = JSON.readTree(clusterTrain.resolve("manifest.json").toFile());
        assertThat(manifest.get("status").asText()).isEqualTo("completed");
        assertThat(manifest.at("/spark/master").asText()).isEqualTo(cluster.masterUrl);
        assertThat(manifest.at("/blas/executors/summaries").toString()).contains("OpenBLAS");

        Path localTrain = tmp.resolve("local-train"), localSpectrum = tmp.resolve("local-spectrum");
        local("train", trainSettings(), localTrain);
        local("spectrum", spectrumSettings(), localSpectrum);
        assertSameMetrics(localTrain, clusterTrain);
        assertSameSpectrum(localSpectrum, clusterSpectrum);

        // Kill one executor JVM while the third run trains; the run must finish with the same numbers.
        Path killed = tmp.resolve("cluster-train-killed");
        Process again = submit("train-killed", "train", trainSettings(), killed);
        Path log = tmp.resolve("train-killed.log");
        killAnExecutorAtIteration5(again, log);
        finished("train-killed", again);
        assertThat(JSON.readTree(killed.resolve("manifest.json").toFile())
                        .get("status")
                        .asText())
                .isEqualTo("completed");
        assertSameMetrics(clusterTrain, killed);
        assertThat(Files.readString(log)).as("the driver saw the executor go").contains("Lost executor");
    }
}
