package org.overparam.experiment.spectrum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overparam.UserError;
import org.overparam.config.SpectrumSpec;
import org.overparam.data.DataSpec;
import org.overparam.experiment.spectrum.DenseSpectrumSummary.Theorem61;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.JobSummary;
import org.overparam.run.RunLog;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.ShardedSamples;
import org.overparam.theory.ComplexityMeasure;
import org.overparam.theory.LabelSpectrum;
import org.overparam.theory.LabelVector;
import org.overparam.theory.WorstCaseLabels;

/**
 * The {@code spectrum} command (Arora et al., ICML 2019, Sec. 4-5 and Fig. 1): the n x n kernel (Hinf by default) built
 * from tiles where the shards live (the upper triangle only, which is all the decomposition reads), decomposed densely on
 * the driver: all eigenvalues, and for each label vector its coordinates {@code v_i . y} without forming the
 * eigenvectors ({@link SymmetricEigen#projectingOverwriting}: tridiagonal reduction, then QL carrying the reduced label
 * vectors), their cumulative share of {@code ||y||^2}, the complexity measure {@code sqrt(2 y^T H^{-1} y / n)} and the
 * predicted loss {@code 1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . y)^2}. The worst-case labels are {@code ||y|| v_min},
 * whose coordinates are {@code ||y||} on lambda_min and 0 elsewhere.
 *
 * <p>Memory on the driver: the kernel, which the reduction overwrites, and its workspace, about {@code 8 n^2} bytes plus
 * the reduction's; n past the dense limit is refused up front. Cost: {@code n^2 d} flops for the kernel (executors),
 * about {@code 4/3 n^3} for the tridiagonal reduction plus {@code O(n^2)} for QL and per label vector (driver); the
 * complexity then
 * costs O(n) per label vector
 * ({@code sum_i (v_i . y)^2 / lambda_i}, {@link ComplexityMeasure#bySpectrum}), with H declared singular when
 * {@code lambda_min <= n eps lambda_max}.
 */
public final class SpectrumJob implements Job {
    /** Values of k reported in summary.json (those up to spectrum.max-k). */
    static final long[] SUMMARY_KS = {0, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private final DataSpec data;
    private final SpectrumSpec spec;
    private final boolean resume;

    public SpectrumJob(DataSpec data, SpectrumSpec spec) {
        this(data, spec, false);
    }

    /** With {@code resume}, the large-n path keeps the stages its directory's run completed ({@link LanczosSpectrum}). */
    public SpectrumJob(DataSpec data, SpectrumSpec spec, boolean resume) {
        this.data = data;
        this.spec = spec;
        this.resume = resume;
    }

    /** The largest n decomposed densely: the setting, else what 3 float64 n x n matrices in 60% of the heap allow. */
    int denseLimit() {
        if (spec.denseLimit > 0) return spec.denseLimit;
        double bytes = DistributedGram.HEAP_FRACTION * Runtime.getRuntime().maxMemory();
        return (int) Math.min(46_000, Math.floor(Math.sqrt(bytes / (3 * 8.0))));
    }

    /**
     * The path by n and {@code spectrum.method}, then on the dense path: the kernel's upper triangle from the tiles,
     * all eigenvalues with the label coordinates, the label spectra, the outputs.
     */
    @Override
    public JobSummary run(JobContext ctx) {
        long start = System.nanoTime();
        // The dense path forms the kernel from pairs of shards: cut them small enough for even tasks (unless set).
        int limit = denseLimit();
        ShardedSamples samples = ShardedSamples.load(
                ctx.spark,
                data,
                n -> spec.method == SpectrumSpec.Method.LANCZOS || n > limit ? 0 : DistributedGram.shardsFor(n));
        try {
            int n = samples.plan.n;
            ctx.recordLayout(samples.partitions, samples.plan.blocks.size());
            if (spec.method == SpectrumSpec.Method.LANCZOS || (spec.method == SpectrumSpec.Method.AUTO && n > limit)) {
                if (spec.method == SpectrumSpec.Method.AUTO)
                    ctx.log.info("n = %,d is past the dense limit of %,d: taking the large-n Lanczos path", n, limit);
                return LanczosSpectrum.run(ctx, samples, spec, resume, start);
            }
            if (resume) ctx.log.info("the dense path keeps no stages: resuming runs it again");
            if (n > limit) throw pastTheDenseLimit(n, limit);
            return dense(ctx, samples, start);
        } finally {
            samples.release();
        }
    }

    private static UserError pastTheDenseLimit(int n, int limit) {
        return new UserError(String.format(
                java.util.Locale.ROOT,
                "n = %,d is past the dense limit of %,d: the dense path keeps about 3 %,d x %,d float64 matrices (%.1f GB) "
                        + "on the driver, whose heap allows %.1f GB. Use the large-n path (spectrum.method = lanczos or auto), "
                        + "give the driver more memory (OVERPARAM_DRIVER_MEMORY, --driver-memory), or lower data.n.",
                n,
                limit,
                n,
                n,
                24.0 * n * n / 1e9,
                DistributedGram.HEAP_FRACTION * Runtime.getRuntime().maxMemory() / 1e9));
    }

    /** The kernel, its decomposition with the known label vectors' coordinates, and each label vector's spectrum. */
    private DenseSpectrumSummary dense(JobContext ctx, ShardedSamples samples, long start) {
        int n = samples.plan.n, d = samples.d;
        ctx.log.info(
                "%s kernel of %,d samples (d = %d): %.3g flops for the tiles, %.3g for the tridiagonal reduction",
                spec.kernel.id, n, d, (double) n * n * d, 4.0 / 3 * n * n * n);
        Map<String, Double> secs = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        // The upper triangle only: the eigendecomposition reads no other entry.
        DistributedGram.Matrix kernel =
                DistributedGram.kernel(samples.blocks, spec.kernel, n, data.parallelTolerance, false);
        secs.put("gram", seconds(t0));
        ctx.log.info(
                "kernel assembled in %.1f s; %d parallel or duplicate input pairs",
                seconds(t0), kernel.parallelPairs());
        double[] yTrue = ShardedSamples.labels(samples.blocks, n);
        Decomposition dec = decompose(ctx.log, kernel.values(), n, yTrue, secs);
        long t2 = System.nanoTime();
        List<SpectrumOutputs.Scheme> schemes = labelSpectra(ctx.log, dec, yTrue);
        secs.put("labels", seconds(t2));
        warnIfDivergent(ctx.log, dec.eig());
        Theorem61 theorem61 = data.labels.kind == org.overparam.data.LabelScheme.Kind.PLANTED
                ? theorem61(
                        ComplexityMeasure.bySpectrum(
                                LabelSpectrum.ofCoordinates(dec.eig(), dec.eig().projection(0))),
                        ctx.log)
                : null;
        secs.put("total", seconds(start));
        DenseSpectrumSummary summary = new DenseSpectrumSummary(
                n,
                d,
                spec.kernel.id,
                DenseSpectrumSummary.eigenvalues(dec.eig(), n, kernel.parallelPairs(), schemes),
                spec.eta,
                DenseSpectrumSummary.labels(spec, schemes),
                "dense",
                theorem61,
                secs,
                ctx.blas);
        long t3 = System.nanoTime();
        SpectrumOutputs.write(ctx, spec, dec.eig(), schemes, summary);
        ctx.log.info("tables, plots and report written in %.1f s", seconds(t3));
        return summary;
    }

    /** The eigendecomposition and which known label vector's coordinates it holds at each index. */
    private record Decomposition(SymmetricEigen eig, List<String> given) {}

    /**
     * All eigenvalues, and the coordinates V^T y of every label vector known before the decomposition (all but worst,
     * whose coordinates are those of a unit vector), without forming the eigenvectors. Index 0 is always the true
     * labels (Theorem 6.1 needs them). Overwrites h.
     */
    private Decomposition decompose(RunLog log, double[] h, int n, double[] yTrue, Map<String, Double> secs) {
        List<String> given = new ArrayList<>(List.of(LabelVector.TRUE.id()));
        List<LabelVector> known = new ArrayList<>(List.of(LabelVector.TRUE));
        for (LabelVector v : spec.labels) {
            if (v.kind() != LabelVector.Kind.WORST && !given.contains(v.id())) {
                given.add(v.id());
                known.add(v);
            }
        }
        double[][] ys = new double[known.size()][];
        for (int i = 0; i < ys.length; i++) ys[i] = known.get(i).known(yTrue, spec.seed);
        long t1 = System.nanoTime();
        SymmetricEigen eig = SymmetricEigen.projectingOverwriting(h, n, ys);
        secs.put("eigen", seconds(t1));
        log.info(
                "all %,d eigenvalues and the label coordinates in %.1f s (%s): lambda_max = %.6g, lambda_min = %.6g",
                n, seconds(t1), eig.steps(), eig.max(), eig.min());
        return new Decomposition(eig, given);
    }

    /** Each label vector's spectral measure and complexity, from its coordinates (or, for worst, from v_min). */
    private List<SpectrumOutputs.Scheme> labelSpectra(RunLog log, Decomposition dec, double[] yTrue) {
        double trueNorm = 0;
        for (double v : yTrue) trueNorm += v * v;
        trueNorm = Math.sqrt(trueNorm);
        List<SpectrumOutputs.Scheme> schemes = new ArrayList<>();
        for (LabelVector v : spec.labels) {
            LabelSpectrum ls = v.kind() == LabelVector.Kind.WORST
                    ? LabelSpectrum.ofMinEigenvector(dec.eig(), trueNorm)
                    : LabelSpectrum.ofCoordinates(
                            dec.eig(), dec.eig().projection(dec.given().indexOf(v.id())));
            ComplexityMeasure.Result c = ComplexityMeasure.bySpectrum(ls);
            schemes.add(new SpectrumOutputs.Scheme(v.id(), ls, c));
            log.info(
                    "labels %-10s ||y|| = %.4g, complexity sqrt(2 y'H^-1 y / n) = %s, top-10 share %.4f",
                    v.id(),
                    Math.sqrt(ls.labelNormSquared()),
                    c.singular()
                            ? "undefined (H singular)"
                            : String.format(java.util.Locale.ROOT, "%.6g", c.complexity()),
                    ls.topShare(10));
        }
        return schemes;
    }

    /** Warns when eta lambda_max >= 2: gradient descent with spectrum.eta, and the predicted curves, diverge. */
    private void warnIfDivergent(RunLog log, SymmetricEigen eig) {
        if (eig.max() * spec.eta >= 2) {
            log.warn(
                    "eta lambda_max = %.4g >= 2: gradient descent with spectrum.eta = %g diverges, and so do the predicted curves",
                    eig.max() * spec.eta, spec.eta);
        }
    }

    /**
     * Arora et al. Thm 6.1: for y = alpha (beta . x)^p with p = 1 or even, {@code sqrt(y^T Hinf^{-1} y) <= 3 p |alpha|
     * ||beta||^p}; the measured left side beside the bound.
     */
    private Theorem61 theorem61(ComplexityMeasure.Result c, RunLog log) {
        int p = data.labels.power;
        double bound = 3.0 * p * Math.abs(data.plantedAlpha) * Math.pow(data.plantedBetaNorm, p);
        double measured = c.weightDistanceBound();
        Theorem61 m = new Theorem61(
                p,
                data.plantedAlpha,
                data.plantedBetaNorm,
                Double.isNaN(measured) ? null : measured,
                bound,
                !Double.isNaN(measured) && measured <= bound);
        log.info(
                "Theorem 6.1: sqrt(y^T Hinf^-1 y) = %.6g against the bound 3 p |alpha| ||beta||^p = %.6g",
                measured, bound);
        return m;
    }

    /** The label vectors of {@code spec.labels}, in order, the worst case from the dense decomposition. */
    static Map<String, double[]> labelVectors(SpectrumSpec spec, double[] yTrue, SymmetricEigen eig) {
        return LabelVector.build(spec.labels, yTrue, spec.seed, norm -> WorstCaseLabels.of(eig, norm));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
