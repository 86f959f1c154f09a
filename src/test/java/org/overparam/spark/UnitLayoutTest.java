package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.overparam.UserError;
import org.overparam.model.Precision;
import org.overparam.model.ReluUnitBlock;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitRepresentation;

/** The cost model's choices, and its refusal of what the executors cannot hold. */
class UnitLayoutTest {
    static TrainingSet samples(int n, int d) {
        return new TrainingSet(n, d, new double[n * d], new double[n]);
    }

    static final UnitLayout.Executors LOCAL_16G = new UnitLayout.Executors(1, 2, 16L << 30, true);

    @Test
    void theSampleSpanWhenItCostsFewerFlopsAndWeightsOtherwise() {
        assertThat(UnitLayout.choose(10_000, samples(1000, 1000), Precision.FLOAT64, LOCAL_16G, 0, null, 0)
                        .representation())
                .isEqualTo(UnitRepresentation.SAMPLE_SPAN);
        assertThat(UnitLayout.choose(4000, samples(2000, 784), Precision.FLOAT64, LOCAL_16G, 0, null, 0)
                        .representation())
                .isEqualTo(UnitRepresentation.WEIGHTS);
        assertThat(UnitRepresentation.SAMPLE_SPAN.stepFlops(1000, 1000, 10))
                .isEqualTo(0.5 * UnitRepresentation.WEIGHTS.stepFlops(1000, 1000, 10));
        assertThat(UnitLayout.choose(
                                10_000,
                                samples(1000, 1000),
                                Precision.FLOAT64,
                                LOCAL_16G,
                                0,
                                UnitRepresentation.WEIGHTS,
                                0)
                        .representation())
                .isEqualTo(UnitRepresentation.WEIGHTS);
    }

    @Test
    void oneBlockPerCoreButNotForTinySteps() {
        UnitLayout wide = UnitLayout.choose(10_000, samples(1000, 1000), Precision.FLOAT64, LOCAL_16G, 0, null, 0);
        assertThat(wide.blocks()).isEqualTo(2);
        assertThat(wide.cuts()).containsExactly(0, 5000, 10_000);
        assertThat(UnitLayout.choose(100, samples(1000, 1000), Precision.FLOAT64, LOCAL_16G, 0, null, 0)
                        .blocks())
                .isEqualTo(1);
        assertThat(UnitLayout.choose(100, samples(1000, 1000), Precision.FLOAT64, LOCAL_16G, 7, null, 0)
                        .blocks())
                .isEqualTo(7);
        assertThat(UnitLayout.even(10, 4, UnitRepresentation.WEIGHTS).cuts()).containsExactly(0, 2, 5, 7, 10);
    }

    @Test
    void blocksTooLargeForAnExecutorAreSplitFurther() {
        // m = 400,000 units of d = 784 in weights: W and W(0) take 5 GB, 1.25 GB per executor; with 2.5 GB executors of
        // 2 cores, one block per core would leave no room for a step's new W (0.63 GB per running block).
        UnitLayout.Executors cluster = new UnitLayout.Executors(4, 2, 5L << 29, false);
        UnitLayout layout = UnitLayout.choose(
                400_000, samples(3000, 784), Precision.FLOAT64, cluster, 0, UnitRepresentation.WEIGHTS, 0);
        assertThat(layout.blocks()).isGreaterThan(8).matches(b -> b % 8 == 0, "a multiple of the cores");
        long perExecutor = UnitLayout.executorBytes(layout, samples(3000, 784), Precision.FLOAT64, cluster);
        assertThat(perExecutor).isLessThanOrEqualTo(cluster.usable());
    }

    @Test
    void aWidthTheExecutorsCannotHoldIsRefusedWithWhatItNeeds() {
        // m = 100,000 on n = 500 MNIST images with a 1 GB heap: 2 GB of unit blocks.
        UnitLayout.Executors small = new UnitLayout.Executors(1, 2, 1L << 30, true);
        UserError e = assertThrows(
                UserError.class,
                () -> UnitLayout.choose(100_000, samples(500, 784), Precision.FLOAT64, small, 0, null, 0));
        assertThat(e.getMessage())
                .contains("m = 100,000")
                .contains("n = 500")
                .contains("GB per executor")
                .contains("OVERPARAM_DRIVER_MEMORY")
                .contains("--executor-memory");
        long state = ReluUnitBlock.stateBytes(UnitRepresentation.SAMPLE_SPAN, 100_000, 784, 500);
        assertThat(state).as("A, Q and P(0): 24 n m bytes").isGreaterThan(24L * 500 * 100_000);
    }
}
