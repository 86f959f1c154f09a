package org.overparam.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;

/**
 * MNIST and Fashion-MNIST in LeCun's IDX format, gzip-compressed or raw: an images file (magic 0x00000803, count, rows,
 * columns, then one unsigned byte per pixel, row-major) and a labels file (magic 0x00000801, count, then one byte per
 * label), all header integers 32-bit big-endian. See http://yann.lecun.com/exdb/mnist/.
 */
public final class IdxSource extends FileSource {
    private static final long serialVersionUID = 1L;
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private final String images;
    private final String labels;

    public IdxSource(String images, String labels) {
        this.images = images;
        this.labels = labels;
    }

    static IdxSource find(DataSpec spec, Configuration conf) throws IOException {
        String prefix = spec.test ? "t10k" : "train";
        String images = findOne(
                conf,
                spec,
                Pattern.compile(Pattern.quote(prefix) + "-images[-.]idx3-ubyte(\\.gz)?"),
                prefix + "-images-idx3-ubyte[.gz]");
        String labels = findOne(
                conf,
                spec,
                Pattern.compile(Pattern.quote(prefix) + "-labels[-.]idx1-ubyte(\\.gz)?"),
                prefix + "-labels-idx1-ubyte[.gz]");
        return new IdxSource(images, labels);
    }

    private static String findOne(Configuration conf, DataSpec spec, Pattern pattern, String expected)
            throws IOException {
        List<String> found = HadoopFiles.list(conf, spec.path, pattern);
        if (found.isEmpty()) {
            throw new UserError("data.path '" + spec.path + "' holds no " + expected + " file: expected the official "
                    + spec.source.id + " files (" + expected + ") for split " + spec.split() + ".");
        }
        if (found.size() > 1) {
            throw new UserError(
                    "data.path '" + spec.path + "' holds more than one " + expected + " file: " + found + ".");
        }
        return found.get(0);
    }

    @Override
    public Scan scan(Configuration conf) {
        byte[] classes = readLabels(conf);
        int[] header = readImageHeader(conf, true);
        if (header[0] != classes.length) {
            throw new UserError("Image and label counts differ: '" + images + "' holds " + header[0] + " images but '"
                    + labels + "' holds " + classes.length + " labels.");
        }
        return new Scan(header[1] * header[2], classes);
    }

    private byte[] readLabels(Configuration conf) {
        try (HadoopFiles.Opened f = HadoopFiles.open(conf, labels)) {
            DataInputStream in = new DataInputStream(f.in());
            byte[] head = new byte[8];
            HadoopFiles.readFully(in, head, 0, 8, labels, "the IDX header");
            int magic = beInt(head, 0);
            if (magic != LABELS_MAGIC) {
                throw new UserError(
                        "File '" + labels + "' is not an IDX label file: expected magic 0x00000801, found 0x"
                                + String.format("%08x", magic) + ".");
            }
            int count = beInt(head, 4);
            if (count < 0)
                throw new UserError("File '" + labels + "': negative label count " + count + " in the header.");
            byte[] classes = new byte[count];
            HadoopFiles.readFully(in, classes, 0, count, labels, count + " labels announced by the header");
            long extra = HadoopFiles.drain(in, labels);
            if (extra != 0) {
                throw new UserError("File '" + labels + "': the header announces " + count + " labels (" + (8L + count)
                        + " bytes) but the file holds " + (8L + count + extra) + " bytes.");
            }
            for (int i = 0; i < count; i++) {
                if (classes[i] < 0 || classes[i] > 9) {
                    throw new UserError(
                            "File '" + labels + "': label " + i + " is " + (classes[i] & 0xFF) + ", expected 0..9.");
                }
            }
            return classes;
        } catch (IOException e) {
            throw ioError(labels, e);
        }
    }

    /** {count, rows, cols}; with {@code validateLength} the whole file is checked against the header. */
    private int[] readImageHeader(Configuration conf, boolean validateLength) {
        try (HadoopFiles.Opened f = HadoopFiles.open(conf, images)) {
            byte[] head = new byte[16];
            HadoopFiles.readFully(f.in(), head, 0, 16, images, "the IDX header");
            int magic = beInt(head, 0);
            if (magic != IMAGES_MAGIC) {
                throw new UserError(
                        "File '" + images + "' is not an IDX image file: expected magic 0x00000803, found 0x"
                                + String.format("%08x", magic) + ".");
            }
            int count = beInt(head, 4), rows = beInt(head, 8), cols = beInt(head, 12);
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new UserError("File '" + images + "': bad header sizes (count " + count + ", rows " + rows
                        + ", columns " + cols + ").");
            }
            if (validateLength) {
                long expected = (long) count * rows * cols;
                long found = HadoopFiles.drain(f.in(), images);
                if (found != expected) {
                    throw new UserError(
                            "File '" + images + "': the header announces " + count + " images of " + rows + "x" + cols
                                    + " (" + (16 + expected) + " bytes) but the " + (f.gzip() ? "decompressed " : "")
                                    + "file holds "
                                    + (16 + found) + " bytes" + (found < expected ? " (truncated)." : "."));
                }
            }
            return new int[] {count, rows, cols};
        } catch (IOException e) {
            throw ioError(images, e);
        }
    }

    @Override
    public void read(Configuration conf, long[] ids, double[] out) {
        int[] header = readImageHeader(conf, false);
        int d = header[1] * header[2];
        RecordFile.read(conf, images, 16, d, ids, (k, buf, off) -> {
            int o = k * d;
            for (int j = 0; j < d; j++) out[o + j] = (buf[off + j] & 0xFF) / 255.0;
        });
    }

    @Override
    public String describe() {
        return "IDX images " + images + ", labels " + labels;
    }

    static int beInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
