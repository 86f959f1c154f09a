package org.overparam.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.overparam.linalg.BulkArrays;

/**
 * Weights as the executors need them for one pass: float64 (bulk-serialized, see {@link BulkArrays}), or only a
 * float32 copy.
 */
final class ShippedWeights implements Serializable {
    private static final long serialVersionUID = 1L;
    transient double[] w;
    final float[] w32;

    ShippedWeights(double[] w, float[] w32) {
        this.w = w;
        this.w32 = w32;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        BulkArrays.write(out, w);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        w = BulkArrays.read(in);
    }
}
