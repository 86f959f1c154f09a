package org.overparam.linalg.contract;

import org.overparam.linalg.ConjugateGradient;
import org.overparam.linalg.SymmetricOperator;

/**
 * Conjugate gradients' quadratic form {@code y^T H^+ y = sum_{lambda_i > 0} c_i^2 / lambda_i} (the complexity
 * measure's), to 1e-8 relative, from a relative residual of 1e-12.
 */
class ConjugateGradientContractTest extends SymmetricSolverContract {
    @Override
    protected double[] computed(SymmetricOperator h, Case c) {
        ConjugateGradient.Solution s = ConjugateGradient.solve(
                h, ConjugateGradient.Preconditioner.IDENTITY, new double[][] {c.y()}, 1e-12, 10 * N, null)[0];
        return new double[] {s.quadraticForm()};
    }

    @Override
    protected double[] reference(Case c) {
        double q = 0;
        for (int i = 0; i < N; i++)
            if (c.lambda()[i] != 0) q += c.coordinates()[i] * c.coordinates()[i] / c.lambda()[i];
        return new double[] {q};
    }

    @Override
    protected double tolerance() {
        return 1e-8;
    }
}
