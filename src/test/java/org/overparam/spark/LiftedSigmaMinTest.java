package org.overparam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.theory.MemorizationCondition;

/**
 * Ge et al.'s {@code sigma_min(X(x)2)} through the squared-inner kernel on the shards (the spectrum machinery) against
 * NumPy's SVD of the explicit d^2 x n lifted matrix: {@code src/test/resources/reference/lifted_sigma_min_reference.py}
 * and its output {@code lifted_sigma_min_reference.json}.
 */
class LiftedSigmaMinTest {
    /** sqrt of an eigenvalue that is zero up to rounding (~1e-16) is ~1e-8. */
    static final double SQRT_OF_ROUNDING = 1e-6;

    @Test
    void sigmaMinOfTheLiftedDataMatchesNumpy() throws Exception {
        JsonNode ref;
        try (InputStream in =
                LiftedSigmaMinTest.class.getResourceAsStream("/reference/lifted_sigma_min_reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        for (JsonNode c : ref.get("cases")) {
            int n = c.get("n").asInt(), d = c.get("d").asInt();
            double[] x = new double[n * d];
            for (int i = 0; i < x.length; i++) x[i] = c.get("x").get(i).asDouble();
            // two blocks in two partitions, so off-diagonal tiles are exercised
            int h = n / 2;
            SampleBlock a = block(0, h, d, x), b = block(h, n - h, d, x);
            double[] k = DistributedGram.kernel(jsc.parallelize(List.of(a, b), 2), InnerProductKernel.SQUARED_INNER, n);
            double lambda = SymmetricEigen.values(k, n).min();
            MemorizationCondition m = MemorizationCondition.fromSquaredInnerKernel(lambda, 2 * d + 2, d, n);
            double expected = c.get("sigma_min").asDouble();
            if (n <= d * (d + 1) / 2) {
                assertThat(m.fullRankPossible()).isTrue();
                Approx.assertRelative(
                        c.get("lambda_min_g_o_g").asDouble(), lambda, Approx.EIGENVALUE, "lambda_min(G o G), n = " + n);
                Approx.assertRelative(expected, m.sigmaMin(), Approx.EIGENVALUE, "sigma_min(X(x)2), n = " + n);
            } else {
                assertThat(m.fullRankPossible()).isFalse();
                Approx.assertAbsolute(
                        expected,
                        m.sigmaMin(),
                        SQRT_OF_ROUNDING,
                        "sigma_min(X(x)2) of a rank-deficient lift, n = " + n);
            }
            assertThat(m.widthSuffices()).isTrue();
            assertThat(new MemorizationCondition(0, 2 * d + 1, d, n).widthSuffices())
                    .isFalse();
        }
    }

    static SampleBlock block(int start, int rows, int d, double[] x) {
        double[] xs = java.util.Arrays.copyOfRange(x, start * d, (start + rows) * d);
        long[] ids = new long[rows];
        for (int i = 0; i < rows; i++) ids[i] = start + i;
        return new SampleBlock(start, rows, d, xs, new double[rows], ids, new int[rows]);
    }
}
