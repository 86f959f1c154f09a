package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.UserError;
import org.overparam.data.SampleBlock;
import org.overparam.model.Precision;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * The samples x units grid against the whole-net reference of {@link UnitShardedReluTest} (the previous engine's
 * arithmetic) for several grids, bit-for-bit repeatable per grid, through checkpoints, a resume and the lineage cut.
 */
class GridShardedReluTest {
    static final String[] MNIST = {
        "data.source=mnist",
        "data.path=" + TestData.mnist(),
        "data.classes=[0,1]",
        "data.n=300",
        "data.block-size=40",
        "data.partitions=3"
    };

    @TempDir
    Path tmp;

    /** The samples as the grid reads them (persisted blocks), and on the driver for the reference. */
    record Data(ShardedSamples samples, TrainingSet set, long[] starts) {
        static Data load(String... sets) {
            ShardedSamples samples = ShardedSamples.load(LocalSpark.get(), Settings.data(sets));
            List<SampleBlock> blocks = samples.collect(10_000_000);
            long[] starts = blocks.stream().mapToLong(b -> b.rowStart).toArray();
            return new Data(samples, samples.trainingSet(Precision.FLOAT64), starts);
        }

        GridShardedRelu grid(UnitLayout layout, int sampleBlocks, double kappa) {
            JavaSparkContext jsc =
                    JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
            return new GridShardedRelu(
                    jsc,
                    samples.blocks,
                    set.d,
                    set.y(),
                    layout,
                    GridShardedRelu.rowCuts(starts, set.n, sampleBlocks),
                    kappa,
                    3);
        }
    }

    static List<UnitShardedReluTest.Metrics> run(
            Data data, UnitLayout layout, int sampleBlocks, int steps, String checkpoints) {
        try (GridShardedRelu e = data.grid(layout, sampleBlocks, 0.01)) {
            assertThat(e.sampleBlocks()).isEqualTo(sampleBlocks);
            return UnitShardedReluTest.run(e, e.start(), data.set.n, layout.width(), 0.05, steps, checkpoints);
        }
    }

    @ParameterizedTest(name = "{0} sample blocks x {1} unit blocks")
    @CsvSource({"1, 1", "2, 1", "3, 3", "5, 2"})
    void theGridFollowsTheWholeNetTrajectory(int sampleBlocks, int unitBlocks) {
        Data data = Data.load(MNIST);
        try {
            List<UnitShardedReluTest.Metrics> expected =
                    UnitShardedReluTest.reference(data.set, 130, 0.01, 0.05, UnitShardedReluTest.STEPS);
            List<UnitShardedReluTest.Metrics> actual = run(
                    data,
                    UnitLayout.even(130, unitBlocks, UnitRepresentation.WEIGHTS),
                    sampleBlocks,
                    UnitShardedReluTest.STEPS,
                    null);
            UnitShardedReluTest.assertClose(expected, actual, sampleBlocks + " x " + unitBlocks);
            assertThat(expected.get(UnitShardedReluTest.STEPS).patternFraction())
                    .as("patterns change")
                    .isPositive();
        } finally {
            data.samples.release();
        }
    }

    @Test
    void oneGridGivesTheSameBitsWithAndWithoutCheckpointsAndAResumeRetracesIt() {
        Data data = Data.load(MNIST);
        try {
            UnitLayout layout = UnitLayout.even(80, 2, UnitRepresentation.WEIGHTS);
            String folder = tmp.resolve("checkpoints").toUri().toString();
            List<UnitShardedReluTest.Metrics> plain = run(data, layout, 3, 12, null);
            assertEquals(plain, run(data, layout, 3, 12, null), "two runs of one grid");
            List<UnitShardedReluTest.Metrics> checkpointed = run(data, layout, 3, 12, folder);
            assertEquals(plain, checkpointed, "checkpoints every 5 steps change no bit");

            double[] f10;
            try (GridShardedRelu e = data.grid(layout, 3, 0.01)) {
                UnitShardedRelu.Pass p = e.start();
                for (int k = 0; k < 10; k++) p = e.step(0.05, null);
                f10 = p.predictions();
            }
            List<UnitShardedReluTest.Metrics> resumed;
            try (GridShardedRelu e = data.grid(layout, 3, 0.01)) {
                resumed = UnitShardedReluTest.run(
                        e, e.resume(folder + "/iteration-10", 10, f10), data.set.n, 80, 0.05, 12, null);
            }
            List<UnitShardedReluTest.Metrics> tail = plain.subList(10, 13);
            for (int k = 1; k < 3; k++)
                assertEquals(tail.get(k), resumed.get(k), "iteration " + (10 + k) + " after the resume");
            assertEquals(
                    tail.get(0).gradientNorm(), resumed.get(0).gradientNorm(), 0.0, "gradient norm at the checkpoint");
        } finally {
            data.samples.release();
        }
    }

    @Test
    void pastTheLineageLimitAndOnOtherSamplesItAgreesWithTheUnitShardedEngine() {
        Data data = Data.load("data.source=sphere", "data.n=120", "data.d=10", "data.seed=5", "data.block-size=16");
        try {
            UnitLayout layout = UnitLayout.even(60, 2, UnitRepresentation.WEIGHTS);
            int steps = GridShardedRelu.LINEAGE_LIMIT + 5;
            JavaSparkContext jsc =
                    JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
            TrainingSet test = UnitShardedReluTest.load("data.source=sphere", "data.n=30", "data.d=10", "data.seed=9");
            double[] expectedTest, actualTest;
            List<UnitShardedReluTest.Metrics> expected, actual;
            try (UnitShardedRelu e = new UnitShardedRelu(jsc, data.set, layout, 1.0, 3, Precision.FLOAT64)) {
                expected = UnitShardedReluTest.run(e, e.start(), data.set.n, 60, 0.2, steps, null);
                expectedTest = e.predict(test);
            }
            try (GridShardedRelu e = data.grid(layout, 4, 1.0)) {
                actual = UnitShardedReluTest.run(e, e.start(), data.set.n, 60, 0.2, steps, null);
                actualTest = e.predict(test);
            }
            UnitShardedReluTest.assertClose(expected, actual, "4 x 2 grid, " + steps + " steps");
            for (int i = 0; i < test.n; i++)
                Approx.assertRelative(expectedTest[i], actualTest[i], Approx.TRAJECTORY, "f(test " + i + ")");
        } finally {
            data.samples.release();
        }
    }

    @Test
    void whatTheGridCannotDoIsRefusedWithTheSettingToChange() {
        Data data = Data.load("data.source=sphere", "data.n=40", "data.d=5", "data.block-size=10");
        try {
            UserError span = assertThrows(
                    UserError.class, () -> data.grid(UnitLayout.even(20, 1, UnitRepresentation.SAMPLE_SPAN), 2, 0.1));
            assertThat(span.getMessage())
                    .contains("train.representation = weights")
                    .contains("train.sample-blocks = 1");
            try (GridShardedRelu e = data.grid(UnitLayout.even(20, 1, UnitRepresentation.WEIGHTS), 2, 0.1)) {
                e.start();
                UserError gram = assertThrows(UserError.class, () -> e.gram(false));
                assertThat(gram.getMessage()).contains("train.gram-every = 0");
            }
            assertThat(GridShardedRelu.rowCuts(new long[] {0, 10, 20, 30}, 40, 3))
                    .containsExactly(0, 20, 30, 40);
            assertThat(GridShardedRelu.rowCuts(new long[] {0, 10}, 20, 5))
                    .as("no more sample blocks than blocks")
                    .containsExactly(0, 10, 20);
        } finally {
            data.samples.release();
        }
    }
}
