package org.overparam.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;
import org.overparam.config.Settings;
import org.overparam.kernel.InnerProductKernel;

/** The {@code spectrum.*} settings, checked; each is documented in {@code reference.conf}. */
public final class SpectrumSpec {
    public final InnerProductKernel kernel;
    /** Label schemes: "true", "random", "random:p", "worst". */
    public final List<String> labels;

    public final double eta;
    public final long maxK;
    public final int gridPoints;
    public final int denseLimit;
    public final long seed;
    /** dense | lanczos | auto (lanczos past the dense limit). */
    public final String method;
    /** auto | float64 | float32 | recompute: how the large-n path keeps the kernel tiles between passes. */
    public final String tiles;
    /** The large-n path's settings ({@code spectrum.lanczos.*}). */
    public final Lanczos lanczos;

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
            minBlock = s.positiveInt("min-block");
            densityBins = s.positiveInt("density-bins");
        }
    }

    private SpectrumSpec(Config c) {
        kernel = InnerProductKernel.parse(c.getString("kernel"));
        labels = new ArrayList<>();
        for (String l : c.getStringList("labels")) {
            String t = l.trim().toLowerCase(Locale.ROOT);
            if (!(t.equals("true")
                    || t.equals("random")
                    || t.equals("worst")
                    || t.matches("random:(0(\\.\\d+)?|1(\\.0+)?)"))) {
                throw new UserError(
                        "spectrum.labels: expected true | random | random:<p in [0,1]> | worst, found '" + l + "'.");
            }
            if (labels.contains(t)) throw new UserError("spectrum.labels: '" + t + "' is listed twice.");
            labels.add(t);
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
        method = c.getString("method").trim().toLowerCase(Locale.ROOT);
        if (!(method.equals("dense") || method.equals("lanczos") || method.equals("auto"))) {
            throw new UserError(
                    "spectrum.method: expected dense | lanczos | auto, found '" + c.getString("method") + "'.");
        }
        tiles = c.getString("tiles").trim().toLowerCase(Locale.ROOT);
        if (!tiles.equals("auto")) org.overparam.spark.DistributedKernelOperator.Storage.parse(tiles);
        lanczos = new Lanczos(c.getConfig("lanczos"));
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
