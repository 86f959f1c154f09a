package org.overparam.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.lapack.JavaLAPACK;
import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Locale;
import java.util.Random;
import org.netlib.util.intW;
import org.overparam.linalg.LibraryReport;
import org.overparam.linalg.NativeLibraries;

/**
 * Times DGEMM (n x n times n x n, best of {@code reps}) and DSYEVD (n x n symmetric, eigenvalues and
 * eigenvectors, best of {@code syevdReps}) through one netlib route, for bench/blas.sh.
 *
 * <p>Usage: {@code BlasBench netlib|java n reps syevdReps}. {@code netlib} goes through
 * {@link NativeLibraries} (the route is chosen by -Doverparam.blas as in production); {@code java} uses
 * netlib's pure-Java implementations directly ({@link JavaBLAS#getInstance()},
 * {@link JavaLAPACK#getInstance()}), because netlib 3.0.4 has no setting that forces them.
 *
 * <p>Prints {@code # <description>} lines, then one tab-separated line
 * {@code RESULT label gemmSeconds gemmGflops syevdSeconds} (GFLOP/s = 2 n^3 / t). Each operation is run
 * once untimed at n/10 first, to load libraries, JIT-compile and start BLAS threads. Memory: four
 * n x n double arrays (128 MB at n = 2000).
 */
public final class BlasBench {

    private static final long SEED = 42L;

    private BlasBench() {}

    public static void main(String[] args) {
        if (args.length != 4 || !(args[0].equals("netlib") || args[0].equals("java"))) {
            throw new IllegalArgumentException(
                    "usage: BlasBench netlib|java n reps syevdReps, got " + String.join(" ", args));
        }
        boolean java = args[0].equals("java");
        int n = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        int syevdReps = Integer.parseInt(args[3]);
        BLAS blas;
        LAPACK lapack;
        String label;
        if (java) {
            blas = JavaBLAS.getInstance();
            lapack = JavaLAPACK.getInstance();
            label = "Java fallback (" + blas.getClass().getSimpleName() + " + "
                    + lapack.getClass().getSimpleName() + ")";
        } else {
            blas = NativeLibraries.blas();
            lapack = NativeLibraries.lapack();
            LibraryReport report = NativeLibraries.report();
            System.out.println("# " + report);
            label = "netlib " + report.route().name().toLowerCase(Locale.ROOT) + ": " + describe(report);
        }
        int warm = Math.max(2, n / 10);
        gemmSeconds(blas, warm, 1);
        syevdSeconds(lapack, warm, 1);
        double gemm = gemmSeconds(blas, n, reps);
        double syevd = syevdReps > 0 ? syevdSeconds(lapack, n, syevdReps) : Double.NaN;
        double gflops = 2.0 * n * n * (double) n / gemm / 1e9;
        System.out.printf(Locale.ROOT, "RESULT\t%s\t%.4f\t%.2f\t%.4f%n", label, gemm, gflops, syevd);
    }

    /** E.g. "JNIBLAS, OpenBLAS 0.3.31, 2 threads" (bundled) or "JNIBLAS, libblas.so.3" (system). */
    private static String describe(LibraryReport r) {
        String impl = r.blas().implementation();
        if (r.blas().source().equals(LibraryReport.SOURCE_BUNDLED)
                && !r.openblasConfig().isEmpty()) {
            String[] words = r.openblasConfig().split("\\s+");
            String version = words.length >= 2 ? words[0] + " " + words[1] : r.openblasConfig();
            return impl + ", " + version
                    + (r.openblasThreads() > 0
                            ? ", " + r.openblasThreads() + (r.openblasThreads() == 1 ? " thread" : " threads")
                            : "");
        }
        String lib = r.blas().library();
        return lib.isEmpty() ? impl : impl + ", " + lib.substring(lib.lastIndexOf('/') + 1);
    }

    /** Best wall time of {@code reps} runs of C = A B, n x n. */
    static double gemmSeconds(BLAS blas, int n, int reps) {
        Random rng = new Random(SEED);
        double[] a = gaussian(rng, n * n);
        double[] b = gaussian(rng, n * n);
        double[] c = new double[n * n];
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            blas.dgemm("N", "N", n, n, n, 1.0, a, n, b, n, 0.0, c, n);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Best wall time of {@code reps} DSYEVD("V", "U") runs on a random symmetric n x n matrix. */
    static double syevdSeconds(LAPACK lapack, int n, int reps) {
        Random rng = new Random(SEED + 1);
        double[] g = gaussian(rng, n * n);
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i + j * n] = 0.5 * (g[i + j * n] + g[j + i * n]);
            }
        }
        double[] w = new double[n];
        double[] workQuery = new double[1];
        int[] iworkQuery = new int[1];
        intW info = new intW(0);
        lapack.dsyevd("V", "U", n, s.clone(), n, w, workQuery, -1, iworkQuery, -1, info);
        check(info, "workspace query");
        double[] work = new double[(int) workQuery[0]];
        int[] iwork = new int[iworkQuery[0]];
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < reps; r++) {
            double[] v = s.clone();
            long t0 = System.nanoTime();
            lapack.dsyevd("V", "U", n, v, n, w, work, work.length, iwork, iwork.length, info);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            check(info, "n=" + n);
        }
        return best;
    }

    private static void check(intW info, String what) {
        if (info.val != 0) {
            throw new IllegalStateException("DSYEVD failed (" + what + "): info = " + info.val);
        }
    }

    private static double[] gaussian(Random rng, int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }
}
