package org.overparam.linalg;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.overparam.Seeds;

/**
 * The eigenvalue distribution of a symmetric H of order n by stochastic Lanczos quadrature (Ubaru, Chen and Saad,
 * "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature", SIAM J. Matrix Anal. Appl. 38(4), 2017): for
 * Rademacher probes z ({@code E[z z^T] = I}, {@code ||z||^2 = n}) the spectral measure of z has expectation
 * {@code sum_i delta(lambda_i)}, and its Gauss quadrature from a few Lanczos steps stands in for it. The estimate is
 * the mean over N probes of their quadratures, each scaled to total mass 1: a distribution function F with
 * {@code F(lambda) ~ #{i : lambda_i <= lambda} / n}.
 *
 * <p>Deflation: the few largest eigenvalues of Hinf stand far apart from the rest (lambda_1 about n/4 against a mean
 * eigenvalue of 1/2), and a probe weighs each of them by {@code (v_i . z)^2 / n}, a chi-square variable of relative
 * spread {@code sqrt(2 / N)} over N probes: a large Wasserstein error from a handful of eigenvalues. So the top k
 * eigenpairs, known from {@link ArpackEigen}, are counted exactly, and the probes are projected off their eigenvectors
 * ({@link #deflate}) to estimate the remaining {@code n - k}.
 *
 * <p>Error band: the standard error of the mean across probes, bin by bin (sampling error; the quadrature error, which
 * smears mass by about one node spacing, comes on top and shrinks with the steps).
 */
public final class SpectralDensity {
    private final int n;
    private final double[][] nodes;
    private final double[][] weights;

    /** Eigenvalues counted exactly (the deflated top ones), each with mass 1 / n. */
    private final double[] exact;

    private SpectralDensity(int n, double[][] nodes, double[][] weights, double[] exact) {
        this.n = n;
        this.nodes = nodes;
        this.weights = weights;
        this.exact = exact;
    }

    /** Projects each probe off the given orthonormal vectors, in place: {@code z <- (I - V V^T) z}. */
    public static void deflate(double[][] probes, double[][] vectors) {
        for (double[] z : probes) {
            for (int pass = 0; pass < 2; pass++) {
                for (double[] v : vectors) {
                    double c = Blocks.dot(v, z);
                    NativeLibraries.blas().daxpy(z.length, -c, v, 1, z, 1);
                }
            }
        }
    }

    /** {@code count} Rademacher probes of length n from {@code Seeds.stream(seed, "slq/probe", j)}. */
    public static double[][] probes(int n, int count, long seed) {
        double[][] z = new double[count][n];
        for (int j = 0; j < count; j++) {
            SplittableRandom rng = Seeds.stream(seed, "slq/probe", j);
            for (int i = 0; i < n; i++) z[j][i] = rng.nextBoolean() ? 1.0 : -1.0;
        }
        return z;
    }

    /** The estimate from the Gauss quadratures of the probes (at least one), with no deflation. */
    public static SpectralDensity of(int n, List<GaussQuadrature> probes) {
        return of(n, probes, new double[0]);
    }

    /**
     * The estimate from the quadratures of probes deflated ({@link #deflate}) of the eigenvectors of the k
     * {@code deflated} eigenvalues: those count exactly, the probes stand for the other {@code n - k}.
     */
    public static SpectralDensity of(int n, List<GaussQuadrature> probes, double[] deflated) {
        if (probes.isEmpty()) throw new IllegalArgumentException("SpectralDensity: expected at least one probe");
        double[][] nodes = new double[probes.size()][], weights = new double[probes.size()][];
        for (int j = 0; j < probes.size(); j++) {
            GaussQuadrature q = probes.get(j);
            nodes[j] = q.nodes();
            weights[j] = q.weights();
            for (int i = 0; i < weights[j].length; i++)
                weights[j][i] *= (n - deflated.length) / (double) n / q.normSquared();
        }
        return new SpectralDensity(n, nodes, weights, deflated.clone());
    }

    /** Per probe, {@code [nodes, weights]} (copies; the weights of a probe sum to {@code (n - k) / n}). */
    public double[][][] quadratures() {
        double[][][] out = new double[nodes.length][][];
        for (int j = 0; j < nodes.length; j++) out[j] = new double[][] {nodes[j].clone(), weights[j].clone()};
        return out;
    }

    public int probes() {
        return nodes.length;
    }

    /** The estimated fraction of eigenvalues {@code <= lambda}. */
    public double cdf(double lambda) {
        double s = 0;
        for (int j = 0; j < nodes.length; j++) s += probeCdf(j, lambda);
        double e = 0;
        for (double x : exact) if (x <= lambda) e++;
        return s / nodes.length + e / n;
    }

    private double probeCdf(int j, double lambda) {
        double s = 0;
        for (int i = 0; i < nodes[j].length && nodes[j][i] <= lambda; i++) s += weights[j][i];
        return s;
    }

    /** The smallest and largest node over all probes. */
    public double[] range() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] x : nodes) {
            lo = Math.min(lo, x[0]);
            hi = Math.max(hi, x[x.length - 1]);
        }
        for (double x : exact) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return new double[] {lo, hi};
    }

    /**
     * Estimated eigenvalue counts in the bins {@code (edges[b], edges[b + 1]]} (the first bin also takes
     * {@code edges[0]}), each with its standard error across probes: {@code [count, standardError]} per bin. Mass
     * outside the edges is not counted.
     */
    public double[][] histogram(double[] edges) {
        int bins = edges.length - 1, p = nodes.length;
        double[][] out = new double[bins][2];
        double[][] per = new double[p][bins];
        for (int j = 0; j < p; j++) {
            for (int i = 0; i < nodes[j].length; i++) {
                double x = nodes[j][i];
                int b = Arrays.binarySearch(edges, x);
                int bin = b >= 0 ? Math.max(0, b - 1) : -b - 2;
                if (bin >= 0 && bin < bins && x >= edges[0]) per[j][bin] += weights[j][i] * n;
            }
        }
        double[] fixed = new double[bins];
        for (double x : exact) {
            int b = Arrays.binarySearch(edges, x);
            int bin = b >= 0 ? Math.max(0, b - 1) : -b - 2;
            if (bin >= 0 && bin < bins && x >= edges[0]) fixed[bin]++;
        }
        for (int b = 0; b < bins; b++) {
            double mean = fixed[b];
            double sampled = 0;
            for (int j = 0; j < p; j++) sampled += per[j][b];
            sampled /= p;
            mean += sampled;
            double var = 0;
            for (int j = 0; j < p; j++) var += (per[j][b] - sampled) * (per[j][b] - sampled);
            out[b][0] = mean;
            out[b][1] = p > 1 ? Math.sqrt(var / (p - 1) / p) : Double.NaN;
        }
        return out;
    }

    /**
     * The Wasserstein-1 distance {@code int |F(x) - G(x)| dx} between this estimate and the empirical distribution G of
     * the given eigenvalues (any order): the mean absolute displacement of eigenvalue mass, in the eigenvalues' units.
     */
    public double wasserstein1(double[] eigenvalues) {
        double[] e = eigenvalues.clone();
        Arrays.sort(e);
        double[] pts = Arrays.copyOf(e, e.length);
        int total = e.length + exact.length;
        for (double[] x : nodes) total += x.length;
        double[] all = new double[total];
        System.arraycopy(e, 0, all, 0, e.length);
        System.arraycopy(exact, 0, all, e.length, exact.length);
        int k = e.length + exact.length;
        for (double[] x : nodes) {
            System.arraycopy(x, 0, all, k, x.length);
            k += x.length;
        }
        Arrays.sort(all);
        double w = 0;
        int below = 0;
        for (int i = 0; i + 1 < all.length; i++) {
            while (below < pts.length && pts[below] <= all[i]) below++;
            double g = (double) below / pts.length;
            w += Math.abs(cdf(all[i]) - g) * (all[i + 1] - all[i]);
        }
        return w;
    }

    /** Log-spaced bin edges from lo to hi (both > 0), {@code bins + 1} of them. */
    public static double[] logEdges(double lo, double hi, int bins) {
        if (!(lo > 0) || !(hi > lo) || bins < 1) {
            throw new IllegalArgumentException("logEdges: expected 0 < lo < hi and bins >= 1, found lo = " + lo
                    + ", hi = " + hi + ", bins = " + bins);
        }
        double[] e = new double[bins + 1];
        for (int b = 0; b <= bins; b++) e[b] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * b / bins);
        e[0] = lo;
        e[bins] = hi;
        return e;
    }
}
