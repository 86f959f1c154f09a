package org.overparam.kernel;

import java.io.Serializable;
import java.util.Locale;
import org.overparam.linalg.Gemm;

/**
 * Kernels that are a function of the inner product only, {@code K_ij = k(x_i . x_j)}, computed tile by tile as one
 * GEMM {@code X_I X_J^T} (cost {@code 2 r_I r_J d} flops) followed by the elementwise map.
 * <ul>
 *   <li>{@code relu-ntk}: Hinf of the two-layer ReLU net, {@code E_w[x_i . x_j 1{w.x_i >= 0, w.x_j >= 0}] =
 *       t (pi - arccos c) / (2 pi)} with {@code t = x_i . x_j} and {@code c = t / (||x_i|| ||x_j||)} clamped to [-1, 1]
 *       (Du et al. 2019 eq. 4; Arora et al. 2019 eq. 2, there for unit-norm inputs, where c = t). On the diagonal c is
 *       exactly 1: arccos is not Lipschitz at 1, and a rounding error of one ulp in {@code ||x_i||^2} would move
 *       {@code Hinf_ii} by about 2e-9.</li>
 *   <li>{@code squared-inner}: {@code k(t) = t^2}, the Gram matrix {@code G o G} of the lifted inputs
 *       {@code x (x) x}, so {@code lambda_min = sigma_min(X^(x)2)^2} (Ge et al., Thm 4's condition).</li>
 * </ul>
 */
public enum InnerProductKernel implements Serializable {
    RELU_NTK("relu-ntk") {
        @Override
        public double apply(double t) {
            return ReluNtk.value(t);
        }

        @Override
        public double apply(double t, double na, double nb) {
            double c = Math.max(-1.0, Math.min(1.0, t / (na * nb)));
            return t * (Math.PI - ReluNtk.arccos(c)) / (2 * Math.PI);
        }
    },
    SQUARED_INNER("squared-inner") {
        @Override
        public double apply(double t) {
            return t * t;
        }
    };

    public final String id;

    InnerProductKernel(String id) {
        this.id = id;
    }

    public abstract double apply(double t);

    /** The kernel of two inputs with inner product t and norms na, nb (the cosine is what relu-ntk's angle needs). */
    public double apply(double t, double na, double nb) {
        return apply(t);
    }

    public static InnerProductKernel parse(String s) {
        for (InnerProductKernel k : values()) if (k.id.equals(s.trim().toLowerCase(Locale.ROOT))) return k;
        throw new org.overparam.UserError("spectrum.kernel: expected relu-ntk | squared-inner, found '" + s + "'.");
    }

    /**
     * The tile of rows {@code i0 .. i0+ri} of block A against rows {@code j0 .. j0+rj} of block B (row-major, d
     * columns); returns ri x rj row-major. With {@code diagonal}, A and B are the same rows and entry (i, i) uses the
     * exact cosine 1.
     */
    public double[] tile(double[] a, int i0, int ri, double[] b, int j0, int rj, int d, boolean diagonal) {
        return tile(a, i0, ri, b, j0, rj, d, diagonal, 0, null);
    }

    /**
     * As above, and adds to {@code parallel[0]} the pairs of the tile with {@code |cos(x_i, x_j)| > 1 - tol} (on a
     * diagonal tile only i &lt; j), from the same inner products: no second pass over the data. {@code parallel} may be
     * null.
     */
    public double[] tile(
            double[] a,
            int i0,
            int ri,
            double[] b,
            int j0,
            int rj,
            int d,
            boolean diagonal,
            double tol,
            long[] parallel) {
        double[] t = new double[ri * rj];
        Gemm.abt(a, i0 * d, ri, b, j0 * d, rj, d, t);
        double[] na = norms(a, i0, ri, d), nb = diagonal ? na : norms(b, j0, rj, d);
        long count = 0;
        for (int i = 0; i < ri; i++) {
            for (int j = 0; j < rj; j++) {
                int k = i * rj + j;
                if (diagonal && i == j) {
                    t[k] = onDiagonal(t[k]);
                    continue;
                }
                if (parallel != null && (!diagonal || j > i) && Math.abs(t[k]) > (1 - tol) * na[i] * nb[j]) count++;
                t[k] = apply(t[k], na[i], nb[j]);
            }
        }
        if (parallel != null) parallel[0] += count;
        return t;
    }

    /** {@code K_ii} from {@code t = ||x_i||^2}, with the angle of x_i to itself exactly 0. */
    public double onDiagonal(double t) {
        return this == RELU_NTK ? 0.5 * t : apply(t);
    }

    private static double[] norms(double[] x, int r0, int rows, int d) {
        double[] n = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += x[(r0 + i) * d + j] * x[(r0 + i) * d + j];
            n[i] = Math.sqrt(s);
        }
        return n;
    }
}
