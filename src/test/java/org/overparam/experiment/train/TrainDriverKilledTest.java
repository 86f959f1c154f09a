package org.overparam.experiment.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.experiment.quadratic.QuadraticOutputs;
import org.overparam.experiment.quadratic.QuadraticResumeTest;
import org.overparam.testing.LocalSpark;

/**
 * A training run whose driver JVM is killed (SIGKILL, no shutdown hook runs) mid-width resumes from the checkpoint
 * files the executors wrote and ends with metrics bit-for-bit equal to an uninterrupted run's: relu in both
 * representations, and Adam on mini-batches of Ge et al.'s signed quadratic net.
 */
class TrainDriverKilledTest {
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    Path tmp;

    static List<String> settings(String representation) {
        return List.of(
                "--set",
                "data.source=sphere",
                "--set",
                "data.n=300",
                "--set",
                "data.d=40",
                "--set",
                "train.width=4000",
                "--set",
                "train.eta=0.3",
                "--set",
                "train.iterations=200",
                "--set",
                "train.checkpoint-every=5",
                "--set",
                "train.progress-seconds=0",
                "--set",
                "train.unit-blocks=3",
                "--set",
                "train.representation=" + representation);
    }

    @Test
    void aKilledDriverResumesFromTheExecutorsCheckpointsBitForBit() throws Exception {
        for (String representation : List.of("weights", "sample-span")) {
            Path whole = tmp.resolve("whole-" + representation), killed = tmp.resolve("killed-" + representation);
            LocalSpark.get();
            List<String> args = new ArrayList<>(List.of("train", "--out", whole.toString()));
            args.addAll(settings(representation));
            assertThat(Main.commandLine().execute(args.toArray(new String[0]))).isZero();

            Process driver = startDriver(killed, settings(representation), representation);
            Path log = tmp.resolve("driver-" + representation + ".log");
            Path state = killed.resolve("checkpoints/m=4000/state.json");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            // Killed once the width has written a checkpoint (iteration 5 or later) and is training on.
            while (!inProgress(state)) {
                assertThat(driver.isAlive())
                        .as("the driver runs; log:\n" + (Files.exists(log) ? Files.readString(log) : ""))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("the driver checkpoints m = 4000 in time")
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
            driver.destroyForcibly().waitFor();
            assertThat(inProgress(state)).as("killed before the end").isTrue();
            assertThat(JSON.readTree(killed.resolve("manifest.json").toFile())
                            .get("status")
                            .asText())
                    .isEqualTo("running");

            assertThat(Main.commandLine().execute("train", "--resume", killed.toString()))
                    .isZero();
            TreeMap<String, double[]> a = TrainJobTest.metrics(whole), b = TrainJobTest.metrics(killed);
            assertThat(b.keySet()).isEqualTo(a.keySet());
            assertThat(a).hasSize(201);
            for (String key : a.keySet()) {
                double[] x = a.get(key), y = b.get(key);
                for (int c = 0; c < x.length; c++) {
                    if (TrainMetrics.COLUMNS.get(c).equals("seconds")) continue;
                    assertThat(Double.doubleToLongBits(y[c]))
                            .as(representation + " " + key + " " + TrainMetrics.COLUMNS.get(c))
                            .isEqualTo(Double.doubleToLongBits(x[c]));
                }
            }
        }
    }

    @Test
    void aKilledDriverResumesAdamOnMiniBatchesOfAQuadraticNetBitForBit() throws Exception {
        List<String> settings = List.of(
                "--set",
                "data.source=sphere",
                "--set",
                "data.n=2000",
                "--set",
                "data.d=40",
                "--set",
                "train.model=signed-quadratic",
                "--set",
                "train.width=2000",
                "--set",
                "train.optimizer=adam",
                "--set",
                "train.adam.batch-size=64",
                "--set",
                "train.adam.lr=0.003",
                "--set",
                "train.iterations=400",
                "--set",
                "train.record-every=1",
                "--set",
                "train.checkpoint-every=20",
                "--set",
                "train.unit-blocks=2",
                "--set",
                "train.progress-seconds=0");
        // All three runs in driver JVMs of the same settings (master, BLAS threads): the kill is the only difference.
        Path whole = tmp.resolve("whole-adam"), killed = tmp.resolve("killed-adam");
        List<String> wholeArgs = new ArrayList<>(List.of("train", "--master", "local[2]", "--out", whole.toString()));
        wholeArgs.addAll(settings);
        assertThat(driver(wholeArgs, "adam-whole").waitFor())
                .as(Files.readString(tmp.resolve("driver-adam-whole.log")))
                .isZero();

        Process driver = startDriver(killed, settings, "adam");
        Path log = tmp.resolve("driver-adam.log");
        Path state = killed.resolve("checkpoints/signed-quadratic-2000/state.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!quadraticInProgress(state)) {
            assertThat(driver.isAlive())
                    .as("the driver runs; log:\n" + (Files.exists(log) ? Files.readString(log) : ""))
                    .isTrue();
            assertThat(System.nanoTime()).as("the driver checkpoints in time").isLessThan(deadline);
            Thread.sleep(10);
        }
        driver.destroyForcibly().waitFor();
        assertThat(quadraticInProgress(state)).as("killed before the end").isTrue();

        assertThat(driver(List.of("train", "--master", "local[2]", "--resume", killed.toString()), "adam-resumed")
                        .waitFor())
                .as(Files.readString(tmp.resolve("driver-adam-resumed.log")))
                .isZero();
        TreeMap<String, double[]> a = QuadraticResumeTest.metrics(whole), b = QuadraticResumeTest.metrics(killed);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        assertThat(a).hasSize(401);
        int seconds = QuadraticOutputs.COLUMNS.indexOf("seconds");
        for (String key : a.keySet()) {
            for (int c = 0; c < a.get(key).length; c++) {
                if (c == seconds) continue;
                assertThat(Double.doubleToLongBits(b.get(key)[c]))
                        .as(key + " " + QuadraticOutputs.COLUMNS.get(c))
                        .isEqualTo(Double.doubleToLongBits(a.get(key)[c]));
            }
        }
        assertThat(JSON.readTree(killed.resolve("summary.json").toFile())
                        .get("final_loss")
                        .asDouble())
                .isEqualTo(JSON.readTree(whole.resolve("summary.json").toFile())
                        .get("final_loss")
                        .asDouble());
    }

    /** Whether a quadratic width's checkpoint exists with a point to resume from (not yet its summary). */
    static boolean quadraticInProgress(Path state) {
        try {
            return Files.exists(state)
                    && JSON.readTree(state.toFile()).get("summary").isNull();
        } catch (java.io.IOException | NullPointerException e) {
            return false; // being replaced
        }
    }

    /** Whether the width's checkpoint exists and is not the final one. */
    static boolean inProgress(Path state) {
        try {
            return Files.exists(state)
                    && !JSON.readTree(state.toFile()).get("completed").asBoolean();
        } catch (java.io.IOException e) {
            return false; // being replaced
        }
    }

    /** {@code overparam train} in its own JVM (the test's class path), its output in {@code driver-<label>.log}. */
    private Process startDriver(Path out, List<String> settings, String label) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--master", "local[2]", "--out", out.toString()));
        args.addAll(settings);
        return driver(args, label);
    }

    /** {@code overparam <args>} in its own JVM (the test's class path), its output in {@code driver-<label>.log}. */
    private Process driver(List<String> args, String label) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String line : Files.readAllLines(Path.of("conf/java-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) cmd.add(line.trim());
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("driver-" + label + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
