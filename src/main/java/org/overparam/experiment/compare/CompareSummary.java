package org.overparam.experiment.compare;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import org.overparam.run.JobSummary;

/**
 * The {@code compare} command's summary: the sizes and step, per label vector at the largest width what gradient
 * descent reached against Theorem 4.1 and Lemma 5.3, the Gram error ||H(0) - Hinf||_2 / ||Hinf||_2 per width with its
 * log-log slope, and (with several widths) the width-limit study.
 *
 * @param m          the width, or the list of widths
 * @param labels     per label vector (true, random, worst...), at the largest width
 * @param gramSlope  the fitted slope of the Gram error against m (null with fewer than two widths)
 * @param widthLimit per label vector the series against m and their slopes, then the Gram error's (several widths only)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CompareSummary(
        int n,
        int d,
        Object m,
        double eta,
        double kappa,
        int iterations,
        Map<String, LabelRun> labels,
        List<GramError> gram,
        Double gramSlope,
        String blas,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> widthLimit)
        implements JobSummary {

    /**
     * One label vector's run: its complexity {@code sqrt(2 y^T Hinf^-1 y / n)}, {@code ||W(K) - W(0)||_F} and Lemma 5.3's
     * bound {@code sqrt(y^T Hinf^-1 y)} (null where not finite), {@code max_r ||w_r(K) - w_r(0)||}, the largest relative
     * gap to the predicted loss, and the final actual and predicted losses.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LabelRun(
            Double complexity,
            double weightDistance,
            Double weightDistanceBound,
            double maxUnitDistance,
            double maxRelativeGap,
            double finalLoss,
            double finalPredictedLoss) {
        static LabelRun of(CompareJob.Run r) {
            return new LabelRun(
                    finite(r.complexity()),
                    r.weightDistance(),
                    finite(r.weightBound()),
                    r.maxUnitDistance(),
                    r.maxGap(),
                    r.finalActual(),
                    r.finalPredicted());
        }
    }

    /** {@code ||H(0) - Hinf||_2 / ||Hinf||_2} at width m. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GramError(int m, double relativeError) {}

    /**
     * One label vector's series against m in the width-limit study, each with its fitted log-log slope (null where it
     * cannot be fitted).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LabelSeries(
            List<Integer> m,
            List<Double> maxRelativeGap,
            Double maxRelativeGapSlope,
            List<Double> weightDistance,
            Double weightDistanceBound,
            Double weightDistanceSlope,
            List<Double> maxUnitDistance,
            Double maxUnitDistanceSlope) {}

    /** v, or null where it is not finite (JSON has no NaN). */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
