package org.overparam.experiment.quadratic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.overparam.run.JobSummary;
import org.overparam.theory.ConvexReference;
import org.overparam.theory.MemorizationCondition;
import org.overparam.theory.OptimalityCertificate;

/**
 * The summary of {@code train} on a quadratic model: one {@link WidthRun} per width and the BLAS the driver loaded. A
 * run of one width has that width's entries at the top level too; a sweep names the model and the widths.
 *
 * @param model  the model, for a sweep (null for one width)
 * @param widths the widths of a sweep (null for one width)
 * @param single the one width's run, at the top level (null for a sweep)
 * @param blas   which BLAS/LAPACK/ARPACK the driver loaded
 * @param runs   per width, in the order trained
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuadraticSummary(
        String model, List<Integer> widths, @JsonUnwrapped WidthRun single, String blas, List<WidthRun> runs)
        implements JobSummary {

    static QuadraticSummary of(String model, List<Integer> widths, String blas, List<WidthRun> runs) {
        return runs.size() == 1
                ? new QuadraticSummary(null, null, runs.get(0), blas, runs)
                : new QuadraticSummary(model, widths, null, blas, runs);
    }

    /**
     * One width's training: sizes (the width is {@code r} for Ge et al.'s signed net, {@code k} for Du &amp; Lee's),
     * the optimizer and layout ({@code sample_blocks}: the number of sample blocks when the samples stayed in them,
     * absent when they were shipped to every executor), why it stopped, the losses and gradient norm on the whole set
     * at the end, time, Spark commands and the bytes they moved (task metrics), and what applies: perturbations (perturbed GD), Du &amp; Lee's
     * certificate and the gap to the convex problem, the test MSE, Ge et al.'s memorization condition.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WidthRun(
            String model,
            int n,
            int d,
            Integer r,
            Integer k,
            String optimizer,
            int unitBlocks,
            String path,
            Integer sampleBlocks,
            int iterations,
            String stopReason,
            double initialLoss,
            double finalLoss,
            double finalDataLoss,
            double finalGradientNorm,
            double seconds,
            double secondsPerIteration,
            long commands,
            double resultBytesPerCommand,
            double shuffleBytesPerCommand,
            double shareOutsideTaskCompute,
            Integer perturbations,
            Certificate certificate,
            ConvexGap convexReference,
            Double testMse,
            Integer testN,
            GeCondition geCondition) {

        /** The width, whichever model. */
        int width() {
            return r != null ? r : k;
        }

        /** With Ge et al.'s condition at this width. */
        WidthRun withCondition(GeCondition condition) {
            return new WidthRun(
                    model,
                    n,
                    d,
                    r,
                    k,
                    optimizer,
                    unitBlocks,
                    path,
                    sampleBlocks,
                    iterations,
                    stopReason,
                    initialLoss,
                    finalLoss,
                    finalDataLoss,
                    finalGradientNorm,
                    seconds,
                    secondsPerIteration,
                    commands,
                    resultBytesPerCommand,
                    shuffleBytesPerCommand,
                    shareOutsideTaskCompute,
                    perturbations,
                    certificate,
                    convexReference,
                    testMse,
                    testN,
                    condition);
        }
    }

    /** Du &amp; Lee's second-order certificate at the final weights ({@link OptimalityCertificate}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Certificate(
            double lambdaMinQ,
            double tolerance,
            boolean certificateHolds,
            int rankW,
            String regime,
            String conclusion) {
        static Certificate of(OptimalityCertificate c) {
            return new Certificate(c.lambdaMin(), c.tolerance(), c.holds(), c.rank(), c.regime(), c.conclusion());
        }
    }

    /** The convex problem's optimum ({@link ConvexReference}), the final loss's gap to it, and the rank of M*. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ConvexGap(
            double objective, double gap, boolean converged, int iterations, double gradientMapping, int rankM) {}

    /** Ge et al.'s memorization condition at width r ({@link MemorizationCondition}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GeCondition(
            @JsonProperty("sigma_min_x2") double sigmaMinX2,
            int r,
            @JsonProperty("r_threshold_2d_plus_2") long rThreshold2dPlus2,
            boolean rSuffices,
            long n,
            @JsonProperty("n_limit_d_d_plus_1_over_2") long nLimit,
            boolean fullRankPossible) {
        static GeCondition of(MemorizationCondition c) {
            return new GeCondition(
                    c.sigmaMin(),
                    c.r(),
                    c.widthThreshold(),
                    c.widthSuffices(),
                    c.n(),
                    c.rankLimit(),
                    c.fullRankPossible());
        }
    }
}
