package org.overparam.experiment.spectrum;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overparam.config.SpectrumSpec;
import org.overparam.linalg.SymmetricEigen;

/**
 * The dense path's {@code spectrum} summary: the sizes and kernel, the extreme eigenvalues, per label vector its
 * complexity {@code sqrt(2 y^T H^-1 y / n)}, norm, top-10 share and predicted losses (Arora et al. 2019, Thm 4.1), for
 * planted labels Theorem 6.1's bound, and the seconds per stage.
 *
 * @param theorem61 Theorem 6.1 for planted labels (null otherwise)
 * @param seconds   per stage ({@code gram}, {@code eigen}, {@code labels}, {@code total})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DenseSpectrumSummary(
        int n,
        int d,
        String kernel,
        Eigenvalues eigenvalues,
        double eta,
        Map<String, Label> labels,
        String method,

        @com.fasterxml.jackson.annotation.JsonProperty("theorem_6_1")
        Theorem61 theorem61,

        Map<String, Double> seconds,
        String blas)
        implements org.overparam.run.JobSummary {

    /** lambda_max and lambda_min of all n, the parallel input pairs, and whether a label vector met a singular H. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Eigenvalues(double max, double min, int count, long parallelPairs, boolean singular) {}

    /**
     * One label vector: its complexity (null, with a note, where H is singular), ||y||, the share of ||y||^2 on the top
     * 10 eigenvectors, and the predicted loss at k = 0, 10, 100, ... steps.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Label(
            @JsonInclude(JsonInclude.Include.ALWAYS) Double complexity,
            String complexityNote,
            double norm,
            double top10Share,
            Map<String, Double> predictedLoss) {}

    /**
     * Arora et al. Thm 6.1 for y = alpha (beta . x)^p: the measured {@code sqrt(y^T Hinf^-1 y)} (null where H is
     * singular) beside the bound {@code 3 p |alpha| ||beta||^p}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Theorem61(
            int p,
            double alpha,
            double betaNorm,

            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("sqrt_y_hinv_y")
            Double sqrtYHinvY,

            double bound,
            boolean holds) {}

    static Map<String, Label> labels(SpectrumSpec spec, List<SpectrumOutputs.Scheme> schemes) {
        Map<String, Label> labels = new LinkedHashMap<>();
        for (SpectrumOutputs.Scheme x : schemes) {
            boolean singular = x.complexity().singular();
            Map<String, Double> predicted = new LinkedHashMap<>();
            for (long k : SpectrumJob.SUMMARY_KS) {
                if (k <= spec.maxK) predicted.put(Long.toString(k), x.spectrum().predictedLoss(spec.eta, k));
            }
            labels.put(
                    x.name(),
                    new Label(
                            singular ? null : x.complexity().complexity(),
                            singular ? x.complexity().message() : null,
                            Math.sqrt(x.spectrum().labelNormSquared()),
                            x.spectrum().topShare(10),
                            predicted));
        }
        return labels;
    }

    static Eigenvalues eigenvalues(SymmetricEigen eig, int n, long parallel, List<SpectrumOutputs.Scheme> schemes) {
        return new Eigenvalues(
                eig.max(),
                eig.min(),
                n,
                parallel,
                schemes.stream().anyMatch(x -> x.complexity().singular()));
    }
}
