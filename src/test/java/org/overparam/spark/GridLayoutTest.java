package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.overparam.UserError;
import org.overparam.model.Precision;

/** The grid's cost model: each executor's share of the samples is B n d / E, and the grid grows S until it fits. */
class GridLayoutTest {
    static final long GB = 1L << 30;

    @Test
    void samplesThatFitEveryExecutorNeedNoGrid() {
        UnitLayout.Executors big = new UnitLayout.Executors(4, 2, 64 * GB, false);
        assertThat(GridLayout.samplesFitEveryExecutor(70_000, 784, Precision.FLOAT64, big))
                .isTrue();
        UnitLayout.Executors small = new UnitLayout.Executors(8, 2, 2 * GB, false);
        // 1,000,000 x 784 float64 is 6.3 GB: no executor of 2 GB holds it.
        assertThat(GridLayout.samplesFitEveryExecutor(1_000_000, 784, Precision.FLOAT64, small))
                .isFalse();
    }

    @Test
    void theGridTakesTheFewestUnitBlocksWhoseCellsAndGradientPartsFit() {
        // 16 executors of 4 GB, 1,000,000 x 784 samples (6.3 GB): one unit block would gather 32 gradient parts of
        // 63 MB at its reduce (2.1 GB, 3.2 GB with its cells), so the model takes two, with 16 sample blocks (1.9 GB).
        UnitLayout.Executors executors = new UnitLayout.Executors(16, 2, 4 * GB, false);
        assertThat(GridLayout.executorBytes(10_000, 1_000_000, 784, 1, 32, executors))
                .isGreaterThan(executors.usable());
        GridLayout g = GridLayout.choose(10_000, 1_000_000, 784, executors, 0, 0);
        assertThat(g.units().blocks()).isEqualTo(2);
        assertThat(g.sampleBlocks()).isEqualTo(16);
        assertThat(GridLayout.executorBytes(10_000, 1_000_000, 784, 2, 16, executors))
                .isLessThanOrEqualTo(executors.usable());
        // Executors of 8 GB hold one unit block's 64 parts: one unit block, a sample block per core.
        GridLayout big =
                GridLayout.choose(10_000, 1_000_000, 784, new UnitLayout.Executors(32, 2, 8 * GB, false), 0, 0);
        assertThat(big.units().blocks()).isEqualTo(1);
        assertThat(big.sampleBlocks()).isEqualTo(64);
        assertThat(GridLayout.choose(10_000, 1_000_000, 784, executors, 24, 3).sampleBlocks())
                .as("forced")
                .isEqualTo(24);
    }

    @Test
    void aGridNoClusterCanHoldIsRefusedWithTheMemoryNeeded() {
        UnitLayout.Executors small = new UnitLayout.Executors(16, 2, 2 * GB, false);
        UserError e = assertThrows(UserError.class, () -> GridLayout.choose(10_000, 1_000_000, 784, small, 0, 0));
        assertThat(e.getMessage())
                .contains("32 sample blocks x 1 unit blocks")
                .contains("GB per executor")
                .contains("Add executors");
    }
}
