package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.testing.Approx;

/**
 * One suite every eigensolver form must pass (EJML's GeneralEigenDecompositionCheck style): the decomposition
 * multiplied back, {@code H v = lambda v}, orthonormality, projections equal to {@code V^T y}, and the edge cases
 * 0 x 0, 1 x 1, identity (one eigenvalue of multiplicity n), singular, clustered and extreme scales.
 */
class SymmetricEigenTest {
    static Stream<Arguments> cases() {
        return withMatrices(FORMS);
    }

    /** Each label (a form or a reduction) with each edge-case matrix: (label, name, matrix). */
    private static Stream<Arguments> withMatrices(String... labels) {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String label : labels) {
            b.add(Arguments.of(label, "random 60", gaussianSymmetric(60, 1, 1.0)));
            b.add(Arguments.of(label, "1 x 1", new double[] {3.5}));
            b.add(Arguments.of(label, "identity 30", identity(30, 1.0)));
            b.add(Arguments.of(label, "rank one 40", rankOne(40)));
            b.add(Arguments.of(label, "clustered 50", clustered(50)));
            b.add(Arguments.of(label, "tiny scale", gaussianSymmetric(30, 2, 1e-150)));
            b.add(Arguments.of(label, "huge scale", gaussianSymmetric(30, 3, 1e150)));
        }
        return b.build();
    }

    /**
     * The public forms, and the factored form forced to each reduction: dsytrd ("kd 0") and two-stage with half-bandwidths
     * that make n (1 to 80 here) a multiple of kd, not a multiple, near kd, and smaller than kd.
     */
    static final String[] FORMS = {
        "withVectors",
        "factored",
        "factoredOverwriting",
        "kd 0",
        "kd 1",
        "kd 3",
        "kd 8",
        "kd 16 overwriting",
        "kd 29",
        "kd 64"
    };

    /** The overwriting forms get a copy, so that every form can be checked against the untouched input. */
    static SymmetricEigen decompose(String form, double[] a, int n) {
        if (form.startsWith("kd ")) {
            int kd = Integer.parseInt(form.split(" ")[1]);
            return form.endsWith("overwriting")
                    ? SymmetricEigen.factoredOverwriting(a.clone(), n, kd)
                    : SymmetricEigen.factored(a, n, kd);
        }
        BiFunction<double[], Integer, SymmetricEigen> f = switch (form) {
            case "factored" -> SymmetricEigen::factored;
            case "factoredOverwriting" -> (m, k) -> SymmetricEigen.factoredOverwriting(m.clone(), k);
            default -> SymmetricEigen::withVectors;
        };
        return f.apply(a, n);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void reconstructsTheMatrixWithOrthonormalEigenvectors(String form, String name, double[] a) {
        int n = (int) Math.round(Math.sqrt(a.length));
        double[] before = a.clone();
        SymmetricEigen e = decompose(form, a, n);
        assertThat(a).as("input untouched").isEqualTo(before);
        double scale = frobenius(a);
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            v[i] = e.vector(i);
            if (i > 0) assertThat(e.values[i]).as("increasing").isGreaterThanOrEqualTo(e.values[i - 1]);
            // H v = lambda v
            double r = 0;
            for (int row = 0; row < n; row++) {
                double hv = 0;
                for (int c = 0; c < n; c++) hv += a[row * n + c] * v[i][c];
                r += sq(hv - e.values[i] * v[i][row]);
            }
            Approx.assertAbsolute(
                    0,
                    Math.sqrt(r) / scale,
                    Approx.RECONSTRUCTION,
                    name + ": ||H v - lambda v|| / ||H||_F for i = " + i);
        }
        for (int p = 0; p < n; p++) {
            for (int q = 0; q <= p; q++) {
                Approx.assertAbsolute(
                        p == q ? 1 : 0, dot(v[p], v[q]), Approx.RECONSTRUCTION, name + ": v_" + p + " . v_" + q);
            }
        }
        double err = 0;
        for (int row = 0; row < n; row++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += v[i][row] * e.values[i] * v[i][c];
                err += sq(s - a[row * n + c]);
            }
        }
        Approx.assertAbsolute(
                0, Math.sqrt(err) / scale, Approx.RECONSTRUCTION, name + ": ||V Lambda V^T - H||_F / ||H||_F");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void projectionsAreTheCoordinatesInTheEigenbasis(String form, String name, double[] a) {
        int n = (int) Math.round(Math.sqrt(a.length));
        SymmetricEigen e = decompose(form, a, n);
        double[] y = new Random(7).doubles(n, -1, 1).toArray();
        double[] yBefore = y.clone();
        double[] p = e.project(y);
        assertThat(y).isEqualTo(yBefore);
        double norm = Math.sqrt(dot(y, y));
        for (int i = 0; i < n; i++) {
            Approx.assertAbsolute(
                    dot(e.vector(i), y) / norm, p[i] / norm, Approx.RECONSTRUCTION, name + ": (V^T y)_" + i);
        }
        // Parseval: the coordinates keep the norm.
        Approx.assertRelative(dot(y, y), dot(p, p), Approx.RECONSTRUCTION, name + ": ||V^T y||^2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void bothFormsGiveTheSameEigenvaluesAsTheValuesOnlyRoute(String form) {
        double[] a = gaussianSymmetric(80, 4, 1.0);
        double[] reference = SymmetricEigen.values(a, 80).values;
        double[] values = decompose(form, a, 80).values;
        double scale = Math.max(Math.abs(reference[0]), Math.abs(reference[79]));
        for (int i = 0; i < 80; i++) {
            Approx.assertAbsolute(reference[i] / scale, values[i] / scale, Approx.RECONSTRUCTION, "lambda_" + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void emptyMatrixAndBadInput(String form) {
        SymmetricEigen empty = decompose(form, new double[0], 0);
        assertThat(empty.values).isEmpty();
        assertThat(empty.project(new double[0])).isEmpty();
        assertThatThrownBy(() -> decompose(form, new double[] {1, Double.NaN, Double.NaN, 1}, 2))
                .hasMessageContaining("non-finite");
        assertThatThrownBy(() -> decompose(form, new double[3], 2)).hasMessageContaining("found n = 2 and 3 entries");
        SymmetricEigen e = decompose(form, identity(3, 2.0), 3);
        assertThatThrownBy(() -> e.project(new double[2])).hasMessageContaining("expected 3 entries, found 2");
        assertThatThrownBy(() -> SymmetricEigen.values(identity(3, 1.0), 3).project(new double[3]))
                .hasMessageContaining("no eigenvectors");
    }

    static Stream<Arguments> projectingCases() {
        return withMatrices("default", "kd 0", "kd 3", "kd 16");
    }

    /**
     * {@link SymmetricEigen#projecting}: the eigenvalues of the explicit form, and coordinates equal to the explicit
     * {@code V^T y} cluster by cluster (only the sum of squares is fixed within a cluster of equal eigenvalues), with
     * {@code sum_i lambda_i p_i^2 = y^T H y}.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("projectingCases")
    void projectingGivesTheCoordinatesOfTheGivenVectors(String reduction, String name, double[] a) {
        int n = (int) Math.round(Math.sqrt(a.length));
        double[] y1 = new Random(7).doubles(n, -1, 1).toArray(),
                y2 = new Random(8).doubles(n, -1, 1).toArray();
        double[] before = a.clone(), y1Before = y1.clone();
        SymmetricEigen e = reduction.equals("default")
                ? SymmetricEigen.projecting(a, n, y1, y2)
                : SymmetricEigen.projectingOverwriting(
                        a.clone(), n, Integer.parseInt(reduction.split(" ")[1]), y1, y2);
        assertThat(a).isEqualTo(before);
        assertThat(y1).isEqualTo(y1Before);
        assertThat(e.hasVectors()).isFalse();
        SymmetricEigen explicit = SymmetricEigen.withVectors(a, n);
        double scale = Math.max(Math.abs(explicit.values[0]), Math.abs(explicit.values[n - 1]));
        for (int i = 0; i < n; i++) {
            Approx.assertAbsolute(
                    explicit.values[i] / scale, e.values[i] / scale, Approx.RECONSTRUCTION, name + ": lambda_" + i);
        }
        double[][] ys = {y1, y2};
        for (int q = 0; q < 2; q++) {
            double[] p = e.projection(q), ref = explicit.project(ys[q]);
            double yy = dot(ys[q], ys[q]);
            for (int start = 0; start < n; ) {
                int end = start + 1;
                while (end < n && explicit.values[end] - explicit.values[end - 1] <= 1e-9 * scale) end++;
                double ours = 0, theirs = 0;
                for (int i = start; i < end; i++) {
                    ours += p[i] * p[i];
                    theirs += ref[i] * ref[i];
                }
                // A cluster's coordinates are fixed to about eps ||T|| / (its distance to the other eigenvalues).
                double gap = Math.min(
                        start > 0 ? explicit.values[start] - explicit.values[start - 1] : Double.POSITIVE_INFINITY,
                        end < n ? explicit.values[end] - explicit.values[end - 1] : Double.POSITIVE_INFINITY);
                double tol = Math.max(1e-10, 1e-12 * scale / gap);
                Approx.assertAbsolute(
                        theirs / yy,
                        ours / yy,
                        tol,
                        name + ": sum of p_i^2 over eigenvalues " + start + ".." + (end - 1));
                start = end;
            }
            double rayleigh = 0, yHy = 0;
            for (int i = 0; i < n; i++) rayleigh += e.values[i] / scale * p[i] * p[i];
            for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) yHy += ys[q][r] * (a[r * n + c] / scale) * ys[q][c];
            Approx.assertAbsolute(yHy / yy, rayleigh / yy, 1e-11, name + ": sum lambda_i p_i^2 = y^T H y");
        }
    }

    @org.junit.jupiter.api.Test
    void projectingRefusesBadVectorsAndHasNoEigenvectors() {
        double[] a = identity(3, 2.0);
        assertThatThrownBy(() -> SymmetricEigen.projecting(a, 3, new double[2]))
                .hasMessageContaining("expected vectors of 3 entries, found 2");
        assertThatThrownBy(() -> SymmetricEigen.projecting(a, 3, new double[] {1, Double.NaN, 0}))
                .hasMessageContaining("non-finite");
        SymmetricEigen e = SymmetricEigen.projecting(a, 3, new double[] {1, 2, 3});
        assertThatThrownBy(() -> e.project(new double[3])).hasMessageContaining("no eigenvectors");
        assertThatThrownBy(() -> e.vector(0)).hasMessageContaining("no eigenvectors");
        assertThatThrownBy(() -> SymmetricEigen.factored(a, 3).projection(0))
                .hasMessageContaining("only SymmetricEigen.projecting");
        assertThat(SymmetricEigen.projecting(new double[0], 0, new double[0]).projection(0))
                .isEmpty();
    }

    static Stream<String> forms() {
        return Stream.of(FORMS);
    }

    private static double[] gaussianSymmetric(int n, long seed, double scale) {
        Random r = new Random(seed);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * n + j] = a[j * n + i] = scale * r.nextGaussian();
            }
        }
        return a;
    }

    private static double[] identity(int n, double value) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) a[i * n + i] = value;
        return a;
    }

    private static double[] rankOne(int n) {
        double[] u = new Random(5).doubles(n, -1, 1).toArray();
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i * n + j] = u[i] * u[j];
        return a;
    }

    /** Q diag(1, 1 + 1e-13, 1 + 2e-13, ..., 2, 3, ...) Q^T: a tight cluster, where MRRR works hardest. */
    private static double[] clustered(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i < n / 2 ? 1 + i * 1e-13 : 1 + (i - n / 2 + 1);
        double[] q = gaussianSymmetric(n, 6, 1.0);
        SymmetricEigen basis = SymmetricEigen.withVectors(q, n);
        double[] a = new double[n * n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) a[i * n + j] += basis.vectors[k * n + i] * d[k] * basis.vectors[k * n + j];
            }
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
        return a;
    }

    private static double frobenius(double[] a) {
        return Math.max(Math.sqrt(dot(a, a)), Double.MIN_NORMAL);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    private static double sq(double x) {
        return x * x;
    }
}
