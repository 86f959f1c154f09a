package org.overparam.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.theory.LabelVector;

/** The {@code spectrum.*} settings, checked; each is documented in {@code reference.conf}. */
public final class SpectrumSpec {
    public final InnerProductKernel kernel;
    /** The label vectors of {@code spectrum.labels}, in order. */
    public final List<LabelVector> labels;

    public final double eta;
    public final long maxK;
    public final int gridPoints;
    public final int denseLimit;
    public final long seed;
    /** The dense path, the large-n path, or the large-n path past the dense limit. */
    public enum Method {
        DENSE,
        LANCZOS,
        AUTO
    }

    public final Method method;
    /** How the large-n path keeps the kernel tiles between passes; null = {@code auto} (float64 if it fits). */
    public final org.overparam.spark.DistributedKernelOperator.Storage tiles;

    /** The large-n path's settings ({@code spectrum.lanczos.*}). */
    public final Lanczos lanczos;
    /** Large-n path: measure the driver JVM's dgemm peak and report each stage's share of it. */
    public final boolean reportPeak;
    /** Minutes between checkpoints of the running stage of the large-n path; 0: completed stages only. */
    public final double checkpointMinutes;

    /** {@code spectrum.lanczos.*}, checked. */
    public static final class Lanczos {
        public final int steps;
        public final int probes;
        public final int topEigenpairs;
        public final double eigenTolerance;
        public final double minTolerance;
        public final double minValueTolerance;
        public final int minStartRows;
        public final double cgTolerance;
        public final int maxIterations;
        public final int preconditionerRank;
        /** The rank up to which the preconditioner adapts; at most {@link #preconditionerRank} (0 too): that rank, fixed. */
        public final int preconditionerMaxRank;
        /** The condition number the adaptive rank aims at: lambda_r at most this times the estimate of lambda_min. */
        public final double preconditionerCondition;

        public final int minBlock;
        public final int densityBins;

        Lanczos(Config c) {
            Settings s = new Settings(c, "spectrum.lanczos");
            steps = s.positiveInt("steps");
            probes = s.positiveInt("probes");
            topEigenpairs = s.positiveInt("top-eigenpairs");
            eigenTolerance = s.openFraction("eigen-tolerance");
            minTolerance = s.openFraction("min-tolerance");
            minValueTolerance = s.openFraction("min-value-tolerance");
            minStartRows = c.getInt("min-start-rows");
            if (minStartRows < 0)
                throw new UserError(
                        "spectrum.lanczos.min-start-rows: expected an integer >= 0, found " + minStartRows + ".");
            cgTolerance = s.openFraction("cg-tolerance");
            maxIterations = s.positiveInt("max-iterations");
            preconditionerRank = s.positiveInt("preconditioner-rank");
            preconditionerMaxRank = s.nonNegativeInt("preconditioner-max-rank");
            preconditionerCondition = s.positive("preconditioner-condition");
            if (!(preconditionerCondition > 1))
                throw new UserError("spectrum.lanczos.preconditioner-condition: expected a number > 1, found "
                        + preconditionerCondition + ".");
            minBlock = s.positiveInt("min-block");
            densityBins = s.positiveInt("density-bins");
        }
    }

    private SpectrumSpec(Config c) {
        kernel = InnerProductKernel.parse(c.getString("kernel"));
        labels = new ArrayList<>();
        for (String l : c.getStringList("labels")) {
            LabelVector v = LabelVector.parse(l, "spectrum.labels");
            if (labels.stream().anyMatch(u -> u.id().equals(v.id())))
                throw new UserError("spectrum.labels: '" + v.id() + "' is listed twice.");
            labels.add(v);
        }
        if (labels.isEmpty()) throw new UserError("spectrum.labels: expected at least one label scheme, found [].");
        eta = c.getDouble("eta");
        if (!(eta > 0) || Double.isInfinite(eta))
            throw new UserError("spectrum.eta: expected a finite number > 0, found " + eta + ".");
        maxK = c.getLong("max-k");
        if (maxK < 1) throw new UserError("spectrum.max-k: expected >= 1, found " + maxK + ".");
        gridPoints = c.getInt("grid-points");
        if (gridPoints < 2) throw new UserError("spectrum.grid-points: expected >= 2, found " + gridPoints + ".");
        denseLimit = c.getInt("dense-limit");
        if (denseLimit < 0)
            throw new UserError(
                    "spectrum.dense-limit: expected 0 (from driver memory) or a positive n, found " + denseLimit + ".");
        seed = c.getLong("seed");
        method = new Settings(c, "spectrum").choice("method", Method.class);
        String t = c.getString("tiles").trim().toLowerCase(Locale.ROOT);
        tiles = t.equals("auto") ? null : org.overparam.spark.DistributedKernelOperator.Storage.parse(t);
        lanczos = new Lanczos(c.getConfig("lanczos"));
        reportPeak = c.getBoolean("report-peak");
        checkpointMinutes = c.getDouble("checkpoint-minutes");
        if (!(checkpointMinutes >= 0))
            throw new UserError("spectrum.checkpoint-minutes: expected minutes >= 0 (0: completed stages only), found "
                    + checkpointMinutes + ".");
    }

    public static SpectrumSpec from(Config config) {
        try {
            return new SpectrumSpec(config.getConfig("spectrum"));
        } catch (ConfigException e) {
            throw new UserError(
                    "A spectrum setting has the wrong type: " + e.getMessage() + ". See 'overparam spectrum --help'.");
        }
    }
}
