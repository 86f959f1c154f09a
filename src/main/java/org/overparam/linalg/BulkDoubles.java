package org.overparam.linalg;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Objects;

/**
 * A double array that Java serialization writes as raw bytes in one bulk copy ({@link BulkArrays}) instead of element
 * by element: the holder for every large array that crosses the network or Spark's block store (gradients, weights,
 * samples, matrix sums). Two fields holding the same holder come back as one array, as Java serialization keeps an
 * object's identity within a stream. The array is shared, not copied.
 */
public final class BulkDoubles implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient double[] values;

    public BulkDoubles(double[] values) {
        this.values = Objects.requireNonNull(values, "values");
    }

    /** A holder of {@code values}, or null for null. */
    public static BulkDoubles ofNullable(double[] values) {
        return values == null ? null : new BulkDoubles(values);
    }

    /** The array a holder holds, or null for a null holder. */
    public static double[] valuesOf(BulkDoubles holder) {
        return holder == null ? null : holder.values;
    }

    /** The array itself. */
    public double[] values() {
        return values;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        BulkArrays.write(out, values);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        values = BulkArrays.read(in);
    }
}
