package org.overparam.experiment.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.UserError;
import org.overparam.config.SpectrumSpec;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.TrainingSet;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.RunLog;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.UnitLayout;
import org.overparam.spark.UnitShardedRelu;
import org.overparam.theory.ComplexityMeasure;
import org.overparam.theory.LabelSpectrum;
import org.overparam.theory.LabelVector;
import org.overparam.theory.WorstCaseLabels;

/**
 * The {@code compare} command: theory against practice for Arora et al. (ICML 2019). On one data set it builds Hinf,
 * then for each width of {@code train.width} and each label vector of {@code spectrum.labels} trains the two-layer ReLU
 * net (the unit-sharded engine, {@link UnitShardedRelu}) and records beside the actual loss the prediction of
 * Theorem 4.1, {@code 1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . y)^2}; it also sets {@code ||W(K) - W(0)||_F} beside
 * {@code sqrt(y^T Hinf^{-1} y)} (Lemma 5.3), records {@code max_r ||w_r(K) - w_r(0)||}, and measures
 * {@code ||H(0) - Hinf||_2 / ||Hinf||_2} for the widths of {@code compare.gram-widths}, or the trained widths if it is
 * empty (it should shrink like {@code 1/sqrt(m)}). With several widths it is the kernel-regime study: how each gap
 * closes as m grows, with fitted log-log slopes ({@link CompareOutputs}).
 */
public final class CompareJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final SpectrumSpec spectrum;
    private final List<Integer> gramWidths;
    private final int recordEvery;

    public CompareJob(
            DataSpec data, TrainSpec train, SpectrumSpec spectrum, List<Integer> gramWidths, int recordEvery) {
        if (recordEvery < 1) throw new UserError("compare.record-every: expected >= 1, found " + recordEvery + ".");
        for (int m : gramWidths)
            if (m < 1) throw new UserError("compare.gram-widths: expected widths >= 1, found " + m + ".");
        this.data = data;
        this.train = train;
        this.spectrum = spectrum;
        this.gramWidths = gramWidths;
        this.recordEvery = recordEvery;
    }

    record Point(int m, String labels, int iteration, double actual, double predicted) {}

    /**
     * One width and label vector: the complexity and Lemma 5.3's bound of that vector, what gradient descent reached
     * ({@code ||W(K) - W(0)||_F}, {@code max_r ||w_r(K) - w_r(0)||}), and the largest relative gap
     * {@code |L(k) - L_pred(k)| / L(k)} along the trajectory.
     */
    record Run(
            int m,
            String labels,
            double complexity,
            double weightDistance,
            double weightBound,
            double maxUnitDistance,
            double maxGap,
            double finalActual,
            double finalPredicted) {}

    @Override
    public CompareSummary run(JobContext ctx) throws Exception {
        RunLog log = ctx.log;
        ShardedSamples samples = ShardedSamples.load(ctx.spark, data);
        try {
            int n = samples.plan.n, d = samples.d;
            ctx.recordLayout(samples.partitions);
            DistributedGram.requireDriverMemory(n, 4, "compare (Hinf, its eigenvectors, H(0) and their difference)");
            double[] hinf = DistributedGram.kernel(samples.blocks, InnerProductKernel.RELU_NTK, n);
            SymmetricEigen eig = SymmetricEigen.factored(hinf, n);
            log.info(
                    "Hinf of %,d samples: lambda_max = %.6g, lambda_min = %.6g; eta lambda_max = %.4g",
                    n, eig.max(), eig.min(), train.eta * eig.max());
            double[] yTrue = ShardedSamples.labels(samples.blocks, n);
            Map<String, double[]> vectors =
                    LabelVector.build(spectrum.labels, yTrue, spectrum.seed, norm -> WorstCaseLabels.of(eig, norm));
            TrainingSet set = samples.trainingSet(train.precision);

            List<Point> points = new ArrayList<>();
            List<Run> runs = new ArrayList<>();
            for (int m : train.widths) {
                for (Map.Entry<String, double[]> e : vectors.entrySet()) {
                    runs.add(trainOn(ctx, set.withLabels(e.getValue()), e.getKey(), eig, m, points));
                }
            }
            List<double[]> gram = gramConvergence(ctx, set, hinf, eig.max());
            return CompareOutputs.write(ctx, train, points, runs, gram, n, d);
        } finally {
            samples.release();
        }
    }

    private Run trainOn(JobContext ctx, TrainingSet set, String name, SymmetricEigen eig, int m, List<Point> points)
            throws Exception {
        LabelSpectrum ls = LabelSpectrum.of(eig, set.y());
        ComplexityMeasure.Result cm = ComplexityMeasure.bySpectrum(ls);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
        UnitLayout layout = UnitLayout.choose(
                m, set, train.precision, UnitLayout.Executors.of(jsc), train.unitBlocks, train.representation, 0);
        double[] gap = {0};
        double[] last = new double[2];
        long t0 = System.nanoTime();
        UnitShardedRelu.Pass end;
        try (UnitShardedRelu engine = new UnitShardedRelu(jsc, set, layout, train.kappa, train.seed, train.precision)) {
            end = engine.train(
                    train.iterations,
                    train.eta,
                    2 / eig.max(),
                    pass -> record(ctx.log, m, name, pass.iteration(), pass.loss(), ls, points, gap, last, t0));
        }
        double dist = Math.sqrt(end.distanceSquared());
        ctx.log.info(
                "m = %d, labels %-9s ||W(K) - W(0)||_F = %.4g against sqrt(y^T Hinf^-1 y) = %.4g (Lemma 5.3); "
                        + "max_r ||w_r(K) - w_r(0)|| = %.4g; largest relative gap %.3g",
                m, name, dist, cm.weightDistanceBound(), end.maxDistance(), gap[0]);
        return new Run(
                m, name, cm.complexity(), dist, cm.weightDistanceBound(), end.maxDistance(), gap[0], last[0], last[1]);
    }

    private void record(
            RunLog log,
            int m,
            String name,
            int k,
            double actual,
            LabelSpectrum ls,
            List<Point> points,
            double[] gap,
            double[] last,
            long t0) {
        double predicted = ls.predictedLoss(train.eta, k);
        gap[0] = Math.max(gap[0], Math.abs(actual - predicted) / Math.max(actual, Double.MIN_NORMAL));
        last[0] = actual;
        last[1] = predicted;
        if (k % recordEvery == 0 || k == train.iterations) points.add(new Point(m, name, k, actual, predicted));
        if (k == train.iterations || k % Math.max(1, train.iterations / 10) == 0) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            log.info(
                    "m = %d, labels %-9s iter %6d/%d  loss %.6e  predicted %.6e  %.2f it/s",
                    m, name, k, train.iterations, actual, predicted, (k + 1) / elapsed);
        }
    }

    /**
     * {m, ||H(0) - Hinf||_2 / ||Hinf||_2} for each width of compare.gram-widths (the trained widths if it is empty):
     * H(0) from the unit blocks at W(0), one job per width.
     */
    private List<double[]> gramConvergence(JobContext ctx, TrainingSet set, double[] hinf, double lambdaMax) {
        List<double[]> out = new ArrayList<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
        int n = set.n;
        for (int m : gramWidths.isEmpty() ? train.widths : gramWidths) {
            UnitLayout layout = UnitLayout.choose(
                    m,
                    set,
                    train.precision,
                    UnitLayout.Executors.of(jsc),
                    train.unitBlocks,
                    org.overparam.model.UnitRepresentation.WEIGHTS,
                    0);
            try (UnitShardedRelu engine = new UnitShardedRelu(jsc, set, layout, 1.0, train.seed, train.precision)) {
                engine.start();
                double[] h0 = engine.gram(true);
                for (int i = 0; i < h0.length; i++) h0[i] -= hinf[i];
                SymmetricEigen diff = SymmetricEigen.values(h0, n);
                double norm = Math.max(Math.abs(diff.min()), Math.abs(diff.max()));
                out.add(new double[] {m, norm / lambdaMax});
                ctx.log.info("m = %-6d ||H(0) - Hinf||_2 / ||Hinf||_2 = %.4g", m, norm / lambdaMax);
            }
        }
        return out;
    }
}
