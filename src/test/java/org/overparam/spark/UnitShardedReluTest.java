package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.UserError;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.EmpiricalNtk;
import org.overparam.model.Precision;
import org.overparam.model.ReluEvaluation;
import org.overparam.model.TrainingSet;
import org.overparam.model.TwoLayerRelu;
import org.overparam.model.UnitRepresentation;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * The unit-sharded engine against the computation it replaces: full-batch GD on the driver with the whole-net
 * evaluation of {@link TwoLayerRelu#accumulate} (the previous engine's arithmetic), on real MNIST and on the sphere,
 * for several cuts of the units and both representations; checkpoints and resume; the Gram matrix H(k).
 */
class UnitShardedReluTest {
    static final int STEPS = 15;

    @TempDir
    Path tmp;

    /** One metrics row of the reference or the engine. */
    record Metrics(double loss, double gradientNorm, double patternFraction, double maxDistance, double fro) {}

    static TrainingSet load(String... sets) {
        ShardedSamples samples = ShardedSamples.load(LocalSpark.get(), Settings.data(sets));
        try {
            int n = samples.plan.n, d = samples.d;
            double[] x = new double[n * d], y = new double[n];
            for (SampleBlock b : samples.collect(10_000_000)) {
                System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
                System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
            }
            return new TrainingSet(n, d, x, y);
        } finally {
            samples.release();
        }
    }

    static TrainingSet mnist(int n) {
        return load("data.source=mnist", "data.path=" + TestData.mnist(), "data.classes=[0,1]", "data.n=" + n);
    }

    /** GD on the driver over the whole net, as the previous engine computed it. */
    static List<Metrics> reference(TrainingSet set, int m, double kappa, double eta, int steps) {
        int n = set.n, d = set.d;
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, d, 3);
        double[] w0 = net.initialWeights(kappa, 3), w = w0.clone();
        long[] mask0 = net.patternBits(set.x(), n, w0);
        TwoLayerRelu.Workspace ws = new TwoLayerRelu.Workspace(net, Precision.FLOAT64);
        List<Metrics> rows = new ArrayList<>();
        for (int k = 0; k <= steps; k++) {
            ReluEvaluation e = new ReluEvaluation(m, d);
            net.accumulate(
                    TwoLayerRelu.SampleRows.of(set.x(), n, set.y(), mask0), TwoLayerRelu.PassWeights.float64(w), ws, e);
            double max = 0, fro = 0;
            for (int r = 0; r < m; r++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += (w[r * d + j] - w0[r * d + j]) * (w[r * d + j] - w0[r * d + j]);
                fro += s;
                max = Math.max(max, Math.sqrt(s));
            }
            rows.add(new Metrics(e.loss, e.gradientNorm(), e.patternChangeFraction(), max, Math.sqrt(fro)));
            for (int i = 0; i < w.length; i++) w[i] -= eta * e.gradient()[i];
        }
        return rows;
    }

    /** The engine's rows: the gradient norm of row k comes with step k + 1 (or the final gradient job). */
    static List<Metrics> engine(
            TrainingSet set, UnitLayout layout, double kappa, double eta, int steps, String checkpointAt) {
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try (UnitShardedRelu e = new UnitShardedRelu(jsc, set, layout, kappa, 3, Precision.FLOAT64)) {
            return run(e, e.start(), set.n, layout.width(), eta, steps, checkpointAt);
        }
    }

    static List<Metrics> run(
            ReluTrainer e, UnitShardedRelu.Pass pass, int n, int m, double eta, int steps, String checkpoints) {
        List<UnitShardedRelu.Pass> passes = new ArrayList<>(List.of(pass));
        List<Double> gradients = new ArrayList<>();
        for (int k = pass.iteration(); k < steps; k++) {
            String folder = checkpoints != null && (k + 1) % 5 == 0 ? checkpoints + "/iteration-" + (k + 1) : null;
            UnitShardedRelu.Pass next = e.step(eta, folder);
            gradients.add(next.previousGradientSquared());
            passes.add(next);
        }
        gradients.add(e.gradientSquared());
        List<Metrics> rows = new ArrayList<>();
        for (int i = 0; i < passes.size(); i++) {
            UnitShardedRelu.Pass p = passes.get(i);
            rows.add(new Metrics(
                    p.loss(),
                    Math.sqrt(gradients.get(i)),
                    p.patternChanges() / ((double) n * m),
                    p.maxDistance(),
                    Math.sqrt(p.distanceSquared())));
        }
        return rows;
    }

    static void assertClose(List<Metrics> expected, List<Metrics> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": rows");
        for (int k = 0; k < expected.size(); k++) {
            Metrics x = expected.get(k), y = actual.get(k);
            String at = what + ", iteration " + k + ": ";
            Approx.assertRelative(x.loss(), y.loss(), Approx.TRAJECTORY, at + "loss");
            Approx.assertRelative(x.gradientNorm(), y.gradientNorm(), Approx.TRAJECTORY, at + "gradient norm");
            assertEquals(x.patternFraction(), y.patternFraction(), 1e-15, at + "pattern changes");
            if (k > 0) {
                Approx.assertRelative(x.maxDistance(), y.maxDistance(), Approx.TRAJECTORY, at + "max distance");
                Approx.assertRelative(x.fro(), y.fro(), Approx.TRAJECTORY, at + "||W - W(0)||_F");
            }
        }
    }

    @Test
    void aRunOfStepsTakesAsManyJobsAsItsPredictionsNeedAtSixteenMegabytesAJob() {
        assertThat(UnitShardedRelu.stepsPerJob(1000, 20)).isEqualTo(20);
        assertThat(UnitShardedRelu.stepsPerJob(60_000, 100)).isEqualTo((1 << 21) / 60_000);
        assertThat(UnitShardedRelu.stepsPerJob(5_000_000, 10))
                .as("one step even past the cap")
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}, {1} blocks")
    @CsvSource({"WEIGHTS, 1", "SAMPLE_SPAN, 1", "WEIGHTS, 3", "SAMPLE_SPAN, 3"})
    void stepsInOneJobOfATaskOfEveryUnitAreTheSingleStepsOfOneTaskPerBlockBitForBit(
            UnitRepresentation representation, int blocks) {
        TrainingSet set = mnist(200);
        UnitLayout layout = UnitLayout.even(70, blocks, representation);
        String folder = tmp.resolve("chunks-" + representation + blocks).toUri().toString();
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        List<UnitShardedRelu.Pass> single = new ArrayList<>(), chunked = new ArrayList<>();
        try (UnitShardedRelu e =
                new UnitShardedRelu(jsc, set, layout, 0.01, 3, Precision.FLOAT64, BlockTasks.ONE_PER_BLOCK)) {
            e.start();
            for (int k = 0; k < 12; k++) single.add(e.step(0.05, null));
            single.add(new UnitShardedRelu.Pass(12, null, e.gradientSquared(), 0, 0, 0, 0, 0, 0));
        }
        try (UnitShardedRelu e =
                new UnitShardedRelu(jsc, set, layout, 0.01, 3, Precision.FLOAT64, BlockTasks.ONE_FOR_ALL)) {
            e.start();
            chunked.addAll(e.steps(0.05, 5, folder + "/iteration-5")); // written at the chunk's end, read back
            chunked.addAll(e.steps(0.05, 1, null));
            chunked.addAll(e.steps(0.05, 6, null));
            chunked.add(new UnitShardedRelu.Pass(12, null, e.gradientSquared(), 0, 0, 0, 0, 0, 0));
        }
        assertThat(chunked).hasSize(single.size());
        for (int k = 0; k < 12; k++) {
            UnitShardedRelu.Pass a = single.get(k), b = chunked.get(k);
            assertThat(b.iteration()).isEqualTo(a.iteration());
            assertThat(b.predictions()).as("predictions at %d", k + 1).isEqualTo(a.predictions());
            assertThat(b.loss()).isEqualTo(a.loss());
            assertThat(b.patternChanges()).isEqualTo(a.patternChanges());
            assertThat(b.maxDistance()).isEqualTo(a.maxDistance());
            assertThat(b.distanceSquared()).isEqualTo(a.distanceSquared());
            assertThat(b.previousGradientSquared()).isEqualTo(a.previousGradientSquared());
        }
        assertThat(chunked.get(12).loss())
                .as("final gradient")
                .isEqualTo(single.get(12).loss());
        assertThat(single.get(11).loss())
                .as("the loss falls")
                .isLessThan(single.get(0).loss());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"WEIGHTS", "SAMPLE_SPAN"})
    void predictionsOnOtherDigitsUseTheWholeRowsIncludingColumnsTheTrainingImagesNeverLightUp(
            UnitRepresentation representation) {
        TrainingSet set = mnist(100);
        assertThat(set.activeD()).as("MNIST 0/1 leaves border pixels dark").isLessThan(set.d);
        TrainingSet others = load(
                "data.source=mnist",
                "data.path=" + TestData.mnist(),
                "data.classes=[2,3,4,5,6,7,8,9]",
                "data.labels=integer",
                "data.n=60");
        int m = 90, steps = 6;
        double eta = 0.05, kappa = 0.01;
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, set.d, 3);
        double[] w = net.initialWeights(kappa, 3);
        TwoLayerRelu.Workspace ws = new TwoLayerRelu.Workspace(net, Precision.FLOAT64);
        long[] mask0 = net.patternBits(set.x(), set.n, w);
        for (int k = 0; k < steps; k++) {
            ReluEvaluation e = new ReluEvaluation(m, set.d);
            net.accumulate(
                    TwoLayerRelu.SampleRows.of(set.x(), set.n, set.y(), mask0),
                    TwoLayerRelu.PassWeights.float64(w),
                    ws,
                    e);
            for (int i = 0; i < w.length; i++) w[i] -= eta * e.gradient()[i];
        }
        double[] expected = net.predict(others.x(), others.n, w);
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try (UnitShardedRelu e =
                new UnitShardedRelu(jsc, set, UnitLayout.even(m, 2, representation), kappa, 3, Precision.FLOAT64)) {
            e.start();
            for (int k = 0; k < steps; k++) e.step(eta, null);
            double[] actual = e.predict(others);
            for (int i = 0; i < others.n; i++) {
                Approx.assertRelative(expected[i], actual[i], Approx.TRAJECTORY, "prediction " + i);
            }
        }
    }

    @ParameterizedTest(name = "MNIST 0/1, {0} blocks, {1}")
    @CsvSource({"1, WEIGHTS", "3, WEIGHTS", "7, WEIGHTS", "1, SAMPLE_SPAN", "4, SAMPLE_SPAN"})
    void theShardedEngineFollowsTheWholeNetTrajectory(int blocks, UnitRepresentation representation) {
        TrainingSet set = mnist(300);
        List<Metrics> expected = reference(set, 130, 0.01, 0.05, STEPS);
        List<Metrics> actual = engine(set, UnitLayout.even(130, blocks, representation), 0.01, 0.05, STEPS, null);
        assertClose(expected, actual, blocks + " blocks, " + representation);
        assertThat(expected.get(STEPS).loss())
                .as("the loss falls")
                .isLessThan(0.5 * expected.get(0).loss());
        assertThat(expected.get(STEPS).patternFraction()).as("patterns change").isPositive();
    }

    @Test
    void withMoreUnitsThanAPanelAndSamplesInSeveralChunks() {
        // 1,500 units per block: two gradient panels; Du et al.'s kappa = 1 moves many patterns.
        TrainingSet set = load("data.source=sphere", "data.n=90", "data.d=12", "data.seed=5");
        List<Metrics> expected = reference(set, 3000, 1.0, 0.4, 6);
        for (UnitRepresentation r : UnitRepresentation.values()) {
            assertClose(expected, engine(set, UnitLayout.even(3000, 2, r), 1.0, 0.4, 6, null), r.id());
        }
    }

    @Test
    void theSameLayoutGivesTheSameBitsAndOtherLayoutsAgreeClosely() {
        TrainingSet set = mnist(200);
        List<Metrics> a = engine(set, UnitLayout.even(97, 3, UnitRepresentation.WEIGHTS), 0.01, 0.05, 8, null);
        List<Metrics> b = engine(set, UnitLayout.even(97, 3, UnitRepresentation.WEIGHTS), 0.01, 0.05, 8, null);
        assertEquals(a, b, "two runs with one layout");
        assertClose(
                a,
                engine(set, UnitLayout.even(97, 5, UnitRepresentation.SAMPLE_SPAN), 0.01, 0.05, 8, null),
                "5 span blocks");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"WEIGHTS", "SAMPLE_SPAN"})
    void aRunResumedFromItsCheckpointFilesRetracesTheUninterruptedOne(UnitRepresentation representation) {
        TrainingSet set = mnist(200);
        UnitLayout layout = UnitLayout.even(80, 3, representation);
        String folder = tmp.resolve("checkpoints").toUri().toString();
        List<Metrics> whole = engine(set, layout, 0.01, 0.05, 12, folder);
        // The uninterrupted run went on past iteration 10 and took its blocks in memory; a new engine reads the files.
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        List<Metrics> resumed;
        try (UnitShardedRelu e = new UnitShardedRelu(jsc, set, layout, 0.01, 3, Precision.FLOAT64)) {
            double[] f10 = predictionsAt(set, layout, 10);
            resumed = run(e, e.resume(folder + "/iteration-10", 10, f10), set.n, 80, 0.05, 12, null);
        }
        List<Metrics> tail = whole.subList(10, 13);
        for (int k = 1; k < 3; k++)
            assertEquals(tail.get(k), resumed.get(k), "iteration " + (10 + k) + " after the resume");
        assertEquals(tail.get(0).gradientNorm(), resumed.get(0).gradientNorm(), 0.0, "gradient norm at the checkpoint");
    }

    /** f(W(k)) of an uninterrupted run, as the driver keeps it in a checkpoint. */
    static double[] predictionsAt(TrainingSet set, UnitLayout layout, int k) {
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try (UnitShardedRelu e = new UnitShardedRelu(jsc, set, layout, 0.01, 3, Precision.FLOAT64)) {
            UnitShardedRelu.Pass p = e.start();
            for (int i = 0; i < k; i++) p = e.step(0.05, null);
            return p.predictions();
        }
    }

    @Test
    void aTruncatedCheckpointIsRefusedBeforeAnyWork() throws Exception {
        TrainingSet set = mnist(100);
        UnitLayout layout = UnitLayout.even(40, 2, UnitRepresentation.WEIGHTS);
        String folder = tmp.resolve("cut").toUri().toString();
        engine(set, layout, 0.01, 0.05, 5, folder);
        Path file = tmp.resolve("cut/iteration-5/units-20.bin");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 8);
        }
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try (UnitShardedRelu e = new UnitShardedRelu(jsc, set, layout, 0.01, 3, Precision.FLOAT64)) {
            UserError err =
                    assertThrows(UserError.class, () -> e.resume(folder + "/iteration-5", 5, new double[set.n]));
            assertThat(err.getMessage())
                    .contains("units-20.bin")
                    .contains("truncated")
                    .contains(String.valueOf(8L * 20 * set.activeD()));
        }
        Files.delete(file);
        try (UnitShardedRelu e = new UnitShardedRelu(jsc, set, layout, 0.01, 3, Precision.FLOAT64)) {
            UserError err =
                    assertThrows(UserError.class, () -> e.resume(folder + "/iteration-5", 5, new double[set.n]));
            assertThat(err.getMessage()).contains("units-20.bin is missing");
        }
    }

    @Test
    void theGramMatrixOfTheBlocksIsDuEtAlsH() {
        TrainingSet set = mnist(120);
        int m = 150, n = set.n, d = set.d;
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, d, 3);
        double[] w = net.initialWeights(0.01, 3);
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try (UnitShardedRelu e = new UnitShardedRelu(
                jsc, set, UnitLayout.even(m, 4, UnitRepresentation.WEIGHTS), 0.01, 3, Precision.FLOAT64)) {
            e.start();
            double[] h0 = e.gram(true);
            double[] expected = EmpiricalNtk.tile(
                    set.x(), net.patternBits(set.x(), n, w), 0, n, set.x(), net.patternBits(set.x(), n, w), 0, n, d, m);
            for (int i = 0; i < expected.length; i++)
                Approx.assertAbsolute(expected[i], h0[i], Approx.BLAS, "H(0) entry " + i);
            // After steps, H(k) is the same formula at W(k), and differs from H(0).
            ReluEvaluation ev = new ReluEvaluation(m, d);
            long[] mask0 = net.patternBits(set.x(), n, w);
            TwoLayerRelu.Workspace ws = new TwoLayerRelu.Workspace(net, Precision.FLOAT64);
            for (int k = 0; k < 4; k++) {
                ev = new ReluEvaluation(m, d);
                net.accumulate(
                        TwoLayerRelu.SampleRows.of(set.x(), n, set.y(), mask0),
                        TwoLayerRelu.PassWeights.float64(w),
                        ws,
                        ev);
                for (int i = 0; i < w.length; i++) w[i] -= 0.5 * ev.gradient()[i];
                e.step(0.5, null);
            }
            double[] h4 = e.gram(false);
            long[] bits = net.patternBits(set.x(), n, w);
            double[] expected4 = EmpiricalNtk.tile(set.x(), bits, 0, n, set.x(), bits, 0, n, d, m);
            double moved = 0;
            for (int i = 0; i < expected4.length; i++) {
                Approx.assertAbsolute(expected4[i], h4[i], Approx.BLAS, "H(4) entry " + i);
                moved = Math.max(moved, Math.abs(h4[i] - h0[i]));
            }
            assertThat(moved).as("patterns changed, so H moved").isPositive();
        }
    }

    @Test
    void speculativeExecutionIsRefused() {
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        TrainingSet set = load("data.source=sphere", "data.n=20", "data.d=3");
        jsc.sc().conf().set("spark.speculation", "true");
        try {
            UserError e = assertThrows(
                    UserError.class,
                    () -> new UnitShardedRelu(
                            jsc, set, UnitLayout.even(4, 1, UnitRepresentation.WEIGHTS), 1.0, 3, Precision.FLOAT64));
            assertThat(e.getMessage()).contains("spark.speculation = false");
        } finally {
            jsc.sc().conf().set("spark.speculation", "false");
        }
    }
}
