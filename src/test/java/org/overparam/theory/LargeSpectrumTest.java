package org.overparam.theory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.overparam.data.DataPlan;
import org.overparam.data.SampleBlock;
import org.overparam.kernel.InnerProductKernel;
import org.overparam.linalg.ArpackEigen;
import org.overparam.linalg.ConjugateGradient;
import org.overparam.linalg.GaussQuadrature;
import org.overparam.linalg.Lanczos;
import org.overparam.linalg.Lobpcg;
import org.overparam.linalg.NystromPreconditioner;
import org.overparam.linalg.SpectralDensity;
import org.overparam.linalg.SymmetricEigen;
import org.overparam.linalg.SymmetricOperator;
import org.overparam.testing.Approx;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * The large-n path (Lanczos quadrature, ARPACK, LOBPCG, Nystrom-preconditioned CG, stochastic Lanczos quadrature) on
 * Hinf of MNIST 0/1 (n = 600), through the operator interface only, against the dense path ({@link SymmetricEigen},
 * {@link LabelSpectrum}, {@link ComplexityMeasure}) on the same matrix, with the tolerances of {@link org.overparam.testing.Approx} (LANCZOS_*).
 */
class LargeSpectrumTest {
    static final int N = 600;
    static final int STEPS = 200;
    static final double ETA = 1e-3;
    static int n;
    static double[] h;
    static double[] y;
    static SymmetricEigen dense;
    static SymmetricOperator op;
    static int[] applications = new int[1];

    @BeforeAll
    static void load() {
        DataPlan plan = DataPlan.build(
                Settings.data(
                        "data.source=mnist",
                        "data.path=" + TestData.mnist().toUri(),
                        "data.classes=[0,1]",
                        "data.n=" + N),
                new Configuration(),
                1);
        n = plan.n;
        int d = plan.d;
        double[] x = new double[n * d];
        y = new double[n];
        for (SampleBlock b : plan.reader.read(plan.blocks, d)) {
            System.arraycopy(b.x, 0, x, (int) b.rowStart * d, b.rows * d);
            System.arraycopy(b.y, 0, y, (int) b.rowStart, b.rows);
        }
        h = InnerProductKernel.RELU_NTK.tile(x, 0, n, x, 0, n, d, true);
        dense = SymmetricEigen.factored(h, n);
        SymmetricOperator inner = SymmetricOperator.dense(h, n);
        op = new SymmetricOperator() {
            @Override
            public int n() {
                return n;
            }

            @Override
            public void apply(double[] in, double[] out, int b) {
                applications[0]++;
                inner.apply(in, out, b);
            }
        };
    }

    @Test
    void lanczosQuadratureGivesThePredictedLossAtEveryKWithinOnePartInAThousand() {
        LabelSpectrum exact = LabelSpectrum.of(dense, y);
        double[] worst = WorstCaseLabels.likeLabels(dense, y);
        double[] random = new double[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        for (int i = 0; i < n; i++) random[i] = rng.nextBoolean() ? 1 : -1;
        List<Lanczos.Run> runs = Lanczos.run(op, new double[][] {y, random, worst}, STEPS, null);
        double[][] vectors = {y, random, worst};
        String[] names = {"true", "random", "worst"};
        for (int v = 0; v < 3; v++) {
            LabelSpectrum ref = LabelSpectrum.of(dense, vectors[v]);
            LanczosLabelSpectrum approx = new LanczosLabelSpectrum(runs.get(v));
            for (long k : LabelSpectrum.logGrid(100_000, 40)) {
                double want = ref.predictedLoss(ETA, k), got = approx.predictedLoss(ETA, k);
                Approx.assertRelative(
                        want, got, Approx.LANCZOS_PREDICTED_LOSS, names[v] + " labels, predicted loss at k = " + k);
                // The error estimate is an honest upper bound here (it over-estimates by construction).
                assertThat(Math.abs(got - want))
                        .as(names[v] + " error estimate at k = " + k)
                        .isLessThanOrEqualTo(
                                Math.max(approx.predictedLossError(ETA, k) * 10, Approx.SPECTRAL_FORMULA * want));
            }
        }
        // Shares of ||y||^2 at or below lambda lie inside the Chebyshev-Markov-Stieltjes bracket.
        LanczosLabelSpectrum approx = new LanczosLabelSpectrum(runs.get(0));
        double[] lambda = exact.eigenvalues();
        double[] cum = exact.cumulativeShare();
        for (int i = 1; i < n; i += 37) {
            double below = 1 - cum[i - 1];
            double[] s = approx.shareAtOrBelow(lambda[i]);
            assertThat(below)
                    .as("share at or below lambda_" + i)
                    .isBetween(s[1] - Approx.SUMMATION, s[2] + Approx.SUMMATION);
        }
    }

    @Test
    void arpackFindsTheTopEigenpairsAndLobpcgTheBottomOne() {
        ArpackEigen.Result top = ArpackEigen.largest(op, 5, 1e-10, 300);
        for (int i = 0; i < 5; i++) {
            Approx.assertRelative(
                    dense.values[n - 1 - i], top.values()[i], Approx.LANCZOS_LAMBDA_MAX, "lambda_" + (i + 1));
            assertThat(top.residuals()[i]).isLessThan(1e-8 * top.values()[0]);
        }
        NystromPreconditioner p = NystromPreconditioner.build(op, 60, 3);
        Lobpcg.Result single = Lobpcg.smallest(op, p::apply, Lobpcg.Options.of(1, 1e-5, 2000, 5), null);
        Lobpcg.Result bottom = Lobpcg.smallest(op, p::apply, Lobpcg.Options.of(8, 1e-5, 2000, 5), null);
        assertThat(single.converged()).isTrue();
        assertThat(bottom.converged()).isTrue();
        Approx.assertRelative(
                dense.min(), single.value(), Approx.LANCZOS_LAMBDA_MIN, "lambda_min by LOBPCG, one vector");
        assertThat(bottom.iterations())
                .as("a block of 8 needs fewer passes than one vector")
                .isLessThan(single.iterations());
        Approx.assertRelative(
                dense.min(),
                bottom.value(),
                Approx.LANCZOS_LAMBDA_MIN,
                "lambda_min by LOBPCG, " + bottom.iterations() + " iterations");
        // Stopping on the Kato-Temple estimate of the value's error (residual criterion off) takes fewer iterations and
        // still gives lambda_min to the estimate's tolerance.
        Lobpcg.Result byValue = Lobpcg.smallest(
                op, p::apply, Lobpcg.Options.of(8, 1e-14, 2000, 5).valueTolerance(1e-6), null);
        assertThat(byValue.converged()).isTrue();
        assertThat(byValue.valueErrorEstimate()).isLessThanOrEqualTo(1e-6);
        assertThat(byValue.iterations())
                .as("value estimate against residual 1e-5")
                .isLessThan(bottom.iterations());
        Approx.assertRelative(dense.min(), byValue.value(), 1e-6, "lambda_min by LOBPCG stopped on the value estimate");
        assertThat(byValue.value())
                .as("a Rayleigh quotient bounds lambda_min from above")
                .isGreaterThanOrEqualTo(dense.min() * (1 - 1e-13));
        // Started from the bottom eigenvectors of the submatrix of the samples with the closest neighbours: the same
        // lambda_min in fewer iterations than from a random block.
        double[] rowMax = new double[n];
        java.util.Arrays.fill(rowMax, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) if (i != j) rowMax[i] = Math.max(rowMax[i], h[i * n + j]);
        int[] rows = org.overparam.linalg.SubsetStart.mostSimilarRows(rowMax, n / 4);
        double[] sub = new double[rows.length * rows.length];
        for (int a = 0; a < rows.length; a++)
            for (int b = 0; b < rows.length; b++) sub[a * rows.length + b] = h[rows[a] * n + rows[b]];
        double[][] start = org.overparam.linalg.SubsetStart.bottomVectors(sub, rows, n, 8);
        Lobpcg.Result random = Lobpcg.smallest(
                op, p::apply, Lobpcg.Options.of(8, 1e-14, 2000, 5).valueTolerance(1e-6), null);
        Lobpcg.Result warm = Lobpcg.smallest(
                op,
                p::apply,
                Lobpcg.Options.of(8, 1e-14, 2000, 5).valueTolerance(1e-6).startingFrom(start),
                null);
        assertThat(warm.converged()).isTrue();
        assertThat(warm.iterations())
                .as("warm start against random (" + random.iterations() + ")")
                .isLessThan(random.iterations());
        Approx.assertRelative(dense.min(), warm.value(), 1e-6, "lambda_min by LOBPCG from the subset start");
        double overlap =
                Math.abs(org.overparam.linalg.NativeLibraries.blas().ddot(n, dense.vector(0), 1, bottom.vector(), 1));
        Approx.assertRelative(1.0, overlap, 1e-3, "|v_min . x|");
    }

    @Test
    void preconditionedConjugateGradientsGiveTheComplexityWithFewerIterations() {
        ComplexityMeasure.Result ref = ComplexityMeasure.byCholesky(h, n, y);
        NystromPreconditioner p = NystromPreconditioner.build(op, 60, 3);
        ConjugateGradient.Solution[] pcg = ConjugateGradient.solve(op, p::apply, new double[][] {y}, 1e-8, 5000, null);
        ConjugateGradient.Solution[] plain = ConjugateGradient.solve(
                op, ConjugateGradient.Preconditioner.IDENTITY, new double[][] {y}, 1e-8, 5000, null);
        assertThat(pcg[0].converged()).isTrue();
        assertThat(pcg[0].relativeResidual()).isLessThan(1e-7);
        double complexity = Math.sqrt(2 * pcg[0].quadraticForm() / n);
        Approx.assertRelative(
                ref.complexity(),
                complexity,
                Approx.LANCZOS_COMPLEXITY,
                "complexity by PCG (" + pcg[0].iterations() + " iterations)");
        assertThat(pcg[0].relativeQuadraticFormError(dense.min())).isLessThan(Approx.LANCZOS_COMPLEXITY);
        assertThat(pcg[0].iterations())
                .as("the Nystrom preconditioner cuts the iterations")
                .isLessThan(plain[0].iterations() / 2);
    }

    @Test
    void stochasticLanczosQuadratureMatchesTheEigenvalueDistribution() {
        double[][] z = SpectralDensity.probes(n, 20, 11);
        ArpackEigen.Result top = ArpackEigen.largest(op, 10, 1e-10, 300);
        SpectralDensity.deflate(z, top.vectors());
        List<GaussQuadrature> qs = new ArrayList<>();
        for (Lanczos.Run r : Lanczos.run(op, z, 80, null)) qs.add(r.quadrature());
        SpectralDensity density = SpectralDensity.of(n, qs, top.values());
        List<GaussQuadrature> plain = new ArrayList<>();
        for (Lanczos.Run r : Lanczos.run(op, SpectralDensity.probes(n, 20, 11), 80, null)) plain.add(r.quadrature());
        assertThat(density.wasserstein1(dense.values))
                .as("deflating the top 10 eigenvalues helps")
                .isLessThan(SpectralDensity.of(n, plain).wasserstein1(dense.values) / 3);
        double w1 = density.wasserstein1(dense.values);
        Approx.assertAbsolute(0, w1 / 0.5, Approx.SLQ_WASSERSTEIN, "W1(SLQ, eigenvalues) / mean eigenvalue (1/2)");
        // The histogram's total is n (all mass inside the edges), and each probe has total mass 1.
        double[] range = density.range();
        double[] edges = SpectralDensity.logEdges(
                Math.min(range[0], dense.min()) * 0.99, Math.max(range[1], dense.max()) * 1.01, 30);
        double total = 0;
        for (double[] bin : density.histogram(edges)) total += bin[0];
        Approx.assertRelative(n, total, Approx.SUMMATION, "histogram total");
    }

    @Test
    void aKrylovSpaceThatBecomesInvariantGivesAnExactQuadrature() {
        // A start with only 3 eigen-components: Lanczos stops after 3 steps and reproduces them.
        double[] u = new double[n];
        for (int i : new int[] {0, 100, n - 1}) {
            double[] v = dense.vector(i);
            for (int j = 0; j < n; j++) u[j] += v[j];
        }
        Lanczos.Run run = Lanczos.run(op, new double[][] {u}, 50, null).get(0);
        assertThat(run.invariant())
                .as("invariant; beta = " + Arrays.toString(run.beta()) + ", alpha = " + Arrays.toString(run.alpha()))
                .isTrue();
        assertThat(run.steps()).isEqualTo(3);
        double[] nodes = run.quadrature().nodes();
        double[] want = {dense.values[0], dense.values[100], dense.values[n - 1]};
        for (int i = 0; i < 3; i++) Approx.assertRelative(want[i], nodes[i], 1e-9, "node " + i);
        assertThat(Arrays.stream(run.quadrature().weights()).sum())
                .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-12));
    }
}
