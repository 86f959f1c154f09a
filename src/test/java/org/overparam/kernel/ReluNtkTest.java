package org.overparam.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java arccos of the kernel map against {@link Math#acos} (fdlibm in C) and closed forms. */
class ReluNtkTest {
    @Test
    void arccosAgreesWithMathAcosToOneUlp() {
        SplittableRandom rng = new SplittableRandom(11);
        double[] special = {
            -1, -0.5, 0, 0.5, 1, Math.nextDown(1.0), Math.nextUp(-1.0), 1 - 1e-12, -1 + 1e-12, 1e-300, -1e-300
        };
        for (double c : special) check(c);
        for (int i = 0; i < 1_000_000; i++) check(rng.nextDouble(-1, 1));
        // Every binade down to 2^-60, both signs, and the branch points +-1/2.
        for (int e = -60; e < 0; e++) {
            for (int k = 0; k < 2000; k++) {
                double c = Math.scalb(1 + rng.nextDouble(), e - 1);
                check(c);
                check(-c);
            }
        }
        for (double c = 0.5 - 1e-9; c < 0.5 + 1e-9; c += 1e-12) {
            check(c);
            check(-c);
        }
        assertThat(ReluNtk.arccos(Math.nextUp(1.0))).isNaN();
        assertThat(ReluNtk.arccos(Double.NaN)).isNaN();
        // Near +-1, where 1 - c^2 would cancel: c = cos(theta) for tiny theta.
        for (double theta = 1e-7; theta < 1e-2; theta *= 1.7) {
            check(Math.cos(theta));
            check(-Math.cos(theta));
        }
        assertThat(ReluNtk.arccos(1.0)).isEqualTo(0.0);
        assertThat(ReluNtk.arccos(-1.0)).isEqualTo(Math.PI);
        assertThat(ReluNtk.arccos(0.0)).isEqualTo(Math.PI / 2);
    }

    @Test
    void kernelValuesAtClosedForms() {
        // Hinf(t) = t (pi - arccos t) / (2 pi): 1/2 at t = 1, 0 at t = 0 and -1, 1/6 at t = 1/2 (arccos = pi/3).
        assertThat(ReluNtk.value(1)).isEqualTo(0.5);
        assertThat(ReluNtk.value(0)).isEqualTo(0.0);
        assertThat(ReluNtk.value(-1)).isEqualTo(0.0);
        assertThat(Math.abs(ReluNtk.value(0.5) - 1.0 / 6)).isLessThan(1e-16);
        assertThat(ReluNtk.value(1.5)).as("clamped").isEqualTo(0.5);
    }

    private static void check(double c) {
        double want = Math.acos(c), got = ReluNtk.arccos(c);
        assertThat(Math.abs(got - want)).as("arccos(%s)", c).isLessThanOrEqualTo(Math.ulp(want));
    }
}
