package org.overparam.experiment.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.overparam.run.JobSummary;

/**
 * The relu {@code train} command's summary: one {@link WidthRun} per width, with the precision and the BLAS the driver
 * loaded. A run of one width has that width's entries at the top level too; a sweep names the model and the widths.
 *
 * @param model     the model, for a sweep (null for one width)
 * @param widths    the widths of a sweep (null for one width)
 * @param single    the one width's run, at the top level (null for a sweep)
 * @param precision the GEMMs' precision
 * @param blas      which BLAS/LAPACK/ARPACK the driver loaded
 * @param runs      per width, in the order trained
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainSummary(
        String model,
        List<Integer> widths,
        @JsonUnwrapped WidthRun single,
        String precision,
        String blas,
        List<WidthRun> runs)
        implements JobSummary {

    static TrainSummary of(String model, List<Integer> widths, String precision, String blas, List<WidthRun> runs) {
        return runs.size() == 1
                ? new TrainSummary(null, null, runs.get(0), precision, blas, runs)
                : new TrainSummary(model, widths, null, precision, blas, runs);
    }

    /**
     * One width's gradient descent: sizes, step, the loss before and after, the time per iteration, how far the weights
     * and patterns moved, lambda_min(H(0)) when H(k) was tracked, and what the steps cost (null for a width completed
     * before a resume).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WidthRun(
            String model,
            int n,
            int d,
            int m,
            double eta,
            double kappa,
            int iterations,
            double initialLoss,
            double finalLoss,
            double secondsPerIteration,
            double maxWeightDistance,
            double patternChangeFraction,
            Double lambdaMinH0,
            @JsonUnwrapped StepCosts costs,
            Double dgemmPeakGflops,
            Double shareOfPeak) {

        /** With the dgemm peak of this JVM and this width's share of it (when its step cost is known). */
        WidthRun withPeak(double peak) {
            Double share = costs != null && secondsPerIteration > 0
                    ? costs.flopsPerStep() / secondsPerIteration / 1e9 / peak
                    : null;
            return new WidthRun(
                    model,
                    n,
                    d,
                    m,
                    eta,
                    kappa,
                    iterations,
                    initialLoss,
                    finalLoss,
                    secondsPerIteration,
                    maxWeightDistance,
                    patternChangeFraction,
                    lambdaMinH0,
                    costs,
                    peak,
                    share);
        }
    }

    /**
     * Where a width's steps went: the unit blocks and their representation, the flops of a step, the steps run, the
     * result and shuffle bytes per step (Spark's task metrics; null without a step), the share of step time outside the
     * tasks' compute, and the sample blocks (1 when the samples are shipped whole).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StepCosts(
            int unitBlocks,
            String representation,
            double flopsPerStep,
            int steps,
            Double resultBytesPerStep,
            Double shuffleBytesPerStep,
            Double shareOutsideTaskCompute,
            int sampleBlocks) {}
}
