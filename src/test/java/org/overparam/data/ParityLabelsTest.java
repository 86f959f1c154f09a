package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.overparam.UserError;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * data.labels = parity: y = +1 for an even digit, -1 for an odd one, over all ten classes; data.split = all: the 60,000
 * training images then the 10,000 test images as one source.
 */
class ParityLabelsTest {
    @Test
    void splitAllIsTheTrainingRecordsFollowedByTheTestRecords() {
        Configuration conf = new Configuration();
        DataPlan all = DataPlan.build(
                Settings.data(
                        "data.source=mnist",
                        "data.path=" + TestData.mnist().toUri(),
                        "data.n=all",
                        "data.classes=[0,1]",
                        "data.split=all",
                        "data.block-size=5000"),
                conf,
                1);
        DataPlan train = DataPlan.build(
                Settings.data(
                        "data.source=mnist",
                        "data.path=" + TestData.mnist().toUri(),
                        "data.n=all",
                        "data.classes=[0,1]",
                        "data.split=train"),
                conf,
                1);
        DataPlan test = DataPlan.build(
                Settings.data(
                        "data.source=mnist",
                        "data.path=" + TestData.mnist().toUri(),
                        "data.n=all",
                        "data.classes=[0,1]",
                        "data.split=test"),
                conf,
                1);
        // MNIST digits 0 and 1: 5923 + 6742 training and 980 + 1135 test images (the official counts).
        assertThat(train.n).isEqualTo(12_665);
        assertThat(test.n).isEqualTo(2_115);
        assertThat(all.n).isEqualTo(train.n + test.n);
        // The last block holds test images: its rows equal the test split's last rows, pixel for pixel.
        java.util.List<SampleBlock> blocks =
                all.reader.read(all.blocks.subList(all.blocks.size() - 1, all.blocks.size()), all.d);
        SampleBlock last = blocks.get(0);
        java.util.List<SampleBlock> tb = test.reader.read(test.blocks, test.d);
        SampleBlock lastTest = tb.get(tb.size() - 1);
        int d = all.d;
        for (int k = 1; k <= 5; k++) {
            double[] a = java.util.Arrays.copyOfRange(last.x, (last.rows - k) * d, (last.rows - k + 1) * d);
            double[] b = java.util.Arrays.copyOfRange(lastTest.x, (lastTest.rows - k) * d, (lastTest.rows - k + 1) * d);
            assertThat(a).as("row " + k + " from the end").isEqualTo(b);
            assertThat(last.sourceIds[last.rows - k]).isEqualTo(60_000 + lastTest.sourceIds[lastTest.rows - k]);
        }
    }

    @Test
    void evenDigitsArePlusOneAndOddDigitsMinusOne() {
        DataPlan plan = DataPlan.build(
                Settings.data(
                        "data.source=mnist",
                        "data.path=" + TestData.mnist().toUri(),
                        "data.n=300",
                        "data.labels=parity"),
                new Configuration(),
                1);
        int even = 0;
        for (SampleBlock b : plan.reader.read(plan.blocks, plan.d)) {
            for (int i = 0; i < b.rows; i++) {
                int cls = b.classes[i];
                assertThat(b.y[i])
                        .as("row " + (b.rowStart + i) + ", digit " + cls)
                        .isEqualTo(cls % 2 == 0 ? 1.0 : -1.0);
                if (cls % 2 == 0) even++;
            }
        }
        assertThat(even).as("both signs occur").isBetween(1, 299);
    }

    @Test
    void syntheticSourcesHaveNoClassesToTakeTheParityOf() {
        assertThatThrownBy(() -> Settings.data("data.source=sphere", "data.labels=parity"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("parity");
    }
}
