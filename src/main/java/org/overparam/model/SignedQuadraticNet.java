package org.overparam.model;

/**
 * Ge, Wang, Wang et al. (2020)'s two-layer net: r quadratic units (r even), {@code a_i = +1} for the first half and
 * {@code -1} for the rest, objective {@code g(W) = 1/(4n) sum_j (sum_i a_i (w_i . x_j)^2 - y_j)^2 + (gamma/2)
 * ||W||_F^2} (their Sec. 3 and Appendix A). The math is {@link QuadraticNet}'s with the squared loss
 * {@code (f - y)^2 / 2} scaled by 1/2; the gradient is {@code dg/dw_i = (1/n) sum_j (f(x_j) - y_j) a_i (w_i . x_j) x_j
 * + gamma w_i}.
 */
public final class SignedQuadraticNet {
    private SignedQuadraticNet() {}

    public static QuadraticNet create(int r, int d, double gamma) {
        if (r < 2 || r % 2 != 0)
            throw new IllegalArgumentException("SignedQuadraticNet: r must be even and >= 2, found " + r);
        double[] a = new double[r];
        for (int i = 0; i < r; i++) a[i] = i < r / 2 ? 1.0 : -1.0;
        return new QuadraticNet(r, d, a, Loss.SQUARED, 0.5, gamma, null);
    }
}
