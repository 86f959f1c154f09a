package org.overparam.experiment.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.testing.Approx;

/**
 * The train command on a grid of sample blocks x unit blocks ({@code train.sample-blocks}): the same metrics as the
 * run that ships all samples to every executor (to rounding), and an interrupted grid run resumed bit for bit.
 */
class GridTrainingTest {
    @TempDir
    Path tmp;

    static String[] settings(String... more) {
        List<String> s = new ArrayList<>(Arrays.asList(TrainJobTest.SMALL));
        s.add("data.block-size=20");
        s.add("train.representation=weights");
        s.addAll(Arrays.asList(more));
        return s.toArray(new String[0]);
    }

    @Test
    void aGridRunMatchesTheShippedSamplesRunAndResumesBitForBit() throws Exception {
        Path shipped = tmp.resolve("shipped"), grid = tmp.resolve("grid"), broken = tmp.resolve("broken");
        TrainJobTest.train(TrainJobTest.config(settings("train.sample-blocks=1")), shipped, false, -1);
        TrainJobTest.train(
                TrainJobTest.config(settings("train.sample-blocks=3", "train.unit-blocks=2")), grid, false, -1);
        assertThat(TrainJobTest.JSON
                        .readTree(grid.resolve("summary.json").toFile())
                        .get("runs")
                        .get(0)
                        .get("sample_blocks")
                        .asInt())
                .isEqualTo(3);
        TreeMap<String, double[]> a = TrainJobTest.metrics(shipped), b = TrainJobTest.metrics(grid);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String key : a.keySet()) {
            for (String column : List.of("loss", "gradient_norm", "max_weight_distance", "weight_distance_fro")) {
                int c = TrainMetrics.COLUMNS.indexOf(column);
                if (a.get(key)[c] != 0)
                    Approx.assertRelative(a.get(key)[c], b.get(key)[c], Approx.TRAJECTORY, key + " " + column);
            }
            int p = TrainMetrics.COLUMNS.indexOf("pattern_change_fraction");
            assertThat(b.get(key)[p]).as(key + " pattern changes").isEqualTo(a.get(key)[p]);
        }

        String[] gridSettings = settings("train.sample-blocks=3", "train.unit-blocks=2");
        assertThrows(
                TrainJobTest.Interrupted.class,
                () -> TrainJobTest.train(TrainJobTest.config(gridSettings), broken, false, 90, 7));
        TrainJobTest.train(TrainJobTest.config(gridSettings), broken, true, -1);
        TreeMap<String, double[]> c = TrainJobTest.metrics(broken);
        assertThat(c.keySet()).isEqualTo(b.keySet());
        int seconds = TrainMetrics.COLUMNS.indexOf("seconds");
        for (String key : b.keySet()) {
            for (int k = 0; k < b.get(key).length; k++) {
                if (k == seconds) continue;
                assertThat(Double.doubleToLongBits(c.get(key)[k]))
                        .as(key + " " + TrainMetrics.COLUMNS.get(k))
                        .isEqualTo(Double.doubleToLongBits(b.get(key)[k]));
            }
        }
    }

    @Test
    void whatAGridCannotComputeIsRefusedBeforeAnyWork() {
        UserError gram = assertThrows(
                UserError.class,
                () -> TrainJobTest.train(
                        TrainJobTest.config(settings("train.sample-blocks=2", "train.gram-every=5")),
                        tmp.resolve("gram"),
                        false,
                        -1));
        assertThat(gram.getMessage()).contains("train.gram-every = 0");
        UserError single = assertThrows(
                UserError.class,
                () -> TrainJobTest.train(
                        TrainJobTest.config(settings("train.sample-blocks=2", "train.precision=float32")),
                        tmp.resolve("single"),
                        false,
                        -1));
        assertThat(single.getMessage()).contains("float64").contains("float32");
        UserError span = assertThrows(
                UserError.class,
                () -> TrainJobTest.train(
                        TrainJobTest.config(settings("train.sample-blocks=2", "train.representation=sample-span")),
                        tmp.resolve("span"),
                        false,
                        -1));
        assertThat(span.getMessage()).contains("train.representation = weights");
    }
}
