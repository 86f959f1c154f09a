package org.overparam.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.overparam.CoreThreads;
import org.overparam.UserError;
import org.overparam.data.HadoopFiles;
import org.overparam.data.SampleBlock;
import org.overparam.model.QuadraticNet;
import org.overparam.model.QuadraticSums;
import org.overparam.model.QuadraticUnitBlock;
import org.overparam.model.TrainingSet;
import org.overparam.model.UnitUpdate;
import org.overparam.optim.Minimizer;
import org.overparam.optim.StoppingRule;

/**
 * A quadratic-activation net ({@link QuadraticNet}: Du &amp; Lee's, Ge et al.'s signed net, either behind Ge et al.'s
 * random first layer) with its k hidden units sharded over the executors: the units are cut into blocks
 * ({@link QuadraticUnitBlock}: rows of W, the optimizer's state), one per partition of a cached RDD, stepped where they
 * live. The driver never holds W; it holds per-sample numbers (UNITS path) or d x d matrices (FORM path).
 *
 * <p>A pass over the rows B of an iteration (all n, or a mini-batch from {@link org.overparam.model.MiniBatches}) on
 * the path {@link QuadraticNet#cheaperPath} picks for |B| rows:
 * <ul>
 *   <li>UNITS: every executor holds all samples (one broadcast of X and y); a block's forward pass returns its part of
 *       f over B ({@code 8 |B|} bytes), the driver sums the parts in partition order and sends back
 *       {@code c_i = 2 scale l'(f_i, y_i) / |B|} for the backward pass. One job per step: backward with the previous
 *       c, update, forward on the next rows. {@code 4 |B| k d} flops in the tasks.</li>
 *   <li>FORM: a block's forward pass returns its part of {@code M = W^T D W} (d x d); the driver sums them, a pass over
 *       the sample blocks ({@link QuadraticSamplePass}) gives S and the loss, and the driver sends back
 *       {@code Q = scale S / |B| + C}. Two jobs per step; {@code 4 k d^2} flops in the unit tasks and {@code 4 |B| d^2}
 *       in the sample tasks, {@code 8 d^2} bytes each way per task.</li>
 * </ul>
 * Gradient descent and Adam run one command per step, so an iteration's gradient norm arrives with the next step (a
 * gradient-norm stopping rule then goes back one step); for perturbed GD, whose steps depend on the norm, the
 * backward pass is a job of its own. The optimizers' loops ({@link QuadraticOptimizers}) follow {@link org.overparam.optim.GradientDescent},
 * {@link org.overparam.optim.Adam} and {@link org.overparam.optim.PerturbedGradientDescent} step for step.
 *
 * <p>Tasks ({@link BlockTasks}): in local mode every block sits in one partition, whose task steps the blocks at once on
 * the executor's cores. On the UNITS path that task then also runs the steps up to the next checkpoint in one job
 * ({@link #steps}): it forms each next c from the blocks' summed predictions in the driver's own arithmetic
 * ({@link #unitsPass}) and stops where the optimizer's loop would, so every number is the same as with one job per
 * step, which a cluster keeps (one task per block).
 *
 * <p>Samples too large to ship whole ({@link Placement#SAMPLE_BLOCKS}): the samples then stay in their blocks on the
 * executors, spread over them, and every pass takes the FORM path, the d x d aggregate between the unit blocks and the
 * sample blocks: nothing of X is shipped to an executor or held by the driver, which holds d x d matrices only. A
 * mini-batch then costs {@code 4 (|B| + k) d^2} flops instead of {@code 4 |B| k d}, and its rows are selected inside
 * the sample pass.
 *
 * <p>Faults: each command's RDD derives from the previous one, and its command (a broadcast) is kept until the next
 * checkpoint. Every {@code checkpointEvery} iterations (at least every {@value #LINEAGE_LIMIT}) every task writes its
 * block ({@link QuadraticUnitBlock#checkpointValues}) into {@code <checkpointRoot>/iteration-<t>} through Hadoop and the
 * lineage restarts from the files, so a lost executor costs the steps since then. A new checkpoint does not remove
 * the one before: {@link #takeWrittenCheckpoint} tells the caller one was written, so that it can record its own state
 * for that iteration first, and {@link #dropEarlierCheckpoints} then removes the older folders. {@link #resume}
 * rebuilds the blocks from a checkpoint's files, in a new driver, and the run continues bit for bit. The last folder
 * is removed on {@link #close} unless {@link #keepCheckpointOnClose} was asked (a run that {@code --resume} may
 * continue).
 */
public final class UnitShardedQuadratic implements AutoCloseable {
    /** Where the samples are while the units train. */
    public enum Placement {
        /** X and y shipped once to every executor (and held by the driver): either path. */
        EVERY_EXECUTOR,
        /** X only in the persisted sample blocks, spread over the executors: the FORM path on every pass. */
        SAMPLE_BLOCKS;

        /** The path of a pass over {@code rows} rows: the cheaper one, or FORM when X is only in the sample blocks. */
        public QuadraticNet.Path path(QuadraticNet net, long rows) {
            return this == SAMPLE_BLOCKS ? QuadraticNet.Path.FORM : net.cheaperPath(rows);
        }
    }

    /** Iterations after which the lineage is cut by a checkpoint even when {@code checkpointEvery} is 0. */
    public static final int LINEAGE_LIMIT = 100;

    /**
     * The driver's view of a forward pass at W(t) over rows B.
     *
     * @param rows         the sorted rows of B, or null for all n
     * @param loss         the objective over B
     * @param dataLoss     {@code (1/|B|) sum_{i in B} l(f(x_i), y_i)}
     * @param predictions  f over B (UNITS), else null
     * @param form         M (FORM), else null
     * @param coefficients the backward pass's c_i (UNITS), else null
     * @param q            the backward pass's Q (FORM), else null
     * @param seconds      the pass's wall time on the driver (its jobs)
     */
    public record Pass(
            int iteration,
            int[] rows,
            double loss,
            double dataLoss,
            double[] predictions,
            double[] form,
            double[] coefficients,
            double[] q,
            double seconds) {}

    /**
     * The objective and its gradient norm at the current weights over all n samples.
     *
     * @param formGradient {@code grad_M} of the objective as a function of M (d x d) for Du &amp; Lee's net on the FORM
     *                     path, else null
     * @param form         M = W^T D W when it was formed, else null
     */
    public record FullEvaluation(
            double loss, double dataLoss, double gradientNorm, double[] formGradient, double[] form) {}

    private final JavaSparkContext jsc;
    private final QuadraticNet net;
    private final TrainingSet data;
    private final JavaRDD<SampleBlock> samples;
    private final Broadcast<QuadraticNet> shippedNet;
    private final Broadcast<TrainingSet> shipped;
    private final Broadcast<HadoopFiles.Conf> hadoop;
    private final UnitLayout layout;
    private final QuadraticUnitBlock.State state;
    private final Placement placement;
    private final QuadraticNet.Path path;
    private final double kappa;
    private final long seed;
    private final String checkpointRoot;
    private final int checkpointEvery;
    private JavaRDD<BlockRun> current;
    private JavaRDD<BlockRun> base;
    private final BlockTasks tasks;
    /** Threads a task steps its blocks on. */
    private final int threads;
    /** The runs the lineage since the last checkpoint was computed with (one broadcast per job). */
    private final List<Broadcast<Run>> runs = new ArrayList<>();

    private String checkpointFolder;
    private final List<String> earlierCheckpoints = new ArrayList<>();
    private int writtenCheckpoint = -1;
    private int checkpointedIteration = -1;
    private boolean keepOnClose;
    private Pass last;
    private double lastGradientSquared = Double.NaN;
    private double lastTaskSeconds;
    private long commandCount;
    private double commandSeconds;
    private double taskSeconds;

    /**
     * @param data            all samples, shipped once to every executor for UNITS passes; null to keep them in
     *                        {@code samples} only ({@link Placement#SAMPLE_BLOCKS}: FORM passes only)
     * @param samples         the same samples as persisted sample blocks, for FORM passes (owned by the caller)
     * @param rowsPerPass     |B|: n, or the mini-batch size; sets the path
     * @param checkpointRoot  a folder of the run directory for the lineage's checkpoints
     * @param checkpointEvery iterations between checkpoints (0: every {@value #LINEAGE_LIMIT})
     */
    public UnitShardedQuadratic(
            JavaSparkContext jsc,
            QuadraticNet net,
            TrainingSet data,
            JavaRDD<SampleBlock> samples,
            UnitLayout layout,
            QuadraticUnitBlock.State state,
            int rowsPerPass,
            double kappa,
            long seed,
            String checkpointRoot,
            int checkpointEvery) {
        this(
                jsc,
                net,
                data,
                samples,
                layout,
                state,
                rowsPerPass,
                kappa,
                seed,
                checkpointRoot,
                checkpointEvery,
                BlockTasks.of(jsc));
    }

    /** The engine with the given mapping of blocks to tasks. */
    public UnitShardedQuadratic(
            JavaSparkContext jsc,
            QuadraticNet net,
            TrainingSet data,
            JavaRDD<SampleBlock> samples,
            UnitLayout layout,
            QuadraticUnitBlock.State state,
            int rowsPerPass,
            double kappa,
            long seed,
            String checkpointRoot,
            int checkpointEvery,
            BlockTasks tasks) {
        if (jsc.getConf().getBoolean("spark.speculation", false)) {
            throw new UserError(
                    "Training needs spark.speculation = false: the unit blocks of a step reuse the arrays of the step "
                            + "before last, which two attempts of one task would share. Remove --conf spark.speculation=true.");
        }
        if ((data != null && data.d != net.d) || layout.width() != net.k) {
            throw new IllegalArgumentException("UnitShardedQuadratic: samples of d = " + (data != null ? data.d : net.d)
                    + " and " + layout.width() + " units for a net of d = " + net.d + ", k = " + net.k);
        }
        this.jsc = jsc;
        this.net = net;
        this.data = data;
        this.samples = samples;
        this.layout = layout;
        this.state = state;
        this.placement = data != null ? Placement.EVERY_EXECUTOR : Placement.SAMPLE_BLOCKS;
        this.path = placement.path(net, rowsPerPass);
        this.kappa = kappa;
        this.seed = seed;
        this.checkpointRoot = checkpointRoot;
        this.checkpointEvery = checkpointEvery > 0 ? Math.min(checkpointEvery, LINEAGE_LIMIT) : LINEAGE_LIMIT;
        this.tasks = tasks;
        this.threads =
                tasks.threads(layout.blocks(), UnitLayout.Executors.of(jsc).cores());
        this.shippedNet = jsc.broadcast(net);
        this.shipped = data != null ? jsc.broadcast(data) : null;
        this.hadoop = jsc.broadcast(new HadoopFiles.Conf(jsc.hadoopConfiguration()));
    }

    /**
     * Blocks for k units: one per core, but no more than one per {@link UnitLayout#MIN_TASK_FLOPS} of a step's work,
     * and enough that no block's W passes {@link UnitLayout#MAX_BLOCK_DOUBLES}; {@code forced > 0} overrides. The
     * executors' memory is checked ({@link #requireFits}). A step's work is its products ({@code 4 |B| k d} flops on
     * the UNITS path, {@code 4 k d^2} on the FORM path) plus its elementwise passes over the k d weights, worth
     * {@link #elementwiseFlopsPerWeight} each: with small mini-batches (Adam on MNIST) the passes cost more than the
     * products.
     */
    public static UnitLayout layout(
            QuadraticNet net,
            int rowsPerPass,
            long n,
            Placement placement,
            QuadraticUnitBlock.State state,
            UnitLayout.Executors executors,
            int forced) {
        double products = placement.path(net, rowsPerPass) == QuadraticNet.Path.FORM
                ? 4.0 * net.k * net.d * net.d
                : 4.0 * rowsPerPass * net.k * net.d;
        double flops = products + elementwiseFlopsPerWeight(state) * net.k * net.d;
        int cores = executors.count() * executors.cores();
        int blocks = forced > 0 ? forced : (int) Math.max(1, Math.min(cores, flops / UnitLayout.MIN_TASK_FLOPS));
        if (forced <= 0)
            blocks = Math.max(blocks, (int) Math.ceil((double) net.k * net.d / UnitLayout.MAX_BLOCK_DOUBLES));
        UnitLayout layout =
                UnitLayout.even(net.k, Math.min(blocks, net.k), org.overparam.model.UnitRepresentation.WEIGHTS);
        requireFits(net, layout, rowsPerPass, n, placement, state, executors);
        return layout;
    }

    /**
     * The elementwise work of one step per weight, in flops of {@link UnitLayout#FLOPS_PER_BYTE} per byte of memory
     * traffic: the gradient's clearing and weight decay (three passes) and the update, which reads W, the gradient
     * and the optimizer's other arrays and writes the new ones ({@code 2 arrays + 1} passes), each 8 bytes a weight.
     */
    static double elementwiseFlopsPerWeight(QuadraticUnitBlock.State state) {
        return UnitLayout.FLOPS_PER_BYTE * 8 * (3 + 2 * state.arrays + 1);
    }

    /**
     * Refuses, with the memory needed and what to change, a width the executors cannot hold. An executor holds its
     * share of the persisted sample blocks ({@code 8 n (d + 1) / E} bytes), with {@link Placement#EVERY_EXECUTOR} also
     * the shipped copy of all n samples, its unit blocks (W, the gradient and the optimizer's arrays), and per running
     * block a step's new arrays and workspace.
     */
    public static void requireFits(
            QuadraticNet net,
            UnitLayout layout,
            int rowsPerPass,
            long n,
            Placement placement,
            QuadraticUnitBlock.State state,
            UnitLayout.Executors executors) {
        long units = layout.largestBlock(), d = net.d;
        if (units * d > UnitLayout.MAX_BLOCK_DOUBLES) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "train.unit-blocks = %d cuts k = %,d into blocks of %,d units: a block's "
                            + "W would hold %,d doubles, more than one block may (%,d). Use at least %d blocks.",
                    layout.blocks(),
                    net.k,
                    units,
                    units * d,
                    UnitLayout.MAX_BLOCK_DOUBLES,
                    (long) Math.ceil((double) net.k * d / UnitLayout.MAX_BLOCK_DOUBLES)));
        }
        boolean form = placement.path(net, rowsPerPass) == QuadraticNet.Path.FORM;
        long kept = !form && (long) rowsPerPass * units <= QuadraticUnitBlock.KEPT_DOUBLES
                ? (long) rowsPerPass * (units + d)
                : 0;
        long block = 8 * ((state.arrays + 2) * units * d + kept);
        long step =
                block + 8 * (2L * QuadraticUnitBlock.CHUNK_DOUBLES + (form ? 2 * d * d : (long) rowsPerPass * units));
        int perExecutor = (layout.blocks() + executors.count() - 1) / executors.count();
        int running = Math.min(perExecutor, executors.cores());
        long allSamples = 8 * n * (d + 1);
        long samplesBytes = (allSamples + executors.count() - 1) / executors.count()
                + (placement == Placement.EVERY_EXECUTOR ? allSamples : 0);
        long need = samplesBytes + perExecutor * block + running * step;
        long have = executors.usable();
        if (need > have) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "Training k = %,d quadratic units on n = %,d samples of d = %d needs %.2f GB "
                            + "per executor: the samples %.2f GB, %d unit blocks of up to %,d units %.2f GB, and %.2f GB more per running "
                            + "block while a step runs. An executor has %.2f GB (%.0f%% of its %.2f GB heap after Spark's 300 MB reserve), "
                            + "%d executor(s). Give the executors more memory (OVERPARAM_DRIVER_MEMORY for jobs/run, --executor-memory for "
                            + "jobs/submit), add executors, or train a smaller width.",
                    net.k,
                    n,
                    d,
                    need / 1e9,
                    samplesBytes / 1e9,
                    perExecutor,
                    units,
                    perExecutor * block / 1e9,
                    step / 1e9,
                    have / 1e9,
                    100 * UnitLayout.USABLE_HEAP,
                    executors.heapBytes() / 1e9,
                    executors.count()));
        }
    }

    public UnitLayout layout() {
        return layout;
    }

    public QuadraticNet.Path path() {
        return path;
    }

    public QuadraticNet net() {
        return net;
    }

    public Placement placement() {
        return placement;
    }

    /** The last pass. */
    public Pass last() {
        return last;
    }

    /** {@code ||grad L||^2} of the last backward pass (at the pass before {@link #last} after a fused step). */
    public double lastGradientSquared() {
        return lastGradientSquared;
    }

    /** Commands run so far (one Spark job each, plus the sample pass on the FORM path). */
    public long commands() {
        return commandCount;
    }

    /**
     * The share of the commands' wall time on the driver not spent in the longest task's compute: scheduling, the
     * shipped command and results, the driver's sums (0 before any command).
     */
    public double shareOutsideTaskCompute() {
        return commandSeconds > 0 ? Math.max(0, 1 - taskSeconds / commandSeconds) : 0.0;
    }

    /** The longest task's compute time in the last command. */
    public double lastTaskSeconds() {
        return lastTaskSeconds;
    }

    /** Builds the blocks at W(0) on the executors and makes the forward pass over {@code rows} (null: all). */
    public Pass start(int[] rows) {
        long t0 = System.nanoTime();
        int[] cuts = layout.cuts();
        int d = net.d;
        double k = kappa;
        long s = seed;
        QuadraticUnitBlock.State st = state;
        base = BlockTasks.eachInThreads(
                blockIdsInPartitions(),
                threads,
                b -> new BlockRun(QuadraticUnitBlock.initial(cuts[b], cuts[b + 1] - cuts[b], d, st, k, s), List.of()));
        return run(
                new QuadraticUnitBlock.Command(null, null, QuadraticUnitBlock.Back.NONE, null, null, forward(rows)),
                0,
                t0);
    }

    /** Where the blocks of iteration t are (or would be) checkpointed. */
    public String checkpointFolder(int iteration) {
        return checkpointRoot + "/iteration-" + iteration;
    }

    /**
     * Rebuilds the blocks at iteration t from the checkpoint in {@link #checkpointFolder}(t) (checked complete first)
     * and makes the forward pass over {@code rows}: the state an uninterrupted run had after its step to t.
     */
    public Pass resume(int iteration, int[] rows) {
        long t0 = System.nanoTime();
        String folder = checkpointFolder(iteration);
        int[] cuts = layout.cuts();
        int d = net.d;
        QuadraticUnitBlock.State st = state;
        UnitCheckpoints.requireComplete(
                jsc.hadoopConfiguration(),
                folder,
                cuts,
                (first, units) -> QuadraticUnitBlock.checkpointLength(st, units, d),
                st.name().toLowerCase(Locale.ROOT) + " state, d = " + d);
        base = blocksFrom(folder, null, false);
        checkpointFolder = folder;
        checkpointedIteration = iteration;
        return run(
                new QuadraticUnitBlock.Command(null, null, QuadraticUnitBlock.Back.NONE, null, null, forward(rows)),
                iteration,
                t0);
    }

    /** The iteration of a checkpoint written since the last call, or -1; clears it. */
    public int takeWrittenCheckpoint() {
        int t = writtenCheckpoint;
        writtenCheckpoint = -1;
        return t;
    }

    /** Removes the checkpoint folders before the latest. */
    public void dropEarlierCheckpoints() {
        for (String f : earlierCheckpoints) deleteFolder(f);
        earlierCheckpoints.clear();
    }

    /** Keeps the latest checkpoint folder when the engine is closed, for a later {@link #resume}. */
    public void keepCheckpointOnClose(boolean keep) {
        keepOnClose = keep;
    }

    /** A backward pass at the last pass's weights and rows; the blocks keep the gradient. Returns {@code ||grad L||^2}. */
    public double backward() {
        run(
                new QuadraticUnitBlock.Command(
                        last.coefficients(), last.q(), QuadraticUnitBlock.Back.NONE, null, null, null),
                last.iteration(),
                System.nanoTime());
        return lastGradientSquared;
    }

    /** An update by the kept gradient, then the forward pass of iteration {@code iteration} over {@code rows}. */
    public Pass update(org.overparam.model.UnitUpdate update, int iteration, int[] rows) {
        return run(
                new QuadraticUnitBlock.Command(null, null, QuadraticUnitBlock.Back.NONE, null, update, forward(rows)),
                iteration,
                System.nanoTime());
    }

    /**
     * Saves the current point in the blocks, adds {@code length * xi(t)} (drawn from {@code seed}) and makes the forward
     * pass over the same rows.
     */
    public Pass perturb(int t, long seed, double length) {
        return run(
                new QuadraticUnitBlock.Command(
                        null,
                        null,
                        QuadraticUnitBlock.Back.NONE,
                        new QuadraticUnitBlock.Perturbation(t, seed, length),
                        null,
                        forward(last.rows())),
                last.iteration(),
                System.nanoTime());
    }

    /** Returns to the point saved by {@link #perturb} and makes the forward pass over the same rows. */
    public Pass revert() {
        return run(
                new QuadraticUnitBlock.Command(
                        null, null, QuadraticUnitBlock.Back.SAVED, null, null, forward(last.rows())),
                last.iteration(),
                System.nanoTime());
    }

    /**
     * Returns to the weights before the last update and makes the forward pass of iteration {@code iteration} over
     * {@code rows} again: for a stopping rule that saw the gradient norm of iteration t only with the step to t + 1.
     */
    public Pass undo(int iteration, int[] rows) {
        return run(
                new QuadraticUnitBlock.Command(null, null, QuadraticUnitBlock.Back.PREVIOUS, null, null, forward(rows)),
                iteration,
                System.nanoTime());
    }

    /** {@code ||xi(t)||^2} of the perturbation of iteration t drawn from {@code s}, over all units (one job, no state changed). */
    public double noiseSquared(int t, long s) {
        double sum = 0;
        for (double v : each(b -> b.block().noiseSquared(t, s))) sum += v;
        return sum;
    }

    /**
     * The objective over all n samples at the current weights, with its gradient norm if asked (no state changed), on
     * path {@code p} (FORM whatever {@code p} when the samples stay in their blocks).
     */
    public FullEvaluation evaluateAll(QuadraticNet.Path p, boolean gradient) {
        if (placement == Placement.SAMPLE_BLOCKS) p = QuadraticNet.Path.FORM;
        Broadcast<QuadraticNet> bn = shippedNet;
        double wsq = 0, pen = 0;
        for (double[] v : each(
                b -> new double[] {squaredNorm(b.block().weights()), b.block().penalty(bn.value())})) {
            wsq += v[0];
            pen += v[1];
        }
        double regular = 0.5 * net.decay * wsq + pen;
        if (p == QuadraticNet.Path.FORM) {
            double[] m = form();
            QuadraticSums sums = QuadraticSamplePass.sums(samples, net, QuadraticNet.Path.FORM, m, null);
            double dataLoss = sums.loss / sums.rows;
            double[] q = formCoefficient(sums);
            double norm = Double.NaN;
            if (gradient) {
                Broadcast<double[]> bq = jsc.broadcast(q);
                try {
                    norm = Math.sqrt(sum(each(b -> b.block().formGradientSquared(bn.value(), bq.value()))));
                } finally {
                    bq.destroy(false);
                }
            }
            double[] formGradient = null;
            if (net.allPositive()) {
                formGradient = q.clone();
                for (int i = 0; i < net.d; i++) formGradient[i * net.d + i] += 0.5 * net.decay;
            }
            return new FullEvaluation(net.scale * dataLoss + regular, dataLoss, norm, formGradient, m);
        }
        double[] c = new double[data.n];
        double dataLoss = meanLoss(net, data.y(), predict(data), null, c);
        double norm = Double.NaN;
        if (gradient) {
            Broadcast<TrainingSet> set = shipped;
            Broadcast<double[]> bc = jsc.broadcast(c);
            try {
                norm = Math.sqrt(sum(
                        each(b -> b.block().gradientSquared(bn.value(), set.value(), null, bc.value(), workspace()))));
            } finally {
                bc.destroy(false);
            }
        }
        return new FullEvaluation(net.scale * dataLoss + regular, dataLoss, norm, null, null);
    }

    /** {@code M = W^T D W} at the current weights (d x d; one job, the blocks' parts summed in partition order). */
    public double[] form() {
        Broadcast<QuadraticNet> bn = shippedNet;
        double[] m = new double[net.d * net.d];
        for (double[] part : each(b -> b.block().form(bn.value()))) add(m, part);
        return m;
    }

    /** f on other samples ({@code test}) at the current weights (one job). */
    public double[] predict(TrainingSet test) {
        if (test.d != net.d)
            throw new IllegalArgumentException("predict: expected samples of d = " + net.d + ", found d = " + test.d);
        Broadcast<QuadraticNet> bn = shippedNet;
        Broadcast<TrainingSet> other = test == data ? shipped : jsc.broadcast(test);
        try {
            double[] f = new double[test.n];
            for (double[] part : each(b -> b.block().predictions(bn.value(), other.value(), null, workspace())))
                add(f, part);
            return f;
        } finally {
            if (other != shipped) other.destroy(false);
        }
    }

    /** {@code ||W||_F^2} at the current weights (one job). */
    public double weightsSquared() {
        return sum(each(b -> squaredNorm(b.block().weights())));
    }

    /** W gathered on the driver (k x d): for tests and small nets only. */
    public double[] gatherWeights() {
        double[] w = new double[net.k * net.d];
        for (QuadraticUnitBlock b : each(BlockRun::block)) {
            System.arraycopy(b.weights(), 0, w, b.first * net.d, b.weights().length);
        }
        return w;
    }

    /**
     * What one job does on every block: the command {@code first}, whose forward pass (if any) is of iteration
     * {@code iteration}; then, on the UNITS path, one more step per entry of {@code updates}, which the task forms
     * itself as the driver would ({@link #unitsPass}: the next c from the blocks' predictions summed in block order),
     * with update j and the forward pass over {@code rows.get(j)}. The task stops where the optimizer's loop would:
     * after a step whose gradient norm meets {@code stop} (at the objective {@code loss} for the first), or before one
     * from an objective that meets {@code stop} or diverged from {@code initialLoss}. The blocks are written to the
     * job's checkpoint folder when the last forward pass is of iteration {@code checkpointAt} (-1: never).
     */
    record Run(
            QuadraticUnitBlock.Command first,
            int iteration,
            double loss,
            List<UnitUpdate> updates,
            List<int[]> rows,
            StoppingRule stop,
            double initialLoss,
            int checkpointAt)
            implements java.io.Serializable {
        static Run single(QuadraticUnitBlock.Command command, int iteration, int checkpointAt) {
            return new Run(command, iteration, Double.NaN, List.of(), List.of(), null, Double.NaN, checkpointAt);
        }
    }

    /** A block and its outputs of each step of the job that made it (none for blocks built or read back). */
    record BlockRun(QuadraticUnitBlock block, List<QuadraticUnitBlock.Outputs> outputs)
            implements java.io.Serializable {}

    /** One step of {@link #steps}: the pass it ends at and {@code ||grad L||^2} at the pass it started from. */
    public record Step(Pass pass, double gradientSquared) {}

    /** Most doubles of predictions a run of steps in one job returns (its steps' f per block). */
    static final long RUN_RESULT_DOUBLES = 1L << 22;

    /**
     * How many steps from iteration t {@link #steps} should be asked for: 1 unless every block is in one task and
     * passes take the UNITS path; else up to the next checkpoint, {@code maxIterations}, and {@link #RUN_RESULT_DOUBLES}
     * of returned predictions.
     */
    public int runLength(int t, int maxIterations) {
        if (tasks != BlockTasks.ONE_FOR_ALL || path != QuadraticNet.Path.UNITS) return 1;
        int rows = last.rows() == null ? data.n : last.rows().length;
        long byResults = RUN_RESULT_DOUBLES / ((long) rows * layout.blocks());
        int toCheckpoint = checkpointEvery - t % checkpointEvery;
        return (int) Math.max(1, Math.min(Math.min(maxIterations - t, toCheckpoint), byResults));
    }

    /**
     * Steps from the last pass (iteration t): step j makes the backward pass at t + j, update j and the forward pass
     * over {@code rows.get(j)} as iteration t + j + 1, exactly as that many single steps (one command each: backward, update, forward). With every block in one
     * task on the UNITS path ({@link BlockTasks#ONE_FOR_ALL}) they run in one job, the task forming each next c itself
     * in the driver's arithmetic; the run ends early where the optimizer's loop would end it ({@link Run}). Otherwise
     * (one step asked, or blocks in tasks of their own) one step. Returns the steps taken, at least one.
     */
    public List<Step> steps(List<UnitUpdate> updates, List<int[]> rows, StoppingRule stop, double initialLoss) {
        long t0 = System.nanoTime();
        int t = last.iteration();
        QuadraticUnitBlock.Command first = new QuadraticUnitBlock.Command(
                last.coefficients(),
                last.q(),
                QuadraticUnitBlock.Back.NONE,
                null,
                updates.get(0),
                forward(rows.get(0)));
        boolean together = updates.size() > 1 && tasks == BlockTasks.ONE_FOR_ALL && path == QuadraticNet.Path.UNITS;
        if (!together) {
            Pass pass = run(first, t + 1, t0);
            return List.of(new Step(pass, lastGradientSquared));
        }
        int end = t + updates.size();
        Run run = new Run(
                first,
                t + 1,
                last.loss(),
                new ArrayList<>(updates.subList(1, updates.size())),
                new ArrayList<>(rows.subList(1, rows.size())),
                stop,
                initialLoss,
                checkpointDue(end) ? end : -1);
        List<List<QuadraticUnitBlock.Outputs>> parts = job(run, t0);
        double seconds = (System.nanoTime() - t0) / 1e9 / parts.size();
        List<Step> taken = new ArrayList<>(parts.size());
        for (int j = 0; j < parts.size(); j++) {
            double gsq = gradientSquared(parts.get(j));
            Pass pass = unitsPass(net, data, t + 1 + j, rows.get(j), parts.get(j), seconds);
            taken.add(new Step(pass, gsq));
        }
        last = taken.get(taken.size() - 1).pass();
        lastGradientSquared = taken.get(taken.size() - 1).gradientSquared();
        return taken;
    }

    /** Whether the blocks of a forward pass of {@code iteration} are to be checkpointed. */
    private boolean checkpointDue(int iteration) {
        return iteration > 0 && iteration % checkpointEvery == 0 && iteration != checkpointedIteration;
    }

    /** Runs one command on every block (one job, plus the sample pass of a FORM forward) and updates the driver's view. */
    private Pass run(QuadraticUnitBlock.Command command, int iteration, long t0) {
        boolean checkpoint = command.forward() != null && checkpointDue(iteration);
        List<QuadraticUnitBlock.Outputs> parts = job(Run.single(command, iteration, checkpoint ? iteration : -1), t0)
                .get(0);
        if (command.coefficients() != null || command.q() != null) lastGradientSquared = gradientSquared(parts);
        if (command.forward() == null) return last;
        last = assemble(iteration, command.forward().rows(), parts, t0);
        return last;
    }

    /**
     * One job: {@code run} on every block, the new blocks cached in place of the old, the lineage cut at the
     * checkpoint when one was written. Returns each step's outputs of the blocks, in partition order.
     */
    private List<List<QuadraticUnitBlock.Outputs>> job(Run run, long t0) {
        Broadcast<Run> shippedRun = jsc.broadcast(run);
        runs.add(shippedRun);
        String folder = run.checkpointAt() > 0 ? checkpointFolder(run.checkpointAt()) : null;
        JavaRDD<BlockRun> next = RddFunction.mapPartitions(
                        base, new Steps(shippedNet, shipped, shippedRun, hadoop, folder, threads))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<List<QuadraticUnitBlock.Outputs>> perBlock = RddFunction.collect(next, new OutputsOf());
        JavaRDD<BlockRun> previous = current;
        current = next;
        base = next;
        if (previous != null) previous.unpersist(false);
        int count = perBlock.get(0).size();
        List<List<QuadraticUnitBlock.Outputs>> perStep = new ArrayList<>(count);
        double task = 0;
        for (int j = 0; j < count; j++) {
            List<QuadraticUnitBlock.Outputs> step = new ArrayList<>(perBlock.size());
            for (List<QuadraticUnitBlock.Outputs> block : perBlock) step.add(block.get(j));
            perStep.add(step);
            lastTaskSeconds = 0;
            for (QuadraticUnitBlock.Outputs o : step) lastTaskSeconds = Math.max(lastTaskSeconds, o.computeSeconds());
            task += lastTaskSeconds;
        }
        int reached = run.iteration() + count - 1;
        if (folder != null && reached == run.checkpointAt()) {
            int[] rows = count == 1 ? run.first().forward().rows() : run.rows().get(count - 2);
            cutLineage(folder, rows);
            writtenCheckpoint = reached;
            checkpointedIteration = reached;
        }
        commandCount += count;
        taskSeconds += task;
        commandSeconds += (System.nanoTime() - t0) / 1e9;
        return perStep;
    }

    /** {@code ||grad L||^2} of a step: the blocks' parts added in partition order. */
    static double gradientSquared(List<QuadraticUnitBlock.Outputs> parts) {
        double gsq = 0;
        for (QuadraticUnitBlock.Outputs o : parts) gsq += o.gradientSquared();
        return gsq;
    }

    /** The regularizer {@code (decay / 2) ||W||_F^2 + sum_j a_j w_j^T C w_j} from the blocks' parts, in partition order. */
    static double regular(QuadraticNet net, List<QuadraticUnitBlock.Outputs> parts) {
        double wsq = 0, pen = 0;
        for (QuadraticUnitBlock.Outputs o : parts) {
            wsq += o.weightsSquared();
            pen += o.penalty();
        }
        return 0.5 * net.decay * wsq + pen;
    }

    /** The driver's side of a forward pass: f or M summed in partition order, the loss, the backward coefficients. */
    private Pass assemble(int iteration, int[] rows, List<QuadraticUnitBlock.Outputs> parts, long t0) {
        if (path == QuadraticNet.Path.FORM) {
            double[] m = new double[net.d * net.d];
            for (QuadraticUnitBlock.Outputs o : parts) add(m, o.partial());
            QuadraticSums sums = QuadraticSamplePass.sums(samples, net, QuadraticNet.Path.FORM, m, longs(rows));
            double dataLoss = sums.loss / sums.rows;
            return new Pass(
                    iteration,
                    rows,
                    net.scale * dataLoss + regular(net, parts),
                    dataLoss,
                    null,
                    m,
                    null,
                    formCoefficient(sums),
                    (System.nanoTime() - t0) / 1e9);
        }
        return unitsPass(net, data, iteration, rows, parts, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A forward pass on the UNITS path from the blocks' parts: f summed in partition order, the objective and the
     * backward coefficients. The driver and a task running several steps both form it here, so their numbers agree to
     * the last bit.
     */
    static Pass unitsPass(
            QuadraticNet net,
            TrainingSet data,
            int iteration,
            int[] rows,
            List<QuadraticUnitBlock.Outputs> parts,
            double seconds) {
        double[] f = new double[rows == null ? data.n : rows.length];
        for (QuadraticUnitBlock.Outputs o : parts) add(f, o.partial());
        double[] c = new double[f.length];
        double dataLoss = meanLoss(net, data.y(), f, rows, c);
        return new Pass(
                iteration, rows, net.scale * dataLoss + regular(net, parts), dataLoss, f, null, c, null, seconds);
    }

    /**
     * {@code (1/|B|) sum_i l(f_i, y_i)} over the rows B (null: all n) whose predictions are {@code f}, filling
     * {@code c} with the backward pass's {@code c_i = 2 scale l'(f_i, y_i) / |B|}.
     */
    private static double meanLoss(QuadraticNet net, double[] y, double[] f, int[] rows, double[] c) {
        int r = f.length;
        double lossSum = 0;
        for (int i = 0; i < r; i++) {
            double yi = y[rows == null ? i : rows[i]];
            lossSum += net.loss.value(f[i], yi);
            c[i] = 2 * net.scale * net.loss.derivative(f[i], yi) / r;
        }
        return lossSum / r;
    }

    /** {@code Q = scale S / |B| + C}. */
    private double[] formCoefficient(QuadraticSums sums) {
        double[] q = new double[net.d * net.d];
        for (int i = 0; i < q.length; i++)
            q[i] = net.scale * sums.matrix()[i] / sums.rows + (net.c != null ? net.c[i] : 0.0);
        return q;
    }

    private QuadraticUnitBlock.Forward forward(int[] rows) {
        return new QuadraticUnitBlock.Forward(path, rows);
    }

    /** After a checkpoint into {@code folder}: later commands start from its files, older commands and folders go. */
    private void cutLineage(String folder, int[] rows) {
        base = blocksFrom(folder, rows, true);
        while (runs.size() > 1) runs.remove(0).destroy(false);
        if (checkpointFolder != null) earlierCheckpoints.add(checkpointFolder);
        checkpointFolder = folder;
    }

    /**
     * The blocks of the checkpoint in {@code folder}, read from its files (for the forward pass over {@code rows});
     * with {@code handoff}, a block this JVM wrote there is taken instead of read back.
     */
    private JavaRDD<BlockRun> blocksFrom(String folder, int[] rows, boolean handoff) {
        int[] cuts = layout.cuts();
        int d = net.d;
        QuadraticUnitBlock.State st = state;
        Broadcast<HadoopFiles.Conf> conf = hadoop;
        return BlockTasks.eachInThreads(blockIdsInPartitions(), threads, b -> {
            Object kept = handoff ? UnitCheckpoints.takeHandoff(folder, cuts[b]) : null;
            if (kept instanceof QuadraticUnitBlock block) return new BlockRun(block, List.of());
            int units = cuts[b + 1] - cuts[b];
            double[] values = UnitCheckpoints.read(
                    conf.value(), folder, cuts[b], Math.toIntExact(QuadraticUnitBlock.checkpointLength(st, units, d)));
            return new BlockRun(QuadraticUnitBlock.restore(cuts[b], units, d, st, values, rows), List.of());
        });
    }

    private void deleteFolder(String folder) {
        try {
            Path p = new Path(folder);
            FileSystem fs = p.getFileSystem(jsc.hadoopConfiguration());
            fs.delete(p, true);
        } catch (IOException e) {
            throw new UncheckedIOException("removing the old checkpoint " + folder, e);
        }
    }

    /**
     * A job's {@link Run} on the blocks of one partition, on up to {@code threads} threads at once (one block each),
     * and with a folder the last step's blocks checkpointed: the function of every job that steps the blocks.
     */
    private static final class Steps extends RddFunction<List<BlockRun>, List<BlockRun>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<QuadraticNet> net;
        private final Broadcast<TrainingSet> set;
        private final Broadcast<Run> run;
        private final Broadcast<HadoopFiles.Conf> conf;
        private final String folder;
        private final int threads;

        Steps(
                Broadcast<QuadraticNet> net,
                Broadcast<TrainingSet> set,
                Broadcast<Run> run,
                Broadcast<HadoopFiles.Conf> conf,
                String folder,
                int threads) {
            this.net = net;
            this.set = set;
            this.run = run;
            this.conf = conf;
            this.folder = folder;
            this.threads = threads;
        }

        @Override
        public List<BlockRun> apply(List<BlockRun> in) {
            Run r = run.value();
            QuadraticNet nt = net.value();
            TrainingSet data = set != null ? set.value() : null;
            List<QuadraticUnitBlock> origin = new ArrayList<>(in.size());
            List<List<QuadraticUnitBlock.Outputs>> outputs = new ArrayList<>(in.size());
            for (BlockRun b : in) {
                origin.add(b.block());
                outputs.add(new ArrayList<>());
            }
            List<QuadraticUnitBlock> blocks = origin;
            QuadraticUnitBlock.Command command = r.first();
            double loss = r.loss();
            for (int j = 0; ; j++) {
                QuadraticUnitBlock.Command c = command;
                List<QuadraticUnitBlock.Stepped> stepped =
                        CoreThreads.map(blocks, threads, b -> b.apply(c, nt, data, workspace()));
                List<QuadraticUnitBlock.Outputs> parts = new ArrayList<>(stepped.size());
                blocks = new ArrayList<>(stepped.size());
                for (int b = 0; b < stepped.size(); b++) {
                    blocks.add(stepped.get(b).block());
                    parts.add(stepped.get(b).outputs());
                    outputs.get(b).add(stepped.get(b).outputs());
                }
                if (j == r.updates().size()) break;
                int from = r.iteration() + j - 1;
                if (r.stop().reason(from, loss, Math.sqrt(gradientSquared(parts))) != null) break;
                Pass pass = unitsPass(nt, data, from + 1, c.forward().rows(), parts, 0);
                loss = pass.loss();
                if (Minimizer.diverged(loss, r.initialLoss()) || r.stop().reason(from + 1, loss, Double.NaN) != null)
                    break;
                for (int b = 0; b < blocks.size(); b++) blocks.get(b).neverReuse(origin.get(b));
                command = new QuadraticUnitBlock.Command(
                        pass.coefficients(),
                        null,
                        QuadraticUnitBlock.Back.NONE,
                        null,
                        r.updates().get(j),
                        new QuadraticUnitBlock.Forward(
                                QuadraticNet.Path.UNITS, r.rows().get(j)));
            }
            boolean write = folder != null && r.iteration() + outputs.get(0).size() - 1 == r.checkpointAt();
            List<BlockRun> out = new ArrayList<>(blocks.size());
            for (int b = 0; b < blocks.size(); b++) out.add(new BlockRun(blocks.get(b), outputs.get(b)));
            if (write) {
                CoreThreads.map(blocks, threads, b -> {
                    UnitCheckpoints.write(conf.value(), folder, b.first, b.checkpointValues(), b);
                    return b;
                });
            }
            return out;
        }
    }

    private static final class OutputsOf extends RddFunction<BlockRun, List<QuadraticUnitBlock.Outputs>> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<QuadraticUnitBlock.Outputs> apply(BlockRun b) {
            return b.outputs();
        }
    }

    /** {@code f} of every block at the current weights, in block order (one job). */
    private <R> List<R> each(BlockTasks.ElementFunction<BlockRun, R> f) {
        return BlockTasks.eachInThreads(current, threads, f).collect();
    }

    /** The block indices, in as many partitions as the tasks take. */
    private JavaRDD<Integer> blockIdsInPartitions() {
        return jsc.parallelize(blockIds(), tasks.partitions(layout.blocks()));
    }

    private List<Integer> blockIds() {
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < layout.blocks(); b++) ids.add(b);
        return ids;
    }

    private static long[] longs(int[] rows) {
        if (rows == null) return null;
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = rows[i];
        return out;
    }

    private static void add(double[] acc, double[] part) {
        for (int i = 0; i < acc.length; i++) acc[i] += part[i];
    }

    private static double sum(List<Double> parts) {
        double s = 0;
        for (double v : parts) s += v;
        return s;
    }

    static double squaredNorm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return s;
    }

    private static final ThreadLocal<QuadraticUnitBlock.Workspace> WORKSPACES =
            ThreadLocal.withInitial(QuadraticUnitBlock.Workspace::new);

    private static QuadraticUnitBlock.Workspace workspace() {
        return WORKSPACES.get();
    }

    @Override
    public void close() {
        if (current != null) current.unpersist(false);
        for (Broadcast<Run> r : runs) r.destroy(false);
        dropEarlierCheckpoints();
        if (checkpointFolder != null && !keepOnClose) deleteFolder(checkpointFolder);
        shippedNet.destroy(false);
        if (shipped != null) shipped.destroy(false);
        hadoop.destroy(false);
    }
}
