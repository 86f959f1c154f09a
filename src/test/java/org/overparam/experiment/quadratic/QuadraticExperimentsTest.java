package org.overparam.experiment.quadratic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.config.JobConfig;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.experiment.train.TrainJobTest;
import org.overparam.run.Job;
import org.overparam.run.JobRunner;
import org.overparam.run.RunLog;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;

/** The landscape and generalization commands on small problems. */
class QuadraticExperimentsTest {
    @TempDir
    Path tmp;

    static JsonNode run(String command, Job job, JobConfig c, Path out) throws Exception {
        LocalSpark.get();
        JobRunner.run(
                JobRunner.Launch.of(command, out.toString()),
                c,
                new RunLog(new PrintStream(new ByteArrayOutputStream())),
                job);
        return TrainJobTest.JSON.readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void landscape_everyRunReachesTheOptimumAtKEqualsDAndNoneBelowTheOptimumsRank() throws Exception {
        JobConfig c = TrainJobTest.config(
                "data.source=sphere",
                "data.n=30",
                "data.d=5",
                "data.seed=3",
                "train.model=quadratic",
                "train.weight-decay=0.01",
                "train.kappa=0.3",
                "landscape.widths=[1,5]",
                "landscape.seeds=4",
                "landscape.eta=0.2",
                "landscape.iterations=20000",
                "landscape.gradient-tolerance=1e-9",
                "landscape.tolerance=1e-6");
        var cfg = c.config();
        Path out = tmp.resolve("landscape");
        JsonNode s = run(
                "landscape",
                new LandscapeJob(DataSpec.from(cfg), TrainSpec.from(cfg), QuadraticSpec.from(cfg), cfg),
                c,
                out);
        assertEquals(5, s.get("threshold_k_ge_d").asInt());
        assertEquals(8, s.get("threshold_k_k_plus_1_over_2_gt_n").asInt()); // 8 * 9 / 2 = 36 > 30 >= 7 * 8 / 2
        assertThat(s.get("convex_converged").asBoolean()).isTrue();
        int rank = s.get("convex_rank").asInt();
        assertThat(rank).as("this data set's optimum needs more than one unit").isGreaterThan(1);
        JsonNode perK = s.get("per_width");
        assertEquals(1, perK.get(0).get("k").asInt());
        assertEquals(
                0.0,
                perK.get(0).get("fraction_reached").asDouble(),
                0.0,
                "a rank-1 W cannot reach a rank-" + rank + " optimum");
        assertEquals(5, perK.get(1).get("k").asInt());
        assertEquals(
                1.0,
                perK.get(1).get("fraction_reached").asDouble(),
                0.0,
                "k >= d: every local minimum is global (Thm 3.1)");
        List<String> csv = Files.readAllLines(out.resolve("landscape.csv"));
        assertThat(csv).hasSize(1 + 2 * 4);
        assertThat(out.resolve("plots/landscape.png")).exists();
    }

    @Test
    void logLogSlopeOfAnExactPowerLawIsItsExponent() {
        double[] n = {100, 200, 400, 800}, y = new double[4];
        for (int i = 0; i < 4; i++) y[i] = 3.0 * Math.pow(n[i], -0.5);
        Approx.assertRelative(-0.5, GeneralizationJob.logLogSlope(n, y), Approx.BLAS, "slope");
        y[2] = -1; // a non-positive gap is left out, not a NaN
        Approx.assertRelative(-0.5, GeneralizationJob.logLogSlope(n, y), Approx.BLAS, "slope without the third point");
    }

    @Test
    void generalization_trainsEachSizeAndMeasuresTheGap() throws Exception {
        JobConfig c = TrainJobTest.config(
                "data.source=gaussian",
                "data.d=4",
                "data.normalize=false",
                "data.partitions=2",
                "train.model=quadratic",
                "train.width=4",
                "train.weight-decay=0.01",
                "train.kappa=0.1",
                "train.optimizer=adam",
                "train.adam.lr=0.02",
                "train.iterations=150",
                "generalization.n=[40,160]",
                "generalization.test-n=400");
        var cfg = c.config();
        Path out = tmp.resolve("gen");
        JsonNode s = run(
                "generalization",
                new GeneralizationJob(
                        DataSpec.from(cfg),
                        TrainSpec.from(cfg),
                        QuadraticSpec.from(cfg),
                        cfg.getIntList("generalization.n"),
                        400),
                c,
                out);
        JsonNode pts = s.get("points");
        assertEquals(2, pts.size());
        for (JsonNode p : pts) {
            Approx.assertRelative(
                    p.get("test_loss").asDouble() - p.get("train_loss").asDouble(),
                    p.get("gap").asDouble(),
                    Approx.BLAS,
                    "gap");
            assertThat(p.get("train_loss").asDouble()).isPositive();
        }
        assertThat(s.get("theory_slope").asDouble()).isEqualTo(-0.5);
        assertThat(out.resolve("plots/generalization-gap.png")).exists();
        UserError e = assertThrows(
                UserError.class,
                () -> new GeneralizationJob(
                        DataSpec.from(cfg), TrainSpec.from(cfg), QuadraticSpec.from(cfg), List.of(100), 10));
        assertThat(e.getMessage()).contains("at least two sizes");
    }
}
