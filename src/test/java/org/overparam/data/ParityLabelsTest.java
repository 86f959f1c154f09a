package org.overparam.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.overparam.UserError;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** data.labels = parity: y = +1 for an even digit, -1 for an odd one, over all ten classes. */
class ParityLabelsTest {
    @Test
    void evenDigitsArePlusOneAndOddDigitsMinusOne() {
        DataPlan plan = DataPlan.build(Settings.data("data.source=mnist", "data.path=" + TestData.mnist().toUri(), "data.n=300",
                "data.labels=parity"), new Configuration(), 1);
        int even = 0;
        for (SampleBlock b : plan.reader.read(plan.blocks, plan.d)) {
            for (int i = 0; i < b.rows; i++) {
                int cls = b.classes[i];
                assertThat(b.y[i]).as("row " + (b.rowStart + i) + ", digit " + cls).isEqualTo(cls % 2 == 0 ? 1.0 : -1.0);
                if (cls % 2 == 0) even++;
            }
        }
        assertThat(even).as("both signs occur").isBetween(1, 299);
    }

    @Test
    void syntheticSourcesHaveNoClassesToTakeTheParityOf() {
        assertThatThrownBy(() -> Settings.data("data.source=sphere", "data.labels=parity")).isInstanceOf(UserError.class)
                .hasMessageContaining("parity");
    }
}
