package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingSetTest {
    @Test
    void theActiveColumnsAreThoseWhereSomeSampleIsNonzeroAndTheRestrictedCopyKeepsTheirValuesInOrder() {
        // 3 samples, d = 5: columns 1 and 4 are zero in every sample, column 3 only in two of them.
        double[] x = {
            1, 0, 2, 0, 0,
            0, 0, 3, 4, 0,
            5, 0, -0.0, 0, 0
        };
        TrainingSet set = new TrainingSet(3, 5, x, new double[3]);
        assertThat(set.activeColumns()).containsExactly(0, 2, 3);
        assertThat(set.activeD()).isEqualTo(3);
        TrainingSet.Active a = set.active();
        assertThat(a.d()).isEqualTo(3);
        assertThat(a.x()).containsExactly(1, 2, 0, 0, 3, 4, 5, -0.0, 0);
        assertThat(set.activeCopyBytes(Precision.FLOAT64)).isEqualTo(8L * 3 * 3);
        assertThat(set.activeCopyBytes(Precision.FLOAT32)).isEqualTo(12L * 3 * 3);
        float[] x32 = set.activeX32();
        assertThat(x32).hasSize(9);
        assertThat(x32[4]).isEqualTo(3f);
    }

    @Test
    void withEveryColumnActiveOrNoneThereIsNothingToRestrictAndXItselfIsUsed() {
        double[] dense = {1, 2, 3, 4};
        TrainingSet all = new TrainingSet(2, 2, dense, new double[2]);
        assertThat(all.activeColumns()).isNull();
        assertThat(all.activeD()).isEqualTo(2);
        assertThat(all.active().x()).isSameAs(all.x());
        assertThat(all.activeCopyBytes(Precision.FLOAT64)).isZero();
        TrainingSet none = new TrainingSet(2, 2, new double[4], new double[2]);
        assertThat(none.activeColumns()).isNull();
        assertThat(none.active().x()).isSameAs(none.x());
    }
}
