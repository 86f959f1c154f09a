package org.overparam.linalg.contract;

import java.util.Arrays;
import org.overparam.linalg.ArpackEigen;
import org.overparam.linalg.SymmetricOperator;

/** ARPACK's three largest eigenvalues, to 1e-10 of the spectrum's scale. */
class ArpackContractTest extends SymmetricSolverContract {
    @Override
    protected double[] computed(SymmetricOperator h, Case c) {
        return ArpackEigen.largest(h, 3, 1e-12, 3000).values();
    }

    @Override
    protected double[] reference(Case c) {
        double[] sorted = c.lambda().clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length - 1], sorted[sorted.length - 2], sorted[sorted.length - 3]};
    }

    @Override
    protected double errorScale(Case c, double[] reference) {
        return c.scale();
    }

    @Override
    protected double tolerance() {
        return 1e-10;
    }
}
