package org.overparam.linalg;

/** For tests outside this package: SymmetricEigen's factored form forced to a reduction (it chooses by n otherwise). */
public final class EigenForms {
    private EigenForms() {}

    /** {@link SymmetricEigen#factored} by the two-stage reduction with half-bandwidth kd ({@code kd = 0}: dsytrd). */
    public static SymmetricEigen factored(double[] a, int n, int kd) {
        return SymmetricEigen.factored(a, n, kd);
    }

    /** {@link SymmetricEigen#projecting} forced to a reduction ({@code kd = 0}: dsytrd); {@code a} is not modified. */
    public static SymmetricEigen projecting(double[] a, int n, int kd, double[]... ys) {
        return SymmetricEigen.projectingOverwriting(a.clone(), n, kd, ys);
    }
}
