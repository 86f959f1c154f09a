package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.overparam.model.Loss;
import org.overparam.model.MiniBatches;
import org.overparam.model.QuadraticEvaluation;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticUnitBlock;
import org.overparam.model.SignedQuadraticNet;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;
import org.overparam.optim.Adam;
import org.overparam.optim.GradientDescent;
import org.overparam.optim.Minimizer;
import org.overparam.optim.PerturbedGradientDescent;
import org.overparam.optim.StoppingRule;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;

/**
 * The unit-sharded quadratic engine against the driver-side optimizers ({@link GradientDescent}, {@link Adam},
 * {@link PerturbedGradientDescent}) stepping one weight array with the whole-net evaluation {@link QuadraticNet#evaluate}:
 * the same losses, gradient norms and final weights to 1e-12, for several cuts of the units, both paths, Du &amp; Lee's
 * net with its perturbation C and Ge et al.'s signed net, full batch and mini-batches.
 */
class UnitShardedQuadraticTest {
    static final UnitShardedQuadratic.Placement SHIPPED = UnitShardedQuadratic.Placement.EVERY_EXECUTOR;
    static final int N = 530, D = 17, STEPS = 12;

    @TempDir
    Path tmp;

    record Data(TrainingSet set, ShardedSamples samples) {}

    static Data load() {
        ShardedSamples samples = ShardedSamples.load(
                LocalSpark.get(),
                Settings.data(
                        "data.source=hypercube",
                        "data.n=" + N,
                        "data.d=" + D,
                        "data.seed=4",
                        "data.partitions=3",
                        "data.block-size=100"));
        double[] x = new double[N * D], y = new double[N];
        for (SampleBlock b : samples.collect(1_000_000)) {
            System.arraycopy(b.x, 0, x, (int) b.rowStart * D, b.rows * D);
            System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
        }
        return new Data(new TrainingSet(N, D, x, y), samples);
    }

    /** One listener call: iteration, objective, gradient norm. */
    record Seen(int iteration, double loss, double gradientNorm) {}

    record Run(List<Seen> seen, double[] w, String reason, int perturbations) {}

    /** The driver-side optimizer on one weight array, each iteration's rows evaluated by the whole-net loop. */
    static Run reference(
            TrainingSet set,
            QuadraticNet net,
            Minimizer opt,
            StoppingRule stop,
            MiniBatches batches,
            double kappa,
            long seed)
            throws Exception {
        double[] w = net.initialWeights(kappa, seed);
        List<Seen> seen = new ArrayList<>();
        Minimizer.Outcome<QuadraticEvaluation> out = opt.minimize(
                w,
                (wk, t) -> {
                    int[] rows = batches.rows(t);
                    int r = rows == null ? set.n : rows.length;
                    double[] x = new double[r * D], y = new double[r];
                    for (int i = 0; i < r; i++) {
                        int row = rows == null ? i : rows[i];
                        System.arraycopy(set.x(), row * D, x, i * D, D);
                        y[i] = set.y()[row];
                    }
                    return net.evaluate(x, r, y, wk, net.cheaperPath(batches.largest()));
                },
                stop,
                (t, wk, e, s) -> seen.add(new Seen(t, e.loss(), e.gradientNorm())));
        return new Run(seen, w, out.reason(), opt instanceof PerturbedGradientDescent p ? p.perturbations : 0);
    }

    static Run engine(
            Data data,
            QuadraticNet net,
            Minimizer opt,
            StoppingRule stop,
            MiniBatches batches,
            int blocks,
            QuadraticUnitBlock.State state,
            String checkpoints,
            int every,
            double kappa,
            long seed)
            throws Exception {
        return engine(data, SHIPPED, net, opt, stop, batches, blocks, state, checkpoints, every, kappa, seed);
    }

    static Run engine(
            Data data,
            UnitShardedQuadratic.Placement placement,
            QuadraticNet net,
            Minimizer opt,
            StoppingRule stop,
            MiniBatches batches,
            int blocks,
            QuadraticUnitBlock.State state,
            String checkpoints,
            int every,
            double kappa,
            long seed)
            throws Exception {
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        return engine(
                data,
                placement,
                net,
                opt,
                stop,
                batches,
                blocks,
                state,
                checkpoints,
                every,
                kappa,
                seed,
                BlockTasks.of(jsc),
                new ArrayList<>());
    }

    /** The engine's run with the given tasks; {@code seen} collects the listener calls (also when the run fails). */
    static Run engine(
            Data data,
            UnitShardedQuadratic.Placement placement,
            QuadraticNet net,
            Minimizer opt,
            StoppingRule stop,
            MiniBatches batches,
            int blocks,
            QuadraticUnitBlock.State state,
            String checkpoints,
            int every,
            double kappa,
            long seed,
            BlockTasks tasks,
            List<Seen> seen)
            throws Exception {
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        UnitLayout layout = UnitLayout.even(net.k, blocks, UnitRepresentation.WEIGHTS);
        try (UnitShardedQuadratic e = new UnitShardedQuadratic(
                jsc,
                net,
                placement == SHIPPED ? data.set : null,
                data.samples.blocks,
                layout,
                state,
                batches.largest(),
                kappa,
                seed,
                checkpoints,
                every,
                tasks)) {
            assertEquals(placement.path(net, batches.largest()), e.path(), "path");
            QuadraticOptimizers.Outcome out = QuadraticOptimizers.minimize(
                    e, opt, stop, batches, it -> seen.add(new Seen(it.iteration(), it.loss(), it.gradientNorm())));
            return new Run(seen, e.gatherWeights(), out.reason(), out.perturbations());
        }
    }

    static void assertSameRun(Run expected, Run actual) {
        assertEquals(expected.reason(), actual.reason(), "stop reason");
        assertEquals(expected.perturbations(), actual.perturbations(), "perturbations");
        assertEquals(expected.seen().size(), actual.seen().size(), "listener calls");
        for (int i = 0; i < expected.seen().size(); i++) {
            Seen a = expected.seen().get(i), b = actual.seen().get(i);
            assertEquals(a.iteration(), b.iteration(), "iteration of call " + i);
            Approx.assertRelative(a.loss(), b.loss(), Approx.TRAJECTORY, "objective at call " + i);
            Approx.assertRelative(a.gradientNorm(), b.gradientNorm(), Approx.TRAJECTORY, "gradient norm at call " + i);
        }
        double scale = 0;
        for (double v : expected.w()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.w().length; i++) {
            Approx.assertAbsolute(expected.w()[i], actual.w()[i], Approx.TRAJECTORY * scale, "W entry " + i);
        }
    }

    static QuadraticNet net(String kind, int k) {
        return kind.equals("du-lee")
                ? QuadraticNet.duLee(k, D, Loss.SQUARED, 0.1, QuadraticNet.randomPsd(D, 0.1, 2))
                : SignedQuadraticNet.create(k, D, 0.01);
    }

    @ParameterizedTest(name = "{0} net, k = {1}, {2} blocks")
    @CsvSource({"du-lee, 4, 1", "du-lee, 4, 3", "signed, 4, 2", "du-lee, 40, 1", "du-lee, 40, 3", "signed, 40, 4"})
    void gradientDescentEqualsTheDriverLoop(String kind, int k, int blocks) throws Exception {
        Data data = load();
        try {
            QuadraticNet net = net(kind, k);
            assertEquals(k == 4 ? QuadraticNet.Path.UNITS : QuadraticNet.Path.FORM, net.cheaperPath(N));
            MiniBatches full = new MiniBatches(N, 0, 1);
            StoppingRule stop = StoppingRule.iterations(STEPS);
            Run expected = reference(data.set, net, new GradientDescent(0.05, Double.NaN), stop, full, 0.5, 3);
            Run actual = engine(
                    data,
                    net,
                    new GradientDescent(0.05, Double.NaN),
                    stop,
                    full,
                    blocks,
                    QuadraticUnitBlock.State.DESCENT,
                    tmp.resolve("c").toString(),
                    0,
                    0.5,
                    3);
            assertSameRun(expected, actual);
            assertThat(expected.seen().get(STEPS).loss())
                    .isLessThan(expected.seen().get(0).loss());
        } finally {
            data.samples.release();
        }
    }

    @ParameterizedTest(name = "k = {0}, {1} blocks, batches of {2}")
    @CsvSource({"6, 1, 128", "6, 3, 128", "60, 2, 128", "6, 2, 0"})
    void adamOnMiniBatchesEqualsTheDriverLoop(int k, int blocks, int batch) throws Exception {
        Data data = load();
        try {
            QuadraticNet net = SignedQuadraticNet.create(k, D, 0.0);
            MiniBatches batches = new MiniBatches(N, batch, 77);
            StoppingRule stop = StoppingRule.iterations(STEPS);
            Run expected = reference(
                    data.set,
                    net,
                    new Adam(0.01, 0.9, 0.999, 1e-8, 0.3, 5),
                    stop,
                    new MiniBatches(N, batch, 77),
                    0.5,
                    3);
            Run actual = engine(
                    data,
                    net,
                    new Adam(0.01, 0.9, 0.999, 1e-8, 0.3, 5),
                    stop,
                    batches,
                    blocks,
                    QuadraticUnitBlock.State.ADAM,
                    tmp.resolve("c").toString(),
                    0,
                    0.5,
                    3);
            assertSameRun(expected, actual);
        } finally {
            data.samples.release();
        }
    }

    @Test
    void perturbedGradientDescentJumpsToTheSamePointsAsTheDriverLoop() throws Exception {
        Data data = load();
        try {
            QuadraticNet net = QuadraticNet.duLee(5, D, Loss.SQUARED, 0.0, null);
            StoppingRule stop = StoppingRule.iterations(30);
            MiniBatches full = new MiniBatches(N, 0, 1);
            Run expected = reference(data.set, net, pgd(net), stop, full, 1e-3, 3);
            assertThat(expected.perturbations()).as("the set-up perturbs").isPositive();
            for (int blocks : new int[] {1, 3}) {
                Run actual = engine(
                        data,
                        net,
                        pgd(net),
                        stop,
                        full,
                        blocks,
                        QuadraticUnitBlock.State.PERTURBED,
                        tmp.resolve("c" + blocks).toString(),
                        0,
                        1e-3,
                        3);
                assertSameRun(expected, actual);
            }
        } finally {
            data.samples.release();
        }
    }

    static PerturbedGradientDescent pgd(QuadraticNet net) {
        return new PerturbedGradientDescent(net.k * net.d, net.d, 4.0, 1e4, 30.0, 0.5, 0.1, 1.0, 9);
    }

    @Test
    void checkpointsCutTheLineageWithoutChangingABitAndAreRemovedAtTheEnd() throws Exception {
        Data data = load();
        try {
            QuadraticNet net = SignedQuadraticNet.create(6, D, 0.01);
            MiniBatches batches = new MiniBatches(N, 100, 5);
            StoppingRule stop = StoppingRule.iterations(STEPS);
            Path folder = tmp.resolve("checkpoints");
            Run plain = engine(
                    data,
                    net,
                    new Adam(0.01, 0.9, 0.999, 1e-8, 1.0, 0),
                    stop,
                    batches,
                    2,
                    QuadraticUnitBlock.State.ADAM,
                    folder.toString(),
                    0,
                    0.5,
                    3);
            Run cut = engine(
                    data,
                    net,
                    new Adam(0.01, 0.9, 0.999, 1e-8, 1.0, 0),
                    stop,
                    new MiniBatches(N, 100, 5),
                    2,
                    QuadraticUnitBlock.State.ADAM,
                    folder.toString(),
                    3,
                    0.5,
                    3);
            assertEquals(plain.seen(), cut.seen(), "bit for bit");
            assertThat(java.util.Arrays.equals(plain.w(), cut.w())).isTrue();
            assertThat(!Files.exists(folder) || Files.list(folder).findAny().isEmpty())
                    .as("checkpoints removed")
                    .isTrue();
        } finally {
            data.samples.release();
        }
    }

    /**
     * Every block in one task, which runs the steps up to each checkpoint in one job, against one task per block and
     * one job per step: the same listener calls and final weights, bit for bit, through checkpoints every 5 steps, and
     * the same end when a target loss, the gradient-norm rule or divergence stops the run inside a run of steps.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"iterations", "target loss", "gradient norm", "divergence"})
    void stepsRunInOneTaskEqualOneJobPerStepBitForBit(String ending) throws Exception {
        Data data = load();
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        try {
            QuadraticNet net = SignedQuadraticNet.create(6, D, 0.01);
            double rate = ending.equals("divergence") ? 5.0 : 0.01;
            StoppingRule stop = StoppingRule.iterations(STEPS);
            if (!ending.equals("iterations") && !ending.equals("divergence")) {
                List<Seen> free = new ArrayList<>();
                oneTaskOrEach(data, net, rate, stop, BlockTasks.ONE_PER_BLOCK, "free", free);
                // The least value of iterations 1 to 7 (mini-batch losses and norms need not fall monotonically).
                boolean byLoss = ending.equals("target loss");
                double least = Double.POSITIVE_INFINITY;
                for (Seen e : free.subList(1, 8)) least = Math.min(least, byLoss ? e.loss() : e.gradientNorm());
                double threshold = least * (1 + 1e-13);
                stop = byLoss
                        ? new StoppingRule(STEPS, threshold, 0.0)
                        : new StoppingRule(STEPS, Double.NEGATIVE_INFINITY, threshold);
            }
            List<Seen> each = new ArrayList<>(), together = new ArrayList<>();
            if (ending.equals("divergence")) {
                StoppingRule s = stop;
                var a = assertThrows(
                        org.overparam.optim.DivergenceException.class,
                        () -> oneTaskOrEach(data, net, rate, s, BlockTasks.ONE_PER_BLOCK, "a", each));
                var b = assertThrows(
                        org.overparam.optim.DivergenceException.class,
                        () -> oneTaskOrEach(data, net, rate, s, BlockTasks.ONE_FOR_ALL, "b", together));
                assertThat(a.iteration).as("diverges inside the run").isBetween(1, STEPS - 1);
                assertEquals(a.iteration, b.iteration, "diverged at");
                assertEquals(each, together, "listener calls before it");
                return;
            }
            jsc.setJobGroup("each", "one job per step");
            Run a = oneTaskOrEach(data, net, rate, stop, BlockTasks.ONE_PER_BLOCK, "a", each);
            jsc.setJobGroup("together", "steps in one job");
            Run b = oneTaskOrEach(data, net, rate, stop, BlockTasks.ONE_FOR_ALL, "b", together);
            jsc.clearJobGroup();
            assertEquals(a.seen(), b.seen(), "listener calls");
            assertEquals(a.reason(), b.reason(), "stop reason");
            assertThat(java.util.Arrays.equals(a.w(), b.w()))
                    .as("final weights")
                    .isTrue();
            if (ending.equals("iterations")) {
                int jobsEach = jsc.statusTracker().getJobIdsForGroup("each").length;
                int jobsTogether = jsc.statusTracker().getJobIdsForGroup("together").length;
                // 12 steps with checkpoints at 5 and 10: three runs of steps instead of twelve jobs.
                assertThat(jobsEach - jobsTogether).as("jobs saved").isGreaterThanOrEqualTo(STEPS - 3);
            } else {
                assertEquals(ending, a.reason());
                int stoppedAt = a.seen().get(a.seen().size() - 1).iteration();
                assertThat(stoppedAt).as("stopped inside a run of steps").isBetween(1, 7);
            }
        } finally {
            jsc.clearJobGroup();
            data.samples.release();
        }
    }

    /** Adam on mini-batches of 100, 2 blocks, checkpoints every 5 steps, with the given tasks. */
    Run oneTaskOrEach(
            Data data, QuadraticNet net, double rate, StoppingRule stop, BlockTasks tasks, String dir, List<Seen> seen)
            throws Exception {
        return engine(
                data,
                SHIPPED,
                net,
                new Adam(rate, 0.9, 0.999, 1e-8, 1.0, 0),
                stop,
                new MiniBatches(N, 100, 5),
                2,
                QuadraticUnitBlock.State.ADAM,
                tmp.resolve(dir).toString(),
                5,
                0.5,
                3,
                tasks,
                seen);
    }

    @Test
    void theSameLayoutRepeatsBitForBitAndTheGradientNormRuleStopsWhereTheDriverDoes() throws Exception {
        Data data = load();
        try {
            QuadraticNet net = net("du-lee", 4);
            MiniBatches full = new MiniBatches(N, 0, 1);
            Run a = engine(
                    data,
                    net,
                    new GradientDescent(0.05, Double.NaN),
                    StoppingRule.iterations(5),
                    full,
                    3,
                    QuadraticUnitBlock.State.DESCENT,
                    tmp.resolve("a").toString(),
                    0,
                    0.5,
                    3);
            Run b = engine(
                    data,
                    net,
                    new GradientDescent(0.05, Double.NaN),
                    StoppingRule.iterations(5),
                    full,
                    3,
                    QuadraticUnitBlock.State.DESCENT,
                    tmp.resolve("b").toString(),
                    0,
                    0.5,
                    3);
            assertEquals(a.seen(), b.seen());
            double tolerance = a.seen().get(3).gradientNorm() * 1.0000001;
            StoppingRule byNorm = new StoppingRule(50, Double.NEGATIVE_INFINITY, tolerance);
            Run expected = reference(data.set, net, new GradientDescent(0.05, Double.NaN), byNorm, full, 0.5, 3);
            Run actual = engine(
                    data,
                    net,
                    new GradientDescent(0.05, Double.NaN),
                    byNorm,
                    full,
                    2,
                    QuadraticUnitBlock.State.DESCENT,
                    tmp.resolve("n").toString(),
                    0,
                    0.5,
                    3);
            assertEquals("gradient norm", expected.reason());
            assertSameRun(expected, actual);
        } finally {
            data.samples.release();
        }
    }

    @Test
    void theFullSetEvaluationAndPredictionsEqualTheWholeNetLoop() throws Exception {
        Data data = load();
        try {
            for (QuadraticNet net : List.of(net("du-lee", 4), net("du-lee", 40), net("signed", 40))) {
                UnitLayout layout = UnitLayout.even(net.k, 3, UnitRepresentation.WEIGHTS);
                try (UnitShardedQuadratic e = new UnitShardedQuadratic(
                        JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext()),
                        net,
                        data.set,
                        data.samples.blocks,
                        layout,
                        QuadraticUnitBlock.State.DESCENT,
                        64,
                        0.5,
                        3,
                        tmp.resolve("e").toString(),
                        0)) {
                    e.start(new MiniBatches(N, 64, 2).rows(0));
                    double[] w = net.initialWeights(0.5, 3);
                    for (QuadraticNet.Path p : QuadraticNet.Path.values()) {
                        QuadraticEvaluation local = net.evaluate(data.set.x(), N, data.set.y(), w, p);
                        UnitShardedQuadratic.FullEvaluation full = e.evaluateAll(p, true);
                        Approx.assertRelative(local.loss(), full.loss(), Approx.TRAJECTORY, p + " objective");
                        Approx.assertRelative(local.dataLoss(), full.dataLoss(), Approx.TRAJECTORY, p + " data loss");
                        Approx.assertRelative(
                                local.gradientNorm(), full.gradientNorm(), Approx.TRAJECTORY, p + " gradient norm");
                        if (p == QuadraticNet.Path.FORM && net.allPositive()) {
                            for (int i = 0; i < D * D; i++) {
                                Approx.assertAbsolute(
                                        local.formGradient()[i],
                                        full.formGradient()[i],
                                        Approx.TRAJECTORY,
                                        "grad_M " + i);
                            }
                        }
                    }
                    double[] f = e.predict(data.set), expected = net.predict(data.set.x(), N, w);
                    for (int i = 0; i < N; i++)
                        Approx.assertRelative(expected[i], f[i], Approx.TRAJECTORY, "f(x_" + i + ")");
                }
            }
        } finally {
            data.samples.release();
        }
    }

    @ParameterizedTest(name = "{0} net, k = {1}, {2} blocks, batches of {3}, {4}")
    @CsvSource({"du-lee, 4, 1, 0, gd", "signed, 40, 3, 0, gd", "signed, 6, 2, 128, adam", "signed, 60, 1, 64, adam"})
    void samplesKeptInTheirBlocksTrainOnTheFormPathAsTheDriverLoopDoes(
            String kind, int k, int blocks, int batch, String optimizer) throws Exception {
        Data data = load();
        try {
            QuadraticNet net = net(kind, k);
            boolean adam = optimizer.equals("adam");
            StoppingRule stop = StoppingRule.iterations(STEPS);
            Run expected = reference(
                    data.set,
                    net,
                    adam ? new Adam(0.01, 0.9, 0.999, 1e-8, 0.3, 5) : new GradientDescent(0.05, Double.NaN),
                    stop,
                    new MiniBatches(N, batch, 77),
                    0.5,
                    3);
            Run actual = engine(
                    data,
                    UnitShardedQuadratic.Placement.SAMPLE_BLOCKS,
                    net,
                    adam ? new Adam(0.01, 0.9, 0.999, 1e-8, 0.3, 5) : new GradientDescent(0.05, Double.NaN),
                    stop,
                    new MiniBatches(N, batch, 77),
                    blocks,
                    adam ? QuadraticUnitBlock.State.ADAM : QuadraticUnitBlock.State.DESCENT,
                    tmp.resolve("c").toString(),
                    5,
                    0.5,
                    3);
            assertSameRun(expected, actual);
        } finally {
            data.samples.release();
        }
    }

    @Test
    void keepingTheSamplesInTheirBlocksFitsWhereShippingThemDoesNot() {
        // n = 2 million samples of d = 100 (1.6 GB) and a small net on two executors of 2 GB: shipped, every executor
        // would hold all of them beside its half of the blocks; kept in their blocks, each holds half.
        QuadraticNet net = QuadraticNet.duLee(200, 100, Loss.SQUARED, 0.0, null);
        UnitLayout.Executors two = new UnitLayout.Executors(2, 1, 2L << 30, false);
        UserError e = assertThrows(
                UserError.class,
                () -> UnitShardedQuadratic.layout(
                        net, 2_000_000, 2_000_000, SHIPPED, QuadraticUnitBlock.State.DESCENT, two, 0));
        assertThat(e.getMessage()).contains("the samples 2.42 GB");
        UnitLayout kept = UnitShardedQuadratic.layout(
                net,
                2_000_000,
                2_000_000,
                UnitShardedQuadratic.Placement.SAMPLE_BLOCKS,
                QuadraticUnitBlock.State.DESCENT,
                two,
                0);
        assertThat(kept.width()).isEqualTo(200);
    }

    @Test
    void aWidthTheExecutorsCannotHoldIsRefusedWithTheMemoryNeeded() {
        QuadraticNet net = SignedQuadraticNet.create(200_000, 784, 0.0);
        UnitLayout.Executors small = new UnitLayout.Executors(1, 2, 1L << 30, true);
        UserError e = assertThrows(
                UserError.class,
                () -> UnitShardedQuadratic.layout(
                        net,
                        128,
                        60_000,
                        UnitShardedQuadratic.Placement.EVERY_EXECUTOR,
                        QuadraticUnitBlock.State.ADAM,
                        small,
                        0));
        assertThat(e.getMessage()).contains("needs").contains("GB per executor").contains("--executor-memory");
    }

    @Test
    void theCostModelCountsTheElementwisePassesOfSmallMiniBatchSteps() {
        UnitLayout.Executors twoCores = new UnitLayout.Executors(1, 2, 16L << 30, true);
        // Ge et al. on MNIST: the products of a batch of 128 (1.2e9 flops) alone fill one task, the Adam update over
        // 2.35 million weights (three arrays) makes it worth both cores.
        QuadraticNet ge = SignedQuadraticNet.create(3000, 784, 0.0);
        assertThat(UnitShardedQuadratic.layout(ge, 128, 60_000, SHIPPED, QuadraticUnitBlock.State.ADAM, twoCores, 0)
                        .blocks())
                .isEqualTo(2);
        // A small net whose whole step, products and passes, is below a task's fixed cost stays in one block.
        QuadraticNet small = SignedQuadraticNet.create(200, 50, 0.0);
        assertThat(UnitShardedQuadratic.layout(small, 128, 1000, SHIPPED, QuadraticUnitBlock.State.ADAM, twoCores, 0)
                        .blocks())
                .isEqualTo(1);
        // The passes are counted per array the optimizer keeps: Adam's exceed plain descent's.
        assertThat(UnitShardedQuadratic.elementwiseFlopsPerWeight(QuadraticUnitBlock.State.ADAM))
                .isGreaterThan(UnitShardedQuadratic.elementwiseFlopsPerWeight(QuadraticUnitBlock.State.DESCENT));
        // train.unit-blocks wins over the model.
        assertThat(UnitShardedQuadratic.layout(ge, 128, 60_000, SHIPPED, QuadraticUnitBlock.State.ADAM, twoCores, 1)
                        .blocks())
                .isEqualTo(1);
    }
}
