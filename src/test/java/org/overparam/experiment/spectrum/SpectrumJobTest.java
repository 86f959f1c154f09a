package org.overparam.experiment.spectrum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.TestData;

/** The spectrum command end to end on real MNIST digits and on a degenerate synthetic set. */
class SpectrumJobTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static int run(String... args) {
        LocalSpark.get();
        return Main.commandLine().execute(args);
    }

    @Test
    void mnistTrueLabelsAreSimplerThanRandomOnesAndTheOutputsAreComplete() throws Exception {
        Path out = tmp.resolve("mnist");
        int code = run(
                "spectrum",
                "--out",
                out.toString(),
                "--set",
                "data.source=mnist",
                "--set",
                "data.path=" + TestData.mnist().toUri(),
                "--set",
                "data.classes=[0,1]",
                "--set",
                "data.n=400",
                "--set",
                "spectrum.labels=[true,random,\"random:0.5\",worst]",
                "--set",
                "spectrum.max-k=100000");
        assertThat(code).isZero();
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        for (String key : List.of("n", "d", "kernel", "eigenvalues", "labels", "seconds", "blas"))
            assertThat(s.has(key)).as(key).isTrue();
        assertThat(s.get("n").asInt()).isEqualTo(400);
        assertThat(s.get("kernel").asText()).isEqualTo("relu-ntk");
        assertThat(s.get("eigenvalues").get("count").asInt()).isEqualTo(400);
        assertThat(s.get("eigenvalues").get("min").asDouble()).isPositive();
        JsonNode labels = s.get("labels");
        double truth = labels.get("true").get("complexity").asDouble();
        double half = labels.get("random:0.5").get("complexity").asDouble();
        double random = labels.get("random").get("complexity").asDouble();
        double worst = labels.get("worst").get("complexity").asDouble();
        // Arora et al. (Fig. 1, 2): true labels have the smallest complexity, more label noise a larger one, and the
        // eigenvector of lambda_min (scaled like y) the largest possible: sqrt(2 ||y||^2 / (lambda_min n)).
        assertThat(truth).isLessThan(half);
        assertThat(half).isLessThan(random);
        assertThat(random).isLessThan(worst);
        double norm = labels.get("true").get("norm").asDouble();
        org.overparam.testing.Approx.assertRelative(
                Math.sqrt(2 * norm * norm / (s.get("eigenvalues").get("min").asDouble() * 400)),
                worst,
                1e-8,
                "worst-case complexity");
        assertThat(labels.get("true").get("top10_share").asDouble())
                .isGreaterThan(labels.get("random").get("top10_share").asDouble());
        JsonNode curve = labels.get("true").get("predicted_loss");
        org.overparam.testing.Approx.assertRelative(
                0.5 * norm * norm, curve.get("0").asDouble(), 1e-12, "predicted loss at k = 0");
        assertThat(curve.get("100000").asDouble()).isLessThan(curve.get("1000").asDouble());
        assertThat(curve.has("1000000"))
                .as("k past spectrum.max-k is not reported")
                .isFalse();
        for (String f : List.of(
                "eigenvalues.csv",
                "projections.csv",
                "predicted_loss.csv",
                "report.html",
                "plots/spectrum.png",
                "plots/spectrum.svg",
                "plots/predicted-loss.png",
                "plots/predicted-loss.svg")) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        assertThat(Files.readAllLines(out.resolve("projections.csv"))).hasSize(1 + 4 * 400);
        var parquet = LocalSpark.get().read().parquet(out.resolve("eigenvalues").toString());
        assertThat(parquet.count()).isEqualTo(400);
    }

    @Test
    void parallelInputsMakeHinfSingularAndTheComplexityUndefined() throws Exception {
        Path out = tmp.resolve("singular");
        // d = 1: every input is +1 or -1, so all pairs are parallel and Hinf has rank at most 2.
        int code = run(
                "spectrum",
                "--out",
                out.toString(),
                "--set",
                "data.source=hypercube",
                "--set",
                "data.n=12",
                "--set",
                "data.d=1",
                "--set",
                "spectrum.labels=[true]");
        assertThat(code).isZero();
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(s.get("eigenvalues").get("parallel_pairs").asLong()).isEqualTo(12 * 11 / 2);
        assertThat(s.get("eigenvalues").get("singular").asBoolean()).isTrue();
        assertThat(s.get("labels").get("true").get("complexity").isNull()).isTrue();
        assertThat(s.get("labels").get("true").get("complexity_note").asText()).containsIgnoringCase("singular");
    }

    @Test
    void nPastTheDenseLimitIsRefusedOnTheDensePathWithTheMemoryItWouldNeed() throws Exception {
        Path out = tmp.resolve("too-big");
        int code = run(
                "spectrum",
                "--out",
                out.toString(),
                "--set",
                "data.source=sphere",
                "--set",
                "data.n=500",
                "--set",
                "data.d=5",
                "--set",
                "spectrum.dense-limit=100",
                "--set",
                "spectrum.method=dense");
        assertThat(code).isEqualTo(Main.EXIT_USER_ERROR);
        JsonNode m = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(m.get("status").asText()).isEqualTo("failed");
        assertThat(m.get("error").asText())
                .contains("dense limit of 100")
                .contains("GB")
                .contains("lanczos");
    }
}
