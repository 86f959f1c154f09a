package org.overparam.experiment.spectrum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.Approx;
import org.overparam.testing.TestData;

/**
 * The spectrum command's large-n path end to end (MNIST 0/1, n = 500) against its dense path on the same data, with
 * the tolerances of {@link org.overparam.testing.Approx} (LANCZOS_*); and {@code spectrum.method = auto} choosing it past the dense limit.
 */
class LanczosSpectrumJobTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static final String[] DATA = {
        "--set",
        "data.source=mnist",
        "--set",
        "data.path=" + TestData.mnist().toUri(),
        "--set",
        "data.classes=[0,1]",
        "--set",
        "data.n=500",
        "--set",
        "data.partitions=2",
        "--set",
        "spectrum.labels=[true,random,worst]",
        "--set",
        "spectrum.max-k=100000"
    };

    JsonNode run(String name, String... extra) throws Exception {
        Path out = tmp.resolve(name);
        String[] args = new String[3 + DATA.length + extra.length];
        args[0] = "spectrum";
        args[1] = "--out";
        args[2] = out.toString();
        System.arraycopy(DATA, 0, args, 3, DATA.length);
        System.arraycopy(extra, 0, args, 3 + DATA.length, extra.length);
        assertThat(SpectrumJobTest.run(args)).isZero();
        for (String f : List.of("summary.json", "report.html"))
            assertThat(out.resolve(f)).exists();
        return JSON.readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void theLanczosPathAgreesWithTheDensePathWithinTheIssueTolerances() throws Exception {
        JsonNode dense = run("dense", "--set", "spectrum.method=dense");
        JsonNode large = run("lanczos", "--set", "spectrum.dense-limit=100", "--set", "spectrum.tiles=float64");
        assertThat(dense.get("method").asText()).isEqualTo("dense");
        assertThat(large.get("method").asText()).as("auto past the dense limit").isEqualTo("lanczos");
        Approx.assertRelative(
                dense.get("eigenvalues").get("max").asDouble(),
                large.get("eigenvalues").get("max").asDouble(),
                Approx.LANCZOS_LAMBDA_MAX,
                "lambda_max");
        Approx.assertRelative(
                dense.get("eigenvalues").get("min").asDouble(),
                large.get("eigenvalues").get("min").asDouble(),
                Approx.LANCZOS_LAMBDA_MIN,
                "lambda_min");
        for (String labels : List.of("true", "random", "worst")) {
            JsonNode a = dense.get("labels").get(labels),
                    b = large.get("labels").get(labels);
            Approx.assertRelative(
                    a.get("complexity").asDouble(),
                    b.get("complexity").asDouble(),
                    labels.equals("worst") ? Approx.LANCZOS_LAMBDA_MIN : Approx.LANCZOS_COMPLEXITY,
                    labels + " complexity");
            a.get("predicted_loss")
                    .fieldNames()
                    .forEachRemaining(k -> Approx.assertRelative(
                            a.get("predicted_loss").get(k).asDouble(),
                            b.get("predicted_loss").get(k).asDouble(),
                            labels.equals("worst")
                                    ? 2 * Approx.LANCZOS_LAMBDA_MIN * Math.max(1, Long.parseLong(k) * 1e-3)
                                    : Approx.LANCZOS_PREDICTED_LOSS,
                            labels + " predicted loss at k = " + k));
        }
        JsonNode it = large.get("iterations");
        assertThat(it.get("passes").asInt())
                .isGreaterThan(it.get("lanczos_steps").asInt());
        // Every pass belongs to one stage: the stages' passes and pass seconds add up to the run's.
        List<String> stages = new java.util.ArrayList<>();
        int passes = 0;
        double passSeconds = 0;
        for (JsonNode st : large.get("passes_per_stage")) {
            stages.add(st.get("stage").asText());
            passes += st.get("passes").asInt();
            passSeconds += st.get("pass_seconds").asDouble();
            assertThat(st.get("seconds").asDouble())
                    .isGreaterThanOrEqualTo(st.get("pass_seconds").asDouble());
        }
        assertThat(stages).containsExactly("top_eigenpairs", "preconditioner", "lambda_min", "lanczos_and_cg");
        assertThat(passes).isEqualTo(it.get("passes").asInt());
        assertThat(passSeconds).isCloseTo(it.get("pass_seconds").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(large.has("dgemm_peak_gflops"))
                .as("measured only with spectrum.report-peak")
                .isFalse();
        assertThat(large.get("labels").get("true").get("cg_relative_residual").asDouble())
                .isLessThan(1e-7);
        assertThat(large.get("labels").get("true").get("top10_share").asDouble())
                .isGreaterThan(
                        large.get("labels").get("random").get("top10_share").asDouble());
        assertThat(large.get("labels").get("true").get("complexity").asDouble())
                .isLessThan(large.get("labels").get("random").get("complexity").asDouble());
        // Float32 tiles (entries rounded to 6e-8 relative) keep lambda_max and the complexity of the true labels within
        // the issue's tolerances at this n.
        JsonNode single = run("float32", "--set", "spectrum.method=lanczos", "--set", "spectrum.tiles=float32");
        assertThat(single.get("iterations").get("tiles").asText()).isEqualTo("float32");
        Approx.assertRelative(
                dense.get("eigenvalues").get("max").asDouble(),
                single.get("eigenvalues").get("max").asDouble(),
                Approx.LANCZOS_LAMBDA_MAX,
                "lambda_max, float32 tiles");
        Approx.assertRelative(
                dense.get("eigenvalues").get("min").asDouble(),
                single.get("eigenvalues").get("min").asDouble(),
                Approx.LANCZOS_LAMBDA_MIN,
                "lambda_min, float32 tiles");
        Approx.assertRelative(
                dense.get("labels").get("true").get("complexity").asDouble(),
                single.get("labels").get("true").get("complexity").asDouble(),
                Approx.LANCZOS_COMPLEXITY,
                "true complexity, float32 tiles");
        Path lanczos = tmp.resolve("lanczos");
        for (String f : List.of(
                "top_eigenvalues.csv",
                "spectral_density.csv",
                "density_nodes.csv",
                "label_measure.csv",
                "predicted_loss.csv",
                "plots/spectral-density.png",
                "plots/label-measure.svg",
                "plots/predicted-loss.png")) {
            assertThat(lanczos.resolve(f)).as(f).exists();
        }
    }

    @Test
    void settingsWhoseDriverArraysCannotFitAreRefusedBeforeAnyWork() throws Exception {
        Path out = tmp.resolve("too-many-probes");
        int code = SpectrumJobTest.run(
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
                "spectrum.method=lanczos",
                "--set",
                "spectrum.lanczos.probes=100000");
        assertThat(code).isEqualTo(org.overparam.cli.Main.EXIT_USER_ERROR);
        JsonNode m = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(m.get("error").asText())
                .contains("Lanczos bases")
                .contains("GB")
                .contains("spectrum.lanczos.steps");
    }
}
