package org.overparam.experiment.spectrum;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overparam.config.SpectrumSpec;
import org.overparam.run.JobSummary;

/**
 * The large-n path's {@code spectrum} summary: the sizes and kernel, the top eigenvalues (ARPACK) and lambda_min
 * (LOBPCG) with their residuals and error estimate, per label vector the complexity with its error bound and CG's
 * convergence, the share of ||y||^2 on the top eigenvalues with its bracket and the predicted losses with their errors
 * (Lanczos quadrature), the iteration and pass counts, each stage's passes over the tiles (with their share of the
 * driver JVM's dgemm peak when {@code spectrum.report-peak} measured it), the seconds per stage and the driver's peak
 * heap.
 *
 * @param seconds per stage ({@code tiles}, {@code top_eigenpairs}, {@code preconditioner} (Nystrom),
 *     {@code lambda_min}, {@code lanczos_and_cg} (the Lanczos run and the CG solves, sharing their passes); a stage
 *     a resumed run read from its checkpoint has the seconds of the run that computed it), and {@code total}, this
 *     run's wall time
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LanczosSpectrumSummary(
        int n,
        int d,
        String kernel,
        String method,
        Eigenvalues eigenvalues,
        double eta,
        Map<String, Label> labels,
        Iterations iterations,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double dgemmPeakGflops,
        List<PassLedger.Stage> passesPerStage,
        Map<String, Double> seconds,
        long peakHeapBytes,
        String blas)
        implements JobSummary {

    /**
     * The largest eigenvalue and its residual, lambda_min with its relative residual, its Kato-Temple relative error
     * estimate (null when not finite) and whether LOBPCG converged, n, the top eigenvalues, and whether a label vector
     * met a singular H.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Eigenvalues(
            double max,
            double maxResidual,
            double min,
            double minRelativeResidual,
            Double minRelativeErrorEstimate,
            boolean minConverged,
            int count,
            double[] top,
            boolean singular) {}

    /**
     * One label vector: its complexity (null, with a note, where H is singular) and the bound on its relative error,
     * CG's iterations and residual, ||y||, the share of ||y||^2 on the top {@code topCount} eigenvalues with its
     * bracket, and the predicted loss with its error at k = 0, 10, 100, ... steps. The share's entries are named
     * {@code top<count>_share} and {@code top<count>_share_bounds}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Label(
            @JsonInclude(JsonInclude.Include.ALWAYS) Double complexity,
            @JsonInclude(JsonInclude.Include.NON_NULL) String complexityNote,
            double complexityRelativeErrorBound,
            int cgIterations,
            double cgRelativeResidual,
            double norm,
            @JsonIgnore int topCount,
            @JsonIgnore double topShare,
            @JsonIgnore double[] topShareBounds,
            @JsonIgnore Map<String, Double> predictedLoss,
            @JsonIgnore Map<String, Double> predictedLossError) {
        /** The entries after {@code norm}, whose first two names carry the number of top eigenvalues. */
        @JsonAnyGetter
        Map<String, Object> shareAndPredictions() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("top" + topCount + "_share", topShare);
            m.put("top" + topCount + "_share_bounds", topShareBounds);
            m.put("predicted_loss", predictedLoss);
            m.put("predicted_loss_error", predictedLossError);
            return m;
        }
    }

    /** How much each solver worked, the tile storage, the passes over the tiles, their seconds and rate. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Iterations(
            int lanczosSteps,
            int probes,
            int arpackApplications,
            int arpackRestarts,
            int lobpcgIterations,
            int preconditionerRank,
            String tiles,
            int passes,
            double passSeconds,
            double gflopsPerSecond) {}

    static LanczosSpectrumSummary of(
            SpectrumSpec spec,
            LanczosSpectrum.Result r,
            List<PassLedger.Stage> stages,
            double dgemmPeak,
            Map<String, Double> seconds,
            long peakHeap,
            String blas) {
        double[] top = r.top().values();
        Eigenvalues ev = new Eigenvalues(
                top[0],
                r.top().residuals()[0],
                r.bottom().value(),
                r.bottom().relativeResidual(),
                Double.isFinite(r.bottom().valueErrorEstimate()) ? r.bottom().valueErrorEstimate() : null,
                r.bottom().converged(),
                r.n(),
                top,
                r.schemes().stream().anyMatch(x -> x.complexity().singular()));
        Map<String, Label> labels = new LinkedHashMap<>();
        for (LanczosSpectrum.Scheme x : r.schemes()) labels.put(x.name(), label(spec, r, x));
        Iterations it = new Iterations(
                r.schemes().get(0).spectrum().steps(),
                r.density().probes(),
                r.top().applications(),
                r.top().iterations(),
                r.bottom().iterations(),
                r.preconditionerRank(),
                r.storage(),
                r.passes(),
                r.matvecSeconds(),
                r.flops() / r.matvecSeconds() / 1e9);
        return new LanczosSpectrumSummary(
                r.n(),
                r.d(),
                spec.kernel.id,
                "lanczos",
                ev,
                spec.eta,
                labels,
                it,
                Double.isNaN(dgemmPeak) ? null : dgemmPeak,
                stages,
                seconds,
                peakHeap,
                blas);
    }

    private static Label label(SpectrumSpec spec, LanczosSpectrum.Result r, LanczosSpectrum.Scheme x) {
        double[] top = r.top().values();
        // The share of ||y||^2 on eigenvalues >= lambda_k (the top k), with its bracket.
        double[] below = x.spectrum().shareAtOrBelow(Math.nextDown(top[top.length - 1]));
        Map<String, Double> predicted = new LinkedHashMap<>(), error = new LinkedHashMap<>();
        for (long k : SpectrumJob.SUMMARY_KS) {
            if (k <= spec.maxK) {
                predicted.put(Long.toString(k), x.spectrum().predictedLoss(spec.eta, k));
                error.put(Long.toString(k), x.spectrum().predictedLossError(spec.eta, k));
            }
        }
        boolean singular = x.complexity().singular();
        return new Label(
                singular ? null : x.complexity().complexity(),
                singular ? x.complexity().message() : null,
                0.5 * x.solve().relativeQuadraticFormError(r.bottom().value()),
                x.solve().iterations(),
                x.solve().relativeResidual(),
                Math.sqrt(x.spectrum().labelNormSquared()),
                top.length,
                1 - below[0],
                new double[] {1 - below[2], 1 - below[1]},
                predicted,
                error);
    }
}
