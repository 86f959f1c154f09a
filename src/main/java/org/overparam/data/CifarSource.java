package org.overparam.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;

/**
 * CIFAR-10 in its official binary format (cifar-10-batches-bin): headerless files of 3,073-byte records, byte 0 the
 * label (0..9), then 1,024 red, 1,024 green and 1,024 blue bytes, each a 32x32 row-major image
 * (https://www.cs.toronto.edu/~kriz/cifar.html). One or more batch files, gzip-compressed or raw, read in batch order.
 * Features are the 3,072 channel bytes in file order (R plane, G plane, B plane) divided by 255.
 */
public final class CifarSource extends FileSource {
    private static final long serialVersionUID = 1L;
    public static final int RECORD = 3073;
    public static final int D = 3072;
    private static final Pattern TRAIN = Pattern.compile("data_batch_(\\d+)([._].*)?\\.bin(\\.gz)?");
    private static final Pattern TEST = Pattern.compile("test_batch([._].*)?\\.bin(\\.gz)?");

    private final String[] files;
    /** Records per file, known after a scan (null before). */
    private long[] counts;

    public CifarSource(List<String> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("no CIFAR-10 files");
        this.files = files.toArray(new String[0]);
    }

    static CifarSource find(DataSpec spec, Configuration conf) throws IOException {
        Pattern pattern = spec.test ? TEST : TRAIN;
        List<String> found = new ArrayList<>(HadoopFiles.list(conf, spec.path, pattern));
        if (found.size() == 1 && !pattern.matcher(name(found.get(0))).matches()) {
            return new CifarSource(found); // data.path names one file: use it whatever its name
        }
        if (found.isEmpty()) {
            throw new UserError("data.path '" + spec.path + "' holds no CIFAR-10 " + spec.split() + " batch: expected "
                    + (spec.test ? "test_batch.bin[.gz]" : "data_batch_1.bin .. data_batch_5.bin (gzip allowed)")
                    + ", or set data.path to one batch file.");
        }
        if (!spec.test) {
            found.sort((a, b) -> Integer.compare(batchNumber(a), batchNumber(b)));
            for (int i = 1; i < found.size(); i++) {
                if (batchNumber(found.get(i)) == batchNumber(found.get(i - 1))) {
                    throw new UserError("data.path '" + spec.path + "' holds two files for batch "
                            + batchNumber(found.get(i)) + ": " + found.get(i - 1) + " and " + found.get(i) + ".");
                }
            }
        } else if (found.size() > 1) {
            throw new UserError("data.path '" + spec.path + "' holds more than one test batch: " + found + ".");
        }
        return new CifarSource(found);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static int batchNumber(String path) {
        Matcher m = TRAIN.matcher(name(path));
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    @Override
    public Scan scan(Configuration conf) {
        List<byte[]> perFile = new ArrayList<>();
        long[] c = new long[files.length];
        int total = 0;
        for (int f = 0; f < files.length; f++) {
            byte[] labels = scanFile(conf, files[f]);
            perFile.add(labels);
            c[f] = labels.length;
            total += labels.length;
        }
        byte[] classes = new byte[total];
        int at = 0;
        for (byte[] l : perFile) {
            System.arraycopy(l, 0, classes, at, l.length);
            at += l.length;
        }
        counts = c;
        return new Scan(D, classes);
    }

    private static byte[] scanFile(Configuration conf, String file) {
        try (HadoopFiles.Opened f = HadoopFiles.open(conf, file)) {
            java.io.ByteArrayOutputStream labels = new java.io.ByteArrayOutputStream();
            byte[] rec = new byte[RECORD];
            long bytes = 0;
            while (true) {
                int got = 0;
                while (got < RECORD) {
                    int r;
                    try {
                        r = f.in().read(rec, got, RECORD - got);
                    } catch (java.io.EOFException e) {
                        throw new UserError(
                                "File '" + file + "' is truncated or corrupt: its gzip stream ends early after "
                                        + (bytes + got) + " bytes.");
                    }
                    if (r < 0) break;
                    got += r;
                }
                bytes += got;
                if (got == 0) break;
                if (got < RECORD) {
                    throw new UserError("File '" + file + "' is not a CIFAR-10 binary batch: its "
                            + (f.gzip() ? "decompressed " : "")
                            + "length " + bytes + " is not a multiple of " + RECORD
                            + " bytes (1 label byte + 3,072 pixel bytes); "
                            + "the last record has only " + got + " bytes.");
                }
                int label = rec[0] & 0xFF;
                if (label > 9) {
                    throw new UserError("File '" + file + "': record " + (labels.size()) + " has label " + label
                            + ", expected 0..9.");
                }
                labels.write(label);
            }
            if (bytes == 0)
                throw new UserError("File '" + file + "' is empty: expected CIFAR-10 records of " + RECORD + " bytes.");
            return labels.toByteArray();
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    @Override
    public void read(Configuration conf, long[] ids, double[] out) {
        if (counts == null) scan(conf);
        int k0 = 0;
        long first = 0;
        for (int f = 0; f < files.length && k0 < ids.length; f++) {
            long end = first + counts[f];
            int k1 = k0;
            while (k1 < ids.length && ids[k1] < end) k1++;
            long[] local = new long[k1 - k0];
            for (int k = k0; k < k1; k++) local[k - k0] = ids[k] - first;
            final int base = k0;
            RecordFile.read(conf, files[f], 0, RECORD, local, (k, buf, off) -> {
                int o = (base + k) * D;
                for (int j = 0; j < D; j++) out[o + j] = (buf[off + 1 + j] & 0xFF) / 255.0;
            });
            k0 = k1;
            first = end;
        }
        if (k0 < ids.length) throw new IllegalArgumentException("record id " + ids[k0] + " is past the last record");
    }

    @Override
    public String describe() {
        return "CIFAR-10 binary " + String.join(", ", files);
    }
}
