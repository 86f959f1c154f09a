package org.overparam.job;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.overparam.UserError;
import org.overparam.data.DataSpec;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.ReluEvaluation;
import org.overparam.model.TwoLayerRelu;
import org.overparam.optim.GradientDescent;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.SparkReluOracle;
import org.overparam.theory.ComplexityMeasure;
import org.overparam.theory.LabelSpectrum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code compare} command: theory against practice for Arora et al. (ICML 2019). On one data set it builds Hinf,
 * then for each label vector of {@code spectrum.labels} trains the two-layer ReLU net ({@code train.*}, one width) and
 * records beside the actual loss the prediction of Theorem 4.1, {@code 1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . y)^2};
 * it also sets {@code ||W(K) - W(0)||_F} beside {@code sqrt(y^T Hinf^{-1} y)} (Lemma 5.3) and measures
 * {@code ||H(0) - Hinf||_2 / ||Hinf||_2} for the widths of {@code compare.gram-widths} (it should shrink like
 * {@code 1/sqrt(m)}).
 */
public final class CompareJob implements Job {
    private final DataSpec data;
    private final TrainSpec train;
    private final SpectrumSpec spectrum;
    private final List<Integer> gramWidths;
    private final int recordEvery;

    public CompareJob(DataSpec data, TrainSpec train, SpectrumSpec spectrum, List<Integer> gramWidths, int recordEvery) {
        if (train.widths.size() != 1) {
            throw new UserError("compare trains one width per label vector: set train.width to one value, found " + train.widths + ".");
        }
        if (recordEvery < 1) throw new UserError("compare.record-every: expected >= 1, found " + recordEvery + ".");
        for (int m : gramWidths) if (m < 1) throw new UserError("compare.gram-widths: expected widths >= 1, found " + m + ".");
        this.data = data;
        this.train = train;
        this.spectrum = spectrum;
        this.gramWidths = gramWidths;
        this.recordEvery = recordEvery;
    }

    record Point(String labels, int iteration, double actual, double predicted) {
    }

    record Run(String labels, double complexity, double weightDistance, double weightBound, double maxGap, double finalActual,
               double finalPredicted) {
    }

    @Override
    public Map<String, Object> run(JobContext ctx) throws Exception {
        RunLog log = ctx.log;
        ShardedSamples samples = ShardedSamples.load(ctx.spark, data);
        try {
            int n = samples.plan.n, d = samples.d, m = train.widths.get(0);
            ctx.manifestExtras.put("partitions", samples.partitions);
            DistributedGram.requireDriverMemory(n, 4, "compare (Hinf, its eigenvectors, H(0) and their difference)");
            double[] hinf = DistributedGram.kernel(samples.blocks, InnerProductKernel.RELU_NTK, n);
            SymmetricEigen eig = SymmetricEigen.factored(hinf, n);
            log.info("Hinf of %,d samples: lambda_max = %.6g, lambda_min = %.6g; eta lambda_max = %.4g", n, eig.max(), eig.min(),
                    train.eta * eig.max());
            double[] yTrue = SpectrumJob.trueLabels(samples.blocks, n);
            Map<String, double[]> vectors = SpectrumJob.labelVectors(spectrum, yTrue, eig);

            List<Point> points = new ArrayList<>();
            List<Run> runs = new ArrayList<>();
            for (Map.Entry<String, double[]> e : vectors.entrySet()) {
                runs.add(trainOn(ctx, samples.blocks, e.getKey(), e.getValue(), hinf, eig, n, d, m, points));
            }
            List<double[]> gram = gramConvergence(ctx, samples.blocks, hinf, eig.max(), n, d);
            return CompareOutputs.write(ctx, train, points, runs, gram, n, d, m);
        } finally {
            samples.release();
        }
    }

    private Run trainOn(JobContext ctx, JavaRDD<SampleBlock> blocks, String name, double[] y, double[] hinf, SymmetricEigen eig,
                        int n, int d, int m, List<Point> points) throws Exception {
        LabelSpectrum ls = LabelSpectrum.of(eig, y);
        ComplexityMeasure.Result cm = ComplexityMeasure.bySpectrum(ls);
        Broadcast<double[]> by = ctx.spark.sparkContext().broadcast(y, scala.reflect.ClassTag$.MODULE$.apply(double[].class));
        JavaRDD<SampleBlock> relabelled = blocks.map(b -> new SampleBlock(b.rowStart, b.rows, b.d, b.x,
                Arrays.copyOfRange(by.value(), (int) b.rowStart, (int) b.rowStart + b.rows), b.sourceIds, b.classes));
        TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, d, train.seed);
        double[] w0 = net.initialWeights(train.kappa, train.seed);
        double[] w = w0.clone();
        double[] gap = {0};
        double[] last = new double[2];
        long t0 = System.nanoTime();
        try (SparkReluOracle oracle = new SparkReluOracle(relabelled, net, w0, train.precision)) {
            new GradientDescent(train.eta, 2 / eig.max()).run(w, 0, train.iterations, Double.NaN, oracle,
                    (k, wk, ev, seconds) -> record(ctx.log, name, k, ev, ls, points, gap, last, t0));
        } finally {
            by.destroy();
        }
        double dist = 0;
        for (int i = 0; i < w.length; i++) dist += (w[i] - w0[i]) * (w[i] - w0[i]);
        dist = Math.sqrt(dist);
        ctx.log.info("labels %-9s ||W(K) - W(0)||_F = %.4g against sqrt(y^T Hinf^-1 y) = %.4g (Lemma 5.3); largest relative gap %.3g",
                name, dist, cm.weightDistanceBound(), gap[0]);
        return new Run(name, cm.complexity(), dist, cm.weightDistanceBound(), gap[0], last[0], last[1]);
    }

    private void record(RunLog log, String name, int k, ReluEvaluation ev, LabelSpectrum ls, List<Point> points, double[] gap,
                        double[] last, long t0) {
        double predicted = ls.predictedLoss(train.eta, k);
        double actual = ev.loss();
        gap[0] = Math.max(gap[0], Math.abs(actual - predicted) / Math.max(actual, Double.MIN_NORMAL));
        last[0] = actual;
        last[1] = predicted;
        if (k % recordEvery == 0 || k == train.iterations) points.add(new Point(name, k, actual, predicted));
        if (k == train.iterations || k % Math.max(1, train.iterations / 10) == 0) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            log.info("labels %-9s iter %6d/%d  loss %.6e  predicted %.6e  %.2f it/s", name, k, train.iterations, actual, predicted,
                    (k + 1) / elapsed);
        }
    }

    /** {m, ||H(0) - Hinf||_2 / ||Hinf||_2} for each width of compare.gram-widths. */
    private List<double[]> gramConvergence(JobContext ctx, JavaRDD<SampleBlock> blocks, double[] hinf, double lambdaMax, int n, int d) {
        List<double[]> out = new ArrayList<>();
        for (int m : gramWidths) {
            TwoLayerRelu net = TwoLayerRelu.withRandomSigns(m, d, train.seed);
            try (SparkReluOracle oracle = new SparkReluOracle(blocks, net, net.initialWeights(1.0, train.seed), train.precision)) {
                double[] h0 = DistributedGram.empiricalNtk(oracle.shards(), net, null, n);
                for (int i = 0; i < h0.length; i++) h0[i] -= hinf[i];
                SymmetricEigen diff = SymmetricEigen.values(h0, n);
                double norm = Math.max(Math.abs(diff.min()), Math.abs(diff.max()));
                out.add(new double[] {m, norm / lambdaMax});
                ctx.log.info("m = %-6d ||H(0) - Hinf||_2 / ||Hinf||_2 = %.4g", m, norm / lambdaMax);
            }
        }
        return out;
    }

    static Map<String, Object> runMap(Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("complexity", Double.isNaN(r.complexity()) ? null : r.complexity());
        m.put("weight_distance", r.weightDistance());
        m.put("weight_distance_bound", Double.isNaN(r.weightBound()) ? null : r.weightBound());
        m.put("max_relative_gap", r.maxGap());
        m.put("final_loss", r.finalActual());
        m.put("final_predicted_loss", r.finalPredicted());
        return m;
    }
}
