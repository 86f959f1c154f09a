package org.overparam.experiment.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.TestData;

/** Arora et al.'s Fig. 2 on real MNIST digits, scaled down: more label noise, larger complexity and test error. */
class NoiseJobTest {
    @TempDir
    Path tmp;

    @Test
    void complexityAndTestErrorGrowWithLabelNoise() throws Exception {
        LocalSpark.get();
        Path out = tmp.resolve("noise");
        int code = Main.commandLine()
                .execute(
                        "noise",
                        "--out",
                        out.toString(),
                        "--set",
                        "data.source=mnist",
                        "--set",
                        "data.path=" + TestData.mnist().toUri(),
                        "--set",
                        "data.classes=[0,1]",
                        "--set",
                        "data.n=200",
                        "--set",
                        "noise.test-n=300",
                        "--set",
                        "noise.fractions=[0,0.5,1]",
                        "--set",
                        "train.width=500",
                        "--set",
                        "train.kappa=0.01",
                        "--set",
                        "train.eta=0.05",
                        "--set",
                        "train.iterations=80");
        assertThat(code).isZero();
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode f = s.get("fractions");
        assertThat(f).hasSize(3);
        for (int i = 1; i < 3; i++) {
            assertThat(f.get(i).get("complexity").asDouble())
                    .isGreaterThan(f.get(i - 1).get("complexity").asDouble());
            assertThat(f.get(i).get("test_error").asDouble())
                    .isGreaterThan(f.get(i - 1).get("test_error").asDouble());
        }
        // Clean digits 0 and 1 are nearly separable: a few percent test error; with every label random, about half.
        assertThat(f.get(0).get("test_error").asDouble()).isLessThan(0.05);
        assertThat(f.get(2).get("test_error").asDouble()).isBetween(0.35, 0.65);
        assertThat(s.get("correlation_complexity_test_error").asDouble()).isGreaterThan(0.9);
        assertThat(out.resolve("plots/noise.png")).exists();
        assertThat(out.resolve("noise.csv")).exists();
        assertThat(out.resolve("report.html")).exists();
    }
}
