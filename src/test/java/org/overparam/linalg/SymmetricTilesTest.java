package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.overparam.testing.Approx;

/**
 * A float32 tile applied strip by strip ({@link SymmetricTiles#accumulate(float[], long, int, long, int, boolean, double[],
 * double[], int, double[])}) against the plain triple loop over the same (widened) entries: off-diagonal and diagonal
 * tiles, row counts below, at and past a multiple of {@link SymmetricTiles#STRIP} and of the one-vector kernel's four rows,
 * one vector (the single-pass kernel) and several (strips and {@code dgemm}).
 */
class SymmetricTilesTest {
    @Test
    void floatTilesInStripsEqualTheTripleLoop() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 400;
        for (int b : new int[] {1, 3, 16}) {
            for (int[] shape : new int[][] {{5, 9}, {64, 64}, {130, 150}, {200, 200}}) {
                for (boolean diagonal : new boolean[] {false, true}) {
                    int ri = shape[0], rj = diagonal ? ri : shape[1];
                    long i0 = 17, j0 = diagonal ? i0 : 190;
                    float[] t = new float[ri * rj];
                    for (int q = 0; q < t.length; q++) t[q] = (float) rng.nextDouble(-1, 1);
                    if (diagonal)
                        for (int i = 0; i < ri; i++) for (int j = 0; j < i; j++) t[i * rj + j] = t[j * rj + i];
                    double[] x = new double[n * b], y = new double[n * b], expected = new double[n * b];
                    for (int q = 0; q < x.length; q++) x[q] = rng.nextDouble(-1, 1);
                    for (int q = 0; q < y.length; q++) expected[q] = y[q] = rng.nextDouble(-1, 1);
                    for (int i = 0; i < ri; i++) {
                        for (int j = 0; j < rj; j++) {
                            double h = t[i * rj + j];
                            for (int c = 0; c < b; c++) {
                                expected[(int) (i0 + i) * b + c] += h * x[(int) (j0 + j) * b + c];
                                if (!diagonal) expected[(int) (j0 + j) * b + c] += h * x[(int) (i0 + i) * b + c];
                            }
                        }
                    }
                    SymmetricTiles.accumulate(
                            t, i0, ri, j0, rj, diagonal, x, y, b, new double[SymmetricTiles.STRIP * rj]);
                    double scale = 0;
                    for (double v : expected) scale = Math.max(scale, Math.abs(v));
                    for (int q = 0; q < y.length; q++) {
                        Approx.assertAbsolute(
                                expected[q],
                                y[q],
                                Approx.BLAS * scale,
                                "b = " + b + ", " + ri + " x " + rj + (diagonal ? " diagonal" : "") + ", entry " + q);
                    }
                    assertThat(y)
                            .as("rows outside I and J untouched")
                            .startsWith(java.util.Arrays.copyOf(expected, (int) i0 * b));
                }
            }
        }
    }

    @Test
    void bothOneVectorKernelsEqualTheTripleLoop() {
        assertThat(SymmetricTiles.VECTOR_KERNEL)
                .as("the JVM has jdk.incubator.vector (Spark's launcher and the tests add it)")
                .isTrue();
        SplittableRandom rng = new SplittableRandom(11);
        int n = 500;
        for (int[] shape : new int[][] {{3, 7}, {5, 9}, {64, 64}, {130, 150}, {201, 203}}) {
            for (boolean diagonal : new boolean[] {false, true}) {
                int ri = shape[0], rj = diagonal ? ri : shape[1];
                int i0 = 13, j0 = diagonal ? i0 : 250;
                float[] t = new float[ri * rj];
                for (int q = 0; q < t.length; q++) t[q] = (float) rng.nextDouble(-1, 1);
                double[] x = new double[n], y = new double[n];
                for (int q = 0; q < n; q++) x[q] = rng.nextDouble(-1, 1);
                for (int q = 0; q < n; q++) y[q] = rng.nextDouble(-1, 1);
                double[] expected = y.clone(), vector = y.clone(), plain = y.clone();
                for (int i = 0; i < ri; i++) {
                    for (int j = 0; j < rj; j++) {
                        double h = t[i * rj + j];
                        expected[i0 + i] += h * x[j0 + j];
                        if (!diagonal) expected[j0 + j] += h * x[i0 + i];
                    }
                }
                VectorTileKernel.accumulateOne(t, i0, ri, j0, rj, diagonal, x, vector);
                SymmetricTiles.accumulateRows(t, i0, 0, ri, j0, rj, diagonal, x, plain);
                double scale = 0;
                for (double v : expected) scale = Math.max(scale, Math.abs(v));
                String what = ri + " x " + rj + (diagonal ? " diagonal" : "");
                for (int q = 0; q < n; q++) {
                    Approx.assertAbsolute(
                            expected[q], vector[q], Approx.BLAS * scale, "vector API, " + what + ", " + q);
                    Approx.assertAbsolute(expected[q], plain[q], Approx.BLAS * scale, "plain Java, " + what + ", " + q);
                }
            }
        }
    }

    @Test
    void theWarmUpRunsTheKernelOnItsTileAndStartsOncePerJvm() {
        assertThat(SymmetricTiles.VECTOR_KERNEL)
                .as("the vector module in the test JVM")
                .isTrue();
        // The warm-up's sums against the same calls through the plain-Java loop.
        int m = VectorTileKernel.WARM_UP_SIZE;
        float[] t = new float[m * m];
        double[] x = new double[2 * m], y = new double[2 * m];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < t.length; i++) t[i] = (float) rng.nextDouble();
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble();
        for (int k = 0; k < VectorTileKernel.WARM_UP_CALLS; k++)
            SymmetricTiles.accumulateRows(t, 0, 0, m, m, m, k % 8 == 0, x, y);
        double expected = 0;
        for (double v : y) expected += v;
        Approx.assertRelative(expected, VectorTileKernel.warmUp(), 1e-12, "sum of the warm-up's results");
        SymmetricTiles.warmUpOnce(); // starts the thread unless an earlier test's tiles did
        assertThat(SymmetricTiles.warmUpOnce())
                .as("a later call starts nothing")
                .isFalse();
    }

    @Test
    void refusesATooSmallBuffer() {
        assertThatThrownBy(() -> SymmetricTiles.accumulate(
                        new float[100 * 10],
                        0,
                        100,
                        100,
                        10,
                        false,
                        new double[220],
                        new double[220],
                        1,
                        new double[10]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 640 doubles, found 10");
    }
}
