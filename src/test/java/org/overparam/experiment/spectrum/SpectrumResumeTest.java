package org.overparam.experiment.spectrum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.testing.TestData;

/**
 * {@code spectrum --resume} on the large-n path: a driver JVM killed (SIGKILL) mid-LOBPCG, resumed in another JVM that
 * is killed mid-Lanczos (its CG solves sharing the passes), and resumed again, ends with the same numbers, bit for
 * bit, as an uninterrupted run: the summary (but its times and pass counts) and every table.
 */
class SpectrumResumeTest {
    @TempDir
    Path tmp;

    /**
     * MNIST 0/1, n = 400; LOBPCG's tolerances out of reach so that it runs all 60 iterations, and a checkpoint after
     * every iteration and step.
     */
    static final String[] SETTINGS = {
        "data.source=mnist",
        "data.path=" + TestData.mnist().toUri(),
        "data.classes=[0,1]",
        "data.n=400",
        "data.partitions=2",
        "spectrum.method=lanczos",
        "spectrum.tiles=float64",
        "spectrum.labels=[true,random,worst]",
        "spectrum.max-k=100000",
        "spectrum.lanczos.steps=80",
        "spectrum.lanczos.max-iterations=60",
        "spectrum.lanczos.min-tolerance=1e-15",
        "spectrum.lanczos.min-value-tolerance=1e-30",
        "spectrum.checkpoint-minutes=1e-6"
    };

    /** Fields that measure time or count this run's own passes, which a resumed run cannot repeat. */
    static final Set<String> TIMINGS = Set.of(
            "seconds", "passes_per_stage", "pass_seconds", "passes", "gflops_per_second", "peak_heap_bytes", "blas");

    static List<String> args(String command, String out) {
        List<String> a = new ArrayList<>(List.of(command, "--out", out));
        for (String s : SETTINGS) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    @Test
    void aDriverKilledMidLobpcgAndThenMidLanczosResumesToTheBitsOfAnUninterruptedRun() throws Exception {
        Path whole = tmp.resolve("whole"), broken = tmp.resolve("broken");
        assertThat(SpectrumJobTest.run(args("spectrum", whole.toString()).toArray(new String[0])))
                .isZero();
        assertThat(whole.resolve(SpectrumCheckpoints.FOLDER))
                .as("removed at the end")
                .doesNotExist();
        assertThat(whole.resolve("checkpoints")).doesNotExist();

        killAfter(args("spectrum", broken.toString()), "lobpcg: checkpoint written", 5);
        Path folder = broken.resolve(SpectrumCheckpoints.FOLDER);
        assertThat(folder.resolve("top_eigenpairs.state")).exists();
        assertThat(folder.resolve("preconditioner.state")).exists();
        assertThat(folder.resolve("lobpcg.solver")).exists();
        assertThat(folder.resolve("lambda_min.state")).doesNotExist();
        assertThat(readJson(broken.resolve("manifest.json")).get("status").asText())
                .as("a killed JVM leaves its manifest running")
                .isEqualTo("running");

        String log =
                killAfter(List.of("spectrum", "--resume", broken.toString()), "lanczos_and_cg: checkpoint written", 10);
        assertThat(log)
                .contains("top_eigenpairs: completed by the run resumed")
                .contains("lobpcg: continuing from the checkpoint");
        assertThat(folder.resolve("lambda_min.state")).exists();
        assertThat(folder.resolve("lobpcg.solver"))
                .as("removed with its stage complete")
                .doesNotExist();
        assertThat(folder.resolve("lanczos_and_cg.solver")).exists();
        assertThat(folder.resolve("lanczos_and_cg.state")).doesNotExist();

        assertThat(Main.commandLine().execute("spectrum", "--resume", broken.toString()))
                .isZero();
        assertThat(Files.readString(broken.resolve("run.log")))
                .contains("lanczos_and_cg: continuing from the checkpoint")
                .contains("lambda_min: completed by the run resumed");
        assertThat(readJson(broken.resolve("manifest.json")).get("status").asText())
                .isEqualTo("completed");
        assertThat(broken.resolve(SpectrumCheckpoints.FOLDER)).doesNotExist();

        JsonNode a = withoutTimings(readJson(whole.resolve("summary.json")));
        JsonNode b = withoutTimings(readJson(broken.resolve("summary.json")));
        assertThat(differences(a, b, ""))
                .as("fields of summary.json that differ")
                .isEmpty();
        assertThat(a.get("iterations").get("lobpcg_iterations").asInt()).isEqualTo(60);
        for (String table : List.of(
                "top_eigenvalues.csv",
                "spectral_density.csv",
                "density_nodes.csv",
                "label_measure.csv",
                "predicted_loss.csv")) {
            assertThat(Files.readString(broken.resolve(table)))
                    .as(table)
                    .isEqualTo(Files.readString(whole.resolve(table)));
        }
    }

    @Test
    void aCompletedRunOrOneOfAnotherCommandIsNotResumed() throws Exception {
        Path done = tmp.resolve("done");
        List<String> small = new ArrayList<>(args("spectrum", done.toString()));
        small.addAll(List.of("--set", "data.n=120", "--set", "spectrum.lanczos.steps=10"));
        assertThat(SpectrumJobTest.run(small.toArray(new String[0]))).isZero();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        assertThat(cl.execute("spectrum", "--resume", done.toString())).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(err.toString()).contains("already completed");
        err.getBuffer().setLength(0);
        assertThat(cl.execute("train", "--resume", done.toString())).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(err.toString()).contains("holds a 'spectrum' run, not a train run");
    }

    /**
     * Runs the command line in a JVM of its own and kills it (SIGKILL) once its output has shown {@code marker}
     * {@code times} times; returns that output.
     */
    private String killAfter(List<String> commandLine, String marker, int times) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String line : Files.readAllLines(Path.of("conf/java-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) cmd.add(line.trim());
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(commandLine);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        int count = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains(marker) && ++count == times) break;
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(count)
                .as("'" + marker + "' before the run ended; its output:\n" + seen)
                .isEqualTo(times);
        return seen.toString();
    }

    /** The paths of the fields where {@code a} and {@code b} differ, with both values. */
    static List<String> differences(JsonNode a, JsonNode b, String path) {
        List<String> out = new ArrayList<>();
        if (a.isObject() && b.isObject()) {
            Set<String> names = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                JsonNode x = a.get(f), y = b.get(f);
                if (x == null || y == null) out.add(path + "." + f + ": " + x + " vs " + y);
                else out.addAll(differences(x, y, path + "." + f));
            }
        } else if (!a.equals(b)) {
            out.add(path + ": " + a + " vs " + b);
        }
        return out;
    }

    static JsonNode withoutTimings(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(TIMINGS);
            o.forEach(SpectrumResumeTest::strip);
        } else if (node.isArray()) {
            node.forEach(SpectrumResumeTest::strip);
        }
    }

    static JsonNode readJson(Path p) throws Exception {
        return LanczosSpectrumJobTest.JSON.readTree(p.toFile());
    }
}
