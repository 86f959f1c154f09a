package org.overparam.experiment.spectrum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overparam.cli.Main;
import org.overparam.testing.LocalSpark;

/** Arora et al. Thm 6.1 on the unit sphere: planted labels alpha (beta . x)^p stay below 3 p |alpha| ||beta||^p. */
class Theorem61Test {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "p = {0}")
    @ValueSource(ints = {1, 2})
    void plantedLabelsRespectTheBound(int p) throws Exception {
        LocalSpark.get();
        Path out = tmp.resolve("p" + p);
        int code = Main.commandLine()
                .execute(
                        "spectrum",
                        "--out",
                        out.toString(),
                        "--set",
                        "data.source=sphere",
                        "--set",
                        "data.n=400",
                        "--set",
                        "data.d=8",
                        "--set",
                        "data.labels=planted:" + p,
                        "--set",
                        "data.planted.alpha=2.5",
                        "--set",
                        "data.planted.beta-norm=1.5",
                        "--set",
                        "spectrum.labels=[true,random]");
        assertThat(code).isZero();
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode t = s.get("theorem_6_1");
        double bound = 3 * p * 2.5 * Math.pow(1.5, p);
        org.overparam.testing.Approx.assertRelative(bound, t.get("bound").asDouble(), 1e-15, "bound");
        assertThat(t.get("sqrt_y_hinv_y").asDouble()).isPositive().isLessThanOrEqualTo(bound);
        assertThat(t.get("holds").asBoolean()).isTrue();
        // The planted labels are far simpler than random labels of the same data.
        assertThat(s.get("labels").get("true").get("complexity").asDouble())
                .isLessThan(s.get("labels").get("random").get("complexity").asDouble());
    }
}
