package org.overparam.experiment.quadratic;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.UserError;
import org.overparam.config.QuadraticSpec;
import org.overparam.config.TrainSpec;
import org.overparam.data.DataSpec;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.model.MiniBatches;
import org.overparam.model.Precision;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticUnitBlock;
import org.overparam.model.RandomFeatureMap;
import org.overparam.model.SignedQuadraticNet;
import org.overparam.model.TrainingSet;
import org.overparam.optim.Adam;
import org.overparam.optim.GradientDescent;
import org.overparam.optim.Minimizer;
import org.overparam.optim.PerturbedGradientDescent;
import org.overparam.optim.StoppingRule;
import org.overparam.run.IterationListener;
import org.overparam.run.Job;
import org.overparam.run.JobContext;
import org.overparam.run.RunLog;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.GridLayout;
import org.overparam.spark.QuadraticOptimizers;
import org.overparam.spark.QuadraticSamplePass;
import org.overparam.spark.ShardedSamples;
import org.overparam.spark.TaskTraffic;
import org.overparam.spark.UnitLayout;
import org.overparam.spark.UnitShardedQuadratic;
import org.overparam.theory.ConvexReference;
import org.overparam.theory.MemorizationCondition;
import org.overparam.theory.OptimalityCertificate;

/**
 * The {@code train} command for {@code train.model = quadratic} (Du &amp; Lee 2018) and {@code signed-quadratic} (Ge et
 * al. 2020): once per width, the net is trained on the shards (optionally through Ge et al.'s random first layer) by
 * GD, perturbed GD or Adam with its hidden units sharded over the executors ({@link UnitShardedQuadratic},
 * {@link QuadraticOptimizers}), and then evaluated on the whole training set. Reported per
 * width: the final objective; for quadratic, Du &amp; Lee's certificate, the rank of W, the regime, and the gap to the
 * convex reference problem; for signed-quadratic, Ge et al.'s condition ({@code sigma_min(X(x)2)}, r against 2d + 2,
 * n against d(d+1)/2) when n is small enough for the n x n kernel; the test MSE when {@code train.test-n > 0}.
 */
public final class QuadraticTraining implements Job {
    /** Largest n for which signed-quadratic runs also compute sigma_min(X(x)2) from the dense n x n kernel. */
    static final int CONDITION_MAX_N = 5000;

    private final DataSpec data;
    private final TrainSpec train;
    private final QuadraticSpec spec;
    private final boolean resume;
    private final IterationListener listener;

    public QuadraticTraining(
            DataSpec data, TrainSpec train, QuadraticSpec spec, boolean resume, IterationListener listener) {
        this.data = data;
        this.train = train;
        this.spec = spec;
        this.resume = resume;
        this.listener = listener;
        if (spec.testN > 0 && data.pca > 0) {
            throw new UserError("train.test-n > 0 with data.pca = " + data.pca
                    + ": PCA is fitted per split, so the test samples would be "
                    + "projected differently; set train.test-n = 0.");
        }
        if (data.test) throw new UserError("train trains on the training split: set data.split = train.");
        if (train.model == TrainSpec.Model.SIGNED_QUADRATIC) {
            for (int r : train.widths) {
                if (r % 2 != 0)
                    throw new UserError(
                            "train.width: signed-quadratic needs an even number of units r, found " + r + ".");
            }
        }
    }

    @Override
    public QuadraticSummary run(JobContext ctx) throws Exception {
        RunLog log = ctx.log;
        List<QuadraticOutputs.Row> rows = new ArrayList<>();
        List<QuadraticSummary.WidthRun> runs = new ArrayList<>();
        ShardedSamples samples = null;
        List<JavaRDD<SampleBlock>> mapped = new ArrayList<>();
        try {
            int blockSize = train.blockSize > 0 ? train.blockSize : data.blockSize;
            samples = ShardedSamples.load(
                    ctx.spark,
                    data.withLayout(blockSize, train.sampleBlocks > 1 ? train.sampleBlocks : data.partitions));
            int n = samples.plan.n;
            int d = samples.d;
            JavaRDD<SampleBlock> blocks = samples.blocks;
            RandomFeatureMap features = spec.featuresK > 0
                    ? new RandomFeatureMap(spec.featuresK, d, spec.featuresScale, spec.featuresPower, train.seed)
                    : null;
            UnitShardedQuadratic.Placement placement = placement(ctx, n, features != null ? features.k : d);
            TrainingSet
                    set =
                            placement == UnitShardedQuadratic.Placement.EVERY_EXECUTOR
                                    ? samples.trainingSet(Precision.FLOAT64)
                                    : null,
                    test = null;
            if (features != null) {
                blocks = QuadraticSamplePass.withFeatures(blocks, features);
                mapped.add(blocks);
                if (set != null) set = features.apply(set);
                log.info(
                        "random features: z = (R x)^%d, R %d x %d with N(0, %g^2) entries",
                        spec.featuresPower, features.k, d, spec.featuresScale);
                d = features.k;
            }
            if (spec.testN > 0) {
                ShardedSamples t = ShardedSamples.load(
                        ctx.spark,
                        data.withSplit(true, spec.testN, data.labels).withLayout(blockSize, data.partitions));
                try {
                    test = t.trainingSet(Precision.FLOAT64);
                } finally {
                    t.release();
                }
                if (features != null) test = features.apply(test);
            }
            log.info(
                    "training data: %d samples, d = %d, %s; %d partitions%s",
                    n,
                    d,
                    samples.plan.description,
                    samples.partitions,
                    set == null ? ", kept in their blocks on the executors (every pass d x d)" : "");
            ctx.recordLayout(samples.partitions);
            MemorizationCondition condition = train.model == TrainSpec.Model.SIGNED_QUADRATIC && n <= CONDITION_MAX_N
                    ? geCondition(blocks, n, d, log)
                    : null;
            for (int width : train.widths) {
                QuadraticSummary.WidthRun r = trainWidth(
                        ctx, new Samples(n, d, placement, set, blocks, samples.partitions, test), width, rows);
                if (condition != null) {
                    MemorizationCondition c = new MemorizationCondition(condition.sigmaMin(), width, d, n);
                    r = r.withCondition(QuadraticSummary.GeCondition.of(c));
                }
                runs.add(r);
            }
        } finally {
            if (!rows.isEmpty()) QuadraticOutputs.writeMetrics(ctx, rows);
            for (JavaRDD<SampleBlock> m : mapped) m.unpersist(false);
            if (samples != null) samples.release();
        }
        QuadraticOutputs.plotsAndReport(ctx, rows, runs, train, spec);
        return QuadraticSummary.of(train.model.id(), train.widths, ctx.blas, runs);
    }

    /**
     * The samples of a run: n of d, on the driver and shipped to the unit blocks ({@code set}, null when they stay in
     * their blocks), as {@code sampleBlocks} sample blocks for the FORM passes ({@code blocks}), and the test samples
     * or null.
     */
    record Samples(
            int n,
            int d,
            UnitShardedQuadratic.Placement placement,
            TrainingSet set,
            JavaRDD<SampleBlock> blocks,
            int sampleBlocks,
            TrainingSet test) {}

    /**
     * Where the samples are while the units train: shipped to every executor, unless they do not fit there or on the
     * driver ({@link GridLayout#samplesFitEveryExecutor}) or {@code train.sample-blocks > 1} asks to keep them in
     * their blocks; {@code train.sample-blocks = 1} ships them whatever their size (the memory check then decides).
     */
    UnitShardedQuadratic.Placement placement(JobContext ctx, int n, int d) {
        UnitLayout.Executors executors =
                UnitLayout.Executors.of(JavaSparkContext.fromSparkContext(ctx.spark.sparkContext()));
        boolean blocks = train.sampleBlocks > 1
                || (train.sampleBlocks == 0 && !GridLayout.samplesFitEveryExecutor(n, d, Precision.FLOAT64, executors));
        return blocks ? UnitShardedQuadratic.Placement.SAMPLE_BLOCKS : UnitShardedQuadratic.Placement.EVERY_EXECUTOR;
    }

    /** sigma_min(X(x)2) from the squared-inner kernel (one dense n x n eigenvalue problem). */
    private static MemorizationCondition geCondition(JavaRDD<SampleBlock> blocks, int n, int d, RunLog log) {
        DistributedGram.requireDriverMemory(n, 2, "sigma_min(X(x)2) of Ge et al.'s condition");
        double lambda = SymmetricEigen.values(DistributedGram.kernel(blocks, InnerProductKernel.SQUARED_INNER, n), n)
                .min();
        MemorizationCondition c = MemorizationCondition.fromSquaredInnerKernel(lambda, 0, d, n);
        log.info(
                "Ge et al.'s condition: sigma_min(X(x)2) = %.6g (lambda_min(G o G) = %.6g); n = %d vs d(d+1)/2 = %d",
                c.sigmaMin(), lambda, n, c.rankLimit());
        return c;
    }

    QuadraticNet net(int width, int d) {
        if (train.model == TrainSpec.Model.SIGNED_QUADRATIC)
            return SignedQuadraticNet.create(width, d, spec.weightDecay);
        double[] c = spec.perturbation > 0 ? QuadraticNet.randomPsd(d, spec.perturbation, train.seed) : null;
        return QuadraticNet.duLee(width, d, spec.loss, spec.weightDecay, c);
    }

    Minimizer minimizer(QuadraticNet net, long n) {
        return switch (spec.optimizer) {
            case GD -> new GradientDescent(train.eta, Double.NaN);
            case PERTURBED_GD ->
                new PerturbedGradientDescent(
                        net.k * net.d,
                        net.d,
                        spec.pgdL,
                        spec.pgdRho,
                        spec.pgdEpsilon,
                        spec.pgdC,
                        spec.pgdDelta,
                        spec.pgdGap,
                        train.seed);
            case ADAM -> {
                long perEpoch = spec.batchSize == 0 ? 1 : (n + spec.batchSize - 1) / spec.batchSize;
                yield new Adam(
                        spec.adamLr,
                        spec.adamBeta1,
                        spec.adamBeta2,
                        spec.adamEpsilon,
                        spec.adamDecay,
                        Math.toIntExact(spec.decayEveryEpochs * perEpoch));
            }
        };
    }

    static QuadraticUnitBlock.State state(QuadraticSpec.Optimizer optimizer) {
        return switch (optimizer) {
            case GD -> QuadraticUnitBlock.State.DESCENT;
            case PERTURBED_GD -> QuadraticUnitBlock.State.PERTURBED;
            case ADAM -> QuadraticUnitBlock.State.ADAM;
        };
    }

    /**
     * The sharded engine for one width, its layout chosen by the cost model (or {@code train.unit-blocks}), or with
     * {@code cuts} non-null the layout of a checkpoint.
     */
    UnitShardedQuadratic engine(JobContext ctx, Samples samples, QuadraticNet net, MiniBatches batches, int[] cuts) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark.sparkContext());
        QuadraticUnitBlock.State state = state(spec.optimizer);
        UnitLayout.Executors executors = UnitLayout.Executors.of(jsc);
        UnitLayout layout;
        if (cuts != null) {
            layout = new UnitLayout(net.k, cuts, org.overparam.model.UnitRepresentation.WEIGHTS);
            UnitShardedQuadratic.requireFits(
                    net, layout, batches.largest(), samples.n(), samples.placement(), state, executors);
        } else {
            layout = UnitShardedQuadratic.layout(
                    net, batches.largest(), samples.n(), samples.placement(), state, executors, train.unitBlocks);
        }
        return new UnitShardedQuadratic(
                jsc,
                net,
                samples.set(),
                samples.blocks(),
                layout,
                state,
                batches.largest(),
                train.kappa,
                train.seed,
                ctx.dir.resolve(QuadraticCheckpoint.folder(train.model.id(), net.k)),
                train.checkpointEvery);
    }

    private String optimizerName() {
        return spec.optimizer.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    StoppingRule stoppingRule() {
        return new StoppingRule(
                train.iterations,
                spec.targetLoss > 0 ? spec.targetLoss : Double.NEGATIVE_INFINITY,
                spec.gradientTolerance);
    }

    private QuadraticSummary.WidthRun trainWidth(
            JobContext ctx, Samples samples, int width, List<QuadraticOutputs.Row> rows) throws Exception {
        RunLog log = ctx.log;
        int n = samples.n(), d = samples.d();
        QuadraticNet net = net(width, d);
        boolean mini = spec.optimizer == QuadraticSpec.Optimizer.ADAM && spec.batchSize > 0 && spec.batchSize < n;
        MiniBatches batches = new MiniBatches(n, mini ? spec.batchSize : 0, train.seed);
        Minimizer opt = minimizer(net, n);
        QuadraticCheckpoint checkpoint =
                resume ? QuadraticCheckpoint.read(ctx.dir, train.model.id(), width, n, d, optimizerName()) : null;
        if (checkpoint != null && checkpoint.completed()) {
            log.info("width %d: completed before, kept", width);
            rows.addAll(checkpoint.rows());
            return checkpoint.summary();
        }
        int rowsBefore = rows.size();
        try (UnitShardedQuadratic engine =
                engine(ctx, samples, net, batches, checkpoint != null ? checkpoint.cuts() : null)) {
            engine.keepCheckpointOnClose(true);
            logPlan(log, engine, opt, batches, width, d, mini);
            if (checkpoint != null) {
                rows.addAll(checkpoint.rows());
                log.info(
                        "width %d: resuming at iteration %d of %d",
                        width, checkpoint.point().iteration(), train.iterations);
            }
            // On mini-batch runs the recorded losses are the batches'; the initial and final losses are the whole
            // set's.
            double initialLoss;
            if (checkpoint != null) {
                initialLoss = checkpoint.initialLoss();
            } else {
                UnitShardedQuadratic.Pass first = engine.start(batches.rows(0));
                initialLoss = mini
                        ? engine.evaluateAll(samples.placement().path(net, n), false)
                                .loss()
                        : first.loss();
            }
            Checkpointed where = new Checkpointed(width, n, d, engine.layout().cuts(), initialLoss, rowsBefore);
            QuadraticOutputs.Recorder rec = recorder(ctx, where, rows, checkpoint);
            Trained trained = minimize(ctx, engine, opt, batches, rec, checkpoint);
            rec.finish();
            log.info(
                    "width %d: stopped after %d iterations (%s), %.1f s",
                    width, trained.out().iterations(), trained.out().reason(), trained.seconds());
            QuadraticSummary.WidthRun s = evaluate(log, samples, net, engine, opt, trained, where);
            checkpointOf(where, null, rows, s).write(ctx.dir);
            engine.keepCheckpointOnClose(false);
            return s;
        }
    }

    /** Where a width's checkpoints go and what they record besides the resume point: its layout and initial loss. */
    private record Checkpointed(int width, int n, int d, int[] cuts, double initialLoss, int rowsBefore) {}

    private QuadraticCheckpoint checkpointOf(
            Checkpointed w,
            QuadraticOptimizers.ResumePoint point,
            List<QuadraticOutputs.Row> rows,
            QuadraticSummary.WidthRun summary) {
        return new QuadraticCheckpoint(
                train.model.id(),
                w.width(),
                w.n(),
                w.d(),
                optimizerName(),
                w.cuts(),
                w.initialLoss(),
                point,
                List.copyOf(rows.subList(w.rowsBefore(), rows.size())),
                summary);
    }

    /** The layout, path and flops per step of a width, and perturbed GD's constants. */
    private void logPlan(
            RunLog log,
            UnitShardedQuadratic engine,
            Minimizer opt,
            MiniBatches batches,
            int width,
            int d,
            boolean mini) {
        log.info(
                "%s, width %d: %d parameters in %s, %s path (%.3g flops per step), optimizer %s%s",
                train.model.id(),
                width,
                (long) width * d,
                engine.layout(),
                engine.path(),
                engine.path() == QuadraticNet.Path.FORM
                        ? 4.0 * (batches.largest() + width) * d * d
                        : 4.0 * batches.largest() * width * d,
                spec.optimizer,
                mini ? " (mini-batches of " + spec.batchSize + ")" : "");
        if (opt instanceof PerturbedGradientDescent p) {
            log.info(
                    "perturbed GD: chi = %.4g, eta = %.4g, r = %.4g, g_thres = %.4g, f_thres = %.4g, t_thres = %d",
                    p.chi, p.eta, p.radius, p.gThres, p.fThres, p.tThres);
        }
    }

    /** Records metrics and progress, tells the listener, and writes the driver's state at each checkpoint. */
    private QuadraticOutputs.Recorder recorder(
            JobContext ctx, Checkpointed where, List<QuadraticOutputs.Row> rows, QuadraticCheckpoint checkpoint) {
        return new QuadraticOutputs.Recorder(
                where.width(),
                spec.recordEvery,
                rows,
                ctx.log,
                train.progressSeconds,
                train.iterations,
                checkpoint != null ? checkpoint.point().iteration() : 0) {
            @Override
            public void onIterate(QuadraticOptimizers.Iterate it) throws Exception {
                super.onIterate(it);
                listener.afterIteration(where.width(), it.iteration());
            }

            @Override
            public void onCheckpoint(QuadraticOptimizers.ResumePoint point) {
                checkpointOf(where, point, rows, null).write(ctx.dir);
            }
        };
    }

    /** The optimizer's outcome, its wall time, the Spark commands it ran and the bytes they moved. */
    private record Trained(
            QuadraticOptimizers.Outcome out, double seconds, long commands, long resultBytes, long shuffleBytes) {}

    private Trained minimize(
            JobContext ctx,
            UnitShardedQuadratic engine,
            Minimizer opt,
            MiniBatches batches,
            QuadraticOutputs.Recorder rec,
            QuadraticCheckpoint checkpoint)
            throws Exception {
        long t0 = System.nanoTime();
        long commandsBefore = engine.commands();
        try (TaskTraffic traffic = TaskTraffic.attach(ctx.spark.sparkContext())) {
            QuadraticOptimizers.Outcome out = QuadraticOptimizers.minimize(
                    engine, opt, stoppingRule(), batches, rec, checkpoint != null ? checkpoint.point() : null);
            long resultBytes = traffic.resultBytes(), shuffleBytes = traffic.shuffleBytes();
            long commands = Math.max(1, engine.commands() - commandsBefore);
            return new Trained(out, (System.nanoTime() - t0) / 1e9, commands, resultBytes, shuffleBytes);
        }
    }

    /**
     * The width's summary: the whole training set at the final W (on the FORM path when Du &amp; Lee's certificate
     * needs M and S), the certificate and convex gap where they apply, and the test MSE.
     */
    private QuadraticSummary.WidthRun evaluate(
            RunLog log,
            Samples samples,
            QuadraticNet net,
            UnitShardedQuadratic engine,
            Minimizer opt,
            Trained trained,
            Checkpointed where) {
        int width = where.width(), n = where.n(), d = where.d();
        boolean duLee = net.allPositive();
        UnitShardedQuadratic.FullEvaluation full = engine.evaluateAll(
                duLee ? QuadraticNet.Path.FORM : samples.placement().path(net, n), true);
        QuadraticSummary.Certificate certificate = null;
        QuadraticSummary.ConvexGap convex = null;
        if (duLee) {
            OptimalityCertificate c = OptimalityCertificate.ofForm(
                    full.formGradient(), full.form(), width, d, n, spec.certificateTolerance, net.c != null);
            log.info(
                    "width %d: lambda_min(S + lambda/2 I%s) = %.4g -> %s; rank W = %d; regime: %s",
                    width, net.c != null ? " + C" : "", c.lambdaMin(), c.conclusion(), c.rank(), c.regime());
            certificate = QuadraticSummary.Certificate.of(c);
            if (spec.convexMaxD > 0 && d <= spec.convexMaxD) convex = convexGap(log, samples, net, width, d, full);
        }
        Double testMse = null;
        Integer testN = null;
        if (samples.test() != null) {
            double[] f = engine.predict(samples.test());
            double[] y = samples.test().y();
            double sq = 0;
            for (int i = 0; i < f.length; i++) sq += (f[i] - y[i]) * (f[i] - y[i]);
            testMse = sq / f.length;
            testN = f.length;
            log.info("width %d: test MSE %.6g on %d samples", width, testMse, testN);
        }
        QuadraticOptimizers.Outcome out = trained.out();
        boolean signed = train.model == TrainSpec.Model.SIGNED_QUADRATIC;
        return new QuadraticSummary.WidthRun(
                train.model.id(),
                n,
                d,
                signed ? width : null,
                signed ? null : width,
                optimizerName(),
                engine.layout().blocks(),
                engine.path().name().toLowerCase(java.util.Locale.ROOT),
                samples.placement() == UnitShardedQuadratic.Placement.SAMPLE_BLOCKS ? samples.sampleBlocks() : null,
                out.iterations(),
                out.reason(),
                where.initialLoss(),
                full.loss(),
                full.dataLoss(),
                full.gradientNorm(),
                trained.seconds(),
                trained.seconds() / Math.max(1, out.iterations() + 1),
                trained.commands(),
                trained.resultBytes() / (double) trained.commands(),
                trained.shuffleBytes() / (double) trained.commands(),
                engine.shareOutsideTaskCompute(),
                opt instanceof PerturbedGradientDescent ? out.perturbations() : null,
                certificate,
                convex,
                testMse,
                testN,
                null);
    }

    /** The convex reference problem solved at this d, and the final loss's gap to its optimum. */
    private QuadraticSummary.ConvexGap convexGap(
            RunLog log, Samples samples, QuadraticNet net, int width, int d, UnitShardedQuadratic.FullEvaluation full) {
        long c0 = System.nanoTime();
        ConvexReference.Result cr = ConvexReference.solve(
                m -> QuadraticSamplePass.convexAt(samples.blocks(), net, m),
                d,
                new double[d * d],
                1.0,
                spec.convexIterations,
                spec.convexTolerance);
        log.info(
                "width %d: convex optimum %.8g (%s after %d steps, %.1f s); gap %.3g",
                width,
                cr.objective(),
                cr.converged() ? "converged" : "NOT converged",
                cr.iterations(),
                (System.nanoTime() - c0) / 1e9,
                full.loss() - cr.objective());
        return new QuadraticSummary.ConvexGap(
                cr.objective(),
                full.loss() - cr.objective(),
                cr.converged(),
                cr.iterations(),
                cr.gradientMapping(),
                OptimalityCertificate.rank(ConvexReference.factor(cr.m(), d, d), d, d));
    }
}
