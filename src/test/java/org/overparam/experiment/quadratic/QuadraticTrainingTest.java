package org.overparam.experiment.quadratic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.TrainSpec;
import org.overparam.experiment.train.TrainJobTest;

/** train.model = quadratic | signed-quadratic through the same command and run directory as relu. */
public class QuadraticTrainingTest {
    @TempDir
    Path tmp;

    static JsonNode summary(Path out) throws Exception {
        return TrainJobTest.JSON.readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void duLeeWideNetReachesTheConvexOptimumWithACertificate() throws Exception {
        Path out = tmp.resolve("q");
        TrainJobTest.train(
                TrainJobTest.config(
                        "data.source=sphere",
                        "data.n=100",
                        "data.d=6",
                        "data.partitions=2",
                        "data.block-size=64",
                        "train.model=quadratic",
                        "train.width=8",
                        "train.kappa=0.3",
                        "train.weight-decay=0.1",
                        "train.eta=0.5",
                        "train.iterations=1500",
                        "train.gradient-tolerance=1e-6",
                        "train.record-every=20",
                        "train.checkpoint-every=0",
                        "train.progress-seconds=1000"),
                out,
                false,
                -1);
        JsonNode s = summary(out);
        assertThat(s.get("final_gradient_norm").asDouble()).as(s.toString()).isLessThan(1e-4);
        assertThat(s.get("certificate").get("certificate_holds").asBoolean()).isTrue();
        assertThat(s.get("certificate").get("regime").asText()).isEqualTo("k >= d (Thm 3.1)");
        JsonNode convex = s.get("convex_reference");
        assertThat(convex.get("converged").asBoolean()).isTrue();
        assertThat(Math.abs(convex.get("gap").asDouble()))
                .isLessThan(1e-6 * s.get("final_loss").asDouble());
        assertThat(s.get("certificate").get("rank_w").asInt())
                .isLessThan(6); // weight decay leaves the optimum rank deficient
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(lines.get(0)).isEqualTo(String.join(",", QuadraticOutputs.COLUMNS));
        int last = s.get("iterations").asInt();
        assertThat(lines.get(lines.size() - 1)).startsWith("8," + last + ",");
        assertThat(lines).hasSize(1 + (last / 20 + 1) + (last % 20 == 0 ? 0 : 1)); // header, every 20th, and the last
        for (String f : List.of("loss", "loss-smoothed", "gradient-norm"))
            assertThat(out.resolve("plots/" + f + ".png")).exists();
        assertThat(Files.readString(out.resolve("report.html"))).contains("Du &amp; Lee");
    }

    @Test
    void signedNetMemorizesHypercubeDataAndReportsGeCondition() throws Exception {
        Path out = tmp.resolve("s");
        TrainJobTest.train(
                TrainJobTest.config(
                        "data.source=hypercube",
                        "data.n=30",
                        "data.d=10",
                        "data.partitions=2",
                        "train.model=signed-quadratic",
                        "train.width=[22,40]",
                        "train.kappa=0.5",
                        "train.optimizer=adam",
                        "train.adam.lr=0.03",
                        "train.iterations=400",
                        "train.test-n=50",
                        "train.checkpoint-every=0",
                        "train.progress-seconds=1000"),
                out,
                false,
                -1);
        JsonNode s = summary(out);
        for (JsonNode r : s.get("runs")) {
            assertThat(r.get("final_loss").asDouble())
                    .as("memorized, r = " + r.get("r"))
                    .isLessThan(1e-3 * r.get("initial_loss").asDouble());
            JsonNode c = r.get("ge_condition");
            assertThat(c.get("r_threshold_2d_plus_2").asInt()).isEqualTo(22);
            assertThat(c.get("n_limit_d_d_plus_1_over_2").asInt()).isEqualTo(55);
            assertThat(c.get("full_rank_possible").asBoolean()).isTrue();
            assertThat(c.get("sigma_min_x2").asDouble()).isPositive();
            assertThat(r.get("test_mse").asDouble()).isPositive();
            assertThat(r.has("certificate")).isFalse();
        }
    }

    @Test
    void miniBatchAdamOnRandomFeaturesTrainsAndReportsTheWholeSetsLoss() throws Exception {
        Path out = tmp.resolve("f");
        TrainJobTest.train(
                TrainJobTest.config(
                        "data.source=hypercube",
                        "data.n=200",
                        "data.d=12",
                        "data.partitions=3",
                        "train.model=signed-quadratic",
                        "train.width=60",
                        "train.kappa=0.3",
                        "train.optimizer=adam",
                        "train.adam.batch-size=32",
                        "train.adam.lr=0.01",
                        "train.adam.decay=0.3",
                        "train.adam.decay-every-epochs=10",
                        "train.features.k=20",
                        "train.features.scale=1",
                        "train.iterations=140",
                        "train.record-every=5",
                        "train.checkpoint-every=0",
                        "train.progress-seconds=1000"),
                out,
                false,
                -1);
        JsonNode s = summary(out);
        assertThat(s.get("d").asInt()).isEqualTo(20);
        assertThat(s.get("final_loss").asDouble())
                .isLessThan(0.5 * s.get("initial_loss").asDouble());
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        // 7 batches per epoch: the rate after 10 epochs (iteration 70) is 0.3 x the initial one
        String at70 =
                lines.stream().filter(l -> l.startsWith("60,70,")).findFirst().orElseThrow();
        org.overparam.testing.Approx.assertRelative(
                0.003, Double.parseDouble(at70.split(",")[5]), 1e-12, "learning rate at iteration 70");
    }

    @Test
    void samplesKeptInTheirBlocksGiveTheRunOfShippedSamples() throws Exception {
        String[] adam = {
            "data.source=hypercube",
            "data.n=200",
            "data.d=12",
            "data.partitions=3",
            "train.model=signed-quadratic",
            "train.width=40",
            "train.kappa=0.3",
            "train.optimizer=adam",
            "train.adam.batch-size=32",
            "train.adam.lr=0.01",
            "train.features.k=20",
            "train.features.scale=1",
            "train.iterations=60",
            "train.test-n=40",
            "train.checkpoint-every=25",
            "train.progress-seconds=1000"
        };
        Path shipped = tmp.resolve("shipped"), kept = tmp.resolve("kept");
        TrainJobTest.train(TrainJobTest.config(adam), shipped, false, -1);
        TrainJobTest.train(TrainJobTest.config(with(adam, "train.sample-blocks=2")), kept, false, -1);
        JsonNode a = summary(shipped), b = summary(kept);
        assertThat(a.get("path").asText()).isEqualTo("units");
        assertThat(a.has("sample_blocks")).isFalse();
        assertThat(b.get("path").asText()).isEqualTo("form");
        assertThat(b.get("sample_blocks").asInt()).isEqualTo(2);
        for (String f : List.of("initial_loss", "final_loss", "final_gradient_norm", "test_mse")) {
            org.overparam.testing.Approx.assertRelative(
                    a.get(f).asDouble(), b.get(f).asDouble(), 1e-10, f + ", samples kept in their blocks");
        }
        assertThat(b.get("final_loss").asDouble())
                .isLessThan(0.5 * b.get("initial_loss").asDouble());
    }

    private static String[] with(String[] settings, String extra) {
        String[] out = java.util.Arrays.copyOf(settings, settings.length + 1);
        out[settings.length] = extra;
        return out;
    }

    @Test
    void settingsThatDoNotFitTheModelAreRefused() {
        UserError a = assertThrows(
                UserError.class,
                () -> TrainSpec.from(TrainJobTest.config("train.optimizer=adam").config()));
        assertThat(a.getMessage()).contains("relu model trains with gd only");
        UserError b = assertThrows(
                UserError.class,
                () -> TrainSpec.from(TrainJobTest.config("train.model=cubic").config()));
        assertThat(b.getMessage())
                .contains("relu")
                .contains("quadratic")
                .contains("signed-quadratic")
                .contains("'cubic'");
        UserError c = assertThrows(
                UserError.class,
                () -> TrainJobTest.train(
                        TrainJobTest.config("data.n=20", "data.d=5", "train.model=signed-quadratic", "train.width=7"),
                        tmp.resolve("odd"),
                        false,
                        -1));
        assertThat(c.getMessage()).contains("even").contains("7");
        UserError d = assertThrows(
                UserError.class,
                () -> QuadraticSpec.from(
                        TrainJobTest.config("train.optimizer=newton").config()));
        assertThat(d.getMessage()).contains("gd | perturbed-gd | adam").contains("newton");
    }
}
