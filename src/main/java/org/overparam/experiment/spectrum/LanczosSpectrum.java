package org.overparam.experiment.spectrum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.config.SpectrumSpec;
import org.overparam.linalg.ArpackEigen;
import org.overparam.linalg.ConjugateGradient;
import org.overparam.linalg.GaussQuadrature;
import org.overparam.linalg.Lanczos;
import org.overparam.linalg.LanczosWithSolves;
import org.overparam.linalg.Lobpcg;
import org.overparam.linalg.NystromPreconditioner;
import org.overparam.linalg.SpectralDensity;
import org.overparam.linalg.SubsetStart;
import org.overparam.run.JobContext;
import org.overparam.run.RunLog;
import org.overparam.spark.DistributedKernelOperator;
import org.overparam.spark.ShardedSamples;
import org.overparam.theory.ComplexityMeasure;
import org.overparam.theory.LabelVector;
import org.overparam.theory.LanczosLabelSpectrum;
import org.overparam.theory.WorstCaseLabels;

/**
 * The large-n path of the {@code spectrum} command: no n x n matrix anywhere. The kernel stays in tiles on
 * the executors ({@link DistributedKernelOperator}) and is only applied to blocks of vectors:
 * <ol>
 *   <li>the top eigenpairs by ARPACK ({@link ArpackEigen}), lambda_max among them;</li>
 *   <li>a rank-r Nystrom preconditioner (one pass with r vectors), then lambda_min and its eigenvector by LOBPCG
 *       ({@link Lobpcg}): the worst-case labels;</li>
 *   <li>one Lanczos run ({@link Lanczos}) from every label vector and from the seeded Rademacher probes (deflated of
 *       the top eigenvectors) at once: the label spectral measures ({@link LanczosLabelSpectrum}: predicted loss at
 *       every k, shares of ||y||^2) and the eigenvalue density ({@link SpectralDensity}); and in the same passes
 *       ({@link LanczosWithSolves}) the complexity {@code sqrt(2 y^T H^-1 y / n)} of every label vector by
 *       preconditioned CG, all at once.</li>
 * </ol>
 * Passes over the tiles: about {@code (ARPACK applications) + 1 + (LOBPCG iterations) + max(m, CG iterations) + 3}.
 * Driver memory: the Lanczos bases, {@code 8 n m (labels + probes)} bytes, plus {@code 8 n r} for the preconditioner.
 */
public final class LanczosSpectrum {
    private LanczosSpectrum() {}

    /** One label vector's results. */
    record Scheme(
            String name,
            double[] y,
            LanczosLabelSpectrum spectrum,
            ConjugateGradient.Solution solve,
            ComplexityMeasure.Result complexity) {}

    /** Everything the outputs need. */
    record Result(
            int n,
            int d,
            ArpackEigen.Result top,
            Lobpcg.Result bottom,
            int preconditionerRank,
            List<Scheme> schemes,
            SpectralDensity density,
            String storage,
            int passes,
            double matvecSeconds,
            double flops) {}

    /**
     * The large-n spectrum in named stages on the tiles: the top eigenpairs (ARPACK), the Nystrom preconditioner,
     * lambda_min and its vector (preconditioned LOBPCG), the label vectors' spectral measures and the density (one
     * block Lanczos run) with the complexities (preconditioned CG) in the same passes; then the outputs. Every
     * completed stage is saved into the run directory, and the running one every {@code spectrum.checkpoint-minutes}
     * ({@link SpectrumCheckpoints}); with {@code resume} the stages an earlier run completed are read instead of redone
     * and the running one continues from its checkpoint, to the same bits. ARPACK's state lives inside its Fortran
     * routines and is not saved: an interrupted top-eigenpairs stage is redone.
     */
    static LanczosSpectrumSummary run(
            JobContext ctx, ShardedSamples samples, SpectrumSpec spec, boolean resume, long start) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
        int n = samples.plan.n;
        Plan plan = announce(ctx.log, jsc, samples, spec);
        DistributedKernelOperator.Storage storage = plan.storage();
        SpectrumCheckpoints checkpoints =
                new SpectrumCheckpoints(ctx.dir, ctx.log, ctx.config, resume, spec.checkpointMinutes);
        Map<String, Double> secs = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (DistributedKernelOperator op =
                DistributedKernelOperator.of(samples.blocks, spec.kernel, n, storage, samples.partitions)) {
            secs.put("tiles", seconds(t0));
            ctx.log.info("tiles ready in %.1f s", seconds(t0));
            double[] yTrue = ShardedSamples.labels(samples.blocks, n);
            Stages stages = new Stages(new PassLedger(op), checkpoints, secs);
            // The start block, made once when the adaptive preconditioner or LOBPCG first needs it.
            StartBlock startBlock = new StartBlock(() -> startBlock(ctx.log, op, samples, spec));
            ArpackEigen.Result top = stages.run(
                    "top_eigenpairs",
                    null,
                    SpectrumStates::readTop,
                    SpectrumStates::writeTop,
                    () -> topEigenpairs(ctx.log, op, spec.lanczos, spec.seed, secs));
            NystromPreconditioner pre = stages.run(
                    "preconditioner",
                    null,
                    SpectrumStates::readPreconditioner,
                    SpectrumStates::writePreconditioner,
                    () -> preconditioner(ctx.log, op, spec, plan.maxRank(), startBlock, secs));
            Lobpcg.Result bottom = stages.run(
                    "lambda_min",
                    "lobpcg",
                    SpectrumStates::readBottom,
                    SpectrumStates::writeBottom,
                    () -> bottomEigenpair(ctx.log, op, spec, pre, startBlock, checkpoints, secs));
            Map<String, double[]> labels = LabelVector.build(
                    spec.labels,
                    yTrue,
                    spec.seed,
                    norm -> WorstCaseLabels.scaled(bottom.vector().clone(), norm));
            LanczosWithSolves.Result measures = stages.run(
                    "lanczos_and_cg",
                    "lanczos_and_cg",
                    SpectrumStates::readMeasures,
                    SpectrumStates::writeMeasures,
                    () -> measuresAndSolves(ctx.log, op, spec, labels, top, pre, checkpoints, secs));
            List<Lanczos.Run> runs = measures.runs();
            ConjugateGradient.Solution[] solves = measures.solutions();
            List<Scheme> schemes = schemes(ctx.log, spec.lanczos, labels, runs, solves, bottom, top, n);
            Result r = result(
                    ctx.log,
                    stages.ledger(),
                    op.n(),
                    samples.d,
                    spec,
                    storage,
                    top,
                    bottom,
                    pre.rank(),
                    schemes,
                    runs.subList(labels.size(), runs.size()));
            double peak = spec.reportPeak ? ctx.dgemmPeak() : Double.NaN;
            secs.put("total", seconds(start));
            LanczosSpectrumSummary summary =
                    LanczosSpectrumSummary.of(spec, r, stages.ledger().stages(peak), peak, secs, peakHeap(), ctx.blas);
            LanczosOutputs.write(ctx, spec, r, summary);
            checkpoints.clear();
            return summary;
        }
    }

    /**
     * Runs the stages in order, each read from its checkpoint when an earlier run completed it, else computed, timed
     * on the pass ledger and saved.
     */
    private record Stages(PassLedger ledger, SpectrumCheckpoints checkpoints, Map<String, Double> secs) {
        /** A completed stage as saved: its ledger entry and its result. */
        private record Saved<T>(PassLedger.Stage stage, T value) {}

        <T> T run(
                String name,
                String solver,
                org.overparam.run.StateFile.Parser<T> read,
                SpectrumCheckpoints.Writer<T> write,
                java.util.function.Supplier<T> compute) {
            Saved<T> saved =
                    checkpoints.completed(name, in -> new Saved<>(PassLedger.Stage.read(name, in), read.read(in)));
            if (saved != null) {
                ledger.restored(saved.stage());
                secs.put(name, saved.stage().seconds());
                return saved.value();
            }
            T value = compute.get();
            PassLedger.Stage stage = ledger.end(name);
            checkpoints.complete(name, solver, out -> {
                stage.write(out);
                write.write(value, out);
            });
            return value;
        }
    }

    /** The tiles' storage and the rank up to which the preconditioner may adapt ({@link DriverMemory#plan}). */
    private record Plan(DistributedKernelOperator.Storage storage, int maxRank) {}

    /** Chooses the tiles' storage, logs the plan and refuses (before any work) driver arrays that do not fit. */
    private static Plan announce(RunLog log, JavaSparkContext jsc, ShardedSamples samples, SpectrumSpec spec) {
        SpectrumSpec.Lanczos s = spec.lanczos;
        int n = samples.plan.n, d = samples.d;
        DistributedKernelOperator.Storage storage =
                spec.tiles == null ? DistributedKernelOperator.auto(jsc, n) : spec.tiles;
        int vectors = spec.labels.size() + s.probes;
        double tileBytes = DistributedKernelOperator.cachedBytes(n, storage);
        log.info(
                "large-n path (spectrum.method = %s): %s kernel of %,d samples (d = %d) as a distributed operator; tiles %s (%.2f GB cached); "
                        + "%d Lanczos steps from %d vectors (%.2f GB of bases on the driver)",
                org.overparam.config.Settings.id(spec.method),
                spec.kernel.id,
                n,
                d,
                storage.name().toLowerCase(Locale.ROOT),
                tileBytes / 1e9,
                s.steps,
                vectors,
                8.0 * n * Math.min(s.steps, n) * vectors / 1e9);
        int maxRank = DriverMemory.plan(n, s, vectors, DriverMemory.budget(jsc, tileBytes));
        if (s.preconditionerMaxRank > s.preconditionerRank && maxRank < s.preconditionerMaxRank)
            log.info(
                    "the driver's memory holds a preconditioner of rank up to %d (spectrum.lanczos.preconditioner-max-rank = %d)",
                    maxRank, s.preconditionerMaxRank);
        warnOnSpill(log, jsc, tileBytes);
        return new Plan(storage, maxRank);
    }

    private static void warnOnSpill(RunLog log, JavaSparkContext jsc, double tileBytes) {
        long storageMemory = DistributedKernelOperator.storageMemory(jsc);
        if (tileBytes <= 0.9 * storageMemory) return;
        log.warn(
                "the %.2f GB of tiles exceed 90%% of the executors' storage memory (%.2f GB): about %.2f GB will spill to local disk "
                        + "and be read back on every pass. Give the executors more memory (in local mode the driver heap, OVERPARAM_DRIVER_MEMORY) "
                        + "or a larger spark.memory.fraction (now %s), or use spectrum.tiles = float32",
                tileBytes / 1e9,
                storageMemory / 1e9,
                Math.max(0, tileBytes - 0.9 * storageMemory) / 1e9,
                jsc.getConf().get("spark.memory.fraction", "0.6"));
    }

    /** The top eigenpairs by ARPACK, lambda_max among them. */
    private static ArpackEigen.Result topEigenpairs(
            RunLog log, DistributedKernelOperator op, SpectrumSpec.Lanczos s, long seed, Map<String, Double> secs) {
        long t1 = System.nanoTime();
        int k = Math.min(s.topEigenpairs, op.n() - 1);
        ArpackEigen.Result top = ArpackEigen.largest(op, k, s.eigenTolerance, s.maxIterations, seed);
        secs.put("top_eigenpairs", seconds(t1));
        log.info(
                "top %d eigenpairs by ARPACK in %.1f s (%d applications): lambda_max = %.10g, residual %.2g",
                k, seconds(t1), top.applications(), top.values()[0], top.residuals()[0]);
        return top;
    }

    /** LOBPCG's start block, computed at most once, on first use. */
    private static final class StartBlock {
        private final java.util.function.Supplier<SubsetStart.Start> make;
        private boolean made;
        private SubsetStart.Start value;

        StartBlock(java.util.function.Supplier<SubsetStart.Start> make) {
            this.make = make;
        }

        /** The start block, or null when spectrum.lanczos.min-start-rows asks for a random one. */
        SubsetStart.Start get() {
            if (!made) {
                value = make.get();
                made = true;
            }
            return value;
        }
    }

    /**
     * The Nystrom preconditioner of the tiles: of rank {@code spectrum.lanczos.preconditioner-rank} (one pass with r
     * vectors), or with {@code preconditioner-max-rank} set, of the rank that adapts to the spectrum against the start
     * block's estimate of lambda_min ({@link NystromPreconditioner#adaptive}; the start block's pass and submatrix are
     * then made here, in this stage).
     */
    private static NystromPreconditioner preconditioner(
            RunLog log,
            DistributedKernelOperator op,
            SpectrumSpec spec,
            int maxRank,
            StartBlock start,
            Map<String, Double> secs) {
        long t = System.nanoTime();
        SpectrumSpec.Lanczos s = spec.lanczos;
        int rank = Math.min(s.preconditionerRank, op.n());
        NystromPreconditioner pre;
        boolean adapt = maxRank > rank;
        SubsetStart.Start block = adapt ? start.get() : null;
        if (block != null) {
            double floor = block.values()[0];
            pre = NystromPreconditioner.adaptive(op, rank, maxRank, floor, s.preconditionerCondition, spec.seed);
            double[] lambda = pre.eigenvalues();
            log.info(
                    "Nystrom preconditioner of rank %d (adapted from %d, at most %d) in %.1f s: lambda_r = %.4g against "
                            + "%.4g x the start block's lambda_min estimate %.4g",
                    pre.rank(), rank, maxRank, seconds(t), lambda[lambda.length - 1], s.preconditionerCondition, floor);
        } else {
            if (adapt)
                log.info(
                        "spectrum.lanczos.preconditioner-max-rank needs the subset start block "
                                + "(spectrum.lanczos.min-start-rows > 0) for its estimate of lambda_min: the rank stays %d",
                        rank);
            pre = NystromPreconditioner.build(op, rank, spec.seed);
            log.info("Nystrom preconditioner of rank %d in %.1f s", pre.rank(), seconds(t));
        }
        secs.put("preconditioner", seconds(t));
        return pre;
    }

    /**
     * lambda_min by LOBPCG with the Nystrom preconditioner, from the subset start block when there is one, or from the
     * checkpoint of an interrupted run.
     */
    private static Lobpcg.Result bottomEigenpair(
            RunLog log,
            DistributedKernelOperator op,
            SpectrumSpec spec,
            NystromPreconditioner pre,
            StartBlock start,
            SpectrumCheckpoints checkpoints,
            Map<String, Double> secs) {
        SpectrumSpec.Lanczos s = spec.lanczos;
        long t2 = System.nanoTime();
        org.overparam.linalg.SolverCheckpoints<Lobpcg.State> saves =
                checkpoints.solver("lobpcg", SpectrumStates::readLobpcg, SpectrumStates::writeLobpcg);
        SubsetStart.Start block = saves.saved() == null ? start.get() : null;
        double[][] startBlock = block == null ? null : block.vectors();
        Lobpcg.Result bottom = Lobpcg.smallest(
                op,
                pre::apply,
                new Lobpcg.Options(
                        s.minBlock, startBlock, s.minTolerance, s.minValueTolerance, s.maxIterations, spec.seed),
                (it, rel) -> {
                    if (it % 50 == 0) log.info("  LOBPCG iteration %d: relative residual %.3g", it, rel);
                },
                saves);
        secs.put("lambda_min", seconds(t2));
        reportBottom(log, s, pre, bottom, t2);
        return bottom;
    }

    /** LOBPCG's start: the bottom eigenvectors of the submatrix of the rows with the closest neighbours, or null. */
    private static SubsetStart.Start startBlock(
            RunLog log, DistributedKernelOperator op, ShardedSamples samples, SpectrumSpec spec) {
        SpectrumSpec.Lanczos s = spec.lanczos;
        int n = op.n(), startRows = Math.min(s.minStartRows, n / 2);
        if (startRows < s.minBlock) return null;
        long ts = System.nanoTime();
        int[] rows = SubsetStart.mostSimilarRows(op.rowMaxima(), startRows);
        double[] xs = samples.features(rows);
        double[] sub = spec.kernel.tile(xs, 0, startRows, xs, 0, startRows, samples.d, true);
        SubsetStart.Start block = SubsetStart.bottom(sub, rows, n, s.minBlock);
        log.info(
                "LOBPCG start block: bottom eigenvectors of the %,d x %,d submatrix of the samples with the closest neighbours (%.1f s)",
                startRows, startRows, seconds(ts));
        return block;
    }

    private static void reportBottom(
            RunLog log, SpectrumSpec.Lanczos s, NystromPreconditioner pre, Lobpcg.Result bottom, long t2) {
        if (!bottom.converged()) {
            log.warn(
                    "LOBPCG stopped after %d iterations at relative residual %.3g > spectrum.lanczos.min-tolerance = %g and an estimated "
                            + "relative error %.3g > spectrum.lanczos.min-value-tolerance = %g: lambda_min = %.6g is an upper bound only",
                    bottom.iterations(),
                    bottom.relativeResidual(),
                    s.minTolerance,
                    bottom.valueErrorEstimate(),
                    s.minValueTolerance,
                    bottom.value());
        }
        log.info(
                "lambda_min by LOBPCG (block %d, Nystrom rank %d) in %.1f s: %.8g after %d iterations, relative residual %.2g, "
                        + "estimated relative error %.2g",
                s.minBlock,
                pre.rank(),
                seconds(t2),
                bottom.value(),
                bottom.iterations(),
                bottom.relativeResidual(),
                bottom.valueErrorEstimate());
    }

    /**
     * One block Lanczos run from every label vector and from the probes (projected off the top eigenvectors), and the
     * label vectors' solves {@code H x = y} by preconditioned CG, sharing their passes ({@link LanczosWithSolves}):
     * the labels' spectral measures, then the probes' (for the density), in that order, and the solutions.
     */
    private static LanczosWithSolves.Result measuresAndSolves(
            RunLog log,
            DistributedKernelOperator op,
            SpectrumSpec spec,
            Map<String, double[]> labels,
            ArpackEigen.Result top,
            NystromPreconditioner pre,
            SpectrumCheckpoints checkpoints,
            Map<String, Double> secs) {
        SpectrumSpec.Lanczos s = spec.lanczos;
        double[][] probes = SpectralDensity.probes(op.n(), s.probes, spec.seed);
        SpectralDensity.deflate(probes, top.vectors());
        double[][] starts = new double[labels.size() + probes.length][];
        int c = 0;
        for (double[] y : labels.values()) starts[c++] = y;
        for (double[] z : probes) starts[c++] = z;
        long t3 = System.nanoTime();
        int n = op.n(), m = Math.min(s.steps, n);
        LanczosWithSolves.Result r = LanczosWithSolves.run(
                op,
                starts,
                s.steps,
                pre::apply,
                labels.values().toArray(new double[0][]),
                s.cgTolerance,
                s.maxIterations,
                step -> {
                    if (step % 25 == 0) log.info("  Lanczos step %d of %d (%.1f s)", step, s.steps, seconds(t3));
                },
                (it, rel) -> {
                    if (it % 50 == 0) log.info("  CG iteration %d: largest relative residual %.3g", it, rel);
                },
                checkpoints.solver(
                        "lanczos_and_cg",
                        SpectrumStates::readShared,
                        (state, out) -> SpectrumStates.sharedBody(state, n, m).write(out)));
        secs.put("lanczos_and_cg", seconds(t3));
        int cg = 0;
        for (ConjugateGradient.Solution sol : r.solutions()) cg = Math.max(cg, sol.iterations());
        log.info(
                "%d Lanczos steps from %d vectors and %d CG iterations for %d label vectors, sharing their passes, in %.1f s",
                r.runs().get(0).steps(), starts.length, cg, labels.size(), seconds(t3));
        return r;
    }

    /** Each label vector's complexity from its solve, with its spectral measure. */
    private static List<Scheme> schemes(
            RunLog log,
            SpectrumSpec.Lanczos s,
            Map<String, double[]> labels,
            List<Lanczos.Run> runs,
            ConjugateGradient.Solution[] solves,
            Lobpcg.Result bottom,
            ArpackEigen.Result top,
            int n) {
        List<Scheme> schemes = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, double[]> e : labels.entrySet()) {
            schemes.add(scheme(log, s, e.getKey(), e.getValue(), runs.get(i), solves[i], bottom, top, n));
            i++;
        }
        return schemes;
    }

    private static Scheme scheme(
            RunLog log,
            SpectrumSpec.Lanczos s,
            String name,
            double[] y,
            Lanczos.Run run,
            ConjugateGradient.Solution sol,
            Lobpcg.Result bottom,
            ArpackEigen.Result top,
            int n) {
        ComplexityMeasure.Result cm =
                ComplexityMeasure.byIterativeSolve(n, sol.quadraticForm(), bottom.value(), top.values()[0]);
        if (!sol.converged()) {
            log.warn(
                    "CG for the %s labels stopped after %d iterations at relative residual %.3g > spectrum.lanczos.cg-tolerance = %g",
                    name, sol.iterations(), sol.relativeResidual(), s.cgTolerance);
        }
        log.info(
                "labels %-10s ||y|| = %.4g, complexity sqrt(2 y'H^-1 y / n) = %s (CG: %d iterations, residual %.2g, relative error <= %.2g)",
                name,
                Math.sqrt(run.normSquared()),
                cm.singular() ? "undefined (H singular)" : String.format(Locale.ROOT, "%.6g", cm.complexity()),
                sol.iterations(),
                sol.relativeResidual(),
                sol.relativeQuadraticFormError(bottom.value()));
        return new Scheme(name, y, new LanczosLabelSpectrum(run), sol, cm);
    }

    /** The density from the probes' runs, and everything the outputs need. */
    private static Result result(
            RunLog log,
            PassLedger ledger,
            int n,
            int d,
            SpectrumSpec spec,
            DistributedKernelOperator.Storage storage,
            ArpackEigen.Result top,
            Lobpcg.Result bottom,
            int preconditionerRank,
            List<Scheme> schemes,
            List<Lanczos.Run> probeRuns) {
        List<GaussQuadrature> probeQuadratures = new ArrayList<>();
        for (Lanczos.Run run : probeRuns) probeQuadratures.add(run.quadrature());
        SpectralDensity density = SpectralDensity.of(n, probeQuadratures, top.values());
        if (top.values()[0] * spec.eta >= 2) {
            log.warn(
                    "eta lambda_max = %.4g >= 2: gradient descent with spectrum.eta = %g diverges, and so do the predicted curves",
                    top.values()[0] * spec.eta, spec.eta);
        }
        double flops = ledger.totalFlops(), passSeconds = ledger.totalPassSeconds();
        log.info(
                "%d passes over the tiles in %.1f s: %.2f GFLOP/s",
                ledger.totalPasses(), passSeconds, flops / passSeconds / 1e9);
        return new Result(
                n,
                d,
                top,
                bottom,
                preconditionerRank,
                schemes,
                density,
                storage.name().toLowerCase(Locale.ROOT),
                ledger.totalPasses(),
                passSeconds,
                flops);
    }

    /** The sum of the heap pools' peak usage since the JVM started (bytes). */
    static long peakHeap() {
        long sum = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null)
                sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
