package org.overparam.theory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.data.DataPlan;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.ReluNtk;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.testing.Approx;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * Arora et al.'s spectral quantities on real data, the first 200 MNIST training samples of digits 0 and 1 (file order,
 * unit-norm rows, y = +1 for 0 and -1 for 1; Hinf with {@code t_ii = 1} exactly), against {@code src/test/resources/reference/hinf_reference.py}
 * (numpy / scipy), whose output is {@code hinf_reference.json} beside it.
 */
class HinfReferenceTest {
    static JsonNode ref;
    static int n;
    static double[] h;
    static double[] y;
    static SymmetricEigen eigen;
    static LabelSpectrum spectrum;
    /** The factored form (dsytrd + dstedc at this n) the spectrum job uses, checked against the same reference. */
    static SymmetricEigen factored;

    static LabelSpectrum factoredSpectrum;
    /** The factored form by the two-stage reduction the job uses for large n (kd = 16: n is not a multiple of it). */
    static SymmetricEigen twoStage;

    static LabelSpectrum twoStageSpectrum;
    /** The form the spectrum job uses: eigenvalues and the label coordinates by QL, after dsytrd and after two stages. */
    static SymmetricEigen projecting, projectingTwoStage;

    static LabelSpectrum projectingSpectrum, projectingTwoStageSpectrum;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = HinfReferenceTest.class.getResourceAsStream("/reference/hinf_reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        DataPlan plan = DataPlan.build(
                Settings.data(
                        "data.source=mnist",
                        "data.path=" + TestData.mnist().toUri(),
                        "data.classes=[0,1]",
                        "data.n=200"),
                new Configuration(),
                1);
        n = plan.n;
        int d = plan.d;
        double[] x = new double[n * d];
        y = new double[n];
        long[] ids = new long[n];
        for (SampleBlock b : plan.reader.read(plan.blocks, d)) {
            int r = (int) b.rowStart;
            System.arraycopy(b.x, 0, x, r * d, b.rows * d);
            System.arraycopy(b.y, 0, y, r, b.rows);
            System.arraycopy(b.sourceIds, 0, ids, r, b.rows);
        }
        assertThat(n).isEqualTo(ref.get("n").asInt());
        assertThat(d).isEqualTo(ref.get("d").asInt());
        for (int i = 0; i < ref.get("first_ids").size(); i++) {
            assertThat(ids[i])
                    .as("source id of row " + i)
                    .isEqualTo(ref.get("first_ids").get(i).asLong());
        }
        h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                // t_ii = 1 exactly, as in the reference script: a rounded ||x_i||^2 = 1 - 1 ulp would move Hinf_ii by
                // 2.4e-9, since arccos is not Lipschitz at 1.
                double t = i == j ? 1.0 : 0.0;
                for (int c = 0; i != j && c < d; c++) {
                    t += x[i * d + c] * x[j * d + c];
                }
                h[i * n + j] = ReluNtk.value(t);
                h[j * n + i] = h[i * n + j];
            }
        }
        eigen = SymmetricEigen.withVectors(h, n);
        spectrum = LabelSpectrum.of(eigen, y);
        factored = SymmetricEigen.factored(h, n);
        factoredSpectrum = LabelSpectrum.of(factored, y);
        twoStage = org.overparam.linalg.EigenForms.factored(h, n, 16);
        twoStageSpectrum = LabelSpectrum.of(twoStage, y);
        projecting = SymmetricEigen.projecting(h, n, y);
        projectingSpectrum = LabelSpectrum.ofCoordinates(projecting, projecting.projection(0));
        projectingTwoStage = org.overparam.linalg.EigenForms.projecting(h, n, 16, y);
        projectingTwoStageSpectrum = LabelSpectrum.ofCoordinates(projectingTwoStage, projectingTwoStage.projection(0));
    }

    static java.util.stream.Stream<String> forms() {
        return java.util.stream.Stream.of("withVectors", "factored", "two-stage", "projecting", "projecting two-stage");
    }

    private static LabelSpectrum spectrum(String form) {
        return switch (form) {
            case "factored" -> factoredSpectrum;
            case "two-stage" -> twoStageSpectrum;
            case "projecting" -> projectingSpectrum;
            case "projecting two-stage" -> projectingTwoStageSpectrum;
            default -> spectrum;
        };
    }

    private static SymmetricEigen eigen(String form) {
        return switch (form) {
            case "factored" -> factored;
            case "two-stage" -> twoStage;
            case "projecting" -> projecting;
            case "projecting two-stage" -> projectingTwoStage;
            default -> eigen;
        };
    }

    @Test
    void labelsAreThePapersPlusOneForZeroAndMinusOneForOne() {
        int positives = 0;
        for (double v : y) {
            assertThat(Math.abs(v)).isEqualTo(1.0);
            if (v > 0) {
                positives++;
            }
        }
        assertThat(positives).isEqualTo(ref.get("positives").asInt());
        Approx.assertRelative(
                ref.get("label_norm_sq").asDouble(), spectrum.labelNormSquared(), Approx.EXACT_DECIMAL, "||y||^2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void eigenvaluesMatchScipy(String form) {
        double[] values = spectrum(form).eigenvalues();
        JsonNode top = ref.get("eigen_top");
        for (int i = 0; i < top.size(); i++) {
            Approx.assertRelative(top.get(i).asDouble(), values[i], Approx.EIGENVALUE, "lambda_" + (i + 1));
        }
        JsonNode bottom = ref.get("eigen_bottom");
        for (int i = 0; i < bottom.size(); i++) {
            Approx.assertRelative(bottom.get(i).asDouble(), values[n - 1 - i], Approx.EIGENVALUE, "lambda_" + (n - i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void projectionsMatchScipyUpToSign(String form) {
        double[] p = spectrum(form).projections();
        JsonNode abs = ref.get("abs_projections");
        for (int i = 0; i < abs.size(); i++) {
            Approx.assertRelative(abs.get(i).asDouble(), Math.abs(p[i]), Approx.EIGENVECTOR, "|v_" + (i + 1) + " . y|");
        }
    }

    @Test
    void complexityMatchesScipyByBothRoutes() {
        ComplexityMeasure.Result chol = ComplexityMeasure.byCholesky(h, n, y);
        ComplexityMeasure.Result eig = ComplexityMeasure.bySpectrum(spectrum);
        ComplexityMeasure.Result fac = ComplexityMeasure.bySpectrum(factoredSpectrum);
        assertThat(chol.singular()).isFalse();
        assertThat(fac.singular()).isFalse();
        assertThat(eig.singular()).isFalse();
        double expected = ref.get("complexity").asDouble();
        Approx.assertRelative(expected, chol.complexity(), Approx.SPECTRAL_FUNCTION, "complexity by Cholesky");
        Approx.assertRelative(expected, eig.complexity(), Approx.SPECTRAL_FUNCTION, "complexity by eigendecomposition");
        Approx.assertRelative(
                expected, fac.complexity(), Approx.SPECTRAL_FUNCTION, "complexity by the factored eigendecomposition");
        ComplexityMeasure.Result two = ComplexityMeasure.bySpectrum(twoStageSpectrum);
        assertThat(two.singular()).isFalse();
        Approx.assertRelative(
                expected,
                two.complexity(),
                Approx.SPECTRAL_FUNCTION,
                "complexity by the two-stage factored eigendecomposition");
        Approx.assertRelative(
                expected,
                ComplexityMeasure.bySpectrum(projectingSpectrum).complexity(),
                Approx.SPECTRAL_FUNCTION,
                "complexity by the label coordinates (QL)");
        Approx.assertRelative(
                expected,
                ComplexityMeasure.bySpectrum(projectingTwoStageSpectrum).complexity(),
                Approx.SPECTRAL_FUNCTION,
                "complexity by the label coordinates (two-stage, QL)");
        Approx.assertRelative(
                ref.get("weight_bound").asDouble(),
                chol.weightDistanceBound(),
                Approx.SPECTRAL_FUNCTION,
                "sqrt(y^T H^-1 y)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void predictedLossMatchesScipy(String form) {
        double eta = ref.get("eta").asDouble();
        LabelSpectrum spectrum = spectrum(form);
        assertThat(spectrum.divergent(eta)).isFalse();
        JsonNode ks = ref.get("ks");
        JsonNode loss = ref.get("predicted_loss");
        for (int j = 0; j < ks.size(); j++) {
            long k = ks.get(j).asLong();
            Approx.assertRelative(
                    loss.get(j).asDouble(),
                    spectrum.predictedLoss(eta, k),
                    Approx.SPECTRAL_FUNCTION,
                    "loss at k = " + k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void worstCaseLabelsMatchScipy(String form) {
        ComplexityMeasure.Result r;
        if (form.startsWith(
                "projecting")) { // no eigenvectors: the worst labels by their coordinates, ||y|| on lambda_min
            r = ComplexityMeasure.bySpectrum(
                    LabelSpectrum.ofMinEigenvector(eigen(form), Math.sqrt(spectrum.labelNormSquared())));
        } else {
            r = ComplexityMeasure.byCholesky(h, n, WorstCaseLabels.likeLabels(eigen(form), y));
        }
        Approx.assertRelative(
                ref.get("worst_case_complexity").asDouble(),
                r.complexity(),
                Approx.SPECTRAL_FUNCTION,
                "worst-case complexity");
    }

    @Test
    void randomLabelsAreMoreComplexThanTrueLabels() {
        // Arora et al., Sec. 5 and Fig. 2: the measure separates true from random labels. Several seeded draws.
        double trueComplexity = ComplexityMeasure.byCholesky(h, n, y).complexity();
        double worstComplexity = ComplexityMeasure.byCholesky(h, n, WorstCaseLabels.likeLabels(eigen, y))
                .complexity();
        for (long seed = 1; seed <= 5; seed++) {
            double random = ComplexityMeasure.byCholesky(h, n, ReluKernels.randomSigns(n, seed))
                    .complexity();
            assertThat(random)
                    .as("random labels, seed " + seed)
                    .isGreaterThan(trueComplexity)
                    .isLessThan(worstComplexity);
        }
        // ... and true labels sit on the top eigenvectors, random ones spread out (Fig. 1(b)).
        LabelSpectrum random = LabelSpectrum.of(eigen, ReluKernels.randomSigns(n, 1));
        assertThat(spectrum.topShare(10)).isGreaterThan(random.topShare(10));
    }
}
