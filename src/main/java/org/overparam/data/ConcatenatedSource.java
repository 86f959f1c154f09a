package org.overparam.data;

import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;

/**
 * Two file sources read as one ({@code data.split = all}: the training files, then the test files): source ids
 * {@code 0 .. a - 1} are the first source's records, {@code a ..} the second's, numbered on in file order.
 */
final class ConcatenatedSource extends FileSource {
    private static final long serialVersionUID = 1L;
    private final FileSource first;
    private final FileSource second;
    private int firstRecords = -1;
    private int d;

    ConcatenatedSource(FileSource first, FileSource second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public Scan scan(Configuration conf) {
        Scan a = first.scan(conf), b = second.scan(conf);
        if (a.d() != b.d()) {
            throw new UserError(
                    "data.split = all: the training records have " + a.d() + " values each but the test records "
                            + b.d() + " (" + first.describe() + "; " + second.describe() + ").");
        }
        byte[] classes = new byte[a.records() + b.records()];
        System.arraycopy(a.classes(), 0, classes, 0, a.records());
        System.arraycopy(b.classes(), 0, classes, a.records(), b.records());
        firstRecords = a.records();
        d = a.d();
        return new Scan(a.d(), classes);
    }

    @Override
    public void read(Configuration conf, long[] ids, double[] out) {
        if (firstRecords < 0) throw new IllegalStateException("ConcatenatedSource.read before scan");
        int split = 0;
        while (split < ids.length && ids[split] < firstRecords) split++;
        if (split > 0) {
            double[] part = split == ids.length ? out : new double[split * d];
            first.read(conf, java.util.Arrays.copyOf(ids, split), part);
            if (part != out) System.arraycopy(part, 0, out, 0, split * d);
        }
        if (split < ids.length) {
            long[] rest = new long[ids.length - split];
            for (int i = 0; i < rest.length; i++) rest[i] = ids[split + i] - firstRecords;
            double[] part = split == 0 ? out : new double[rest.length * d];
            second.read(conf, rest, part);
            if (part != out) System.arraycopy(part, 0, out, split * d, rest.length * d);
        }
    }

    @Override
    public String describe() {
        return first.describe() + " + " + second.describe();
    }
}
