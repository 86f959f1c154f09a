package org.overparam.linalg.contract;

import java.util.List;
import org.overparam.linalg.GaussQuadrature;
import org.overparam.linalg.Lanczos;
import org.overparam.linalg.SymmetricOperator;

/**
 * Lanczos quadrature of y's spectral measure, {@code sum_i c_i^2 f(lambda_i)}, for f = 1, the Rayleigh quotient's
 * numerator {@code lambda} and the predicted-loss factor {@code (1 - lambda / lambda_max)^20}, with n steps (exact in
 * exact arithmetic), to 1e-10 of the largest value.
 */
class LanczosQuadratureContractTest extends SymmetricSolverContract {
    @Override
    protected double[] computed(SymmetricOperator h, Case c) {
        List<Lanczos.Run> runs = Lanczos.run(h, new double[][] {c.y()}, N, null);
        GaussQuadrature g = runs.get(0).quadrature();
        double top = c.scale();
        return new double[] {g.integrate(x -> 1), g.integrate(x -> x / top), g.integrate(x -> Math.pow(1 - x / top, 20))
        };
    }

    @Override
    protected double[] reference(Case c) {
        double top = c.scale(), one = 0, first = 0, decay = 0;
        for (int i = 0; i < N; i++) {
            double w = c.coordinates()[i] * c.coordinates()[i];
            one += w;
            first += w * c.lambda()[i] / top;
            decay += w * Math.pow(1 - c.lambda()[i] / top, 20);
        }
        return new double[] {one, first, decay};
    }

    @Override
    protected double tolerance() {
        return 1e-10;
    }
}
