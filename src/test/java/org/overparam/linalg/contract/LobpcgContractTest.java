package org.overparam.linalg.contract;

import java.util.Arrays;
import org.overparam.linalg.Lobpcg;
import org.overparam.linalg.NystromPreconditioner;
import org.overparam.linalg.SymmetricOperator;

/**
 * LOBPCG's smallest eigenvalue, to 1e-9 of the spectrum's scale, as the large-n path runs it: block 4 with the
 * randomized Nystrom preconditioner (rank n / 2). Without one, the graded spectrum (bottom eigenvalues 1e-6 apart
 * by a ratio of 1.26, the top at 1) converges at the unpreconditioned rate, thousands of iterations per digit.
 */
class LobpcgContractTest extends SymmetricSolverContract {
    @Override
    protected double[] computed(SymmetricOperator h, Case c) {
        NystromPreconditioner t = NystromPreconditioner.build(h, N / 2, 11);
        return new double[] {
            Lobpcg.smallest(h, t::apply, Lobpcg.Options.of(4, 1e-10, 3000, 7), null)
                    .value()
        };
    }

    @Override
    protected double[] reference(Case c) {
        return new double[] {Arrays.stream(c.lambda()).min().orElseThrow()};
    }

    @Override
    protected double errorScale(Case c, double[] reference) {
        return c.scale();
    }

    @Override
    protected double tolerance() {
        return 1e-9;
    }
}
