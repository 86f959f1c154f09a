package org.overparam.experiment.quadratic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.experiment.train.TrainJobTest;

/**
 * Quadratic-net runs interrupted right after a checkpoint and continued by {@code --resume} retrace the uninterrupted
 * run bit for bit (every metric but the timings, and the final whole-set objective), for each optimizer.
 */
public class QuadraticResumeTest {
    @TempDir
    Path tmp;

    static final List<String> ADAM = List.of(
            "data.source=hypercube",
            "data.n=200",
            "data.d=12",
            "data.partitions=2",
            "train.model=signed-quadratic",
            "train.width=[40,60]",
            "train.kappa=0.3",
            "train.optimizer=adam",
            "train.adam.batch-size=32",
            "train.adam.lr=0.01",
            "train.adam.decay=0.3",
            "train.adam.decay-every-epochs=2",
            "train.features.k=20",
            "train.features.scale=1",
            "train.iterations=60",
            "train.record-every=3",
            "train.checkpoint-every=10",
            "train.unit-blocks=2",
            "train.progress-seconds=1000");

    static final List<String> GD = List.of(
            "data.source=sphere",
            "data.n=100",
            "data.d=6",
            "data.partitions=2",
            "train.model=quadratic",
            "train.width=8",
            "train.kappa=0.3",
            "train.weight-decay=0.1",
            "train.eta=0.5",
            "train.iterations=45",
            "train.record-every=2",
            "train.checkpoint-every=10",
            "train.unit-blocks=3",
            "train.progress-seconds=1000");

    /** Du &amp; Lee's net near a saddle: perturbed GD jumps three times and stops after 14 iterations. */
    static final List<String> PERTURBED = List.of(
            "data.source=hypercube",
            "data.n=530",
            "data.d=17",
            "data.seed=4",
            "data.partitions=2",
            "train.model=quadratic",
            "train.width=5",
            "train.kappa=1e-2",
            "train.seed=3",
            "train.optimizer=perturbed-gd",
            "train.perturbed-gd.lipschitz=4",
            "train.perturbed-gd.hessian-lipschitz=1e4",
            "train.perturbed-gd.epsilon=1.5",
            "train.perturbed-gd.c=0.5",
            "train.perturbed-gd.delta=0.1",
            "train.perturbed-gd.initial-gap=1",
            "train.iterations=60",
            "train.checkpoint-every=2",
            "train.unit-blocks=2",
            "train.convex-max-d=0",
            "train.progress-seconds=1000");

    @Test
    void adamOnMiniBatchesResumesBitForBitAndKeepsTheCompletedWidth() throws Exception {
        // Interrupted in the second width: the first is kept from its completed checkpoint.
        Path whole = assertResumesBitForBit(ADAM, 60, 30, "signed-quadratic-60");
        // What the steps moved and where their time went, from Spark's task metrics: a step returns each block's
        // predictions over the batch (32 numbers) and a few sums, a few hundred bytes; nothing is shuffled.
        JsonNode run = QuadraticTrainingTest.summary(whole).get("runs").get(1);
        assertThat(run.get("commands").asInt()).isGreaterThanOrEqualTo(60);
        assertThat(run.get("result_bytes_per_command").asDouble()).isBetween(2 * 8 * 32.0, 20_000.0);
        assertThat(run.get("shuffle_bytes_per_command").asDouble()).isZero();
        assertThat(run.get("share_outside_task_compute").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void gradientDescentResumesBitForBit() throws Exception {
        assertResumesBitForBit(GD, 8, 20, "quadratic-8");
    }

    @Test
    void perturbedGradientDescentResumesBitForBit() throws Exception {
        Path whole = assertResumesBitForBit(PERTURBED, 5, 8, "quadratic-5");
        assertThat(QuadraticTrainingTest.summary(whole).get("perturbations").asInt())
                .as("the run perturbs")
                .isGreaterThan(1);
    }

    @Test
    void aCheckpointOfOtherDataIsRefused() throws Exception {
        Path out = tmp.resolve("other");
        assertThrows(
                TrainJobTest.Interrupted.class,
                () -> TrainJobTest.train(TrainJobTest.config(GD.toArray(new String[0])), out, false, 8, 20));
        List<String> changed = new ArrayList<>(GD);
        changed.set(1, "data.n=120");
        UserError e = assertThrows(
                UserError.class,
                () -> TrainJobTest.train(TrainJobTest.config(changed.toArray(new String[0])), out, true, -1));
        assertThat(e.getMessage()).contains("n = 100").contains("n = 120");
    }

    /** Runs {@code settings} whole and interrupted after the checkpoint of {@code iteration} of {@code width}, then resumed. */
    private Path assertResumesBitForBit(List<String> settings, int width, int iteration, String folder)
            throws Exception {
        Path whole = tmp.resolve("whole"), broken = tmp.resolve("broken");
        String[] sets = settings.toArray(new String[0]);
        TrainJobTest.train(TrainJobTest.config(sets), whole, false, -1);
        assertThrows(
                TrainJobTest.Interrupted.class,
                () -> TrainJobTest.train(TrainJobTest.config(sets), broken, false, width, iteration));
        JsonNode state = TrainJobTest.JSON.readTree(
                broken.resolve("checkpoints/" + folder + "/state.json").toFile());
        assertThat(state.get("resume_point").get("iteration").asInt()).isEqualTo(iteration);
        assertThat(broken.resolve("checkpoints/" + folder + "/iteration-" + iteration))
                .isDirectory();
        assertThat(Files.list(broken.resolve("checkpoints/" + folder))
                        .filter(p -> p.getFileName().toString().startsWith("iteration-")))
                .as("older checkpoints removed")
                .hasSize(1);

        TrainJobTest.train(TrainJobTest.config(sets), broken, true, -1);
        TreeMap<String, double[]> a = metrics(whole), b = metrics(broken);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        assertThat(a.size()).isGreaterThan(10);
        int seconds = QuadraticOutputs.COLUMNS.indexOf("seconds");
        for (String key : a.keySet()) {
            for (int c = 0; c < a.get(key).length; c++) {
                if (c == seconds) continue;
                assertThat(Double.doubleToLongBits(b.get(key)[c]))
                        .as(key + " " + QuadraticOutputs.COLUMNS.get(c))
                        .isEqualTo(Double.doubleToLongBits(a.get(key)[c]));
            }
        }
        JsonNode sa = QuadraticTrainingTest.summary(whole), sb = QuadraticTrainingTest.summary(broken);
        JsonNode ra = sa.has("runs") ? sa.get("runs") : null, rb = sb.has("runs") ? sb.get("runs") : null;
        for (int r = 0; r < (ra == null ? 1 : ra.size()); r++) {
            JsonNode x = ra == null ? sa : ra.get(r), y = rb == null ? sb : rb.get(r);
            for (String k : List.of("final_loss", "final_gradient_norm", "initial_loss", "iterations")) {
                assertThat(y.get(k).asDouble())
                        .as(k + " of run " + r)
                        .isEqualTo(x.get(k).asDouble());
            }
        }
        assertThat(TrainJobTest.JSON
                        .readTree(broken.resolve("manifest.json").toFile())
                        .get("status")
                        .asText())
                .isEqualTo("completed");
        assertThat(Files.list(broken.resolve("checkpoints/" + folder))
                        .filter(p -> p.getFileName().toString().startsWith("iteration-")))
                .as("the blocks' files are removed once the width is complete")
                .isEmpty();
        return whole;
    }

    /** metrics.csv as rows of doubles, keyed by width and iteration. */
    public static TreeMap<String, double[]> metrics(Path out) throws Exception {
        TreeMap<String, double[]> rows = new TreeMap<>();
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(lines.get(0)).isEqualTo(String.join(",", QuadraticOutputs.COLUMNS));
        for (String line : lines.subList(1, lines.size())) {
            double[] v = Arrays.stream(line.split(","))
                    .mapToDouble(Double::parseDouble)
                    .toArray();
            rows.put(String.format("%08d/%08d", (int) v[0], (int) v[1]), v);
        }
        return rows;
    }
}
