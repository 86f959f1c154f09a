package org.overparam.experiment.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.JobConfig;
import org.overparam.experiment.Jobs;
import org.overparam.optim.DivergenceException;
import org.overparam.run.IterationListener;
import org.overparam.run.Job;
import org.overparam.run.JobRunner;
import org.overparam.run.JobSummary;
import org.overparam.run.RunLog;
import org.overparam.testing.LocalSpark;

public class TrainJobTest {
    public static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    public static JobConfig config(String... sets) {
        return JobConfig.load(null, Arrays.asList(sets));
    }

    public static JobSummary train(JobConfig c, Path out, boolean resume, int interruptAfter) throws Exception {
        return train(c, out, resume, -1, interruptAfter);
    }

    /** Ends a run as a kill would, right after an iteration (and its checkpoint, if any). */
    public static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted(int width, int k) {
            super("run stopped after iteration " + k + " of width " + width + " by the test");
        }
    }

    /** Trains with {@code c}; with {@code interruptAfter >= 0}, stops after that iteration of width {@code interruptWidth} (any width if -1). */
    public static JobSummary train(JobConfig c, Path out, boolean resume, int interruptWidth, int interruptAfter)
            throws Exception {
        LocalSpark.get();
        IterationListener stop = (width, k) -> {
            if (k == interruptAfter && (interruptWidth < 0 || width == interruptWidth)) throw new Interrupted(width, k);
        };
        Job job = Jobs.train(c.config(), resume, stop);
        return JobRunner.run(
                JobRunner.Launch.of("train", out.toString()).resuming(resume),
                c,
                new RunLog(new PrintStream(new ByteArrayOutputStream())),
                job);
    }

    /** metrics.csv as rows of doubles, keyed by (m, iteration). */
    static TreeMap<String, double[]> metrics(Path out) throws Exception {
        TreeMap<String, double[]> rows = new TreeMap<>();
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(lines.get(0)).isEqualTo(String.join(",", TrainMetrics.COLUMNS));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            double[] v = new double[f.length];
            for (int i = 0; i < f.length; i++) v[i] = f[i].isEmpty() ? Double.NaN : Double.parseDouble(f[i]);
            rows.put(String.format("%06d/%06d", (int) v[0], (int) v[1]), v);
        }
        return rows;
    }

    static final String[] SMALL = {
        "data.source=sphere",
        "data.n=120",
        "data.d=15",
        "data.partitions=3",
        "data.block-size=50",
        "train.eta=0.3",
        "train.iterations=12",
        "train.checkpoint-every=5",
        "train.width=[40,90]"
    };

    @Test
    void anInterruptedRunResumedRetracesTheUninterruptedOne() throws Exception {
        Path whole = tmp.resolve("whole"), broken = tmp.resolve("broken");
        train(config(SMALL), whole, false, -1);

        assertThrows(TrainJobTest.Interrupted.class, () -> train(config(SMALL), broken, false, 90, 7));
        JsonNode failed = JSON.readTree(broken.resolve("manifest.json").toFile());
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        JsonNode state =
                JSON.readTree(broken.resolve("checkpoints/m=40/state.json").toFile());
        assertThat(state.get("iteration").asInt()).isEqualTo(12);
        assertThat(state.get("completed").asBoolean()).isTrue();
        assertThat(JSON.readTree(broken.resolve("checkpoints/m=90/state.json").toFile())
                        .get("iteration")
                        .asInt())
                .isEqualTo(5);

        // Resume through the command line, as a user would.
        org.overparam.cli.Main.commandLine().execute("train", "--resume", broken.toString());
        JsonNode resumed = JSON.readTree(broken.resolve("manifest.json").toFile());
        assertThat(resumed.get("status").asText()).isEqualTo("completed");
        assertThat(resumed.get("resumed_from").get(0).get("status").asText()).isEqualTo("failed");

        TreeMap<String, double[]> a = metrics(whole), b = metrics(broken);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        assertThat(a).hasSize(2 * 13);
        for (String key : a.keySet()) {
            double[] x = a.get(key), y = b.get(key);
            for (int c = 0; c < x.length; c++) {
                if (TrainMetrics.COLUMNS.get(c).equals("seconds")) continue;
                assertThat(Double.doubleToLongBits(y[c]))
                        .as(key + " " + TrainMetrics.COLUMNS.get(c) + ": " + x[c] + " vs " + y[c])
                        .isEqualTo(Double.doubleToLongBits(x[c]));
            }
        }
    }

    @Test
    void aTooLargeStepEndsWithAClearErrorAndKeepsTheMetrics() throws Exception {
        Path out = tmp.resolve("diverged");
        JobConfig c = config(
                "data.source=sphere",
                "data.n=100",
                "data.d=10",
                "train.width=50",
                "train.eta=40",
                "train.iterations=50",
                "train.gram-every=10");
        DivergenceException e = assertThrows(DivergenceException.class, () -> train(c, out, false, -1));
        assertThat(e.getMessage())
                .contains("eta = 40")
                .contains("2 / lambda_max")
                .contains("diverged at iteration " + e.iteration);
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("status").asText()).isEqualTo("failed");
        assertThat(manifest.get("error").asText()).contains("eta = 40");
        TreeMap<String, double[]> rows = metrics(out);
        assertThat(rows).hasSize(e.iteration);
        assertThat(Files.isDirectory(out.resolve("metrics"))).isTrue();
    }

    @Test
    void duEtAlTrends_widerNetworksMoveLessAndChangeFewerPatterns() throws Exception {
        Path out = tmp.resolve("trend");
        int[] widths = {100, 400, 1600};
        TrainSummary summary = (TrainSummary) train(
                config(
                        "data.source=sphere",
                        "data.n=200",
                        "data.d=200",
                        "train.width=[100,400,1600]",
                        "train.eta=0.5",
                        "train.iterations=60",
                        "train.checkpoint-every=0",
                        "train.gram-every=30"),
                out,
                false,
                -1);
        List<TrainSummary.WidthRun> runs = summary.runs();
        assertThat(runs).hasSize(3);
        List<Double> dist = new ArrayList<>(), patterns = new ArrayList<>();
        for (TrainSummary.WidthRun r : runs) {
            assertThat(r.finalLoss()).as("loss falls for m = " + r.m()).isLessThan(0.5 * r.initialLoss());
            dist.add(r.maxWeightDistance());
            patterns.add(r.patternChangeFraction());
        }
        for (int i = 1; i < widths.length; i++) {
            assertThat(dist.get(i)).isLessThan(dist.get(i - 1));
            assertThat(patterns.get(i)).isLessThan(patterns.get(i - 1));
            // Both shrink roughly like 1 / sqrt(m): the log-log slope over a factor 4 in m is near -1/2.
            double slopeDist = Math.log(dist.get(i) / dist.get(i - 1)) / Math.log(4);
            double slopePatterns = Math.log(patterns.get(i) / patterns.get(i - 1)) / Math.log(4);
            assertThat(slopeDist).as("max distance slope").isBetween(-0.8, -0.25);
            assertThat(slopePatterns).as("pattern change slope").isBetween(-0.8, -0.25);
        }
        // H(k) tracked: lambda_min(H(0)) > 0 and the relative change of H stays below 1.
        TreeMap<String, double[]> rows = metrics(out);
        double[] last = rows.get(String.format("%06d/%06d", 1600, 60));
        assertThat(last[TrainMetrics.COLUMNS.indexOf("lambda_min_h")]).isPositive();
        assertThat(last[TrainMetrics.COLUMNS.indexOf("h_relative_change")]).isBetween(0.0, 0.5);
        for (String f : List.of("loss", "pattern-changes", "max-distance", "lambda-min")) {
            assertThat(out.resolve("plots/" + f + ".png")).exists();
            assertThat(out.resolve("plots/" + f + ".svg")).exists();
        }
        assertThat(Files.readString(out.resolve("report.html")))
                .contains("m = 1600")
                .contains("plots/loss.png");
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        for (String key : List.of("model", "widths", "runs", "blas", "precision"))
            assertThat(s.has(key)).as(key).isTrue();
        for (String key : List.of(
                "model",
                "n",
                "d",
                "m",
                "eta",
                "kappa",
                "iterations",
                "final_loss",
                "initial_loss",
                "seconds_per_iteration",
                "max_weight_distance",
                "pattern_change_fraction")) {
            assertThat(s.get("runs").get(0).has(key)).as(key).isTrue();
        }
    }

    @Test
    void float32GemmsFollowTheFloat64Trajectory() throws Exception {
        String[] base = {
            "data.source=sphere",
            "data.n=150",
            "data.d=40",
            "train.width=200",
            "train.eta=0.5",
            "train.iterations=10",
            "train.checkpoint-every=0"
        };
        Path f64 = tmp.resolve("f64"), f32 = tmp.resolve("f32");
        train(config(base), f64, false, -1);
        String[] single = Arrays.copyOf(base, base.length + 1);
        single[base.length] = "train.precision=float32";
        train(config(single), f32, false, -1);
        TreeMap<String, double[]> a = metrics(f64), b = metrics(f32);
        int loss = TrainMetrics.COLUMNS.indexOf("loss");
        for (String key : a.keySet()) {
            org.overparam.testing.Approx.assertRelative(
                    a.get(key)[loss], b.get(key)[loss], 1e-4, "float32 loss at " + key);
        }
        assertThat(JSON.readTree(f32.resolve("summary.json").toFile())
                        .get("precision")
                        .asText())
                .isEqualTo("float32");
    }

    @Test
    void aGramMatrixTooLargeForTheDriverIsRefusedUpFront() {
        org.overparam.UserError e = assertThrows(
                org.overparam.UserError.class,
                () -> org.overparam.spark.DistributedGram.requireDriverMemory(2_000_000, 3, "train.gram-every > 0"));
        assertThat(e.getMessage())
                .contains("2,000,000 x 2,000,000")
                .contains("GB")
                .contains("driver");
    }
}
