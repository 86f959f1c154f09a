package org.overparam.experiment.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.overparam.UserError;
import org.overparam.config.SpectrumSpec;

/**
 * The large-n path's driver budget and its plan, against the closed forms written in {@link DriverMemory}: at n =
 * 10,000 with the defaults (200 steps, 3 labels + 10 probes, rank 300 adapting up to 1200), the bases are 2,600
 * columns of n doubles, the adaptive build 4 x 300, and the accumulators 10 x 600 (the widest pass is the last
 * doubling's 600 new columns, under the 800 of one pass's chunk at this n).
 */
class DriverMemoryTest {
    static final int N = 10_000, VECTORS = 13;

    static SpectrumSpec.Lanczos lanczos(String settings) {
        return SpectrumSpec.from(ConfigFactory.parseString("spectrum.lanczos { " + settings + " }")
                        .withFallback(ConfigFactory.defaultReference())
                        .resolve())
                .lanczos;
    }

    static double bytes(double columns) {
        return 8.0 * N * columns;
    }

    @Test
    void inLocalModeTheCachedTilesComeOffTheHeapFirst() {
        long heap = 16_000_000_000L;
        assertEquals(0.6 * heap, DriverMemory.budget(heap, false, 9.9e9, 11_000_000_000L), 1.0, "cluster driver");
        assertEquals(
                0.9 * (heap - (300L << 20) - 9.9e9),
                DriverMemory.budget(heap, true, 9.9e9, 11_000_000_000L),
                1.0,
                "local: all tiles in storage memory");
        assertEquals(
                0.9 * (heap - (300L << 20) - 11e9),
                DriverMemory.budget(heap, true, 20e9, 11_000_000_000L),
                1.0,
                "local: the tiles past storage memory spill to disk");
        assertEquals(0.6 * heap, DriverMemory.budget(heap, true, 1e8, 11_000_000_000L), 1.0, "local, small tiles");
    }

    @Test
    void theAdaptiveRankIsCappedByWhatTheBudgetHoldsAndSettingsThatDoNotFitAreRefused() {
        SpectrumSpec.Lanczos s = lanczos("");
        assertEquals(6000.0, DriverMemory.accumulatorColumns(N, s, VECTORS));
        assertEquals(1200, DriverMemory.plan(N, s, VECTORS, 10e9), "ample: the configured maximum");
        // 10,625 columns: (10,625 - 6,000) / 4 = 1,156 while the rank doubles; the bases leave more.
        assertEquals(1156, DriverMemory.plan(N, s, VECTORS, bytes(10_625)), "tight: what the doubling holds");
        // 9,800 columns are needed with everything counted at once (2,600 + 4 x 300 + 6,000); the bases do not live
        // while the rank doubles, so that budget still lets it double up to (9,800 - 6,000) / 4 = 950.
        assertEquals(950, DriverMemory.plan(N, s, VECTORS, bytes(9_800)), "the least budget accepted");
        UserError e = assertThrows(UserError.class, () -> DriverMemory.plan(N, s, VECTORS, bytes(9_799)));
        assertThat(e.getMessage()).contains("0.78 GB").contains("spectrum.lanczos.steps");
    }

    @Test
    void aFixedRankCountsThreeBlocksAndNoDoubling() {
        SpectrumSpec.Lanczos fixed = lanczos("preconditioner-max-rank = 0");
        // Accumulators 10 x 300 (the rank-300 sketch is the widest pass): 2,600 + 3 x 300 + 3,000 = 6,500 columns.
        assertEquals(3000.0, DriverMemory.accumulatorColumns(N, fixed, VECTORS));
        assertEquals(300, DriverMemory.plan(N, fixed, VECTORS, bytes(6_500)));
        assertThrows(UserError.class, () -> DriverMemory.plan(N, fixed, VECTORS, bytes(6_499)));
        assertEquals(
                1500, DriverMemory.plan(N, lanczos("preconditioner-rank = 1500"), VECTORS, 10e9), "max below rank");
    }
}
