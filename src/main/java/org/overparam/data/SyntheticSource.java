package org.overparam.data;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.overparam.Seeds;

/**
 * The papers' synthetic data, generated where the shards live from the run's seed and each sample's id.
 * <ul>
 *   <li>{@code sphere} (Du et al. 2019, Sec. 5): x uniform on the unit sphere of R^d (a standard Gaussian scaled to
 *       norm 1), y ~ N(0, 1).</li>
 *   <li>{@code hypercube} (Ge et al., App. A): entries of x iid U[-1, 1], then x scaled to norm 1; y ~ U[-1, 1].</li>
 *   <li>{@code gaussian} (Du &amp; Lee 2018, Sec. 4): x ~ N(0, I_d); y = f*(x) = sum_{j &lt; k0} (w*_j . x)^2 from a planted
 *       quadratic teacher with rows w*_j ~ N(0, I_d / d), drawn once from the seed (so E y = k0).</li>
 * </ul>
 */
public final class SyntheticSource implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataSpec.Source kind;
    private final int d;
    private final long seed;
    private final String split;
    /** Teacher weights, k0 x d row-major (gaussian only). */
    private final double[] teacher;

    private final int teacherWidth;

    public SyntheticSource(DataSpec spec) {
        if (!spec.source.synthetic()) throw new IllegalArgumentException(spec.source + " is not synthetic");
        this.kind = spec.source;
        this.d = spec.d;
        this.seed = spec.seed;
        this.split = spec.split();
        this.teacherWidth = spec.teacherWidth;
        if (kind == DataSpec.Source.GAUSSIAN) {
            teacher = new double[teacherWidth * d];
            SplittableRandom rng = Seeds.stream(seed, "teacher");
            double s = 1.0 / Math.sqrt(d);
            for (int i = 0; i < teacher.length; i++) teacher[i] = s * rng.nextGaussian();
        } else {
            teacher = null;
        }
    }

    public int d() {
        return d;
    }

    /** Writes sample {@code id}'s features into {@code out[off .. off + d)} and returns its label. */
    public double generate(long id, double[] out, int off) {
        SplittableRandom rng = Seeds.stream(seed, "sample/" + split, id);
        switch (kind) {
            case SPHERE -> {
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    double g = rng.nextGaussian();
                    out[off + j] = g;
                    ss += g * g;
                }
                scale(out, off, 1.0 / Math.sqrt(ss));
                return rng.nextGaussian();
            }
            case HYPERCUBE -> {
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    double u = rng.nextDouble(-1.0, 1.0);
                    out[off + j] = u;
                    ss += u * u;
                }
                scale(out, off, 1.0 / Math.sqrt(ss));
                return rng.nextDouble(-1.0, 1.0);
            }
            case GAUSSIAN -> {
                for (int j = 0; j < d; j++) out[off + j] = rng.nextGaussian();
                return teacherOutput(out, off);
            }
            default -> throw new IllegalStateException();
        }
    }

    /** A fresh draw of the generator's label distribution (for random labels), from its own stream. */
    public double randomLabel(SplittableRandom rng) {
        return switch (kind) {
            case SPHERE -> rng.nextGaussian();
            case HYPERCUBE -> rng.nextDouble(-1.0, 1.0);
            case GAUSSIAN -> {
                double[] z = new double[d];
                for (int j = 0; j < d; j++) z[j] = rng.nextGaussian();
                yield teacherOutput(z, 0);
            }
            default -> throw new IllegalStateException();
        };
    }

    private double teacherOutput(double[] x, int off) {
        double y = 0;
        for (int k = 0; k < teacherWidth; k++) {
            double dot = 0;
            int w = k * d;
            for (int j = 0; j < d; j++) dot += teacher[w + j] * x[off + j];
            y += dot * dot;
        }
        return y;
    }

    private void scale(double[] x, int off, double s) {
        for (int j = 0; j < d; j++) x[off + j] *= s;
    }
}
