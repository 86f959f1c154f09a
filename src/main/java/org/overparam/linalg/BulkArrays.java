package org.overparam.linalg;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes and reads large double arrays in Java serialization as raw bytes, in chunks of {@value #CHUNK_DOUBLES}
 * doubles, instead of element by element: for gradients and weights that cross the network every iteration.
 * Little-endian on the wire whatever the platform.
 */
public final class BulkArrays {
    static final int CHUNK_DOUBLES = 1 << 17;

    private BulkArrays() {}

    public static void write(ObjectOutputStream out, double[] a) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a == null) return;
        byte[] buf = new byte[8 * Math.min(a.length, CHUNK_DOUBLES)];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK_DOUBLES) {
            int len = Math.min(CHUNK_DOUBLES, a.length - off);
            bb.clear();
            bb.asDoubleBuffer().put(a, off, len);
            out.write(buf, 0, 8 * len);
        }
    }

    public static double[] read(ObjectInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        double[] a = new double[n];
        byte[] buf = new byte[8 * Math.min(n, CHUNK_DOUBLES)];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < n; off += CHUNK_DOUBLES) {
            int len = Math.min(CHUNK_DOUBLES, n - off);
            in.readFully(buf, 0, 8 * len);
            bb.clear();
            bb.asDoubleBuffer().get(a, off, len);
        }
        return a;
    }
}
