package org.overparam.model;

import java.io.Serializable;
import org.overparam.linalg.BulkDoubles;

/**
 * The n training samples as every block of hidden units reads them: X (n x d, row-major, float64) and the labels y.
 * Shipped once to each executor; the float32 copy of X that {@link Precision#FLOAT32} GEMMs read is made there, on
 * first use, and shared by the executor's tasks. Memory: {@code 8 n d} bytes, plus {@code 4 n d} for the float32 copy.
 */
public final class TrainingSet implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int n;
    public final int d;
    private final BulkDoubles x;
    private final double[] y;
    private transient volatile float[] x32;
    private transient volatile double[] kernel;
    private transient volatile float[] kernel32;
    private transient volatile int[] activeColumns;
    private transient volatile Active active;
    private transient volatile float[] activeX32;

    public TrainingSet(int n, int d, double[] x, double[] y) {
        if (n < 1 || d < 1 || x.length != (long) n * d || y.length != n) {
            throw new IllegalArgumentException("TrainingSet: expected n, d >= 1, n*d features and n labels; found n="
                    + n + ", d=" + d + ", " + x.length + " features, " + y.length + " labels");
        }
        this.n = n;
        this.d = d;
        this.x = new BulkDoubles(x);
        this.y = y;
    }

    /** The same samples with other labels (X shared). */
    public TrainingSet withLabels(double[] labels) {
        return new TrainingSet(n, d, x(), labels);
    }

    /** X, n x d row-major; not to be modified. */
    public double[] x() {
        return x.values();
    }

    /** y, n labels; not to be modified. */
    public double[] y() {
        return y;
    }

    /** X in float32, made once per JVM that reads it. */
    public float[] x32() {
        float[] f = x32;
        if (f == null) {
            synchronized (this) {
                f = x32;
                if (f == null) {
                    double[] values = x();
                    f = new float[values.length];
                    for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
                    x32 = f;
                }
            }
        }
        return f;
    }

    /** {@code K = X X^T} (n x n, row-major, exactly symmetric), made once per JVM that reads it: {@code 2 n^2 d} flops, {@code 8 n^2} bytes. */
    public double[] kernel() {
        double[] k = kernel;
        if (k == null) {
            synchronized (this) {
                k = kernel;
                if (k == null) {
                    k = new double[Math.multiplyExact(n, n)];
                    org.overparam.linalg.Gemm.abt(x(), 0, n, x(), 0, n, d, k);
                    // dgemm does not promise a bitwise symmetric product: the lower triangle is the upper's mirror.
                    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) k[j * n + i] = k[i * n + j];
                    kernel = k;
                }
            }
        }
        return k;
    }

    /** {@link #kernel()} in float32, made once per JVM that reads it. */
    public float[] kernel32() {
        float[] f = kernel32;
        if (f == null) {
            synchronized (this) {
                f = kernel32;
                if (f == null) {
                    double[] k = kernel();
                    f = new float[k.length];
                    for (int i = 0; i < f.length; i++) f[i] = (float) k[i];
                    kernel32 = f;
                }
            }
        }
        return f;
    }

    /**
     * X restricted to its active columns, those where some sample is nonzero ({@code columns}, ascending; null when
     * every column is active, and then {@code x} is X itself): {@code x} is n x d' row-major, d' = {@code d}.
     */
    public record Active(int[] columns, double[] x, int d) {}

    /**
     * The active columns of X (ascending), or null when every column is active; one pass over X, made once per JVM.
     * A weight on a column where every sample is zero gets no gradient and adds nothing to {@code w . x_i}, so gradient
     * descent on the training set can run on the active columns alone (MNIST's border pixels are zero in every image
     * of a small class subset).
     */
    public int[] activeColumns() {
        int[] c = activeColumns;
        if (c == null) {
            synchronized (this) {
                c = activeColumns;
                if (c == null) {
                    c = nonzeroColumns(x(), n, d);
                    activeColumns = c;
                }
            }
        }
        return c.length == d ? null : c;
    }

    /** d', the number of {@link #activeColumns} (d when every column is active). */
    public int activeD() {
        int[] c = activeColumns();
        return c == null ? d : c.length;
    }

    /** X restricted to {@link #activeColumns}, made once per JVM that reads it ({@code 8 n d'} bytes). */
    public Active active() {
        Active a = active;
        if (a == null) {
            synchronized (this) {
                a = active;
                if (a == null) {
                    int[] columns = activeColumns();
                    a = columns == null ? new Active(null, x(), d) : restrict(x(), n, d, columns);
                    active = a;
                }
            }
        }
        return a;
    }

    /** {@link #active()}'s X in float32, made once per JVM that reads it. */
    public float[] activeX32() {
        Active a = active();
        if (a.columns() == null) return x32();
        float[] f = activeX32;
        if (f == null) {
            synchronized (this) {
                f = activeX32;
                if (f == null) {
                    f = new float[a.x().length];
                    for (int i = 0; i < f.length; i++) f[i] = (float) a.x()[i];
                    activeX32 = f;
                }
            }
        }
        return f;
    }

    /** Bytes of the restricted copy of X that {@link #active()} makes (0 when every column is active). */
    public long activeCopyBytes(Precision precision) {
        int[] columns = activeColumns();
        return columns == null ? 0 : (long) n * columns.length * (precision == Precision.FLOAT32 ? 12 : 8);
    }

    private static int[] nonzeroColumns(double[] x, int n, int d) {
        boolean[] nonzero = new boolean[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0, off = i * d; j < d; j++) if (x[off + j] != 0) nonzero[j] = true;
        }
        int count = 0;
        for (boolean b : nonzero) if (b) count++;
        int[] columns = new int[count == 0 ? d : count]; // all zero: nothing to restrict to
        for (int j = 0, c = 0; j < d; j++) if (nonzero[j] || count == 0) columns[c++] = j;
        return columns;
    }

    private static Active restrict(double[] x, int n, int d, int[] columns) {
        int active = columns.length;
        double[] restricted = new double[Math.multiplyExact(n, active)];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < active; c++) restricted[i * active + c] = x[i * d + columns[c]];
        }
        return new Active(columns, restricted, active);
    }

    /** Bytes this set takes in an executor's memory at the given precision. */
    public static long bytes(long n, long d, Precision precision) {
        return n * d * (precision == Precision.FLOAT32 ? 12 : 8) + 8 * n;
    }
}
