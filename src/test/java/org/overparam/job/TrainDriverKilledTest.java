package org.overparam.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.testing.LocalSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training run whose driver JVM is killed (SIGKILL, no shutdown hook runs) mid-width resumes from the checkpoint
 * files the executors wrote and ends with metrics bit-for-bit equal to an uninterrupted run's, in both representations.
 */
class TrainDriverKilledTest {
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    @TempDir
    Path tmp;

    static List<String> settings(String representation) {
        return List.of("--set", "data.source=sphere", "--set", "data.n=300", "--set", "data.d=40", "--set", "train.width=4000",
                "--set", "train.eta=0.3", "--set", "train.iterations=200", "--set", "train.checkpoint-every=5",
                "--set", "train.progress-seconds=0", "--set", "train.unit-blocks=3", "--set", "train.representation=" + representation);
    }

    @Test
    void aKilledDriverResumesFromTheExecutorsCheckpointsBitForBit() throws Exception {
        for (String representation : List.of("weights", "sample-span")) {
            Path whole = tmp.resolve("whole-" + representation), killed = tmp.resolve("killed-" + representation);
            LocalSpark.get();
            List<String> args = new ArrayList<>(List.of("train", "--out", whole.toString()));
            args.addAll(settings(representation));
            assertThat(Main.commandLine().execute(args.toArray(new String[0]))).isZero();

            Process driver = startDriver(killed, settings(representation));
            Path log = tmp.resolve("driver-" + representation + ".log");
            Path state = killed.resolve("checkpoints/m=4000/state.json");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            // Killed once the width has written a checkpoint (iteration 5 or later) and is training on.
            while (!inProgress(state)) {
                assertThat(driver.isAlive()).as("the driver runs; log:\n" + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
                assertThat(System.nanoTime()).as("the driver checkpoints m = 4000 in time").isLessThan(deadline);
                Thread.sleep(10);
            }
            driver.destroyForcibly().waitFor();
            assertThat(inProgress(state)).as("killed before the end").isTrue();
            assertThat(JSON.readTree(killed.resolve("manifest.json").toFile()).get("status").asText()).isEqualTo("running");

            assertThat(Main.commandLine().execute("train", "--resume", killed.toString())).isZero();
            TreeMap<String, double[]> a = TrainJobTest.metrics(whole), b = TrainJobTest.metrics(killed);
            assertThat(b.keySet()).isEqualTo(a.keySet());
            assertThat(a).hasSize(201);
            for (String key : a.keySet()) {
                double[] x = a.get(key), y = b.get(key);
                for (int c = 0; c < x.length; c++) {
                    if (TrainMetrics.COLUMNS.get(c).equals("seconds")) continue;
                    assertThat(Double.doubleToLongBits(y[c])).as(representation + " " + key + " " + TrainMetrics.COLUMNS.get(c))
                            .isEqualTo(Double.doubleToLongBits(x[c]));
                }
            }
        }
    }

    /** Whether the width's checkpoint exists and is not the final one. */
    static boolean inProgress(Path state) {
        try {
            return Files.exists(state) && !JSON.readTree(state.toFile()).get("completed").asBoolean();
        } catch (java.io.IOException e) {
            return false; // being replaced
        }
    }

    /** {@code overparam train} in its own JVM (the test's class path), its output in {@code driver-<representation>.log}. */
    private Process startDriver(Path out, List<String> settings) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String line : Files.readAllLines(Path.of("conf/java-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) cmd.add(line.trim());
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--master", "local[2]",
                "--out", out.toString()));
        cmd.addAll(settings);
        String representation = settings.get(settings.size() - 1).replace("train.representation=", "");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("driver-" + representation + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }
}
