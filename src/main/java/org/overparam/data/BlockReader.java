package org.overparam.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.overparam.Seeds;
import org.overparam.UserError;

/**
 * The executors' half of loading: turns {@link BlockSpec}s into {@link SampleBlock}s by reading (file sources, one pass
 * over the files for all blocks of a partition) or generating (synthetic sources) the features, assigning labels
 * by the {@link LabelScheme}, and scaling rows to unit norm when {@code data.normalize} is on.
 * Every random draw comes from the seed and the sample's source id.
 */
public final class BlockReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataSpec spec;
    private final FileSource files;
    private final SyntheticSource synthetic;
    private final HadoopFiles.Conf conf;

    BlockReader(DataSpec spec, FileSource files, SyntheticSource synthetic, HadoopFiles.Conf conf) {
        this.spec = spec;
        this.files = files;
        this.synthetic = synthetic;
        this.conf = conf;
    }

    /** Builds the blocks of one partition, in order. */
    public List<SampleBlock> read(List<BlockSpec> specs, int d) {
        int total = 0;
        for (BlockSpec s : specs) total += s.rows();
        double[] all = new double[Math.multiplyExact(total, d)];
        double[] labels = new double[total];
        if (files != null) {
            long[] ids = new long[total];
            int at = 0;
            for (BlockSpec s : specs) {
                System.arraycopy(s.sourceIds(), 0, ids, at, s.rows());
                at += s.rows();
            }
            files.read(conf.get(), ids, all);
        } else {
            int at = 0;
            for (BlockSpec s : specs) {
                for (int i = 0; i < s.rows(); i++, at++) labels[at] = synthetic.generate(s.sourceIds()[i], all, at * d);
            }
        }
        List<SampleBlock> out = new ArrayList<>(specs.size());
        int at = 0;
        for (BlockSpec s : specs) {
            int rows = s.rows();
            double[] x = java.util.Arrays.copyOfRange(all, at * d, (at + rows) * d);
            double[] y = java.util.Arrays.copyOfRange(labels, at, at + rows);
            for (int i = 0; i < rows; i++) y[i] = label(s, i, y[i]);
            SampleBlock b = new SampleBlock(s.rowStart(), rows, d, x, y, s.sourceIds(), s.classes());
            if (spec.normalize) normalize(b);
            if (spec.labels.kind == LabelScheme.Kind.PLANTED) plant(b);
            Transforms.requireFinite(b, "loading");
            out.add(b);
            at += rows;
        }
        return out;
    }

    private double label(BlockSpec s, int i, double generated) {
        long id = s.sourceIds()[i];
        int cls = s.classes()[i];
        boolean twoClass = spec.classes.length == 2;
        boolean integer = spec.labels.kind == LabelScheme.Kind.INTEGER
                || (spec.labels.kind == LabelScheme.Kind.RANDOM && !twoClass);
        if (!s.randomLabel()[i]) {
            if (synthetic != null) return generated;
            if (integer) return cls;
            if (spec.labels.kind == LabelScheme.Kind.PARITY) return cls % 2 == 0 ? 1.0 : -1.0;
            return cls == spec.classes[0] ? 1.0 : -1.0;
        }
        SplittableRandom rng = Seeds.stream(spec.seed, spec.purpose("random-label"), id);
        if (synthetic != null) return synthetic.randomLabel(rng);
        if (!integer) return rng.nextBoolean() ? 1.0 : -1.0;
        if (spec.classes.length == 0) return rng.nextInt(10);
        return spec.classes[rng.nextInt(spec.classes.length)];
    }

    /** The planted direction beta: a seeded standard Gaussian in R^d scaled to data.planted.beta-norm. */
    public static double[] plantedBeta(DataSpec spec, int d) {
        SplittableRandom rng = Seeds.stream(spec.seed, "planted-beta");
        double[] beta = new double[d];
        double s = 0;
        for (int j = 0; j < d; j++) {
            beta[j] = rng.nextGaussian();
            s += beta[j] * beta[j];
        }
        for (int j = 0; j < d; j++) beta[j] *= spec.plantedBetaNorm / Math.sqrt(s);
        return beta;
    }

    /** y_i = alpha (beta . x_i)^p on the normalized inputs (Arora et al. Thm 6.1). */
    private void plant(SampleBlock b) {
        double[] beta = plantedBeta(spec, b.d);
        for (int i = 0; i < b.rows; i++) {
            double dot = 0;
            for (int j = 0; j < b.d; j++) dot += beta[j] * b.x[i * b.d + j];
            b.y[i] = spec.plantedAlpha * Math.pow(dot, spec.labels.power);
        }
    }

    private static void normalize(SampleBlock b) {
        for (int i = 0; i < b.rows; i++) {
            double norm = b.rowNorm(i);
            if (!(norm > 0)) {
                throw new UserError("Sample " + (b.rowStart + i) + " (source record " + b.sourceIds[i] + ") has norm "
                        + norm + " and cannot be scaled to unit norm (data.normalize = true).");
            }
            double s = 1.0 / norm;
            int off = i * b.d;
            for (int j = 0; j < b.d; j++) b.x[off + j] *= s;
        }
    }
}
